import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { call } from "../support/emulator-call";

// The version matrix: every difference of docs/gitlab-api.md §10–§12 across 13.12, 16.11, 17.11, 18.6.

const T = FIXTURE_TOKENS;
const VERSIONS: GitlabVersion[] = ["13.12", "16.11", "17.11", "18.6"];
const emus = new Map<GitlabVersion, RunningEmulator>();
function at(version: GitlabVersion): RunningEmulator {
  const emu = emus.get(version);
  if (emu === undefined) throw new Error(`no emulator for ${version}`);
  emu.reset();
  return emu;
}

beforeAll(async () => {
  for (const version of VERSIONS) emus.set(version, await startEmulator({ gitlabVersion: version }));
});
afterAll(async () => {
  for (const emu of emus.values()) await emu.stop();
});

describe("across versions (§11)", () => {
  it.each(VERSIONS)("%s reports its version on GET /version", async (version) => {
    const res = await call(at(version), "GET", "/version", { token: T.admin });
    expect(res.json.version).toBe(`${version}.0`);
  });

  it.each([
    ["13.12", false, true, "10.0.0.10"],
    ["16.11", true, true, "10.0.0.10"],
    ["17.11", true, true, null],
    ["18.6", true, true, null],
  ] as const)(
    "%s: paused field %s, maintenance_note, ip_address %s (§11.5, §11.7)",
    async (version, paused, _note, ip) => {
      const res = await call(at(version), "GET", "/runners/1", { token: T.admin });
      expect("paused" in res.json).toBe(paused);
      expect("maintenance_note" in res.json).toBe(version !== "13.12");
      expect(res.json.ip_address).toBe(ip);
    },
  );

  it.each([
    ["13.12", "not_connected"],
    ["16.11", "never_contacted"],
    ["17.11", "never_contacted"],
    ["18.6", "never_contacted"],
  ] as const)("%s calls a never-contacted runner %s (§11.8)", async (version, status) => {
    const res = await call(at(version), "GET", "/runners/3", { token: T.admin });
    expect(res.json.status).toBe(status);
    expect(res.json.online).toBeNull();
  });

  it.each([
    ["13.12", "404 Not found"],
    ["16.11", "404 Not found"],
    ["17.11", "404 Not found"],
    ["18.6", "404 Runner Not Found"],
  ] as const)("%s answers an unknown runner id with %s (§11.1)", async (version, message) => {
    const res = await call(at(version), "GET", "/runners/9999", { token: T.admin });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message });
  });

  it.each([
    ["13.12", 201, ["id", "token"]],
    ["16.11", 201, ["id", "token", "token_expires_at"]],
    ["17.11", 410, null],
    ["18.6", 410, null],
  ] as const)("%s registration with a token answers %s (§11.4, §11.9)", async (version, status, keys) => {
    const res = await call(at(version), "POST", "/runners", {
      form: { token: FIXTURE_REGISTRATION_TOKENS.instance },
    });
    expect(res.status).toBe(status);
    if (keys !== null) expect(Object.keys(res.json)).toEqual(keys);
  });

  it.each(["17.11", "18.6"] as const)(
    "%s allows registration when the fixture enables it (§11.9)",
    async (version) => {
      const emu = at(version);
      const fixture = defaultFixture();
      fixture.registrationTokensAllowed = true;
      emu.loadFixture(fixture);
      const res = await call(emu, "POST", "/runners", { form: { token: FIXTURE_REGISTRATION_TOKENS.group } });
      expect(res.status).toBe(201);
      expect(res.json.token).toMatch(/^t2_/);
    },
  );

  it.each([
    ["13.12", "403 Forbidden"],
    ["16.11", "403 Forbidden - invalid token supplied"],
  ] as const)("%s answers an invalid registration token with %s (§11.2)", async (version, message) => {
    const res = await call(at(version), "POST", "/runners", { form: { token: "GR1348941bogus" } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message });
  });

  it.each(VERSIONS)("%s verify answers the version's body (§11.3)", async (version) => {
    const res = await call(at(version), "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project },
    });
    expect(res.status).toBe(200);
    if (version === "13.12") {
      expect(res.text).toBe("200");
      expect(String(res.headers["content-type"])).toContain("text/plain");
    } else {
      expect(res.json).toEqual({ id: 3, token: FIXTURE_RUNNER_TOKENS.project, token_expires_at: null });
    }
  });

  it.each([
    ["13.12", 404],
    ["16.11", 201],
    ["17.11", 201],
    ["18.6", 201],
  ] as const)("%s POST /user/runners answers %s", async (version, status) => {
    const res = await call(at(version), "POST", "/user/runners", {
      token: T.admin,
      form: { runner_type: "instance_type" },
    });
    expect(res.status).toBe(status);
  });

  it.each([
    ["13.12", 404],
    ["16.11", 404],
    ["17.11", 404],
    ["18.6", 200],
  ] as const)("%s GET /runners/:id/projects answers %s (§5.5)", async (version, status) => {
    expect((await call(at(version), "GET", "/runners/3/projects", { token: T.admin })).status).toBe(status);
  });
});

describe("13.12 (legacy)", () => {
  it("has no paused param: PUT lists only the 13.x attributes (§6.2)", async () => {
    const res = await call(at("13.12"), "PUT", "/runners/2", { token: T.admin, form: { paused: "true" } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error:
        "description, active, tag_list, run_untagged, locked, access_level, maximum_timeout are missing, at least one parameter must be provided",
    });
  });

  it("counts never-contacted runners as offline (§2.1)", async () => {
    const res = await call(at("13.12"), "GET", "/runners/all?scope=offline", { token: T.admin });
    expect(res.json.map((r: { id: number }) => r.id)).toEqual([3]);
    const scope = await call(at("13.12"), "GET", "/runners?scope=shared", { token: T.owner });
    expect(scope.json).toEqual({ error: "scope does not have a valid value" });
  });

  it("stores the registering client's IP and info columns (§7.1)", async () => {
    const emu = at("13.12");
    const res = await call(emu, "POST", "/runners", {
      json: { token: FIXTURE_REGISTRATION_TOKENS.project, info: { version: "13.12.0", platform: "linux" } },
    });
    const details = await call(emu, "GET", `/runners/${res.json.id}`, { token: T.admin });
    expect(details.json.ip_address).toBe("127.0.0.1");
    expect(details.json.version).toBe("13.12.0");
    expect(details.json.platform).toBe("linux");
  });

  it("answers a duplicate assignment with the assign_to message hash (§8.1)", async () => {
    const res = await call(at("13.12"), "POST", "/projects/100/runners", {
      token: T.admin,
      form: { runner_id: "3" },
    });
    expect(res.status).toBe(400);
    expect(res.json.message.assign_to[0]).toContain("has already been taken");
  });

  it("turns an instance runner into a project runner when an admin enables it (§2)", async () => {
    const emu = at("13.12");
    const res = await call(emu, "POST", "/projects/101/runners", {
      token: T.admin,
      form: { runner_id: "1" },
    });
    expect(res.status).toBe(201);
    expect(emu.state().runners.find((r) => r.id === 1)).toMatchObject({
      runnerType: "project_type",
      projectIds: [101],
    });
  });

  it("lists only group runners on GET /groups/:id/runners (§5.4)", async () => {
    const res = await call(at("13.12"), "GET", "/groups/10/runners", { token: T.owner });
    expect(res.json.map((r: { id: number }) => r.id)).toEqual([2]);
  });
});

describe("18.6 (newest)", () => {
  it("adds created_at, created_by and job_execution_status to the list entity (§3.1)", async () => {
    const res = await call(at("18.6"), "GET", "/runners/all", { token: T.admin });
    const first = res.json[0];
    expect(first.created_by).toMatchObject({ id: 1, username: "root" });
    expect(typeof first.created_at).toBe("string");
    expect(first.job_execution_status).toBe("active");
    expect(res.json[2].job_execution_status).toBe("idle");
  });

  it("omits projects from PUT responses and with include_projects=false (§3.2)", async () => {
    const emu = at("18.6");
    const put = await call(emu, "PUT", "/runners/3", { token: T.admin, form: { description: "x" } });
    expect(put.status).toBe(200);
    expect("projects" in put.json).toBe(false);
    const get = await call(emu, "GET", "/runners/3", { token: T.admin });
    expect(get.json.projects).toHaveLength(1);
    const without = await call(emu, "GET", "/runners/3?include_projects=false", { token: T.admin });
    expect("projects" in without.json).toBe(false);
  });

  it("lists a runner's projects, paginated, 403 without read access (§5.5)", async () => {
    const emu = at("18.6");
    const res = await call(emu, "GET", "/runners/3/projects", { token: T.maintainer });
    expect(res.json.map((p: { id: number }) => p.id)).toEqual([100]);
    expect(res.headers["x-total"]).toBe("1");
    expect((await call(emu, "GET", "/runners/1/projects", { token: T.admin })).json).toEqual([]);
    const denied = await call(emu, "GET", "/runners/3/projects", { token: T.developer });
    expect(denied.json).toEqual({ message: "403 Forbidden - No access granted" });
  });

  it("applies the owner-project unassign rule (§8.2)", async () => {
    const emu = at("18.6");
    await call(emu, "PUT", "/runners/3", { token: T.admin, form: { locked: "false" } });
    expect(
      (await call(emu, "POST", "/projects/101/runners", { token: T.maintainer, form: { runner_id: "3" } }))
        .status,
    ).toBe(201);
    const admin = await call(emu, "DELETE", "/projects/100/runners/3", { token: T.admin });
    expect(admin.json).toEqual({
      message:
        "403 Forbidden - You cannot unassign a runner from the owner project. Delete the runner instead",
    });
    const owner = await call(emu, "DELETE", "/projects/100/runners/3", { token: T.maintainer });
    expect(owner.json).toEqual({ message: "403 Forbidden - No access granted" });
    expect((await call(emu, "DELETE", "/projects/101/runners/3", { token: T.maintainer })).status).toBe(204);
  });

  it("refuses to unassign a locked runner for non-admins (§8.2)", async () => {
    const emu = at("18.6");
    await call(emu, "POST", "/projects/101/runners", { token: T.admin, form: { runner_id: "3" } });
    const res = await call(emu, "DELETE", "/projects/101/runners/3", { token: T.maintainer });
    expect(res.json).toEqual({ message: "403 Forbidden - Runner is locked" });
  });

  it("answers an unknown runner on assign with 404 Runner Not Found (§8.1)", async () => {
    const res = await call(at("18.6"), "POST", "/projects/100/runners", {
      token: T.admin,
      form: { runner_id: "999" },
    });
    expect(res.json).toEqual({ message: "404 Runner Not Found" });
  });
});
