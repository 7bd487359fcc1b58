import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { GitLabError } from "../../provider/gitlab/index";
import { clientFor, rejectionOf, startGitLab } from "../support/gitlab-harness";

const VERSIONS: GitlabVersion[] = ["13.12", "16.11", "17.11", "18.6"];
const { projects, groups, runners } = FIXTURE_IDS;

function runnerRecord(emulator: RunningEmulator, id: number) {
  return emulator.state().runners.find((r) => r.id === id);
}

describe.each(VERSIONS)("GitLab %s: every operation against the emulator", (version) => {
  const legacy = version === "13.12";
  const newest = version === "18.6";
  let gitlab: RunningEmulator;
  beforeAll(async () => {
    gitlab = await startGitLab(version);
  });
  afterAll(async () => {
    await gitlab.stop();
  });
  const admin = () => clientFor(gitlab, FIXTURE_TOKENS.admin).client;

  it("reads the server version and capabilities, once per client", async () => {
    const client = admin();
    const v = await client.getVersion();
    expect(`${v.major}.${v.minor}`).toBe(version);
    expect(v.hasPaused).toBe(!legacy);
    await client.getVersion();
    expect(gitlab.requests().filter((r) => r.route.endsWith("/version"))).toHaveLength(1);
  });

  it("reads the current user", async () => {
    const user = await admin().getCurrentUser();
    expect(user).toMatchObject({ id: FIXTURE_IDS.users.root, username: "root" });
  });

  it("reads runner details in camelCase, with paused derived where GitLab only sends active", async () => {
    const details = await admin().getRunner(runners.project);
    expect(details).toMatchObject({
      id: runners.project,
      description: "api-builder",
      paused: false,
      runnerType: "project_type",
      isShared: false,
      locked: true,
      runUntagged: true,
      accessLevel: "not_protected",
      maximumTimeout: null,
    });
    expect(new Set(details.tagList)).toEqual(new Set(["api", "linux"]));
    expect(details.projects?.map((p) => p.pathWithNamespace)).toEqual(["acme/api"]);
    expect(details.maintenanceNote).toBe(legacy ? null : "Owned by the API team");
    expect(details.online).toBeNull();
    const group = await admin().getRunner(runners.group);
    expect(group.runnerType).toBe("group_type");
    expect(group.groups.map((g) => g.id)).toEqual([groups.acme]);
    if (version === "17.11" || newest) expect(group.ipAddress).toBeNull();
  });

  it("hides maintenanceNote as null from a caller who may not update the runner", async () => {
    const details = await clientFor(gitlab, FIXTURE_TOKENS.maintainer).client.getRunner(runners.instance);
    expect(details.maintenanceNote).toBeNull();
  });

  it("throws not_found for an unknown runner", async () => {
    const error = await rejectionOf(admin().getRunner(987_654));
    expect(GitLabError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: "not_found",
      status: 404,
      method: "GET",
      path: "/runners/:id",
      attempts: 1,
    });
    expect((error as GitLabError).hint).toMatch(/does not exist/);
  });

  it("registers a runner with a registration token, sending active or paused as the version wants", async () => {
    const client = admin();
    const creds = await client.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.project,
      description: "registered",
      paused: true,
      tagList: ["a", "b"],
      runUntagged: false,
      maximumTimeout: 3600,
    });
    expect(creds.id).toBeGreaterThan(0);
    expect(creds.token.length).toBeGreaterThan(10);
    expect(creds.tokenExpiresAt).toBeNull();
    const record = runnerRecord(gitlab, creds.id);
    expect(record).toMatchObject({
      active: false,
      runnerType: "project_type",
      projectIds: [projects.api],
      maximumTimeout: 3600,
    });
    const details = await client.getRunner(creds.id);
    expect(details.paused).toBe(true);
    expect(new Set(details.tagList)).toEqual(new Set(["a", "b"]));
    expect(
      gitlab.requests().filter((r) => r.method === "POST" && r.route === "/api/v4/runners"),
    ).toHaveLength(1);
  });

  it("rejects an invalid registration token with forbidden and a hint", async () => {
    const error = await rejectionOf(admin().registerRunner({ token: "GR1348941notARealToken000" }));
    expect(error).toMatchObject({ code: "forbidden", status: 403, path: "/runners", attempts: 1 });
    expect(String((error as Error).message)).not.toContain("GR1348941notARealToken000");
  });

  if (legacy)
    it("has no POST /user/runners on 13.12 (unsupported)", async () => {
      const error = await rejectionOf(admin().createUserRunner({ runnerType: "instance_type" }));
      expect(error).toMatchObject({ code: "unsupported", status: 404 });
    });

  if (!legacy)
    it("creates, updates, resets, verifies and deletes a user runner", async () => {
      const client = admin();
      const created = await client.createUserRunner({
        runnerType: "project_type",
        projectId: projects.api,
        description: "made by test",
        tagList: ["x"],
        paused: true,
        maintenanceNote: "note",
      });
      expect(created.token).toMatch(/^glrt-/);
      let details = await client.getRunner(created.id);
      expect(details).toMatchObject({
        paused: true,
        description: "made by test",
        maintenanceNote: "note",
        status: "never_contacted",
      });

      details = await client.updateRunner(created.id, {
        paused: false,
        description: "changed",
        tagList: ["x", "y"],
        maximumTimeout: 7200,
      });
      expect(details).toMatchObject({ paused: false, description: "changed", maximumTimeout: 7200 });
      if (newest) expect(details.projects).toBeUndefined();
      expect(runnerRecord(gitlab, created.id)?.active).toBe(true);

      const verified = await client.verifyRunner(created.token, "s_test_system");
      expect(verified).toMatchObject({ valid: true, id: created.id });

      const reset = await client.resetRunnerToken(created.id);
      expect(reset.token).not.toBe(created.token);
      const again = await client.resetRunnerTokenByToken(reset.token);
      expect(again.token).not.toBe(reset.token);
      const stale = await rejectionOf(client.verifyRunner(reset.token));
      expect(stale).toMatchObject({ code: "forbidden", status: 403, path: "/runners/verify" });

      await client.deleteRunnerByToken(again.token);
      expect(runnerRecord(gitlab, created.id)).toBeUndefined();
    });

  it("runner-token endpoints on a registered runner: verify, reset by token, delete by token", async () => {
    const client = admin();
    const creds = await client.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.project,
      description: "token flow",
    });
    expect((await client.verifyRunner(creds.token)).valid).toBe(true);
    const reset = await client.resetRunnerTokenByToken(creds.token);
    expect(reset.token).not.toBe(creds.token);
    expect(await rejectionOf(client.deleteRunnerByToken(creds.token))).toMatchObject({
      code: "forbidden",
      status: 403,
    });
    await client.deleteRunnerByToken(reset.token);
    expect(runnerRecord(gitlab, creds.id)).toBeUndefined();
    const runnerTokenCalls = gitlab
      .requests()
      .filter((r) => r.route === "/api/v4/runners" && r.method === "DELETE");
    expect(runnerTokenCalls.every((r) => r.callerId === null)).toBe(true);
  });

  it("updates with active on old servers and paused on new ones, never both", async () => {
    const client = admin();
    const creds = await client.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.group,
      description: "toggle",
    });
    const paused = await client.updateRunner(creds.id, { paused: true });
    expect(paused.paused).toBe(true);
    expect(runnerRecord(gitlab, creds.id)?.active).toBe(false);
    const resumed = await client.updateRunner(creds.id, { paused: false });
    expect(resumed.paused).toBe(false);
    await client.deleteRunner(creds.id);
    expect(await rejectionOf(client.getRunner(creds.id))).toMatchObject({ code: "not_found" });
  });

  it("verifies a runner token, accepting 13.x's plain-text 200", async () => {
    const result = await admin().verifyRunner(FIXTURE_RUNNER_TOKENS.group);
    expect(result.valid).toBe(true);
    if (legacy) expect(result.id).toBeNull();
    else expect(result.id).toBe(runners.group);
  });

  it("resets a token by id, and deletes a runner by id", async () => {
    const client = admin();
    const creds = await client.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.instance,
      description: "reset-me",
    });
    const reset = await client.resetRunnerToken(creds.id);
    expect(reset.token).not.toBe(creds.token);
    expect(reset.tokenExpiresAt).toBeNull();
    await client.deleteRunner(creds.id);
    expect(runnerRecord(gitlab, creds.id)).toBeUndefined();
  });

  it("lists owned and all runners with filters", async () => {
    const client = admin();
    const all = await client.listRunners({ scope: "all" });
    expect(all.map((r) => r.id)).toEqual(
      expect.arrayContaining([runners.instance, runners.group, runners.project]),
    );
    const groupOnly = await client.listRunners({ scope: "all", type: "group_type" });
    expect(groupOnly.every((r) => r.runnerType === "group_type")).toBe(true);
    const tagged = await client.listRunners({ scope: "all", tagList: ["docker", "linux"] });
    expect(tagged.map((r) => r.id).sort()).toEqual([runners.instance, runners.group].sort());
    const paused = await client.listRunners({ scope: "all", paused: true });
    expect(paused.every((r) => r.paused)).toBe(true);
    const active = await client.listRunners({ scope: "all", paused: false });
    expect(active.map((r) => r.id)).toContain(runners.instance);
    const owned = await clientFor(gitlab, FIXTURE_TOKENS.owner).client.listRunners({ scope: "owned" });
    expect(owned.map((r) => r.id)).toContain(runners.group);
    expect(owned.map((r) => r.id)).not.toContain(runners.instance);
    if (!legacy) {
      const byVersion = await client.listRunners({ scope: "all", versionPrefix: "17.10" });
      expect(byVersion.map((r) => r.id)).toEqual([runners.group]);
    }
  });

  it("refuses /runners/all to a non-admin with forbidden and names the role", async () => {
    const error = await rejectionOf(
      clientFor(gitlab, FIXTURE_TOKENS.maintainer).client.listRunners({ scope: "all" }),
    );
    expect(error).toMatchObject({ code: "forbidden", status: 403, path: "/runners/all" });
    expect((error as GitLabError).hint).toMatch(/administrator/);
  });

  it("lists a runner's jobs, managers and projects", async () => {
    const client = admin();
    const jobs = await client.listRunnerJobs(runners.instance, { orderBy: "id", sort: "asc" });
    expect(jobs.map((j) => j.id)).toEqual([5001, 5002]);
    const running = await client.listRunnerJobs(runners.instance, { status: "running" });
    expect(running.map((j) => j.id)).toEqual([5002]);
    if (legacy) {
      expect(await rejectionOf(client.listRunnerManagers(runners.instance))).toMatchObject({
        code: "unsupported",
      });
    } else {
      const managers = await client.listRunnerManagers(runners.instance);
      expect(managers).toEqual([expect.objectContaining({ systemId: "s_0e9bd6a5f1c2", version: "17.11.0" })]);
    }
    const projectRefs = await client.listRunnerProjects(runners.project);
    expect(projectRefs.map((p) => p.id)).toEqual([projects.api]);
    const usedEndpoint = gitlab
      .requests()
      .some((r) => r.route === "/api/v4/runners/:id/projects" && r.status === 200);
    expect(usedEndpoint).toBe(newest);
  });

  it("lists, enables and disables project runners by id and by full path", async () => {
    const client = admin();
    const byPath = await client.listProjectRunners("acme/api");
    const byId = await client.listProjectRunners(projects.api);
    expect(byPath.map((r) => r.id).sort()).toEqual(byId.map((r) => r.id).sort());
    expect(byId.map((r) => r.id)).toContain(runners.project);

    const creds = await client.registerRunner({
      token: FIXTURE_REGISTRATION_TOKENS.project,
      description: "multi",
    });
    const enabled = await client.enableProjectRunner("acme/web", creds.id);
    expect(enabled.id).toBe(creds.id);
    expect(runnerRecord(gitlab, creds.id)?.projectIds.sort()).toEqual([projects.api, projects.web].sort());
    const duplicate = await rejectionOf(client.enableProjectRunner(projects.web, creds.id));
    expect(duplicate).toMatchObject({ code: "already_assigned", status: 400, path: "/projects/:id/runners" });
    await client.disableProjectRunner(projects.web, creds.id);
    expect(runnerRecord(gitlab, creds.id)?.projectIds).toEqual([projects.api]);
    const missing = await rejectionOf(client.disableProjectRunner(projects.web, creds.id));
    expect(missing).toMatchObject({ code: "not_found", status: 404 });
    await client.deleteRunner(creds.id);
  });

  it("lists group runners by id and by full path", async () => {
    const client = clientFor(gitlab, FIXTURE_TOKENS.owner).client;
    const byId = await client.listGroupRunners(groups.acme, { type: "group_type" });
    expect(byId.map((r) => r.id)).toEqual([runners.group]);
    const byPath = await client.listGroupRunners("acme");
    expect(byPath.map((r) => r.id)).toContain(runners.group);
  });

  it("maps auth failures to unauthorized, insufficient_scope and forbidden with hints", async () => {
    const expired = await rejectionOf(clientFor(gitlab, FIXTURE_TOKENS.expired).client.getCurrentUser());
    expect(expired).toMatchObject({ code: "unauthorized", status: 401 });
    expect((expired as GitLabError).hint).toMatch(/invalid, expired or revoked/);

    const readOnly = await rejectionOf(
      clientFor(gitlab, FIXTURE_TOKENS.readApi).client.updateRunner(runners.project, { description: "x" }),
    );
    expect(readOnly).toMatchObject({
      code: "insufficient_scope",
      status: 403,
      path: "/runners/:id",
      method: "PUT",
    });
    expect((readOnly as GitLabError).hint).toMatch(/manage_runner/);

    const developer = await rejectionOf(
      clientFor(gitlab, FIXTURE_TOKENS.developer).client.updateRunner(runners.project, { description: "x" }),
    );
    expect(developer).toMatchObject({ code: "forbidden", status: 403 });
    expect((developer as GitLabError).hint).toMatch(/Maintainer/);
  });

  it("reports validation errors with GitLab's message", async () => {
    const error = await rejectionOf(admin().updateRunner(runners.project, { maximumTimeout: 60 }));
    expect(error).toMatchObject({ code: "validation", status: 400 });
    expect((error as GitLabError).gitlabMessage).toEqual({
      maximum_timeout: ["needs to be at least 10 minutes"],
    });
  });
});

describe("registration tokens disabled (GitLab 17 default)", () => {
  it("answers 410 registration_disallowed with a hint to use runnerType", async () => {
    const gitlab = await startEmulator({ gitlabVersion: "17.11" });
    try {
      const error = await rejectionOf(
        clientFor(gitlab, FIXTURE_TOKENS.admin).client.registerRunner({
          token: FIXTURE_REGISTRATION_TOKENS.group,
        }),
      );
      expect(error).toMatchObject({
        code: "registration_disallowed",
        status: 410,
        method: "POST",
        path: "/runners",
        attempts: 1,
      });
      expect((error as GitLabError).hint).toMatch(/runnerType.*groupId.*projectId/);
    } finally {
      await gitlab.stop();
    }
  });
});

describe("pagination against the emulator", () => {
  it.each<GitlabVersion>(["13.12", "18.6"])(
    "GitLab %s: reads every page of 250+ runners with per_page=100",
    async (version) => {
      const fixture = defaultFixture();
      for (let i = 0; i < 250; i += 1) {
        fixture.runners.push({
          id: 1_000 + i,
          runnerType: "instance_type",
          token: `glrt-bulkRunnerToken${String(i).padStart(4, "0")}`,
          description: `bulk-${i}`,
        });
      }
      const gitlab = await startEmulator({ gitlabVersion: version, fixture });
      try {
        const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin);
        const all = await client.listRunners({ scope: "all" });
        expect(all).toHaveLength(fixture.runners.length);
        expect(new Set(all.map((r) => r.id)).size).toBe(fixture.runners.length);
        const pages = gitlab.requests().filter((r) => r.route === "/api/v4/runners/all");
        expect(pages).toHaveLength(3);
        expect(pages.every((r) => r.path.includes("per_page=100"))).toBe(true);
        expect(logs.debug.filter((l) => l.startsWith("GET /runners/all page"))).toHaveLength(3);
      } finally {
        await gitlab.stop();
      }
    },
  );
});

describe("resolving projects and groups", () => {
  it.each<GitlabVersion>(["13.12", "18.6"])("GitLab %s: by id and by full path", async (version) => {
    const gitlab = await startEmulator({ gitlabVersion: version });
    try {
      const client = clientFor(gitlab, FIXTURE_TOKENS.admin).client;
      const byPath = await client.resolveProject("acme/platform/deploy");
      expect(byPath).toMatchObject({ id: projects.deploy, pathWithNamespace: "acme/platform/deploy" });
      expect((await client.resolveProject(projects.api)).pathWithNamespace).toBe("acme/api");
      expect(await client.resolveGroup("acme/platform")).toMatchObject({
        id: groups.platform,
        fullPath: "acme/platform",
      });
      expect((await client.resolveGroup(groups.acme)).fullPath).toBe("acme");
      const missing = await rejectionOf(client.resolveProject("acme/missing"));
      expect(missing).toMatchObject({ code: "not_found", path: "/projects/:id" });
      const missingGroup = await rejectionOf(client.resolveGroup("nope"));
      expect(missingGroup).toMatchObject({ code: "not_found", path: "/groups/:id" });
    } finally {
      await gitlab.stop();
    }
  });
});
