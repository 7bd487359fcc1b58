import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type Fixture,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { call } from "../support/emulator-call";

// Instance settings and limits of GitLab that shape what a runner API call may do
// (docs/gitlab-api.md §13): plan limits on registered runners, valid_runner_registrars, the
// database-migration backoff of the runner-token endpoints; and the scope rule for listing a
// project's or group's runners (§1.1).

const T = FIXTURE_TOKENS;
const REG = FIXTURE_REGISTRATION_TOKENS;
const { projects, groups, runners } = FIXTURE_IDS;
const DAY = 86_400_000;

const emulators = new Map<GitlabVersion, RunningEmulator>();
beforeAll(async () => {
  for (const version of ["13.12", "16.11", "17.11", "18.6"] as const)
    emulators.set(version, await startEmulator({ gitlabVersion: version }));
});
afterAll(async () => {
  await Promise.all([...emulators.values()].map((e) => e.stop()));
});

/** The emulator of `version`, loaded with the default fixture changed by `change`. */
function load(version: GitlabVersion, change: (f: Fixture) => void = () => undefined): RunningEmulator {
  const emu = emulators.get(version) as RunningEmulator;
  const fixture = defaultFixture();
  fixture.registrationTokensAllowed = true;
  change(fixture);
  emu.loadFixture(fixture);
  emu.setFaults({ rules: [] });
  return emu;
}

function limits(project: number, group: number): (f: Fixture) => void {
  return (f) => {
    f.planLimits = { ciRegisteredProjectRunners: project, ciRegisteredGroupRunners: group };
  };
}

describe("plan limits ci_registered_project_runners / ci_registered_group_runners (§13.1)", () => {
  for (const version of ["16.11", "17.11", "18.6"] as const) {
    it(`${version}: registration over the project limit is 400 with the runner_projects.base message`, async () => {
      const emu = load(version, limits(1, 1));
      const res = await call(emu, "POST", "/runners", { form: { token: REG.project } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        message: { "runner_projects.base": ["Maximum number of ci registered project runners (1) exceeded"] },
      });
      expect(emu.state().runners).toHaveLength(3);
    });

    it(`${version}: registration over the group limit is 400 with the runner_namespaces.base message`, async () => {
      const emu = load(version, limits(1, 1));
      const res = await call(emu, "POST", "/runners", { form: { token: REG.group } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        message: { "runner_namespaces.base": ["Maximum number of ci registered group runners (1) exceeded"] },
      });
      expect(emu.state().runners).toHaveLength(3);
    });
  }

  it("POST /user/runners over a limit is 400 Bad request with the full message", async () => {
    const emu = load("17.11", limits(1, 1));
    const project = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      form: { runner_type: "project_type", project_id: String(projects.api) },
    });
    expect(project.status).toBe(400);
    expect(project.json).toEqual({
      message:
        "400 Bad request - Runner projects base Maximum number of ci registered project runners (1) exceeded",
    });
    const group = await call(emu, "POST", "/user/runners", {
      token: T.owner,
      form: { runner_type: "group_type", group_id: String(groups.acme) },
    });
    expect(group.status).toBe(400);
    expect(group.json).toEqual({
      message:
        "400 Bad request - Runner namespaces base Maximum number of ci registered group runners (1) exceeded",
    });
    // Another project and the subgroup have room.
    const web = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      form: { runner_type: "project_type", project_id: String(projects.web) },
    });
    expect(web.status).toBe(201);
    expect(emu.state().runners).toHaveLength(4);
  });

  it("assignment over the project limit is 400 with the assign_to message and changes nothing", async () => {
    const emu = load("17.11", limits(1, 0));
    const created = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      form: { runner_type: "project_type", project_id: String(projects.web) },
    });
    expect(created.status).toBe(201);
    const res = await call(emu, "POST", `/projects/${projects.api}/runners`, {
      token: T.maintainer,
      form: { runner_id: String(created.json.id) },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      message:
        "Assign to Validation failed: Runner projects base Maximum number of ci registered project runners (1) exceeded - runner_error",
    });
    expect(emu.state().runners.find((r) => r.id === created.json.id)?.projectIds).toEqual([projects.web]);
  });

  it("reports the limit and a duplicate together, limit first, as the link record validates them", async () => {
    const emu = load("17.11", limits(1, 0));
    const res = await call(emu, "POST", `/projects/${projects.api}/runners`, {
      token: T.admin,
      form: { runner_id: String(runners.project) },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toBe(
      "Assign to Validation failed: Runner projects base Maximum number of ci registered project runners (1) exceeded, Runner projects runner has already been taken - runner_error",
    );
  });

  it("does not count stale runners (7 days on 17.11)", async () => {
    const emu = load("17.11", (f) => {
      limits(1, 1)(f);
      const old = new Date(Date.now() - 8 * DAY).toISOString();
      for (const r of f.runners) {
        r.createdAt = old;
        r.contactedAt = r.contactedAt === undefined || r.contactedAt === null ? null : old;
      }
    });
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(201);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.group } })).status).toBe(201);
    // The two new ones are recent, so the next of each is over the limit again.
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(400);
  });

  it("counts a never-contacted runner created within the stale window", async () => {
    const emu = load("17.11", limits(1, 0));
    const runner = emu.state().runners.find((r) => r.id === runners.project);
    expect(runner?.contactedAt).toBeNull();
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(400);
  });

  it("defaults to GitLab's 1000 per project and group, 0 meaning no limit", async () => {
    const emu = load("17.11");
    expect(emu.state().planLimits).toEqual({
      ciRegisteredProjectRunners: 1000,
      ciRegisteredGroupRunners: 1000,
    });
    emu.updateSettings({ planLimits: { ciRegisteredProjectRunners: 0 } });
    for (let i = 0; i < 3; i++)
      expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(201);
    expect(emu.state().planLimits).toEqual({ ciRegisteredProjectRunners: 0, ciRegisteredGroupRunners: 1000 });
  });

  it("13.12 does not enforce them (ci_runner_limits was off by default)", async () => {
    const emu = load("13.12", limits(1, 1));
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(201);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.group } })).status).toBe(201);
  });
});

describe("valid_runner_registrars (§13.2)", () => {
  it("treats a project registration token as unknown (403) when only groups may register", async () => {
    const emu = load("17.11", (f) => {
      f.validRunnerRegistrars = ["group"];
    });
    const project = await call(emu, "POST", "/runners", { form: { token: REG.project } });
    expect(project.status).toBe(403);
    expect(project.json).toEqual({ message: "403 Forbidden - invalid token supplied" });
    expect((await call(emu, "POST", "/runners", { form: { token: REG.group } })).status).toBe(201);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.instance } })).status).toBe(201);
  });

  it("treats a group registration token as unknown when only projects may register", async () => {
    const emu = load("16.11", (f) => {
      f.validRunnerRegistrars = ["project"];
    });
    const group = await call(emu, "POST", "/runners", { form: { token: REG.group } });
    expect(group.status).toBe(403);
    expect(group.json).toEqual({ message: "403 Forbidden - invalid token supplied" });
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(201);
  });

  it("still answers 410 for a left-out kind while registration tokens are disabled", async () => {
    const emu = load("17.11", (f) => {
      f.registrationTokensAllowed = false;
      f.validRunnerRegistrars = [];
    });
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(410);
  });

  it("refuses POST /user/runners of a left-out kind to non-admins with 403 Insufficient permissions", async () => {
    const emu = load("17.11", (f) => {
      f.validRunnerRegistrars = [];
    });
    const project = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      form: { runner_type: "project_type", project_id: String(projects.api) },
    });
    expect(project.status).toBe(403);
    expect(project.json).toEqual({ message: "403 Forbidden - Insufficient permissions" });
    const group = await call(emu, "POST", "/user/runners", {
      token: T.owner,
      form: { runner_type: "group_type", group_id: String(groups.acme) },
    });
    expect(group.status).toBe(403);
    expect(group.json).toEqual({ message: "403 Forbidden - Insufficient permissions" });
    const admin = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "project_type", project_id: String(projects.api) },
    });
    expect(admin.status).toBe(201);
  });

  it("refuses assignment by non-admins with 403 Forbidden when projects are left out", async () => {
    const emu = load("17.11", (f) => {
      f.validRunnerRegistrars = ["group"];
      f.runners.push({
        id: 50,
        runnerType: "project_type",
        token: "glrt-emuAssignable0050",
        projectIds: [projects.web],
      });
    });
    const res = await call(emu, "POST", `/projects/${projects.api}/runners`, {
      token: T.maintainer,
      form: { runner_id: "50" },
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden" });
    const admin = await call(emu, "POST", `/projects/${projects.api}/runners`, {
      token: T.admin,
      form: { runner_id: "50" },
    });
    expect(admin.status).toBe(201);
  });

  it("13.12 ignores the setting (runner_registration_control was off by default)", async () => {
    const emu = load("13.12", (f) => {
      f.validRunnerRegistrars = [];
    });
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(201);
  });

  it("can be changed while running (PATCH /-/emulator/settings, updateSettings)", async () => {
    const emu = load("17.11");
    expect(emu.updateSettings({ validRunnerRegistrars: ["group"] }).validRunnerRegistrars).toEqual(["group"]);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(403);
    expect(() => emu.updateSettings({ validRunnerRegistrars: ["instance" as "group"] })).toThrow(
      /invalid settings/,
    );
    expect(emu.state().validRunnerRegistrars).toEqual(["group"]);
  });
});

describe("listing a project's or group's runners with a create_runner/manage_runner PAT (§1.1)", () => {
  for (const token of [T.createRunner, T.manageRunner]) {
    it(`answers 403 insufficient_scope, not 401 (${token === T.createRunner ? "create_runner" : "manage_runner"})`, async () => {
      const emu = load("17.11");
      for (const path of [`/projects/${projects.api}/runners`, `/groups/${groups.acme}/runners`]) {
        const res = await call(emu, "GET", path, { token });
        expect(res.status).toBe(403);
        expect(res.json).toEqual({
          error: "insufficient_scope",
          error_description: "The request requires higher privileges than provided by the access token.",
          scope: "api read_api",
        });
      }
      // Assignment endpoints still do not authenticate such a PAT at all.
      const assign = await call(emu, "POST", `/projects/${projects.api}/runners`, {
        token,
        form: { runner_id: String(runners.project) },
      });
      expect(assign.status).toBe(401);
    });
  }

  it("lists them with read_api", async () => {
    const emu = load("17.11");
    expect((await call(emu, "GET", `/projects/${projects.api}/runners`, { token: T.readApi })).status).toBe(
      200,
    );
  });
});

describe("runner backoff while database migrations run (§13.3)", () => {
  const endpoints = [
    { method: "POST", path: "/runners/verify", form: { token: FIXTURE_RUNNER_TOKENS.project } },
    { method: "POST", path: "/runners", form: { token: REG.project } },
    { method: "DELETE", path: "/runners", form: { token: FIXTURE_RUNNER_TOKENS.project } },
    {
      method: "POST",
      path: "/runners/reset_authentication_token",
      form: { token: FIXTURE_RUNNER_TOKENS.project },
    },
    // Before parameter validation: even a request without its token backs off.
    { method: "POST", path: "/runners/verify", form: {} },
  ];

  for (const version of ["16.11", "17.11", "18.6"] as const) {
    it(`${version}: every runner-token endpoint answers 429 with GitLab's message and Retry-After: 60`, async () => {
      const emu = load(version, (f) => {
        f.runnerMigrationBackoff = true;
      });
      const before = emu.state();
      for (const e of endpoints) {
        const res = await call(emu, e.method, e.path, { form: e.form });
        expect({ ...e, status: res.status }).toEqual({ ...e, status: 429 });
        expect(res.json).toEqual({ message: "Executing database migrations. Please retry later." });
        expect(res.headers["retry-after"]).toBe("60");
      }
      expect(emu.state()).toEqual(before);
      // User-authenticated endpoints are not affected.
      expect((await call(emu, "GET", `/runners/${runners.project}`, { token: T.admin })).status).toBe(200);
    });
  }

  it("ends when the migration does, and verify then works", async () => {
    const emu = load("17.11", (f) => {
      f.runnerMigrationBackoff = true;
    });
    const form = { token: FIXTURE_RUNNER_TOKENS.project };
    expect((await call(emu, "POST", "/runners/verify", { form })).status).toBe(429);
    emu.updateSettings({ runnerMigrationBackoff: false });
    const res = await call(emu, "POST", "/runners/verify", { form });
    expect(res.status).toBe(200);
    expect(emu.state().runners.find((r) => r.id === runners.project)?.contactedAt).not.toBeNull();
  });

  it("13.12 has no backoff", async () => {
    const emu = load("13.12", (f) => {
      f.runnerMigrationBackoff = true;
    });
    const res = await call(emu, "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project },
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe("200");
  });
});

describe("the settings are part of the fixture and the state snapshot", () => {
  it("round-trips through state() and loadFixture()", () => {
    const emu = load("17.11", (f) => {
      f.validRunnerRegistrars = ["project"];
      f.planLimits = { ciRegisteredGroupRunners: 7 };
      f.runnerMigrationBackoff = true;
    });
    const snapshot = emu.state();
    expect(snapshot.validRunnerRegistrars).toEqual(["project"]);
    expect(snapshot.planLimits).toEqual({ ciRegisteredProjectRunners: 1000, ciRegisteredGroupRunners: 7 });
    expect(snapshot.runnerMigrationBackoff).toBe(true);
    emu.loadFixture(defaultFixture());
    emu.loadFixture(snapshot);
    expect(emu.state()).toEqual(snapshot);
  });

  it("refuses an invalid limit", () => {
    const emu = load("17.11");
    expect(() =>
      emu.loadFixture({ ...defaultFixture(), planLimits: { ciRegisteredProjectRunners: -1 } }),
    ).toThrow(/planLimits.ciRegisteredProjectRunners/);
  });
});
