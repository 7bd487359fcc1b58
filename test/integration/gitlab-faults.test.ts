import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type GitlabVersion, type RunningEmulator } from "../../emulator/index";
import { GitLabError } from "../../provider/gitlab/index";
import { clientFor, rejectionOf, startGitLab } from "../support/gitlab-harness";

const { projects, runners } = FIXTURE_IDS;
const RUNNER_PATH = "^/api/v4/runners/\\d+$";
const USER_RUNNERS = "^/api/v4/user/runners$";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each<GitlabVersion>(["13.12", "17.11"])("GitLab %s under faults", (version) => {
  let gitlab: RunningEmulator;
  beforeAll(async () => {
    gitlab = await startGitLab(version);
  });
  afterAll(async () => {
    await gitlab.stop();
  });
  beforeEach(() => {
    gitlab.reset();
  });

  const posts = (route: string) => gitlab.requests().filter((r) => r.method === "POST" && r.route === route);
  const runnerCount = () => gitlab.state().runners.length;
  // 13.12 has no POST /user/runners; the registration flow is its create.
  const create = (client: ReturnType<typeof clientFor>["client"]) =>
    version === "13.12"
      ? client.registerRunner({ token: "GR1348941emuProjectApiRegTk03", description: "fault" })
      : client.createUserRunner({
          runnerType: "project_type",
          projectId: projects.api,
          description: "fault",
        });
  const createRoute = version === "13.12" ? "/api/v4/runners" : "/api/v4/user/runners";
  const createPath = version === "13.12" ? "^/api/v4/runners$" : USER_RUNNERS;

  it("latency: succeeds, slower", async () => {
    gitlab.setFaults({ rules: [{ kind: "latency", latencyMs: 150, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const started = Date.now();
    await client.getRunner(runners.project);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("rate_limit on GET: waits Retry-After, retries, succeeds; the wait is logged", async () => {
    gitlab.setFaults({ rules: [{ kind: "rate_limit", retryAfterSeconds: 1, count: 1, path: RUNNER_PATH }] });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const started = Date.now();
    const details = await client.getRunner(runners.project);
    expect(details.id).toBe(runners.project);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(gitlab.requests().map((r) => r.status)).toEqual([429, 200]);
    expect(logs.warn.join("\n")).toMatch(/rate limited \(429\); retrying in \d+ms \(retry-after\)/);
  });

  it("rate_limit on POST: retried (GitLab did not act), exactly one runner created", async () => {
    gitlab.setFaults({
      rules: [{ kind: "rate_limit", retryAfterSeconds: 1, count: 1, method: "POST", path: createPath }],
    });
    const before = runnerCount();
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const creds = await create(client);
    expect(creds.id).toBeGreaterThan(0);
    expect(posts(createRoute).map((r) => r.status)).toEqual([429, 201]);
    expect(runnerCount()).toBe(before + 1);
  });

  it("rate_limit_bare: falls back to jittered backoff", async () => {
    gitlab.setFaults({ rules: [{ kind: "rate_limit_bare", count: 2, path: RUNNER_PATH }] });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    await client.getRunner(runners.project);
    expect(gitlab.requests().map((r) => r.status)).toEqual([429, 429, 200]);
    expect(logs.warn.filter((l) => l.includes("(backoff)"))).toHaveLength(2);
  });

  it("rate_limit every time: gives up after the configured retries", async () => {
    gitlab.setFaults({ rules: [{ kind: "rate_limit_bare", path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin, { retries: 2 });
    const error = await rejectionOf(client.getRunner(runners.project));
    expect(error).toMatchObject({ code: "rate_limited", attempts: 3 });
    expect(gitlab.requests()).toHaveLength(3);
  });

  it.each([500, 502, 503, 504] as const)("status %i on GET: retried until it succeeds", async (status) => {
    gitlab.setFaults({ rules: [{ kind: "status", status, count: 1, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    await client.getRunner(runners.project);
    expect(gitlab.requests().map((r) => r.status)).toEqual([status, 200]);
  });

  it("502 HTML page on POST: not retried, server_error with outcomeUnknown and GitLab's page title", async () => {
    gitlab.setFaults({
      rules: [{ kind: "status", status: 502, count: 1, method: "POST", path: createPath }],
    });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const error = await rejectionOf(create(client));
    expect(error).toMatchObject({ code: "server_error", status: 502, outcomeUnknown: true, attempts: 1 });
    expect(String((error as GitLabError).gitlabMessage)).toMatch(/^HTML error page/);
    expect(posts(createRoute)).toHaveLength(1);
  });

  it("reset on GET: retried; reset on POST: never retried", async () => {
    gitlab.setFaults({ rules: [{ kind: "reset", count: 1, path: RUNNER_PATH }] });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    await client.getRunner(runners.project);
    expect(gitlab.requests().map((r) => r.status)).toEqual([0, 200]);
    expect(logs.debug.join("\n")).toMatch(/request sent/);

    gitlab.reset();
    gitlab.setFaults({ rules: [{ kind: "reset", method: "POST", path: createPath }] });
    const error = await rejectionOf(create(client));
    expect(error).toMatchObject({ code: "network", outcomeUnknown: true, attempts: 1 });
    expect(posts(createRoute)).toHaveLength(1);
  });

  it("drop_after_apply on POST: exactly one POST, exactly one runner, outcomeUnknown", async () => {
    gitlab.setFaults({ rules: [{ kind: "drop_after_apply", method: "POST", path: createPath }] });
    const before = runnerCount();
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const error = await rejectionOf(create(client));
    expect(GitLabError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: "network", method: "POST", outcomeUnknown: true, attempts: 1 });
    expect((error as GitLabError).hint).toMatch(/may have been applied/);
    expect(posts(createRoute)).toHaveLength(1);
    expect(runnerCount()).toBe(before + 1);
    expect(logs.debug.join("\n")).toMatch(
      /not retrying \(network failure \(\w+\) after the request may have been sent\)/,
    );
  });

  it("drop_after_apply on PUT: retried (idempotent), applied once in effect", async () => {
    gitlab.setFaults({ rules: [{ kind: "drop_after_apply", method: "PUT", count: 1, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const details = await client.updateRunner(runners.project, { description: "after drop" });
    expect(details.description).toBe("after drop");
    expect(
      gitlab
        .requests()
        .filter((r) => r.method === "PUT")
        .map((r) => r.status),
    ).toEqual([0, 200]);
  });

  it("drop_after_apply on DELETE: retried; the runner is gone and the retry reports not_found", async () => {
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const creds = await client.registerRunner({
      token: "GR1348941emuGroupAcmeRegTok02",
      description: "to delete",
    });
    gitlab.setFaults({
      rules: [{ kind: "drop_after_apply", method: "DELETE", count: 1, path: RUNNER_PATH }],
    });
    const error = await rejectionOf(client.deleteRunner(creds.id));
    expect(error).toMatchObject({ code: "not_found", attempts: 2 });
    expect(gitlab.state().runners.find((r) => r.id === creds.id)).toBeUndefined();
  });

  it("stall_headers on GET: headers timeout, retried", async () => {
    gitlab.setFaults({ rules: [{ kind: "stall_headers", stallMs: 1_500, count: 1, path: RUNNER_PATH }] });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin, { headersTimeoutMs: 300 });
    await client.getRunner(runners.project);
    expect(logs.debug.join("\n")).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
  });

  it("stall_headers on POST: timeout, not retried, outcomeUnknown", async () => {
    gitlab.setFaults({
      rules: [{ kind: "stall_headers", stallMs: 1_500, method: "POST", path: createPath }],
    });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin, { headersTimeoutMs: 300 });
    const error = await rejectionOf(create(client));
    expect(error).toMatchObject({ code: "timeout", outcomeUnknown: true, attempts: 1 });
    // The emulator logs a request when it finishes answering, after the stall.
    await expect.poll(() => posts(createRoute).length, { timeout: 3_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(posts(createRoute)).toHaveLength(1);
  });

  it("truncate_json on GET: retried; on POST: invalid_response, not retried", async () => {
    gitlab.setFaults({ rules: [{ kind: "truncate_json", count: 1, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin);
    const details = await client.getRunner(runners.project);
    expect(details.id).toBe(runners.project);
    expect(gitlab.requests()).toHaveLength(2);

    gitlab.reset();
    gitlab.setFaults({ rules: [{ kind: "truncate_json", method: "POST", path: createPath }] });
    const before = runnerCount();
    const error = await rejectionOf(create(client));
    expect(error).toMatchObject({ code: "invalid_response", outcomeUnknown: true, attempts: 1 });
    expect(posts(createRoute)).toHaveLength(1);
    expect(runnerCount()).toBe(before + 1);
  });

  it("a Rack::Attack-style window: the governor holds requests and every call succeeds", async () => {
    gitlab.setFaults({ rules: [], rateLimit: { requests: 5, windowSeconds: 1 } });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin, { retries: 8 });
    const results = await Promise.all(Array.from({ length: 12 }, () => client.getRunner(runners.project)));
    expect(results).toHaveLength(12);
    expect(logs.warn.join("\n")).toMatch(/GitLab rate limit/);
  });

  it("the overall deadline cuts a slow request: timeout", async () => {
    gitlab.setFaults({ rules: [{ kind: "latency", latencyMs: 1_000, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin, { timeoutMs: 300 });
    const error = await rejectionOf(client.getRunner(runners.project));
    expect(error).toMatchObject({ code: "timeout", path: "/runners/:id" });
    expect((error as Error).message).toMatch(/did not complete within 300ms \(gitlab:timeoutMs\)/);
  });

  it("retries stop when the next wait would pass the deadline, with GitLab's own error", async () => {
    gitlab.setFaults({ rules: [{ kind: "status", status: 503, path: RUNNER_PATH }] });
    const { client, logs } = clientFor(gitlab, FIXTURE_TOKENS.admin, {
      timeoutMs: 300,
      retryBaseDelayMs: 100,
      retries: 10,
    });
    const error = await rejectionOf(client.getRunner(runners.project));
    expect(error).toMatchObject({ code: "server_error", status: 503 });
    expect((error as GitLabError).attempts).toBeGreaterThanOrEqual(2);
    expect(logs.debug.join("\n")).toMatch(/would pass the 300ms deadline/);
  });

  it("caps concurrency: 6 requests with a cap of 2 take three rounds", async () => {
    gitlab.setFaults({ rules: [{ kind: "latency", latencyMs: 150, path: RUNNER_PATH }] });
    const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin, { maxConcurrency: 2 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.getRunner(runners.project)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(440);
  });
});

describe("a wait longer than the cap", () => {
  // Its own emulator: GitLab's RateLimit-Remaining 0 makes the shared governor hold requests
  // to that server, which would slow the tests after it.
  let wait: RunningEmulator;
  beforeAll(async () => {
    wait = await startGitLab("17.11");
  });
  afterAll(async () => {
    await wait.stop();
  });
  it("rate_limit asking longer than the wait cap: fails at once with rate_limited", async () => {
    wait.setFaults({ rules: [{ kind: "rate_limit", retryAfterSeconds: 120, path: RUNNER_PATH }] });
    const { client } = clientFor(wait, FIXTURE_TOKENS.admin);
    const error = await rejectionOf(client.getRunner(runners.project));
    expect(error).toMatchObject({ code: "rate_limited", status: 429, retryAfterMs: 120_000, attempts: 1 });
    expect((error as GitLabError).hint).toMatch(/gitlab:maxConcurrency/);
  });
});

describe("many creates against a rate-limited GitLab", () => {
  it("40 parallel creates with 10 requests/s allowed: all succeed, no duplicate runner", async () => {
    const gitlab = await startGitLab("17.11");
    try {
      gitlab.setFaults({ rules: [], rateLimit: { requests: 10, windowSeconds: 1 } });
      const before = gitlab.state().runners.length;
      const { client } = clientFor(gitlab, FIXTURE_TOKENS.admin, { maxConcurrency: 4, retries: 10 });
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.createUserRunner({
            runnerType: "project_type",
            projectId: projects.api,
            description: `bulk-${i}`,
          }),
        ),
      );
      expect(new Set(created.map((c) => c.id)).size).toBe(40);
      expect(gitlab.state().runners.length).toBe(before + 40);
      const posts = gitlab.requests().filter((r) => r.method === "POST");
      expect(posts.filter((r) => r.status === 201)).toHaveLength(40);
      expect(posts.every((r) => r.status === 201 || r.status === 429)).toBe(true);
    } finally {
      await gitlab.stop();
    }
  });
});

describe("connection failures", () => {
  it("connection refused: retried for GET, then connection_refused naming the URL", async () => {
    const port = await closedPort();
    const { client, logs } = clientFor({ url: `http://127.0.0.1:${port}` }, FIXTURE_TOKENS.admin, {
      retries: 2,
    });
    const error = await rejectionOf(client.getRunner(1));
    expect(error).toMatchObject({ code: "connection_refused", attempts: 3, outcomeUnknown: false });
    expect((error as GitLabError).hint).toContain(`http://127.0.0.1:${port}/api/v4`);
    expect(logs.debug.filter((l) => l.includes("request not sent"))).toHaveLength(3);
  });

  it("connection refused on POST: the request was never sent, so it is retried", async () => {
    const port = await closedPort();
    const { client } = clientFor({ url: `http://127.0.0.1:${port}` }, FIXTURE_TOKENS.admin, { retries: 2 });
    const error = await rejectionOf(client.createUserRunner({ runnerType: "instance_type" }));
    expect(error).toMatchObject({ code: "connection_refused", attempts: 3, outcomeUnknown: false });
  });

  it("an unresolvable host is not retried", async () => {
    const { client } = clientFor({ url: "http://gitlab.invalid" }, FIXTURE_TOKENS.admin, { retries: 3 });
    const error = await rejectionOf(client.getVersion());
    expect(error).toMatchObject({ code: "network", attempts: 1 });
    expect((error as GitLabError).hint).toMatch(/does not resolve/);
  });
});
