import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { call } from "../support/emulator-call";

// Creating runners and attaching them to projects: docs/gitlab-api.md §7 (runner-token endpoints),
// §8 (project assignment) and §9 (POST /user/runners).

const T = FIXTURE_TOKENS;
const REG = FIXTURE_REGISTRATION_TOKENS;
let emu: RunningEmulator;

function allowRegistration(): void {
  const fixture = defaultFixture();
  fixture.registrationTokensAllowed = true;
  emu.loadFixture(fixture);
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

describe("POST /runners — register (§7.1)", () => {
  it("answers 410 runner registration disallowed for any non-empty token while disabled (§7.1)", async () => {
    for (const token of [REG.instance, REG.project, "GR1348941unknown"]) {
      const res = await call(emu, "POST", "/runners", { form: { token } });
      expect(res.status).toBe(410);
      expect(res.json).toEqual({ message: "410 Gone - runner registration disallowed" });
    }
    expect(emu.state().runners).toHaveLength(3);
  });

  it("answers 400 token is missing (§7.1)", async () => {
    const res = await call(emu, "POST", "/runners", { form: {} });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "token is missing" });
  });

  it("registers instance, project and group runners by token, in that resolution order (§7.1)", async () => {
    allowRegistration();
    const instance = await call(emu, "POST", "/runners", { form: { token: REG.instance } });
    expect(instance.status).toBe(201);
    expect(Object.keys(instance.json)).toEqual(["id", "token", "token_expires_at"]);
    expect(instance.json.token).not.toBe(REG.instance);
    expect(instance.json.token).not.toMatch(/^glrt-/);
    const project = await call(emu, "POST", "/runners", { form: { token: REG.project } });
    const group = await call(emu, "POST", "/runners", { form: { token: REG.group } });
    const state = emu.state();
    const byId = (id: number) => state.runners.find((r) => r.id === id);
    expect(byId(instance.json.id)).toMatchObject({
      runnerType: "instance_type",
      registrationType: "registration_token",
    });
    expect(byId(project.json.id)).toMatchObject({ runnerType: "project_type", projectIds: [100] });
    expect(byId(group.json.id)).toMatchObject({ runnerType: "group_type", groupId: 10 });
  });

  it("applies the documented defaults and the optional attributes (§2, §7.1)", async () => {
    allowRegistration();
    const plain = await call(emu, "POST", "/runners", { form: { token: REG.instance } });
    const details = await call(emu, "GET", `/runners/${plain.json.id}`, { token: T.admin });
    expect(details.json).toMatchObject({
      active: true,
      paused: false,
      run_untagged: true,
      locked: false,
      access_level: "not_protected",
      maximum_timeout: null,
      tag_list: [],
      contacted_at: null,
      online: null,
      status: "never_contacted",
    });
    const full = await call(emu, "POST", "/runners", {
      json: {
        token: REG.project,
        description: "ci",
        paused: true,
        locked: true,
        tag_list: "a, b",
        maximum_timeout: 900,
        maintenance_note: "note",
        info: { name: "runner-name", version: "17.0.0" },
      },
    });
    const d2 = await call(emu, "GET", `/runners/${full.json.id}`, { token: T.admin });
    expect(d2.json).toMatchObject({
      description: "ci",
      active: false,
      locked: true,
      tag_list: ["a", "b"],
      maximum_timeout: 900,
      maintenance_note: "note",
      name: "runner-name",
      version: null,
    });
  });

  it("answers 403 invalid token supplied for an unknown token (§7.1)", async () => {
    allowRegistration();
    const res = await call(emu, "POST", "/runners", { form: { token: "GR1348941nope" } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden - invalid token supplied" });
  });

  it("answers 410 for group and project tokens when the top-level group disallows them (§7.1)", async () => {
    const fixture = defaultFixture();
    fixture.registrationTokensAllowed = true;
    const acme = fixture.groups.find((g) => g.id === 10);
    if (acme) acme.allowRunnerRegistrationToken = false;
    emu.loadFixture(fixture);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.project } })).status).toBe(410);
    expect((await call(emu, "POST", "/runners", { form: { token: REG.instance } })).status).toBe(201);
  });

  it("rejects model errors with the message hash and mutually exclusive params (§7.1)", async () => {
    allowRegistration();
    const untagged = await call(emu, "POST", "/runners", {
      form: { token: REG.instance, run_untagged: "false" },
    });
    expect(untagged.json).toEqual({
      message: { tags_list: ["can not be empty when runner is not allowed to pick untagged jobs"] },
    });
    const both = await call(emu, "POST", "/runners", {
      form: { token: REG.instance, active: "true", paused: "false" },
    });
    expect(both.json).toEqual({ error: "active, paused are mutually exclusive" });
    expect(emu.state().runners).toHaveLength(3);
  });
});

describe("DELETE /runners — by token (§7.2)", () => {
  it("deletes with 204, 403 for unknown tokens, 400 without token (§7.2)", async () => {
    expect((await call(emu, "DELETE", "/runners", { form: {} })).json).toEqual({ error: "token is missing" });
    const bad = await call(emu, "DELETE", "/runners", { form: { token: "nope" } });
    expect(bad.status).toBe(403);
    expect(bad.json).toEqual({ message: "403 Forbidden" });
    const ok = await call(emu, "DELETE", "/runners", { form: { token: FIXTURE_RUNNER_TOKENS.project } });
    expect(ok.status).toBe(204);
    expect(emu.state().runners.map((r) => r.id)).toEqual([1, 2]);
  });
});

describe("POST /runners/verify (§7.3)", () => {
  it("marks the runner contacted, creates a manager, answers registration details (§7.3)", async () => {
    const res = await call(emu, "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project, system_id: "s_abc" },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: 3, token: FIXTURE_RUNNER_TOKENS.project, token_expires_at: null });
    const details = await call(emu, "GET", "/runners/3", { token: T.admin });
    expect(details.json.online).toBe(true);
    expect(details.json.status).toBe("online");
    const managers = await call(emu, "GET", "/runners/3/managers", { token: T.admin });
    expect(managers.json.map((m: { system_id: string }) => m.system_id)).toEqual(["s_abc"]);
    await call(emu, "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project, system_id: "s_abc" },
    });
    expect(emu.state().runners.find((r) => r.id === 3)?.managers).toHaveLength(1);
  });

  it("answers 403 for unknown and expired runner tokens (§1.1, §7.3)", async () => {
    expect((await call(emu, "POST", "/runners/verify", { form: { token: "nope" } })).status).toBe(403);
    const fixture = defaultFixture();
    const r = fixture.runners.find((x) => x.id === 3);
    if (r) r.tokenExpiresAt = "2020-01-01T00:00:00.000Z";
    emu.loadFixture(fixture);
    const expired = await call(emu, "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project },
    });
    expect(expired.status).toBe(403);
    expect(expired.json).toEqual({ message: "403 Forbidden" });
  });
});

describe("POST /runners/reset_authentication_token (§7.4)", () => {
  it("rotates the token with 201 and refuses the old one (§7.4)", async () => {
    const res = await call(emu, "POST", "/runners/reset_authentication_token", {
      form: { token: FIXTURE_RUNNER_TOKENS.group },
    });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^glrt-/);
    expect(res.json.token_expires_at).toBeNull();
    const again = await call(emu, "POST", "/runners/reset_authentication_token", {
      form: { token: FIXTURE_RUNNER_TOKENS.group },
    });
    expect(again.status).toBe(403);
  });
});

describe("POST /projects/:id/runners — assign (§8.1)", () => {
  it("assigns a project runner to a second project with 201 Runner (§8.1)", async () => {
    await call(emu, "PUT", "/runners/3", { token: T.admin, form: { locked: "false" } });
    const res = await call(emu, "POST", "/projects/101/runners", {
      token: T.maintainer,
      form: { runner_id: "3" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: 3, runner_type: "project_type" });
    expect(res.json.tag_list).toBeUndefined();
    expect(emu.state().runners.find((r) => r.id === 3)?.projectIds).toEqual([100, 101]);
  });

  it("answers duplicate assignment with 400, never 409 (§8.1)", async () => {
    const res = await call(emu, "POST", "/projects/100/runners", {
      token: T.admin,
      form: { runner_id: "3" },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain("has already been taken");
  });

  it("follows GitLab's check order: 404 project, 403 role, 400 params, 404 runner (§8.1)", async () => {
    expect((await call(emu, "POST", "/projects/999/runners", { token: T.admin })).json).toEqual({
      message: "404 Project Not Found",
    });
    const dev = await call(emu, "POST", "/projects/100/runners", { token: T.developer });
    expect(dev.status).toBe(403);
    expect(dev.json).toEqual({ message: "403 Forbidden" });
    expect((await call(emu, "POST", "/projects/100/runners", { token: T.maintainer })).json).toEqual({
      error: "runner_id is missing",
    });
    const missing = await call(emu, "POST", "/projects/100/runners", {
      token: T.admin,
      form: { runner_id: "999" },
    });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: "404 Not found" });
  });

  it("refuses group runners even for admins, locked runners and instance runners for non-admins (§8.1)", async () => {
    const group = await call(emu, "POST", "/projects/101/runners", {
      token: T.admin,
      form: { runner_id: "2" },
    });
    expect(group.json).toEqual({ message: "403 Forbidden - Runner is a group runner" });
    const locked = await call(emu, "POST", "/projects/101/runners", {
      token: T.maintainer,
      form: { runner_id: "3" },
    });
    expect(locked.json).toEqual({ message: "403 Forbidden - Runner is locked" });
    const instance = await call(emu, "POST", "/projects/101/runners", {
      token: T.maintainer,
      form: { runner_id: "1" },
    });
    expect(instance.json).toEqual({ message: "403 Forbidden - No access granted" });
    const adminInstance = await call(emu, "POST", "/projects/101/runners", {
      token: T.admin,
      form: { runner_id: "1" },
    });
    expect(adminInstance.status).toBe(400);
  });
});

describe("DELETE /projects/:id/runners/:runner_id — unassign (§8.2)", () => {
  it("unassigns from a second project with 204 (§8.2)", async () => {
    await call(emu, "POST", "/projects/101/runners", { token: T.admin, form: { runner_id: "3" } });
    const res = await call(emu, "DELETE", "/projects/101/runners/3", { token: T.maintainer });
    expect(res.status).toBe(204);
    expect(emu.state().runners.find((r) => r.id === 3)?.projectIds).toEqual([100]);
  });

  it("refuses the only project of a runner (§8.2, 17.x)", async () => {
    const res = await call(emu, "DELETE", "/projects/100/runners/3", { token: T.admin });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      message:
        "403 Forbidden - Only one project associated with the runner. Please remove the runner instead",
    });
  });

  it("answers 404 Runner Not Found for a runner not attached to the project (§8.2)", async () => {
    for (const runnerId of [1, 999]) {
      const res = await call(emu, "DELETE", `/projects/101/runners/${runnerId}`, { token: T.admin });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ message: "404 Runner Not Found" });
    }
  });

  it("answers 403 for a developer (§8.2)", async () => {
    const res = await call(emu, "DELETE", "/projects/100/runners/3", { token: T.developer });
    expect(res.json).toEqual({ message: "403 Forbidden" });
  });
});

describe("POST /user/runners (§9)", () => {
  it("creates a project runner with a glrt- token and the caller as creator (§9)", async () => {
    const res = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      json: { runner_type: "project_type", project_id: 100, description: "new", tag_list: ["x"] },
    });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^glrt-t3_/);
    expect(res.json.token_expires_at).toBeNull();
    const runner = emu.state().runners.find((r) => r.id === res.json.id);
    expect(runner).toMatchObject({ creatorId: 3, registrationType: "authenticated_user", projectIds: [100] });
    const details = await call(emu, "GET", `/runners/${res.json.id}`, { token: T.maintainer });
    expect(details.json.status).toBe("never_contacted");
  });

  it("accepts create_runner PATs and refuses read_api with insufficient_scope (§9)", async () => {
    const ok = await call(emu, "POST", "/user/runners", {
      token: T.createRunner,
      form: { runner_type: "instance_type" },
    });
    expect(ok.status).toBe(201);
    const read = await call(emu, "POST", "/user/runners", {
      token: T.readApi,
      form: { runner_type: "instance_type" },
    });
    expect(read.status).toBe(403);
    expect(read.json.error).toBe("insufficient_scope");
  });

  it("validates runner_type, group_id and project_id (§9)", async () => {
    expect(
      (await call(emu, "POST", "/user/runners", { token: T.admin, form: { runner_type: "x" } })).json,
    ).toEqual({ error: "runner_type does not have a valid value" });
    expect(
      (await call(emu, "POST", "/user/runners", { token: T.admin, form: { runner_type: "group_type" } }))
        .json,
    ).toEqual({ error: "group_id is missing" });
    expect(
      (await call(emu, "POST", "/user/runners", { token: T.admin, form: { runner_type: "project_type" } }))
        .json,
    ).toEqual({ error: "project_id is missing" });
    const badGroup = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "group_type", group_id: "999" },
    });
    expect(badGroup.status).toBe(400);
    expect(badGroup.json).toEqual({ message: "400 Bad request - Missing/invalid group" });
    const badProject = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "project_type", project_id: "999" },
    });
    expect(badProject.json).toEqual({ message: "400 Bad request - Missing/invalid project" });
  });

  it("answers 403 Insufficient permissions by role (§9)", async () => {
    const cases: [string, Record<string, string>][] = [
      [T.owner, { runner_type: "instance_type" }],
      [T.maintainer, { runner_type: "group_type", group_id: "10" }],
      [T.developer, { runner_type: "project_type", project_id: "100" }],
    ];
    for (const [token, form] of cases) {
      const res = await call(emu, "POST", "/user/runners", { token, form });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ message: "403 Forbidden - Insufficient permissions" });
    }
    const owner = await call(emu, "POST", "/user/runners", {
      token: T.owner,
      form: { runner_type: "group_type", group_id: "10" },
    });
    expect(owner.status).toBe(201);
    expect(owner.json.token).toMatch(/^glrt-t2_/);
  });

  it("renders model errors as a bad-request sentence (§9)", async () => {
    const res = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "instance_type", run_untagged: "false" },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      message:
        "400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs",
    });
  });
});

describe("token expiry (§2, §3.3, §3.4)", () => {
  it("sets token_expires_at from the smallest runner_token_expiration_interval of the runner's scopes", async () => {
    const fixture = defaultFixture();
    const acme = fixture.groups.find((g) => g.id === 10);
    const api = fixture.projects.find((p) => p.id === 100);
    if (acme) acme.runnerTokenExpirationSeconds = 7200;
    if (api) api.runnerTokenExpirationSeconds = 3600;
    emu.loadFixture(fixture);
    const t0 = Date.now();
    const created = await call(emu, "POST", "/user/runners", {
      token: T.maintainer,
      form: { runner_type: "project_type", project_id: "100" },
    });
    const expires = Date.parse(created.json.token_expires_at);
    expect(expires).toBeGreaterThanOrEqual(t0 + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    const reset = await call(emu, "POST", `/runners/${created.json.id}/reset_authentication_token`, {
      token: T.maintainer,
    });
    expect(Date.parse(reset.json.token_expires_at)).toBeGreaterThanOrEqual(expires);
    const group = await call(emu, "POST", "/user/runners", {
      token: T.owner,
      form: { runner_type: "group_type", group_id: "10" },
    });
    expect(Date.parse(group.json.token_expires_at) - Date.now()).toBeGreaterThan(3600_000 + 60_000);
    const instance = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "instance_type" },
    });
    expect(instance.json.token_expires_at).toBeNull();
  });
});
