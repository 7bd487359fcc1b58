import { describe, expect, it } from "vitest";
import { GitLabError } from "../../provider/gitlab/errors/gitlab-error";
import { currentUserSchema, serverVersionSchema } from "../../provider/gitlab/schemas/meta";
import { parseBody } from "../../provider/gitlab/schemas/parse";
import {
  resetTokenSchema,
  runnerCredentialsSchema,
  runnerDetailsSchema,
  runnerManagerSchema,
  runnerSummarySchema,
  verifyResultSchema,
} from "../../provider/gitlab/schemas/runner";

// Response bodies shaped like each GitLab version's entities (docs/gitlab-api.md §3, §11).
const details13 = {
  id: 6,
  description: "legacy",
  ip_address: "10.0.0.5",
  active: false,
  is_shared: false,
  name: null,
  online: false,
  status: "offline",
  tag_list: ["docker"],
  run_untagged: true,
  locked: false,
  maximum_timeout: null,
  access_level: "not_protected",
  version: "13.12.0",
  revision: "abc",
  platform: "linux",
  architecture: "amd64",
  contacted_at: "2021-06-01T00:00:00.000Z",
  projects: [
    { id: 1, name: "api", name_with_namespace: "acme / api", path: "api", path_with_namespace: "acme/api" },
  ],
  groups: [],
};
const details16 = {
  ...details13,
  active: true,
  paused: false,
  runner_type: "project_type",
  online: null,
  status: "never_contacted",
  contacted_at: null,
  maintenance_note: "keep",
};
const details17 = {
  ...details16,
  ip_address: null,
  version: null,
  revision: null,
  platform: null,
  architecture: null,
};
const { projects: _omitted, ...details18Put } = {
  ...details17,
  created_at: "2025-05-03T00:00:00.000Z",
  job_execution_status: "idle",
  created_by: { id: 1, username: "root" },
};

describe("runner details across versions", () => {
  it.each([
    [
      "13.12",
      details13,
      {
        paused: true,
        active: false,
        runnerType: "project_type",
        ipAddress: "10.0.0.5",
        maintenanceNote: null,
        online: false,
      },
    ],
    [
      "16.11",
      details16,
      {
        paused: false,
        runnerType: "project_type",
        ipAddress: "10.0.0.5",
        maintenanceNote: "keep",
        online: null,
      },
    ],
    ["17.11", details17, { paused: false, ipAddress: null, version: null, status: "never_contacted" }],
    [
      "18.6 PUT",
      details18Put,
      { paused: false, createdAt: "2025-05-03T00:00:00.000Z", jobExecutionStatus: "idle" },
    ],
  ])("%s", (_version, body, expected) => {
    const details = runnerDetailsSchema.parse(body);
    expect(details).toMatchObject({
      id: 6,
      tagList: ["docker"],
      runUntagged: true,
      accessLevel: "not_protected",
      maximumTimeout: null,
      groups: [],
      ...expected,
    });
    expect(details).not.toHaveProperty("tag_list");
  });

  it("keeps projects absent when GitLab omits them (newest PUT), instead of claiming none", () => {
    expect(runnerDetailsSchema.parse(details18Put)).not.toHaveProperty("projects");
    expect(runnerDetailsSchema.parse(details16).projects).toEqual([
      { id: 1, pathWithNamespace: "acme/api", name: "api" },
    ]);
  });

  it("derives runnerType on early 13.x entities that lack it", () => {
    expect(runnerDetailsSchema.parse({ ...details13, is_shared: true }).runnerType).toBe("instance_type");
    expect(
      runnerDetailsSchema.parse({
        ...details13,
        groups: [{ id: 10, name: "acme", web_url: "https://x/acme" }],
      }).runnerType,
    ).toBe("group_type");
    expect(runnerDetailsSchema.parse(details13).runnerType).toBe("project_type");
  });

  it("reads 14.x's maintainer_note, and normalises description and empty ip_address", () => {
    const parsed = runnerDetailsSchema.parse({
      ...details16,
      maintenance_note: undefined,
      maintainer_note: "old name",
      description: null,
      ip_address: "",
    });
    expect(parsed).toMatchObject({ maintenanceNote: "old name", description: "", ipAddress: null });
  });

  it.each([
    ["tag_list", { tag_list: undefined }, 'field "tag_list" is missing (expected array)'],
    [
      "paused and active",
      { paused: undefined, active: undefined },
      'field "paused" is missing (and so is active',
    ],
    [
      "access_level",
      { access_level: "everything" },
      'field "access_level" is not one of "not_protected", "ref_protected"',
    ],
    ["id", { id: "6" }, 'field "id" has the wrong type (expected number)'],
  ])("a body without a usable %s is invalid_response naming endpoint and field", (_name, patch, text) => {
    let error: unknown;
    try {
      parseBody(
        runnerDetailsSchema,
        { ...details16, ...patch },
        { method: "GET", template: "/runners/:id", status: 200 },
      );
    } catch (caught) {
      error = caught;
    }
    expect(GitLabError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: "invalid_response", method: "GET", path: "/runners/:id" });
    expect((error as Error).message).toContain(
      "GitLab GET /runners/:id answered 200 with a body we cannot use",
    );
    expect((error as Error).message).toContain(text);
  });

  it("never quotes the offending value", () => {
    try {
      parseBody(
        runnerCredentialsSchema,
        { id: "glrt-secretValue123", token: 5 },
        { method: "POST", template: "/user/runners" },
      );
    } catch (error) {
      expect((error as Error).message).not.toContain("glrt-secretValue123");
      return;
    }
    throw new Error("expected invalid_response");
  });
});

describe("list items, credentials, verify, managers, version, user", () => {
  it("list items: 13.x without runner_type or paused", () => {
    const item = runnerSummarySchema.parse({
      id: 1,
      description: "d",
      ip_address: "1.2.3.4",
      active: true,
      is_shared: true,
      name: null,
      online: true,
      status: "online",
    });
    expect(item).toMatchObject({
      id: 1,
      paused: false,
      runnerType: "instance_type",
      online: true,
      createdAt: null,
    });
    const project = runnerSummarySchema.parse({
      id: 2,
      description: "d",
      active: true,
      is_shared: false,
      online: null,
      status: "not_connected",
    });
    expect(project.runnerType).toBeNull();
  });

  it("credentials with and without token_expires_at", () => {
    expect(runnerCredentialsSchema.parse({ id: 9, token: "abc" })).toEqual({
      id: 9,
      token: "abc",
      tokenExpiresAt: null,
    });
    expect(
      runnerCredentialsSchema.parse({ id: 9, token: "glrt-x", token_expires_at: "2026-01-01T00:00:00.000Z" })
        .tokenExpiresAt,
    ).toBe("2026-01-01T00:00:00.000Z");
    expect(resetTokenSchema.parse({ token: "n", token_expires_at: null })).toEqual({
      token: "n",
      tokenExpiresAt: null,
    });
    expect(runnerCredentialsSchema.safeParse({ id: 9, token: "" }).success).toBe(false);
  });

  it("verify: 13.x plain 200 and modern JSON, dropping the echoed token", () => {
    expect(verifyResultSchema.parse(200)).toEqual({ valid: true, id: null, tokenExpiresAt: null });
    expect(verifyResultSchema.parse("200")).toEqual({ valid: true, id: null, tokenExpiresAt: null });
    const modern = verifyResultSchema.parse({ id: 4, token: "glrt-abc", token_expires_at: null });
    expect(modern).toEqual({ valid: true, id: 4, tokenExpiresAt: null });
  });

  it("managers", () => {
    expect(
      runnerManagerSchema.parse({
        id: 1,
        system_id: "s_1",
        version: "17.0.0",
        ip_address: "",
        status: "online",
      }),
    ).toMatchObject({
      systemId: "s_1",
      ipAddress: null,
      contactedAt: null,
    });
  });

  it.each([
    [
      "13.12.15",
      {
        major: 13,
        minor: 12,
        patch: 15,
        hasPaused: false,
        hasUserRunners: false,
        registrationTokensDisabledByDefault: false,
      },
    ],
    ["14.8.0-ee", { major: 14, minor: 8, hasPaused: true, hasUserRunners: false, enterprise: true }],
    ["16.11.1", { hasPaused: true, hasUserRunners: true, registrationTokensDisabledByDefault: false }],
    [
      "17.11.2-ee",
      { major: 17, minor: 11, hasMaintenanceNote: true, registrationTokensDisabledByDefault: true },
    ],
    ["18.6.0-pre", { major: 18, minor: 6, patch: 0 }],
  ])("version %s", (version, expected) => {
    expect(serverVersionSchema.parse({ version, revision: "r" })).toMatchObject({ version, ...expected });
  });

  it("rejects a version that is not MAJOR.MINOR", () => {
    expect(serverVersionSchema.safeParse({ version: "main", revision: "r" }).success).toBe(false);
  });

  it("user: is_admin only when GitLab reveals it", () => {
    expect(currentUserSchema.parse({ id: 1, username: "root", name: "Admin", is_admin: true }).isAdmin).toBe(
      true,
    );
    expect(currentUserSchema.parse({ id: 2, username: "max" })).toEqual({
      id: 2,
      username: "max",
      name: "max",
      state: null,
      isAdmin: null,
    });
  });
});
