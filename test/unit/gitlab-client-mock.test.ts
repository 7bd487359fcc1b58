import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitLabClient, type GitLabClientConfig, GitLabError } from "../../provider/gitlab/index";

const ORIGIN = "https://gitlab.test";
const TOKEN = "glpat-mockAgentToken0001";
const JSON_HEADERS = { "content-type": "application/json" };

const details = (overrides: Record<string, unknown> = {}) => ({
  id: 7,
  description: "d",
  ip_address: null,
  active: true,
  paused: false,
  is_shared: false,
  runner_type: "project_type",
  name: null,
  online: null,
  status: "never_contacted",
  tag_list: ["a"],
  run_untagged: true,
  locked: false,
  access_level: "not_protected",
  maximum_timeout: null,
  maintenance_note: null,
  contacted_at: null,
  projects: [],
  groups: [],
  ...overrides,
});
const summary = (id: number) => ({
  id,
  description: `r${id}`,
  active: true,
  paused: false,
  is_shared: false,
  runner_type: "group_type",
  online: true,
  status: "online",
});

let agent: MockAgent;
let lines: string[];

function client(overrides: Partial<GitLabClientConfig> = {}): GitLabClient {
  return new GitLabClient({
    baseUrl: `${ORIGIN}/api/v4/`,
    token: TOKEN,
    dispatcher: agent,
    retryBaseDelayMs: 1,
    random: () => 0,
    logger: { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    ...overrides,
  });
}
const pool = () => agent.get(ORIGIN);
const calls = () => agent.getCallHistory()?.calls() ?? [];

beforeEach(() => {
  agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  lines = [];
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe("request shape", () => {
  it("sends PRIVATE-TOKEN, Accept and a User-Agent with the package version", async () => {
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "GET" })
      .reply(200, details(), { headers: JSON_HEADERS });
    await client().getRunner(7);
    const headers = calls()[0]?.headers as Record<string, string>;
    expect(headers["private-token"]).toBe(TOKEN);
    expect(headers.authorization).toBeUndefined();
    expect(headers.accept).toBe("application/json");
    expect(headers["user-agent"]).toMatch(/^pulumi-gitlab-runners\/\d+\.\d+\.\d+/);
  });

  it("sends Authorization: Bearer when asked", async () => {
    pool()
      .intercept({ path: "/api/v4/user", method: "GET" })
      .reply(200, { id: 1, username: "root" }, { headers: JSON_HEADERS });
    await client({ authHeader: "bearer" }).getCurrentUser();
    const headers = calls()[0]?.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers["private-token"]).toBeUndefined();
  });

  it("sends runner tokens in the JSON body, never the query, and no user token to runner-token endpoints", async () => {
    pool().intercept({ path: "/api/v4/runners", method: "DELETE" }).reply(204, "");
    await client().deleteRunnerByToken("glrt-runnerTokenInBody1");
    const call = calls()[0];
    expect(call?.fullUrl).toBe(`${ORIGIN}/api/v4/runners`);
    expect(JSON.parse(String(call?.body))).toEqual({ token: "glrt-runnerTokenInBody1" });
    expect(((call?.headers ?? {}) as Record<string, string>)["private-token"]).toBeUndefined();
  });

  it("encodes full paths and sends list filters (tags comma-joined, per_page=100)", async () => {
    pool()
      .intercept({
        path: "/api/v4/projects/acme%2Fplatform%2Fdeploy/runners?type=group_type&status=online&tag_list=a%2Cb&per_page=100&page=1",
        method: "GET",
      })
      .reply(200, [summary(1)], { headers: JSON_HEADERS });
    const runners = await client().listProjectRunners("acme/platform/deploy", {
      type: "group_type",
      status: "online",
      tagList: ["a", "b"],
    });
    expect(runners).toHaveLength(1);
  });

  it("rejects bad ids and empty changes before sending anything", async () => {
    const c = client();
    await expect(c.getRunner(0)).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(c.updateRunner(7, {})).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(c.createUserRunner({ runnerType: "group_type" })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    await expect(c.listProjectRunners("")).rejects.toMatchObject({ code: "invalid_argument" });
    expect(calls()).toHaveLength(0);
  });
});

describe("active or paused, never both", () => {
  it.each([
    ["13.12.15", { active: false }],
    ["14.7.0", { active: false }],
    ["14.8.0", { paused: true }],
    ["17.11.0-ee", { paused: true }],
  ])("on %s sends %o", async (version, expected) => {
    pool()
      .intercept({ path: "/api/v4/version", method: "GET" })
      .reply(200, { version, revision: "r" }, { headers: JSON_HEADERS });
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "PUT" })
      .reply(200, details({ active: false, paused: true }), { headers: JSON_HEADERS });
    const updated = await client().updateRunner(7, { paused: true });
    expect(updated.paused).toBe(true);
    const put = calls().find((c) => c.method === "PUT");
    expect(JSON.parse(String(put?.body))).toEqual(expected);
  });

  it("uses active when the token may not read /version", async () => {
    pool()
      .intercept({ path: "/api/v4/version", method: "GET" })
      .reply(
        403,
        { error: "insufficient_scope", error_description: "…", scope: "api read_api" },
        { headers: JSON_HEADERS },
      );
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "PUT" })
      .reply(200, details(), { headers: JSON_HEADERS });
    await client().updateRunner(7, { paused: false, description: "x" });
    expect(JSON.parse(String(calls().find((c) => c.method === "PUT")?.body))).toEqual({
      active: true,
      description: "x",
    });
  });

  it("filters paused lists on old servers that ignore the parameter", async () => {
    pool()
      .intercept({ path: "/api/v4/version", method: "GET" })
      .reply(200, { version: "13.12.0", revision: "r" }, { headers: JSON_HEADERS });
    pool()
      .intercept({ path: "/api/v4/runners/all?per_page=100&page=1", method: "GET" })
      .reply(200, [summary(1), { ...summary(2), active: false, paused: undefined }], {
        headers: JSON_HEADERS,
      });
    const paused = await client().listRunners({ scope: "all", paused: true });
    expect(paused.map((r) => r.id)).toEqual([2]);
  });
});

describe("pagination", () => {
  it("follows X-Next-Page", async () => {
    pool()
      .intercept({ path: "/api/v4/runners?per_page=100&page=1", method: "GET" })
      .reply(200, [summary(1), summary(2)], { headers: { ...JSON_HEADERS, "x-next-page": "2" } });
    pool()
      .intercept({ path: "/api/v4/runners?per_page=100&page=2", method: "GET" })
      .reply(200, [summary(3)], { headers: { ...JSON_HEADERS, "x-next-page": "" } });
    const runners = await client().listRunners({ scope: "owned" });
    expect(runners.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it("follows Link rel=next, keeping our host even when GitLab's external URL differs", async () => {
    pool()
      .intercept({ path: "/api/v4/groups/10/runners?per_page=100&page=1", method: "GET" })
      .reply(200, [summary(1)], {
        headers: {
          ...JSON_HEADERS,
          link: '<https://external.example.com/api/v4/groups/10/runners?page=2&per_page=100>; rel="next"',
        },
      });
    pool()
      .intercept({ path: "/api/v4/groups/10/runners?per_page=100&page=2", method: "GET" })
      .reply(200, [summary(2)], { headers: JSON_HEADERS });
    const runners = await client().listGroupRunners(10);
    expect(runners.map((r) => r.id)).toEqual([1, 2]);
    expect(calls().every((c) => c.origin === ORIGIN)).toBe(true);
  });

  it("stops on a repeating link instead of looping", async () => {
    pool()
      .intercept({ path: "/api/v4/runners?per_page=100&page=1", method: "GET" })
      .reply(200, [summary(1)], { headers: { ...JSON_HEADERS, "x-next-page": "2" } })
      .times(1);
    pool()
      .intercept({ path: "/api/v4/runners?per_page=100&page=2", method: "GET" })
      .reply(200, [summary(2)], { headers: { ...JSON_HEADERS, "x-next-page": "2" } });
    await expect(client().listRunners({ scope: "owned" })).rejects.toMatchObject({
      code: "invalid_response",
    });
  });
});

describe("retries with MockAgent (network disabled)", () => {
  const socketError = (code: string) => Object.assign(new Error(`mock ${code}`), { code });

  it("GET retries a reset and a 503, then succeeds; each retry is logged", async () => {
    pool().intercept({ path: "/api/v4/runners/7", method: "GET" }).replyWithError(socketError("ECONNRESET"));
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "GET" })
      .reply(503, { message: "503 Service Unavailable" }, { headers: JSON_HEADERS });
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "GET" })
      .reply(200, details(), { headers: JSON_HEADERS });
    const result = await client().getRunner(7);
    expect(result.id).toBe(7);
    expect(lines.filter((l) => l.includes("retrying in"))).toHaveLength(2);
  });

  it("POST does not retry a reset: outcomeUnknown, one call", async () => {
    pool()
      .intercept({ path: "/api/v4/user/runners", method: "POST" })
      .replyWithError(socketError("ECONNRESET"));
    const error = await client()
      .createUserRunner({ runnerType: "instance_type" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "network", outcomeUnknown: true, attempts: 1 });
    expect(calls()).toHaveLength(1);
  });

  it("POST retries a connection refused (nothing was sent)", async () => {
    pool()
      .intercept({ path: "/api/v4/user/runners", method: "POST" })
      .replyWithError(socketError("ECONNREFUSED"));
    pool()
      .intercept({ path: "/api/v4/user/runners", method: "POST" })
      .reply(
        201,
        { id: 5, token: "glrt-newTokenFromMock01", token_expires_at: null },
        { headers: JSON_HEADERS },
      );
    const creds = await client().createUserRunner({ runnerType: "instance_type" });
    expect(creds).toEqual({ id: 5, token: "glrt-newTokenFromMock01", tokenExpiresAt: null });
  });

  it("POST retries a 429 with Retry-After and logs the wait as a warning", async () => {
    pool()
      .intercept({ path: "/api/v4/runners/7/reset_authentication_token", method: "POST" })
      .reply(429, "Retry later\n", { headers: { "retry-after": "0" } });
    pool()
      .intercept({ path: "/api/v4/runners/7/reset_authentication_token", method: "POST" })
      .reply(201, { token: "glrt-resetTokenMock001", token_expires_at: null }, { headers: JSON_HEADERS });
    const reset = await client().resetRunnerToken(7);
    expect(reset.token).toBe("glrt-resetTokenMock001");
    expect(lines.join("\n")).toMatch(
      /GitLab rate limit: POST \/runners\/:id\/reset_authentication_token: rate limited \(429\); retrying in 0ms \(retry-after\)/,
    );
    expect(lines.join("\n")).not.toContain("glrt-resetTokenMock001");
  });

  it("POST does not retry a 500", async () => {
    pool()
      .intercept({ path: "/api/v4/projects/1/runners", method: "POST" })
      .reply(500, { message: "500 Internal Server Error" }, { headers: JSON_HEADERS });
    const error = await client()
      .enableProjectRunner(1, 7)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "server_error",
      status: 500,
      outcomeUnknown: true,
      gitlabMessage: "500 Internal Server Error",
    });
  });

  it("retries = 0 disables retries", async () => {
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "DELETE" })
      .reply(502, "<html><title>502 Bad Gateway</title></html>", {
        headers: { "content-type": "text/html" },
      });
    const error = await client({ retries: 0 })
      .deleteRunner(7)
      .catch((e: unknown) => e);
    expect(GitLabError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: "server_error",
      attempts: 1,
      gitlabMessage: "HTML error page: 502 Bad Gateway",
    });
  });

  it("captures X-Request-Id into errors", async () => {
    pool()
      .intercept({ path: "/api/v4/runners/7", method: "GET" })
      .reply(
        404,
        { message: "404 Not found" },
        { headers: { ...JSON_HEADERS, "x-request-id": "01JREQUESTID" } },
      );
    const error = await client()
      .getRunner(7)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "not_found", requestId: "01JREQUESTID" });
    expect((error as Error).message).toContain("(GitLab request id 01JREQUESTID)");
  });
});

describe("verify on 13.x", () => {
  it("accepts the plain-text body 200", async () => {
    pool()
      .intercept({ path: "/api/v4/runners/verify", method: "POST" })
      .reply(200, "200", { headers: { "content-type": "text/plain" } });
    expect(await client().verifyRunner("glrt-verifyMeToken0001")).toEqual({
      valid: true,
      id: null,
      tokenExpiresAt: null,
    });
  });
});

describe("resolving projects and groups", () => {
  it("resolves a project by full path and a group by id", async () => {
    pool()
      .intercept({
        path: "/api/v4/projects/acme%2Fplatform%2Fdeploy?statistics=false&license=false",
        method: "GET",
      })
      .reply(
        200,
        {
          id: 102,
          name: "deploy",
          path: "deploy",
          path_with_namespace: "acme/platform/deploy",
          namespace: { id: 11, full_path: "acme/platform", kind: "group" },
          extra: 1,
        },
        { headers: JSON_HEADERS },
      );
    pool()
      .intercept({ path: "/api/v4/groups/11?with_projects=false", method: "GET" })
      .reply(
        200,
        { id: 11, name: "Platform", path: "platform", full_path: "acme/platform", parent_id: 10 },
        { headers: JSON_HEADERS },
      );
    const c = client();
    expect(await c.resolveProject("acme/platform/deploy")).toMatchObject({
      id: 102,
      pathWithNamespace: "acme/platform/deploy",
      namespace: { id: 11, fullPath: "acme/platform", kind: "group" },
    });
    expect(await c.resolveGroup(11)).toMatchObject({ id: 11, fullPath: "acme/platform", parentId: 10 });
  });

  it("treats a numeric string as an id and reports a missing project as not_found with a hint", async () => {
    pool()
      .intercept({ path: "/api/v4/projects/42?statistics=false&license=false", method: "GET" })
      .reply(404, { message: "404 Project Not Found" }, { headers: JSON_HEADERS });
    const error = await client()
      .resolveProject("42")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "not_found",
      path: "/projects/:id",
      gitlabMessage: "404 Project Not Found",
    });
    expect((error as GitLabError).hint).toMatch(/full path/);
  });
});
