import { describe, expect, it } from "vitest";
import { resetTokenSafely } from "../../provider/runner/reset-token";

const lost = Object.assign(new Error("connection dropped after the request was sent"), {
  outcomeUnknown: true,
});
const refused = Object.assign(new Error("403 Forbidden"), { code: "forbidden", outcomeUnknown: false });

function api(answers: Array<Error | string>) {
  let calls = 0;
  return {
    calls: () => calls,
    resetRunnerToken: async (_id: number) => {
      const next = answers[calls++];
      if (next instanceof Error) throw next;
      return { token: next ?? "none", tokenExpiresAt: null };
    },
  };
}

describe("resetTokenSafely", () => {
  it("returns the first answer it gets", async () => {
    const a = api(["glrt-one"]);
    expect((await resetTokenSafely(a, 7)).token).toBe("glrt-one");
    expect(a.calls()).toBe(1);
  });

  it("resets again when an answer is lost, and keeps the token it received", async () => {
    const a = api([lost, "glrt-two"]);
    expect((await resetTokenSafely(a, 7)).token).toBe("glrt-two");
    expect(a.calls()).toBe(2);
  });

  it("gives up after three lost answers", async () => {
    const a = api([lost, lost, lost, "never"]);
    await expect(resetTokenSafely(a, 7)).rejects.toBe(lost);
    expect(a.calls()).toBe(3);
  });

  it("never repeats a reset GitLab refused", async () => {
    const a = api([refused, "never"]);
    await expect(resetTokenSafely(a, 7)).rejects.toBe(refused);
    expect(a.calls()).toBe(1);
  });
});
