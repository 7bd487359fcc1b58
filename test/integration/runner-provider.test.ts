import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { configure, runner, setClient } from "../../provider";
import { closeSharedDispatchers, GitLabClient, loadClientConfig } from "../../provider/gitlab";
import type { RunnerOutputs } from "../../provider/runner";

// Each provider method of the Runner resource, called as the dynamic-provider host calls it,
// against the emulator over real HTTP, for a legacy and the modern GitLab versions.

type Bag = Record<string, unknown>;
const PROVIDER = { __provider: "serialized-provider-text" };

/** Points the provider at the emulator the way the host does: `configure` with stack config. */
async function configureFor(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin, extra: Bag = {}) {
  const config: Record<string, string> = { "gitlab:baseUrl": em.url, "gitlab:token": token };
  for (const [k, v] of Object.entries(extra)) config[k] = String(v);
  // A fresh client: configure keeps the client (and what it remembers) when the settings are the same.
  setClient(undefined);
  await configure({ config: { get: (key: string) => config[key] } });
}

async function create(news: Bag): Promise<{ id: string; outs: RunnerOutputs }> {
  const checked = await runner.check({}, { ...news, ...PROVIDER });
  expect(checked.failures).toEqual([]);
  return runner.create(checked.inputs);
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function stateRunner(em: RunningEmulator, id: number | string) {
  return em.state().runners.find((r) => r.id === Number(id));
}

afterAll(async () => {
  setClient(undefined);
  await closeSharedDispatchers();
});

describe.each(["16.11", "17.11", "18.6"] as GitlabVersion[])("Runner provider on GitLab %s", (version) => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: version });
  });
  afterAll(async () => {
    await em?.stop();
  });
  beforeEach(async () => {
    em.reset();
    await configureFor(em);
  });

  it("creates a project runner with every field in one POST, then reads it once", async () => {
    const { id, outs } = await create({
      runnerType: "project_type",
      projectId: 100,
      description: "build",
      paused: true,
      locked: true,
      runUntagged: false,
      tagList: ["linux", "docker"],
      accessLevel: "ref_protected",
      maximumTimeout: 3600,
      maintenanceNote: "owned by platform",
    });
    expect(outs.runnerId).toBe(Number(id));
    expect(outs.authenticationToken).toMatch(/^glrt-/);
    expect(outs.runnerType).toBe("project_type");
    expect(outs.projects).toEqual([{ id: FIXTURE_IDS.projects.api, pathWithNamespace: "acme/api" }]);
    expect(outs).toMatchObject({
      description: "build",
      paused: true,
      locked: true,
      runUntagged: false,
      tagList: ["docker", "linux"],
      accessLevel: "ref_protected",
      maximumTimeout: 3600,
      maintenanceNote: "owned by platform",
      projectId: 100,
    });
    const live = stateRunner(em, id);
    expect(live?.token).toBe(outs.authenticationToken);
    expect(live?.active).toBe(false);
    const posts = em.requests().filter((r) => r.method === "POST");
    expect(posts.map((r) => r.route)).toEqual(["/api/v4/user/runners"]);
    expect(em.requests().filter((r) => r.route === "/api/v4/runners/:id" && r.method === "GET")).toHaveLength(
      1,
    );
    expect(em.requests().some((r) => r.path.includes("verify"))).toBe(false);
  });

  it("creates group and instance runners", async () => {
    const group = await create({
      runnerType: "group_type",
      groupId: FIXTURE_IDS.groups.acme,
      tagList: ["k8s"],
    });
    expect(group.outs.runnerType).toBe("group_type");
    expect(group.outs.groups.map((g) => g.id)).toEqual([FIXTURE_IDS.groups.acme]);
    const instance = await create({ runnerType: "instance_type", description: "shared" });
    expect(instance.outs.isShared).toBe(true);
  });

  it("takes projectId and groupId as full paths (resolved with GET /projects/:id, /groups/:id)", async () => {
    const project = await create({ runnerType: "project_type", projectId: "acme/api" });
    expect(project.outs.projects).toEqual([{ id: FIXTURE_IDS.projects.api, pathWithNamespace: "acme/api" }]);
    expect(project.outs.projectId).toBe("acme/api");
    const group = await create({ runnerType: "group_type", groupId: "acme" });
    expect(group.outs.groups.map((g) => g.id)).toEqual([FIXTURE_IDS.groups.acme]);
  });

  it("registration tokens: 410 names runnerType on 17+, work on 16.11", async () => {
    const news = { registrationToken: FIXTURE_REGISTRATION_TOKENS.project, description: "legacy" };
    if (version === "16.11") {
      const { outs } = await create(news);
      expect(outs.runnerType).toBe("project_type");
      expect(outs.registrationToken).toBe(FIXTURE_REGISTRATION_TOKENS.project);
      expect(outs.authenticationToken).toBeTruthy();
    } else {
      const error = await failure(create(news));
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/runnerType/);
      expect(error.message).toMatch(/410/);
      expect(error.message).not.toContain(FIXTURE_REGISTRATION_TOKENS.project);
      expect(em.state().runners.filter((r) => r.description === "legacy")).toHaveLength(0);
    }
  });

  it("a project over GitLab's plan limit: the error names the limit and what counts", async () => {
    em.updateSettings({ planLimits: { ciRegisteredProjectRunners: 1 } });
    try {
      await create({ runnerType: "project_type", projectId: 101, description: "first" });
      const error = await failure(
        create({ runnerType: "project_type", projectId: 101, description: "second" }),
      );
      expect(error.message).toMatch(
        /GitLab refused to create the runner: the project already has 1 registered runners as GitLab's plan limit ci_registered_project_runners \(1\) allows\. Runners that are stale/,
      );
      expect((error as { code?: string }).code).toBe("limit_exceeded");
      expect(em.state().runners.filter((r) => r.description === "second")).toHaveLength(0);
    } finally {
      em.updateSettings({ planLimits: { ciRegisteredProjectRunners: 1000 } });
    }
  });

  it("read returns live outputs and the inputs they imply; a 404 means gone", async () => {
    const { id, outs } = await create({
      runnerType: "project_type",
      projectId: 100,
      description: "a",
      tagList: ["x"],
    });
    // Out-of-band change in GitLab.
    const admin = new GitLabClient(
      loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
    );
    await admin.updateRunner(Number(id), {
      description: "changed by hand",
      tagList: ["x", "y"],
      locked: true,
    });
    const read = await runner.read(id, { ...outs, ...PROVIDER });
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ description: "changed by hand", tagList: ["x", "y"], locked: true });
    expect(read.props?.authenticationToken).toBe(outs.authenticationToken);
    expect(read.inputs).toMatchObject({
      runnerType: "project_type",
      projectId: 100,
      description: "changed by hand",
      tagList: ["x", "y"],
    });
    expect(read.inputs).not.toHaveProperty("authenticationToken");
    // diff against the program now shows the drift, and update restores it.
    const program = {
      runnerType: "project_type",
      projectId: 100,
      description: "a",
      tagList: ["x"],
      ...PROVIDER,
    };
    const diff = await runner.diff(id, read.props as Bag, program);
    expect(diff).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(diff.detailedDiff).toEqual({ description: "update", tagList: "update" });
    expect(diff.stables).toEqual(expect.arrayContaining(["runnerId", "authenticationToken"]));
    const updated = await runner.update(id, read.props as Bag, program);
    expect(updated.outs).toMatchObject({ description: "a", tagList: ["x"], locked: true });
    expect(updated.outs.authenticationToken).toBe(outs.authenticationToken);

    await admin.deleteRunner(Number(id));
    expect(await runner.read(id, { ...outs, ...PROVIDER })).toEqual({});
    expect(em.requests().some((r) => r.path.includes("verify"))).toBe(false);
  });

  it.each([
    ["a group runner", { runnerType: "group_type", groupId: 10 }, { groupId: 10 }],
    ["a project runner", { runnerType: "project_type", projectId: "acme/api" }, { projectId: 100 }],
    ["an instance runner", { runnerType: "instance_type" }, {}],
  ])(
    "read without a state (an import) implies inputs that describe %s as a program would",
    async (_what, way, identity) => {
      const { id } = await create({ ...way, description: "imported", tagList: ["x"] });
      const read = await runner.read(id, {});
      expect(read.inputs).toEqual({
        runnerType: way.runnerType,
        ...identity,
        description: "imported",
        paused: false,
        locked: false,
        runUntagged: true,
        tagList: ["x"],
        accessLevel: "not_protected",
      });
      // The implied inputs pass check and, as a program, need no change and no replacement.
      const checked = await runner.check({}, { ...read.inputs, ...PROVIDER });
      expect(checked.failures).toEqual([]);
      expect(await runner.diff(id, read.props as Bag, checked.inputs)).toMatchObject({
        changes: false,
        replaces: [],
      });
    },
  );

  it("update PUTs only changed fields, clears tags and description, and rotates in place", async () => {
    const { id, outs } = await create({
      runnerType: "project_type",
      projectId: 100,
      description: "d",
      tagList: ["a", "b"],
    });
    const olds = { ...outs, ...PROVIDER };
    const cleared = {
      runnerType: "project_type",
      projectId: 100,
      description: "",
      tagList: [],
      paused: true,
      ...PROVIDER,
    };
    const before = em.requests().length;
    const { outs: after } = await runner.update(id, olds, cleared);
    const puts = em
      .requests()
      .slice(before)
      .filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(after).toMatchObject({ description: "", tagList: [], paused: true, runnerId: Number(id) });
    expect(after.authenticationToken).toBe(outs.authenticationToken);
    expect(after.projects).toEqual([{ id: 100, pathWithNamespace: "acme/api" }]);
    expect(stateRunner(em, id)?.tagList).toEqual([]);

    const rotated = await runner.update(
      id,
      { ...after, ...PROVIDER },
      { ...cleared, tokenRotation: "2026-11" },
    );
    expect(rotated.outs.authenticationToken).toBeTruthy();
    expect(rotated.outs.authenticationToken).not.toBe(outs.authenticationToken);
    expect(rotated.outs.tokenRotation).toBe("2026-11");
    expect(stateRunner(em, id)?.token).toBe(rotated.outs.authenticationToken);
    expect(stateRunner(em, id)?.id).toBe(Number(id));
  });

  it("adopts an existing runner: reads it, updates it to the program, never registers", async () => {
    const existing = FIXTURE_IDS.runners.project;
    const { id, outs } = await create({ adoptRunnerId: existing, description: "adopted", tagList: ["z"] });
    expect(id).toBe(String(existing));
    expect(outs.authenticationToken).toBeUndefined();
    expect(outs).toMatchObject({ description: "adopted", tagList: ["z"], adoptRunnerId: existing });
    expect(em.requests().filter((r) => r.method === "POST")).toHaveLength(0);
    const rotated = await create({ adoptRunnerId: FIXTURE_IDS.runners.group, tokenRotation: "now" });
    expect(rotated.outs.authenticationToken).toBe(stateRunner(em, FIXTURE_IDS.runners.group)?.token);
    expect(rotated.outs.authenticationToken).not.toBe(FIXTURE_RUNNER_TOKENS.group);
    // A runner that does not exist: refused at preview, and by create itself.
    const atPreview = await runner.check({}, { adoptRunnerId: 999_999, ...PROVIDER });
    expect(atPreview.failures).toEqual([
      { property: "adoptRunnerId", reason: expect.stringMatching(/runner 999999 does not exist/) },
    ]);
    const missing = await failure(runner.create({ adoptRunnerId: 999_999, ...PROVIDER }));
    expect(missing.message).toMatch(/adoptRunnerId 999999/);
  });

  it("delete: by id; already gone is success", async () => {
    const { id, outs } = await create({ runnerType: "instance_type" });
    await runner.delete(id, { ...outs, ...PROVIDER });
    expect(stateRunner(em, id)).toBeUndefined();
    await runner.delete(id, { ...outs, ...PROVIDER });
  });

  it("delete falls back to the runner's own token when the user may not delete by id", async () => {
    const { id, outs } = await create({ runnerType: "group_type", groupId: FIXTURE_IDS.groups.acme });
    // A maintainer of a project in the group may read it but not delete a group runner.
    await configureFor(em, FIXTURE_TOKENS.maintainer);
    await runner.delete(id, { ...outs, ...PROVIDER });
    expect(stateRunner(em, id)).toBeUndefined();
    expect(em.requests().some((r) => r.method === "DELETE" && r.route === "/api/v4/runners")).toBe(true);
  });

  it("delete of a runner on two projects without admin rights says what to do", async () => {
    await configureFor(em, FIXTURE_TOKENS.maintainer);
    const { id, outs } = await create({ runnerType: "project_type", projectId: FIXTURE_IDS.projects.api });
    const admin = new GitLabClient(
      loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
    );
    await admin.enableProjectRunner(FIXTURE_IDS.projects.web, Number(id));
    const { authenticationToken: _t, ...noToken } = outs;
    const error = await failure(runner.delete(id, { ...noToken, ...PROVIDER }));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/more than one project/);
    expect(error.message).toMatch(/ProjectRunnerAssignment|administrator/);
    expect(stateRunner(em, id)).toBeDefined();
  });

  it("a POST whose answer is lost is reconciled: no duplicate, the runner recorded with a valid token", async () => {
    em.setFaults({
      rules: [{ method: "POST", path: "^/api/v4/(user/)?runners$", kind: "drop_after_apply", count: 1 }],
    });
    const before = em.state().runners.length;
    const { id, outs } = await create({
      runnerType: "project_type",
      projectId: 100,
      description: "lost answer",
      tagList: ["q"],
    });
    const state = em.state();
    expect(state.runners.length).toBe(before + 1);
    expect(state.runners.filter((r) => r.description === "lost answer")).toHaveLength(1);
    expect(stateRunner(em, id)?.token).toBe(outs.authenticationToken);
    expect(
      em.requests().filter((r) => r.method === "POST" && r.route === "/api/v4/user/runners"),
    ).toHaveLength(1);
  });

  it("a lost answer with no runner created posts once more", async () => {
    // A reset before handling: nothing applied, and the transport does not retry a sent POST.
    em.setFaults({ rules: [{ method: "POST", path: "^/api/v4/user/runners$", kind: "reset", count: 1 }] });
    const before = em.state().runners.length;
    const { id } = await create({ runnerType: "project_type", projectId: 100, description: "retry me" });
    expect(em.state().runners.length).toBe(before + 1);
    expect(stateRunner(em, id)?.description).toBe("retry me");
  });

  it("a failure after the POST rejects with id and properties, so Pulumi records the runner", async () => {
    await configureFor(em, FIXTURE_TOKENS.admin, { "gitlab:retries": 0 });
    em.setFaults({ rules: [{ method: "GET", path: "^/api/v4/runners/\\d+$", kind: "status", status: 503 }] });
    const error = (await create({ runnerType: "project_type", projectId: 100, description: "half" }).catch(
      (e: unknown) => e,
    )) as { id?: string; properties?: Bag; reasons?: string[]; message: string };
    em.setFaults({ rules: [] });
    expect(error.id).toMatch(/^\d+$/);
    const live = stateRunner(em, error.id!);
    expect(live?.description).toBe("half");
    expect(error.properties?.authenticationToken).toBe(live?.token);
    expect(error.properties?.__provider).toBe(PROVIDER.__provider);
    expect(error.reasons?.length).toBeGreaterThan(0);
    // The next read completes the record.
    const read = await runner.read(error.id!, error.properties);
    expect(read.props).toMatchObject({ description: "half", authenticationToken: live?.token });
  });
});

describe("Registration tokens re-enabled by an administrator on GitLab 18.6", () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({
      gitlabVersion: "18.6",
      fixture: { ...defaultFixture(), registrationTokensAllowed: true },
    });
    await configureFor(em);
  });
  afterAll(async () => {
    await em?.stop();
  });

  it("registers with a group registration token", async () => {
    const { id, outs } = await create({
      registrationToken: FIXTURE_REGISTRATION_TOKENS.group,
      tagList: ["g"],
    });
    expect(outs.runnerType).toBe("group_type");
    expect(stateRunner(em, id)?.token).toBe(outs.authenticationToken);
  });
});

describe("Runner provider on GitLab 13.12", () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "13.12" });
  });
  afterAll(async () => {
    await em?.stop();
  });
  beforeEach(async () => {
    em.reset();
    await configureFor(em);
  });

  it("registers with a registration token, sending paused as active", async () => {
    const { id, outs } = await create({
      registrationToken: FIXTURE_REGISTRATION_TOKENS.group,
      description: "old",
      paused: true,
      tagList: ["legacy"],
    });
    expect(outs.runnerType).toBe("group_type");
    expect(outs.paused).toBe(true);
    expect(stateRunner(em, id)?.active).toBe(false);
    const { outs: resumed } = await runner.update(
      id,
      { ...outs, ...PROVIDER },
      {
        registrationToken: FIXTURE_REGISTRATION_TOKENS.group,
        paused: false,
        ...PROVIDER,
      },
    );
    expect(resumed.paused).toBe(false);
    expect(stateRunner(em, id)?.active).toBe(true);
    await runner.delete(id, { ...resumed, ...PROVIDER });
    expect(stateRunner(em, id)).toBeUndefined();
  });

  it("adopts an existing runner", async () => {
    const { id, outs } = await create({ adoptRunnerId: FIXTURE_IDS.runners.project, paused: true });
    expect(id).toBe(String(FIXTURE_IDS.runners.project));
    expect(outs.paused).toBe(true);
    expect(stateRunner(em, id)?.active).toBe(false);
  });

  it("runnerType says it needs GitLab 15.11 and to use registrationToken", async () => {
    const error = await failure(create({ runnerType: "instance_type" }));
    expect(error.message).toMatch(/15\.11/);
    expect(error.message).toMatch(/registrationToken/);
  });

  it("a maintenance note (13.x has none) is not a permanent difference", async () => {
    const { id, outs } = await create({
      registrationToken: FIXTURE_REGISTRATION_TOKENS.project,
      maintenanceNote: "n",
    });
    expect(outs.maintenanceNote).toBe("n");
    const read = await runner.read(id, { ...outs, ...PROVIDER });
    const diff = await runner.diff(id, read.props as Bag, {
      registrationToken: FIXTURE_REGISTRATION_TOKENS.project,
      maintenanceNote: "n",
      ...PROVIDER,
    });
    expect(diff.changes).toBe(false);
  });

  it("the lost-answer reconciliation works for registration too", async () => {
    em.setFaults({
      rules: [{ method: "POST", path: "^/api/v4/runners$", kind: "drop_after_apply", count: 1 }],
    });
    const before = em.state().runners.length;
    const { id, outs } = await create({
      registrationToken: FIXTURE_REGISTRATION_TOKENS.project,
      description: "r13",
    });
    expect(em.state().runners.length).toBe(before + 1);
    expect(stateRunner(em, id)?.token).toBe(outs.authenticationToken);
  });

  it("does not leak the fixture runner tokens in errors", async () => {
    const error = await failure(create({ registrationToken: "GR1348941-not-a-token" }));
    expect(error.message).not.toContain("GR1348941-not-a-token");
    expect(error.message).not.toContain(FIXTURE_RUNNER_TOKENS.project);
  });
});

describe("Runner provider configuration", () => {
  let em: RunningEmulator;
  const saved = { url: process.env.GITLAB_BASE_URL, token: process.env.GITLAB_TOKEN };
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
  });
  afterAll(async () => {
    await em?.stop();
    restoreEnv("GITLAB_BASE_URL", saved.url);
    restoreEnv("GITLAB_TOKEN", saved.token);
  });

  function restoreEnv(key: string, value: string | undefined) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }

  it("falls back to GITLAB_BASE_URL / GITLAB_TOKEN when the stack sets no gitlab:* keys", async () => {
    process.env.GITLAB_BASE_URL = em.url;
    process.env.GITLAB_TOKEN = FIXTURE_TOKENS.admin;
    await configure({ config: { get: () => undefined } });
    const { outs } = await create({ runnerType: "instance_type", description: "from env" });
    expect(outs.description).toBe("from env");
  });

  it("without credentials, check fails at preview naming the missing key and how to preview offline", async () => {
    delete process.env.GITLAB_BASE_URL;
    delete process.env.GITLAB_TOKEN;
    await configure({ config: { get: (key: string) => (key === "gitlab:baseUrl" ? em.url : undefined) } });
    const { failures } = await runner.check({}, { runnerType: "instance_type", ...PROVIDER });
    expect(failures).toEqual([
      {
        property: "gitlab:token",
        reason: expect.stringMatching(/gitlab:token is not set\..*set gitlab:onlineChecks false/),
      },
    ]);
  });

  it("with online checks off and no credentials, check and diff still work and create names the missing key", async () => {
    delete process.env.GITLAB_BASE_URL;
    delete process.env.GITLAB_TOKEN;
    const config: Record<string, string> = { "gitlab:baseUrl": em.url, "gitlab:onlineChecks": "false" };
    await configure({ config: { get: (key: string) => config[key] } });
    const checked = await runner.check({}, { runnerType: "instance_type", ...PROVIDER });
    expect(checked.failures).toEqual([]);
    expect(
      (await runner.diff("1", { runnerId: 1, runnerType: "instance_type" }, checked.inputs)).changes,
    ).toBe(false);
    const error = await failure(runner.create(checked.inputs));
    expect(error.message).toContain("gitlab:token");
  });
});

describe("what a preview checks with GitLab (GitLab 17.11)", () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
  });
  afterAll(async () => {
    await em?.stop();
  });
  beforeEach(() => em.reset());

  /** `check`'s failures by property, with the provider configured by `config`. */
  async function checkWith(config: Record<string, string>, news: Bag): Promise<Record<string, string>> {
    await configure({ config: { get: (key: string) => config[key] } });
    const { failures } = await runner.check({}, { ...news, ...PROVIDER });
    return Object.fromEntries(failures.map((f) => [f.property, f.reason]));
  }
  const admin = () => ({ "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin });
  const group = { runnerType: "group_type", groupId: "acme" };

  it.each([
    [
      "a group path typo",
      { runnerType: "group_type", groupId: "acme/platfrom" },
      "groupId",
      /no group "acme\/platfrom"/,
    ],
    [
      "a project path typo",
      { runnerType: "project_type", projectId: "acme/apii" },
      "projectId",
      /no project "acme\/apii"/,
    ],
    [
      "a project id that does not exist",
      { runnerType: "project_type", projectId: 99999 },
      "projectId",
      /Check the id/,
    ],
  ])("%s fails at preview, naming the argument", async (_what, news, property, reason) => {
    expect(await checkWith(admin(), news)).toEqual({ [property]: expect.stringMatching(reason) });
    expect(em.requests().some((r) => r.method !== "GET")).toBe(false);
  });

  it("a wrong token fails at preview, naming gitlab:token", async () => {
    const failures = await checkWith({ ...admin(), "gitlab:token": "glpat-revokedTokenForTests0" }, group);
    expect(failures).toEqual({ "gitlab:token": expect.stringMatching(/did not accept the token \(401\)/) });
  });

  it("a base URL with a wrong path fails at preview as not GitLab's API, not as an old GitLab", async () => {
    const failures = await checkWith({ ...admin(), "gitlab:baseUrl": `${em.url}/gitlab` }, group);
    expect(failures["gitlab:baseUrl"]).toMatch(
      /\/gitlab\/api\/v4 is not GitLab's API: to GET \/version, GitLab answered 404/,
    );
    expect(failures["gitlab:baseUrl"]).not.toMatch(/upgrade/i);
  });

  it("a base URL without a scheme fails at preview", async () => {
    const failures = await checkWith(
      { ...admin(), "gitlab:baseUrl": em.url.replace(/^http:\/\//, "") },
      group,
    );
    expect(failures["gitlab:baseUrl"]).toMatch(/not a valid URL/);
  });

  it("GitLab unreachable fails at preview, saying so", async () => {
    const failures = await checkWith({ ...admin(), "gitlab:baseUrl": "http://127.0.0.1:9" }, group);
    expect(failures["gitlab:baseUrl"]).toMatch(/cannot reach GitLab at http:\/\/127\.0\.0\.1:9\/api\/v4/);
  });

  it("asks GitLab once per process for the connection and once per path, and create reuses the look-up", async () => {
    await configure({ config: { get: (key: string) => admin()[key as keyof ReturnType<typeof admin>] } });
    for (const description of ["a", "b", "c"]) {
      const checked = await runner.check({}, { ...group, description, ...PROVIDER });
      expect(checked.failures).toEqual([]);
      await runner.create(checked.inputs);
    }
    const count = (route: string) => em.requests().filter((r) => r.route === route).length;
    expect(count("/api/v4/version")).toBe(1);
    expect(count("/api/v4/groups/:id")).toBe(1);
    expect(count("/api/v4/user/runners")).toBe(3);
  });

  it("with gitlab:onlineChecks false nothing is asked, and the preview says what it did not check", async () => {
    const failures = await checkWith(
      { "gitlab:baseUrl": em.url, "gitlab:onlineChecks": "false" },
      { runnerType: "group_type", groupId: "acme/platfrom" },
    );
    expect(failures).toEqual({});
    expect(em.requests()).toEqual([]);
  });
});

describe("a preview's checks under a flaky GitLab (GitLab 17.11)", () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
  });
  afterAll(async () => {
    await em?.stop();
  });

  it("a failure that may pass (5xx after the retries) does not fail the check: the operations meet GitLab again", async () => {
    em.setFaults({ rules: [{ kind: "status", status: 503, method: "GET", path: "^/api/v4/version$" }] });
    try {
      const config: Record<string, string> = {
        "gitlab:baseUrl": em.url,
        "gitlab:token": FIXTURE_TOKENS.admin,
        "gitlab:retries": "0",
      };
      await configure({ config: { get: (key: string) => config[key] } });
      const { failures } = await runner.check({}, { runnerType: "instance_type", ...PROVIDER });
      expect(failures).toEqual([]);
    } finally {
      em.setFaults({ rules: [] });
    }
  });
});
