import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
} from "../../emulator/index";
import { GitLabError } from "../../provider/gitlab/index";
import { type CapturedLogs, clientFor, startGitLab } from "../support/gitlab-harness";

const { projects, runners } = FIXTURE_IDS;

let gitlab: RunningEmulator;
beforeAll(async () => {
  gitlab = await startGitLab("17.11");
});
afterAll(async () => {
  await gitlab.stop();
});

/** Every text a user or a log could see from an error. */
function errorTexts(error: unknown): string[] {
  const texts = [String(error), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)];
  if (error instanceof Error) {
    texts.push(error.message, error.stack ?? "");
    const cause = error.cause;
    if (cause !== undefined)
      texts.push(String(cause), inspect(cause, { depth: 10 }), (cause as Error).stack ?? "");
  }
  return texts;
}

describe("no token in any log line, error message, cause or stack", () => {
  it("holds across successes, failures and every fault", async () => {
    const secrets = new Set<string>([
      ...Object.values(FIXTURE_TOKENS),
      ...Object.values(FIXTURE_REGISTRATION_TOKENS),
      ...Object.values(FIXTURE_RUNNER_TOKENS),
      "glrt-notARealRunnerToken42",
      "GR1348941notARealRegToken9",
    ]);
    const logs: CapturedLogs[] = [];
    const errors: unknown[] = [];
    const attempt = async (work: Promise<unknown>): Promise<unknown> => {
      try {
        return await work;
      } catch (error) {
        errors.push(error);
        return undefined;
      }
    };
    const make = (token: string, overrides = {}) => {
      const made = clientFor(gitlab, token, overrides);
      logs.push(made.logs);
      return made.client;
    };

    const admin = make(FIXTURE_TOKENS.admin);
    const created = await admin.createUserRunner({
      runnerType: "project_type",
      projectId: projects.api,
      description: "secret test",
    });
    secrets.add(created.token);
    const registered = await admin.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.group,
      description: "reg",
    });
    secrets.add(registered.token);
    const reset = await admin.resetRunnerToken(created.id);
    secrets.add(reset.token);
    const resetAgain = await admin.resetRunnerTokenByToken(reset.token);
    secrets.add(resetAgain.token);
    await admin.verifyRunner(resetAgain.token, "s_redaction");

    // Failures of every kind, with every kind of token in play.
    for (const token of [
      FIXTURE_TOKENS.expired,
      FIXTURE_TOKENS.revoked,
      FIXTURE_TOKENS.readApi,
      FIXTURE_TOKENS.developer,
      FIXTURE_TOKENS.guest,
    ]) {
      const client = make(token);
      await attempt(client.getRunner(runners.project));
      await attempt(client.updateRunner(runners.project, { description: "nope" }));
      await attempt(client.createUserRunner({ runnerType: "instance_type" }));
      await attempt(client.listRunners({ scope: "all" }));
    }
    await attempt(admin.verifyRunner("glrt-notARealRunnerToken42"));
    await attempt(admin.deleteRunnerByToken("glrt-notARealRunnerToken42"));
    await attempt(admin.resetRunnerTokenByToken(reset.token));
    await attempt(admin.registerRunner({ token: "GR1348941notARealRegToken9" }));
    await attempt(admin.updateRunner(runners.project, { maximumTimeout: 5 }));

    const faulted = make(FIXTURE_TOKENS.admin, { retries: 1, headersTimeoutMs: 200 });
    for (const kind of [
      "rate_limit_bare",
      "status",
      "reset",
      "drop_after_apply",
      "stall_headers",
      "truncate_json",
    ] as const) {
      gitlab.setFaults({ rules: [{ kind, status: 502, stallMs: 600 }] });
      await attempt(faulted.getRunner(runners.project));
      await attempt(faulted.verifyRunner(resetAgain.token));
      await attempt(faulted.registerRunner({ token: FIXTURE_REGISTRATION_TOKENS.project }));
      await attempt(faulted.createUserRunner({ runnerType: "project_type", projectId: projects.api }));
    }
    gitlab.setFaults({ rules: [] });
    for (const runner of gitlab.state().runners) secrets.add(runner.token);
    await attempt(make(FIXTURE_TOKENS.admin, { retries: 0 }).getRunner(-1));

    expect(errors.length).toBeGreaterThan(30);
    expect(errors.every((e) => GitLabError.is(e))).toBe(true);
    const texts = [...logs.flatMap((l) => l.all()), ...errors.flatMap(errorTexts)];
    expect(texts.length).toBeGreaterThan(100);
    const leaks = [...secrets].filter((secret) => texts.some((text) => text.includes(secret)));
    expect(leaks).toEqual([]);
    // The sweep is real: it finds a planted token.
    const planted = [...texts, `x ${created.token} y`];
    expect([...secrets].filter((secret) => planted.some((text) => text.includes(secret)))).toEqual([
      created.token,
    ]);
  });
});
