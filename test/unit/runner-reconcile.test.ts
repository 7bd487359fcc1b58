import { describe, expect, it } from "vitest";
import type { RunnerApi } from "../../provider/runner/api";
import { type CreationRequest, findCreatedRunners } from "../../provider/runner/reconcile";

const timeout = Object.assign(new Error("did not complete within the deadline"), { code: "timeout" });
const forbidden = Object.assign(new Error("403 Forbidden"), { code: "forbidden" });

const req: CreationRequest = {
  runnerType: "project_type",
  projectId: 100,
  fields: { description: "build", tagList: ["docker"] },
  startedAt: Date.now(),
};

const ours = {
  id: 9,
  description: "build",
  runnerType: "project_type",
  contactedAt: null,
  createdAt: new Date().toISOString(),
  tagList: ["docker"],
  projects: [{ id: 100, pathWithNamespace: "acme/api" }],
  groups: [],
};

/** A fake transport whose listing answers with the given sequence (an Error is thrown). */
function api(listing: Array<Error | "ok">) {
  let lists = 0;
  const fake = {
    lists: () => lists,
    listProjectRunners: async () => {
      const next = listing[lists++];
      if (next instanceof Error) throw next;
      return [{ id: 9, description: "build", runnerType: "project_type" }];
    },
    getRunner: async () => ours,
  };
  return fake as unknown as RunnerApi & { lists(): number };
}

describe("findCreatedRunners (reconciling a creation whose answer was lost)", () => {
  it("looks again when the look-up fails for a transient reason", async () => {
    const fake = api([timeout, "ok"]);
    const found = await findCreatedRunners(fake, req, 1);
    expect(found.map((r) => r.id)).toEqual([9]);
    expect(fake.lists()).toBe(2);
  });

  it("stops after three rounds and says nothing was posted again", async () => {
    const fake = api([timeout, timeout, timeout, "ok"]);
    await expect(findCreatedRunners(fake, req, 1)).rejects.toThrow(/Nothing was posted again/);
    expect(fake.lists()).toBe(3);
  });

  it("does not look again after a refusal that will not change", async () => {
    const fake = api([forbidden, "ok"]);
    await expect(findCreatedRunners(fake, req, 1)).rejects.toThrow(/listing runners failed/);
    expect(fake.lists()).toBe(1);
  });
});
