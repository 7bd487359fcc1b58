import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { PulumiWorkspace } from "../support/pulumi";

// The other ways a Runner comes to exist, and creation under faults, with the real CLI:
// registration token on 13.12 (and its 410 on 17.11), adoption on 18.6, a POST whose answer is
// lost, and a failure after the POST.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(__dirname, "fixtures", "runner-program");

async function setup(
  version: GitlabVersion,
  config: Record<string, string>,
  secretConfig: Record<string, string> = {},
) {
  const em = await startEmulator({ gitlabVersion: version });
  const ws = await PulumiWorkspace.create({
    programDir: program,
    config: { "gitlab:baseUrl": em.url, ...config },
    secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin, ...secretConfig },
  });
  return { em, ws };
}

describe("Runner registered with a registration token (GitLab 13.12)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    ({ em, ws } = await setup(
      "13.12",
      { "runner:way": "register", "runner:description": "legacy", "runner:paused": "true" },
      { "runner:registrationToken": FIXTURE_REGISTRATION_TOKENS.project },
    ));
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("registers, keeps both tokens secret, previews no changes, destroys", async () => {
    await ws.up();
    const outputs = await ws.outputs();
    expect(outputs.runnerType).toBe("project_type");
    expect(outputs.paused).toBe(true);
    expect(outputs.authenticationToken).toBe("[secret]");
    const live = em.state().runners.find((r) => r.id === outputs.runnerId);
    expect(live?.active).toBe(false);
    const text = await ws.exportStackText();
    expect(text).not.toContain(live!.token);
    expect(text).not.toContain(FIXTURE_REGISTRATION_TOKENS.project);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
    await ws.refresh();
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
    expect(await ws.exportStackText()).not.toContain(live!.token);
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === outputs.runnerId)).toBeUndefined();
  });
});

describe("Credentials from the environment (GitLab 16.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "16.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "runner:way": "create",
        "runner:runnerType": "group_type",
        "runner:groupId": String(FIXTURE_IDS.groups.acme),
      },
      env: { GITLAB_BASE_URL: em.url, GITLAB_TOKEN: FIXTURE_TOKENS.owner },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("creates a group runner as the group Owner with GITLAB_BASE_URL / GITLAB_TOKEN, and no trace of them in state", async () => {
    await ws.up();
    const outputs = await ws.outputs();
    expect(outputs.runnerType).toBe("group_type");
    const text = await ws.exportStackText();
    expect(text).not.toContain(FIXTURE_TOKENS.owner);
    expect(text).not.toContain(em.url);
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === outputs.runnerId)).toBeUndefined();
  });
});

describe("Registration tokens disabled (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    ({ em, ws } = await setup(
      "17.11",
      { "runner:way": "register" },
      { "runner:registrationToken": FIXTURE_REGISTRATION_TOKENS.group },
    ));
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("fails the update with an error that names runnerType", async () => {
    const result = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("runnerType");
    expect(result.output).not.toContain(FIXTURE_REGISTRATION_TOKENS.group);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});

describe("Adopting an existing runner (GitLab 18.6)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const id = FIXTURE_IDS.runners.project;
  beforeAll(async () => {
    ({ em, ws } = await setup("18.6", {
      "runner:way": "adopt",
      "runner:adoptRunnerId": String(id),
      "runner:description": "adopted by pulumi",
    }));
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("takes it over without registering, then rotation gives it a token", async () => {
    const before = em.state().runners.length;
    await ws.up();
    expect(em.state().runners.length).toBe(before);
    expect(em.state().runners.find((r) => r.id === id)?.description).toBe("adopted by pulumi");
    expect(em.requests().filter((r) => r.method === "POST")).toHaveLength(0);
    const outputs = await ws.outputs();
    expect(outputs.runnerId).toBe(id);
    expect(outputs.authenticationToken).toBeUndefined();
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);

    await ws.run(["config", "set", "runner:tokenRotation", "1"]);
    await ws.up();
    const live = em.state().runners.find((r) => r.id === id);
    expect(live?.token).not.toBe(FIXTURE_RUNNER_TOKENS.project);
    const shown = await ws.run(["stack", "output", "authenticationToken", "--show-secrets"]);
    expect(shown.stdout.trim()).toBe(live?.token);
  });

  it("destroy deletes the adopted runner", async () => {
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  });
});

describe("Creation under faults (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  beforeAll(async () => {
    ({ em, ws } = await setup("17.11", {
      "runner:way": "create",
      "runner:runnerType": "project_type",
      "runner:projectId": String(FIXTURE_IDS.projects.api),
      "runner:description": "faulty",
      "gitlab:retries": "0",
    }));
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("a POST whose answer is lost leaves one runner, recorded in state with a working token", async () => {
    em.setFaults({
      rules: [{ method: "POST", path: "^/api/v4/(user/)?runners$", kind: "drop_after_apply", count: 1 }],
    });
    const before = em.state().runners.length;
    await ws.up();
    const after = em.state().runners;
    expect(after.length).toBe(before + 1);
    const [resource] = await ws.resourcesOfType(RUNNER_TYPE);
    const live = after.find((r) => String(r.id) === resource?.id);
    expect(live?.description).toBe("faulty");
    const shown = await ws.run(["stack", "output", "authenticationToken", "--show-secrets"]);
    expect(shown.stdout.trim()).toBe(live?.token);
    await ws.destroy();
  });

  it("a failure after the POST records the runner; the next up completes it without a new one", async () => {
    // Only the runner this up creates fails to read (its id is above every id there is now):
    // the runners the creation look-up reads before the POST answer as usual.
    const newest = Math.max(0, ...em.state().runners.map((r) => r.id));
    em.setFaults({
      rules: [
        { method: "GET", path: `^/api/v4/runners/${idsFrom(newest + 1)}$`, kind: "status", status: 503 },
      ],
    });
    const before = em.state().runners.length;
    const failed = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(em.state().runners.length).toBe(before + 1);
    const [resource] = await ws.resourcesOfType(RUNNER_TYPE);
    expect(resource?.id).toMatch(/^\d+$/);
    const id = Number(resource?.id);
    em.setFaults({ rules: [] });
    await ws.up();
    expect(em.state().runners.length).toBe(before + 1);
    expect((await ws.outputs()).runnerId).toBe(id);
    const live = em.state().runners.find((r) => r.id === id);
    const shown = await ws.run(["stack", "output", "authenticationToken", "--show-secrets"]);
    expect(shown.stdout.trim()).toBe(live?.token);
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  });
});

/** A pattern for every integer ≥ `n` (decimal, no leading zeros). */
function idsFrom(n: number): string {
  const digits = String(n);
  const ways = [`[1-9][0-9]{${digits.length},}`, digits];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d === 9) continue;
    const rest = digits.length - i - 1;
    ways.push(`${digits.slice(0, i)}[${d + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  return `(${ways.join("|")})`;
}
