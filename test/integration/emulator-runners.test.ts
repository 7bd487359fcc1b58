import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type Fixture,
  type FixtureRunner,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { call } from "../support/emulator-call";

// User-authenticated runner endpoints: docs/gitlab-api.md §2 (validations, status), §4 (permission
// matrix), §5 (listing) and §6 (single runner).

const T = FIXTURE_TOKENS;
const ids = (list: { id: number }[]): number[] => list.map((r) => r.id);
let emu: RunningEmulator;

function withRunners(extra: FixtureRunner[], patch: (f: Fixture) => void = () => {}): Fixture {
  const fixture = defaultFixture();
  fixture.runners.push(...extra);
  patch(fixture);
  return fixture;
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

describe("GET /runners (§5.1)", () => {
  it("lists runners of projects the caller maintains and groups the caller owns, never instance runners (§4, §5.1)", async () => {
    expect(ids((await call(emu, "GET", "/runners", { token: T.owner })).json)).toEqual([2, 3]);
    expect(ids((await call(emu, "GET", "/runners", { token: T.maintainer })).json)).toEqual([3]);
    expect((await call(emu, "GET", "/runners", { token: T.developer })).json).toEqual([]);
  });

  it("answers an unknown scope with does not have a valid value and a type scope with Scope contains invalid value (§5.1)", async () => {
    const bogus = await call(emu, "GET", "/runners?scope=bogus", { token: T.owner });
    expect(bogus.status).toBe(400);
    expect(bogus.json).toEqual({ error: "scope does not have a valid value" });
    const shared = await call(emu, "GET", "/runners?scope=shared", { token: T.owner });
    expect(shared.status).toBe(400);
    expect(shared.json).toEqual({ message: "Scope contains invalid value" });
    expect((await call(emu, "GET", "/runners?scope=online", { token: T.owner })).status).toBe(200);
  });

  it("validates type, status and version_prefix (§5.1)", async () => {
    expect((await call(emu, "GET", "/runners?type=x", { token: T.owner })).json).toEqual({
      error: "type does not have a valid value",
    });
    expect((await call(emu, "GET", "/runners?status=x", { token: T.owner })).json).toEqual({
      error: "status does not have a valid value",
    });
    expect((await call(emu, "GET", "/runners?version_prefix=V15", { token: T.owner })).json).toEqual({
      error: "version_prefix is invalid",
    });
  });
});

describe("GET /runners/all (§5.2)", () => {
  it("answers 403 Forbidden for non-admins (§5.2)", async () => {
    const res = await call(emu, "GET", "/runners/all", { token: T.owner });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden" });
  });

  it("filters by scope, type, status, paused, tag_list and version_prefix (§5.1, §5.2)", async () => {
    const get = async (q: string) =>
      ids((await call(emu, "GET", `/runners/all?${q}`, { token: T.admin })).json);
    expect(await get("")).toEqual([1, 2, 3]);
    expect(await get("scope=specific")).toEqual([2, 3]);
    expect(await get("scope=shared")).toEqual([1]);
    expect(await get("type=group_type")).toEqual([2]);
    expect(await get("status=online")).toEqual([1, 2]);
    expect(await get("status=never_contacted")).toEqual([3]);
    expect(await get("tag_list=docker,linux")).toEqual([1, 2]);
    expect(await get("tag_list=docker,api")).toEqual([]);
    expect(await get("version_prefix=17.10")).toEqual([2]);
    expect(await get("version_prefix=17")).toEqual([1, 2]);
    await call(emu, "PUT", "/runners/2", { token: T.admin, form: { paused: "true" } });
    expect(await get("paused=true")).toEqual([2]);
    expect(await get("status=paused")).toEqual([2]);
    expect(await get("paused=false&type=group_type")).toEqual([]);
  });
});

describe("runner status (§2.1)", () => {
  const base = { runnerType: "instance_type" as const, tagList: ["x"] };
  it("derives online null/never_contacted, offline, paused and stale (§2.1)", async () => {
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms).toISOString();
    emu.loadFixture(
      withRunners([
        {
          ...base,
          id: 20,
          token: "t-offline-000000000000",
          contactedAt: ago(3 * 3600_000),
          createdAt: ago(86400_000),
        },
        {
          ...base,
          id: 21,
          token: "t-paused-0000000000000",
          active: false,
          contactedAt: ago(60_000),
          createdAt: ago(86400_000),
        },
        { ...base, id: 22, token: "t-stale-00000000000000", createdAt: ago(30 * 86400_000) },
        { ...base, id: 23, token: "t-pausednever-00000000", active: false, createdAt: ago(60_000) },
      ]),
    );
    const get = async (id: number) => (await call(emu, "GET", `/runners/${id}`, { token: T.admin })).json;
    expect(await get(3)).toMatchObject({ online: null, status: "never_contacted", contacted_at: null });
    expect(await get(20)).toMatchObject({ online: false, status: "offline" });
    expect(await get(21)).toMatchObject({ online: true, status: "paused", paused: true, active: false });
    expect(await get(22)).toMatchObject({ online: null, status: "stale" });
    expect(await get(23)).toMatchObject({ status: "never_contacted" });
    const offline = ids((await call(emu, "GET", "/runners/all?scope=offline", { token: T.admin })).json);
    expect(offline).toEqual([20]);
    const stale = ids((await call(emu, "GET", "/runners/all?status=stale", { token: T.admin })).json);
    expect(stale).toEqual([22]);
  });
});

describe("GET /runners/:id (§6.1)", () => {
  it("answers RunnerDetails with every documented field (§3.2)", async () => {
    const res = await call(emu, "GET", "/runners/2", { token: T.admin });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(
      [
        "id",
        "description",
        "ip_address",
        "active",
        "paused",
        "is_shared",
        "runner_type",
        "name",
        "online",
        "status",
        "tag_list",
        "run_untagged",
        "locked",
        "maximum_timeout",
        "access_level",
        "version",
        "revision",
        "platform",
        "architecture",
        "contacted_at",
        "maintenance_note",
        "projects",
        "groups",
      ].sort(),
    );
    expect(res.json.groups).toEqual([{ id: 10, web_url: `${emu.url}/groups/acme`, name: "Acme" }]);
    expect(res.json.ip_address).toBeNull();
    expect(res.json.architecture).toBe("arm64");
  });

  it("lets every user read an instance runner but hides maintenance_note from non-admins (§4, §6.1)", async () => {
    const guest = await call(emu, "GET", "/runners/1", { token: T.guest });
    expect(guest.status).toBe(200);
    expect(guest.json.maintenance_note).toBeNull();
    const admin = await call(emu, "GET", "/runners/1", { token: T.admin });
    expect(admin.json.maintenance_note).toBe("Managed by the platform team");
  });

  it("answers 403 No access granted when the caller cannot read the runner (§4, §6.1)", async () => {
    const res = await call(emu, "GET", "/runners/2", { token: T.developer });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden - No access granted" });
    expect((await call(emu, "GET", "/runners/3", { token: T.developer })).status).toBe(403);
  });

  it("shows maintenance_note to the project maintainer and group owner who can update (§4)", async () => {
    const m = await call(emu, "GET", "/runners/3", { token: T.maintainer });
    expect(m.json.maintenance_note).toBe("Owned by the API team");
    expect(m.json.projects.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual([
      "acme/api",
    ]);
    const o = await call(emu, "GET", "/runners/2", { token: T.owner });
    expect(o.status).toBe(200);
  });

  it("lets a maintainer of a project in the group read the group runner (§4)", async () => {
    const res = await call(emu, "GET", "/runners/2", { token: T.maintainer });
    expect(res.status).toBe(200);
    expect(res.json.maintenance_note).toBeNull();
  });

  it("answers 404 Not found for an unknown runner (§6.1)", async () => {
    const res = await call(emu, "GET", "/runners/424242", { token: T.admin });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: "404 Not found" });
  });
});

describe("PUT /runners/:id (§6.2)", () => {
  it("stores paused=X as active=!X and replaces tag_list (§6.2)", async () => {
    const res = await call(emu, "PUT", "/runners/2", {
      token: T.owner,
      json: {
        paused: true,
        tag_list: ["gpu"],
        locked: true,
        access_level: "ref_protected",
        maximum_timeout: 600,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      active: false,
      paused: true,
      tag_list: ["gpu"],
      locked: true,
      access_level: "ref_protected",
      maximum_timeout: 600,
    });
    expect(emu.state().runners.find((r) => r.id === 2)?.active).toBe(false);
  });

  it("rejects active with paused and an update without any attribute (§6.2)", async () => {
    const both = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      form: { active: "true", paused: "true" },
    });
    expect(both.json).toEqual({ error: "active, paused are mutually exclusive" });
    const none = await call(emu, "PUT", "/runners/2", { token: T.admin });
    expect(none.json).toEqual({
      error:
        "description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note are missing, at least one parameter must be provided",
    });
  });

  it("refuses run_untagged=false without tags, more than 50 tags and a long description (§2)", async () => {
    const untagged = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      json: { run_untagged: false, tag_list: [] },
    });
    expect(untagged.json).toEqual({
      message: { tags_list: ["can not be empty when runner is not allowed to pick untagged jobs"] },
    });
    const many = Array.from({ length: 51 }, (_, i) => `t${i}`);
    const tooMany = await call(emu, "PUT", "/runners/2", { token: T.admin, json: { tag_list: many } });
    expect(tooMany.json).toEqual({
      message: { tags_list: ["Too many tags specified. Please limit the number of tags to 50"] },
    });
    const long = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      json: { description: "d".repeat(1025) },
    });
    expect(long.json).toEqual({ message: { description: ["is too long (maximum is 1024 characters)"] } });
    expect(emu.state().runners.find((r) => r.id === 2)?.tagList).toEqual(["docker", "linux"]);
  });

  it("counts description and maintenance_note lengths in characters, as Rails does, not UTF-16 units (§2)", async () => {
    // 600 emoji: 600 characters, 1200 UTF-16 units.
    const emoji = "🚀".repeat(600);
    const ok = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      json: { description: emoji, maintenance_note: "é".repeat(1024) },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.description).toBe(emoji);
    const created = await call(emu, "POST", "/user/runners", {
      token: T.admin,
      json: { runner_type: "instance_type", description: "😀".repeat(1024) },
    });
    expect(created.status).toBe(201);
    const over = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      json: { description: "🚀".repeat(1025), maintenance_note: "é".repeat(1025) },
    });
    expect(over.status).toBe(400);
    expect(over.json).toEqual({
      message: {
        description: ["is too long (maximum is 1024 characters)"],
        maintenance_note: ["is too long (maximum is 1024 characters)"],
      },
    });
  });

  it("checks the tag limit only when tags change (§2)", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `t${i}`);
    emu.loadFixture(
      withRunners([{ id: 30, runnerType: "instance_type", token: "t-many-000000000000000", tagList: many }]),
    );
    const res = await call(emu, "PUT", "/runners/30", {
      token: T.admin,
      form: { description: "still fine" },
    });
    expect(res.status).toBe(200);
  });

  it("answers 403 No access granted when the caller cannot update (§4, §6.2)", async () => {
    for (const [id, token] of [
      [1, T.owner],
      [2, T.maintainer],
      [3, T.developer],
    ] as const) {
      const res = await call(emu, "PUT", `/runners/${id}`, { token, form: { description: "x" } });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ message: "403 Forbidden - No access granted" });
    }
    expect(
      (await call(emu, "PUT", "/runners/3", { token: T.maintainer, form: { description: "ok" } })).status,
    ).toBe(200);
  });

  it("answers 404 for an unknown runner (§6.2)", async () => {
    expect(
      (await call(emu, "PUT", "/runners/9999", { token: T.admin, form: { description: "x" } })).status,
    ).toBe(404);
  });
});

describe("DELETE /runners/:id (§6.3)", () => {
  it("deletes with 204 and an empty body (§6.3)", async () => {
    const res = await call(emu, "DELETE", "/runners/3", { token: T.maintainer });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(emu.state().runners.map((r) => r.id)).toEqual([1, 2]);
  });

  it("refuses non-admins when the runner has more than one project, before the general check (§6.3)", async () => {
    await call(emu, "POST", "/projects/101/runners", { token: T.admin, form: { runner_id: "3" } });
    const res = await call(emu, "DELETE", "/runners/3", { token: T.developer });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden - Runner associated with more than one project" });
    expect((await call(emu, "DELETE", "/runners/3", { token: T.admin })).status).toBe(204);
  });

  it("answers 403 No access granted without delete rights (§4, §6.3)", async () => {
    const res = await call(emu, "DELETE", "/runners/2", { token: T.maintainer });
    expect(res.json).toEqual({ message: "403 Forbidden - No access granted" });
    expect((await call(emu, "DELETE", "/runners/2", { token: T.owner })).status).toBe(204);
  });

  it("answers 412 when If-Unmodified-Since is older than the runner (§6.3)", async () => {
    const res = await call(emu, "DELETE", "/runners/1", {
      token: T.admin,
      headers: { "if-unmodified-since": new Date(Date.now() - 365 * 86400_000).toUTCString() },
    });
    expect(res.status).toBe(412);
    expect(res.json).toEqual({ message: "412 Precondition Failed" });
    const fresh = await call(emu, "DELETE", "/runners/1", {
      token: T.admin,
      headers: { "if-unmodified-since": new Date(Date.now() + 60_000).toUTCString() },
    });
    expect(fresh.status).toBe(204);
  });

  it("answers 404 for an unknown runner (§6.3)", async () => {
    expect((await call(emu, "DELETE", "/runners/9999", { token: T.admin })).json).toEqual({
      message: "404 Not found",
    });
  });
});

describe("GET /runners/:id/jobs (§6.4)", () => {
  it("lists ascending by default, descending with order_by=id, ascending with sort=asc (§6.4)", async () => {
    expect(ids((await call(emu, "GET", "/runners/1/jobs", { token: T.admin })).json)).toEqual([5001, 5002]);
    expect(ids((await call(emu, "GET", "/runners/1/jobs?order_by=id", { token: T.admin })).json)).toEqual([
      5002, 5001,
    ]);
    expect(
      ids((await call(emu, "GET", "/runners/1/jobs?order_by=id&sort=asc", { token: T.admin })).json),
    ).toEqual([5001, 5002]);
  });

  it("filters by status and validates status, order_by and sort (§6.4)", async () => {
    expect(ids((await call(emu, "GET", "/runners/1/jobs?status=running", { token: T.admin })).json)).toEqual([
      5002,
    ]);
    expect((await call(emu, "GET", "/runners/1/jobs?status=nope", { token: T.admin })).json).toEqual({
      error: "status does not have a valid value",
    });
    expect((await call(emu, "GET", "/runners/1/jobs?order_by=name", { token: T.admin })).json).toEqual({
      error: "order_by does not have a valid value",
    });
    expect((await call(emu, "GET", "/runners/1/jobs?sort=up", { token: T.admin })).json).toEqual({
      error: "sort does not have a valid value",
    });
  });

  it("omits X-Total when system_id is given (§1.4, §6.4)", async () => {
    const res = await call(emu, "GET", "/runners/1/jobs?system_id=s_0e9bd6a5f1c2", { token: T.admin });
    expect(ids(res.json)).toEqual([5001, 5002]);
    expect(res.headers["x-total"]).toBeUndefined();
    expect(String(res.headers.link)).not.toContain('rel="last"');
  });

  it("answers 403 No access granted without read_builds and lets the group owner list (§4, §6.4)", async () => {
    const res = await call(emu, "GET", "/runners/1/jobs", { token: T.maintainer });
    expect(res.json).toEqual({ message: "403 Forbidden - No access granted" });
    const owner = await call(emu, "GET", "/runners/2/jobs", { token: T.owner });
    expect(ids(owner.json)).toEqual([5003]);
    expect(owner.json[0].project.path_with_namespace).toBe("acme/platform/deploy");
  });
});

describe("GET /runners/:id/managers (§6.5)", () => {
  it("lists managers unpaginated, [] for a runner that never authenticated (§6.5)", async () => {
    const res = await call(emu, "GET", "/runners/1/managers", { token: T.admin });
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]).toMatchObject({ system_id: "s_0e9bd6a5f1c2", version: "17.11.0", status: "online" });
    expect(res.headers["x-total"]).toBeUndefined();
    expect((await call(emu, "GET", "/runners/3/managers", { token: T.maintainer })).json).toEqual([]);
    expect((await call(emu, "GET", "/runners/2/managers", { token: T.developer })).status).toBe(403);
  });
});

describe("POST /runners/:id/reset_authentication_token (§6.6)", () => {
  it("answers 201 with a new token; the old one stops working (§6.6)", async () => {
    const res = await call(emu, "POST", "/runners/3/reset_authentication_token", { token: T.maintainer });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(["token", "token_expires_at"]);
    expect(res.json.token).toMatch(/^glrt-/);
    expect(res.json.token).not.toBe(FIXTURE_RUNNER_TOKENS.project);
    const old = await call(emu, "POST", "/runners/verify", {
      form: { token: FIXTURE_RUNNER_TOKENS.project },
    });
    expect(old.status).toBe(403);
    const fresh = await call(emu, "POST", "/runners/verify", { form: { token: res.json.token } });
    expect(fresh.status).toBe(200);
  });

  it("answers 403 No access granted and 404 as update does (§6.6)", async () => {
    const denied = await call(emu, "POST", "/runners/3/reset_authentication_token", { token: T.developer });
    expect(denied.json).toEqual({ message: "403 Forbidden - No access granted" });
    expect(
      (await call(emu, "POST", "/runners/999/reset_authentication_token", { token: T.admin })).status,
    ).toBe(404);
  });
});

describe("GET /projects/:id/runners (§5.3)", () => {
  it("lists the project's runners, its groups' runners and instance runners (§5.3)", async () => {
    const res = await call(emu, "GET", "/projects/100/runners", { token: T.maintainer });
    expect(ids(res.json)).toEqual([1, 2, 3]);
    expect(
      ids((await call(emu, "GET", "/projects/100/runners?scope=specific", { token: T.admin })).json),
    ).toEqual([2, 3]);
    expect(ids((await call(emu, "GET", "/projects/101/runners", { token: T.maintainer })).json)).toEqual([
      1, 2,
    ]);
  });

  it("leaves out group and instance runners when the project disables them (§5.3)", async () => {
    emu.loadFixture(
      withRunners([], (f) => {
        const api = f.projects.find((p) => p.id === FIXTURE_IDS.projects.api);
        if (api) Object.assign(api, { sharedRunnersEnabled: false, groupRunnersEnabled: false });
      }),
    );
    expect(ids((await call(emu, "GET", "/projects/100/runners", { token: T.admin })).json)).toEqual([3]);
  });

  it("answers 403 for a developer and 404 for an invisible project (§5.3)", async () => {
    const dev = await call(emu, "GET", "/projects/100/runners", { token: T.developer });
    expect(dev.status).toBe(403);
    expect(dev.json).toEqual({ message: "403 Forbidden" });
    const hidden = await call(emu, "GET", "/projects/102/runners", { token: T.maintainer });
    expect(hidden.json).toEqual({ message: "404 Project Not Found" });
  });
});

describe("GET /groups/:id/runners (§5.4)", () => {
  it("lists the group's and ancestors' runners plus instance runners for the owner (§5.4)", async () => {
    expect(ids((await call(emu, "GET", "/groups/10/runners", { token: T.owner })).json)).toEqual([1, 2]);
    expect(ids((await call(emu, "GET", "/groups/11/runners", { token: T.owner })).json)).toEqual([1, 2]);
    expect((await call(emu, "GET", "/groups/10/runners?type=project_type", { token: T.owner })).json).toEqual(
      [],
    );
  });

  it("answers 403 for non-owners (§5.4)", async () => {
    const res = await call(emu, "GET", "/groups/10/runners", { token: T.maintainer });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ message: "403 Forbidden" });
  });
});

describe("registration-token resets (§7.5)", () => {
  it("answers 403 while registration tokens are disabled (17.x default) (§7.5)", async () => {
    expect((await call(emu, "POST", "/runners/reset_registration_token", { token: T.admin })).status).toBe(
      403,
    );
  });

  it("rotates instance, project and group registration tokens with 201 {token} (§7.5)", async () => {
    const fixture = defaultFixture();
    fixture.registrationTokensAllowed = true;
    emu.loadFixture(fixture);
    const instance = await call(emu, "POST", "/runners/reset_registration_token", { token: T.admin });
    expect(instance.status).toBe(201);
    expect(Object.keys(instance.json)).toEqual(["token"]);
    expect(instance.json.token).toMatch(/^GR1348941/);
    expect(emu.state().instanceRegistrationToken).toBe(instance.json.token);
    const project = await call(emu, "POST", "/projects/100/runners/reset_registration_token", {
      token: T.maintainer,
    });
    expect(project.status).toBe(201);
    const group = await call(emu, "POST", "/groups/10/runners/reset_registration_token", { token: T.owner });
    expect(group.status).toBe(201);
    expect((await call(emu, "POST", "/runners/reset_registration_token", { token: T.owner })).status).toBe(
      403,
    );
    expect(
      (await call(emu, "POST", "/groups/10/runners/reset_registration_token", { token: T.maintainer }))
        .status,
    ).toBe(403);
    expect(
      (await call(emu, "POST", "/projects/999/runners/reset_registration_token", { token: T.admin })).json,
    ).toEqual({ message: "404 Project Not Found" });
  });
});
