import { describe, expect, it } from "vitest";
import { contextFrom } from "../../provider/resource/context";
import type { EngineLog } from "../../provider/resource/engine-log";

/** An engine log that keeps its lines. */
function recording(): EngineLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: () => {},
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warning: ${m}`),
    flush: async () => {},
  };
}

const settings =
  (extra: Record<string, string> = {}) =>
  () => ({
    "gitlab:baseUrl": "https://gitlab.example.com",
    "gitlab:token": "glpat-contextTestToken00001",
    ...extra,
  });

describe("the resource context", () => {
  it("gitlab:insecure true warns once per provider process, when the client is built", () => {
    const log = recording();
    const ctx = contextFrom(settings({ "gitlab:insecure": "true" }), log, {});
    ctx.client();
    ctx.client();
    expect(log.lines).toEqual([
      expect.stringMatching(
        /^warning: gitlab:insecure is true: GitLab's TLS certificate \(https:\/\/gitlab\.example\.com\/api\/v4\) is not verified/,
      ),
    ]);
  });

  it("says nothing without gitlab:insecure", () => {
    const log = recording();
    contextFrom(settings(), log, {}).client();
    expect(log.lines).toEqual([]);
  });

  it.each([
    [{}, {}, true],
    [{ "gitlab:onlineChecks": "false" }, {}, false],
    [{}, { GITLAB_ONLINE_CHECKS: "0" }, false],
    [{ "gitlab:onlineChecks": "true" }, { GITLAB_ONLINE_CHECKS: "false" }, true],
  ])("online checks with config %o and environment %o: %s", (config, env, on) => {
    expect(contextFrom(settings(config), recording(), env).onlineChecks()).toBe(on);
  });
});
