import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { PulumiWorkspace } from "../support/pulumi";

// What the provider waits for reaches `pulumi up`'s output: a 429 with Retry-After injected by the
// emulator on the runner's creation shows a warning that says what it waits for and how long,
// through the engine's log (provider/resource/engine-log.ts), not the plugin's raw stderr.

const program = join(__dirname, "fixtures", "runner-program");

describe("provider log lines in the CLI output (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "gitlab:baseUrl": em.url,
        "runner:way": "create",
        "runner:runnerType": "project_type",
        "runner:projectId": "acme/api",
        "runner:description": "rate limited",
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("a 429 with Retry-After on create shows what the provider waits for, as a warning", async () => {
    em.setFaults({
      rules: [
        {
          kind: "rate_limit",
          method: "POST",
          path: "^/api/v4/user/runners$",
          count: 1,
          retryAfterSeconds: 2,
        },
      ],
    });
    const { code, output } = await ws.up();
    expect(code).toBe(0);
    // The engine prints provider log lines as diagnostics (the Diagnostics section lists them
    // too, which the plugin's raw stderr never reaches): `warning: GitLab rate limit: …`.
    // The 429's RateLimit headers may also make the governor hold new requests first (a warning
    // of its own), so the retry line is the first or second in the Stack's diagnostics.
    expect(output).toMatch(
      /Diagnostics:\n\s+pulumi:pulumi:Stack[^\n]*\n(\s+warning: GitLab rate limit: holding[^\n]*\n)?\s+warning: GitLab rate limit: POST/,
    );
    expect(output).toMatch(
      /warning: GitLab rate limit: POST \/user\/runners: [^\n]*429[^\n]*; retrying in 2000ms \(retry-after\), attempt 2 of 6/,
    );
    // One runner, created once: the 429 was refused before GitLab acted.
    const runners = em.state().runners.filter((r) => r.description === "rate limited");
    expect(runners).toHaveLength(1);
  });
});
