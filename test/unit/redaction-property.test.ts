import { inspect } from "node:util";
import { MockAgent } from "undici";
import { describe, expect, it } from "vitest";
import { GitLabClient, type GitLabLogger } from "../../provider/gitlab/index";
import { secretForms } from "../../provider/gitlab/redact";
import { runnerOperations } from "../../provider/runner";

// A property of the whole error family: whatever characters a token holds (every printable
// ASCII character, quotes, backslashes and spaces included), no part of it survives in any text
// an error or a log line can show — when GitLab echoes it back in a JSON message, a validation
// hash, an OAuth description, an HTML page or plain text, at the edge of the length at which
// messages are shortened, in a network failure, during retries, and through the resource layer.
// Seeded, so a failure names the seed and the token that leaked.

const ORIGIN = "https://gitlab.test";
const API = "/api/v4";
const JSON_HEADERS = { "content-type": "application/json" };
/** A leak is any run of this many characters of a token (in any of its encodings). */
const WINDOW = 6;
const ROUNDS = 12;
const SEED = 20261;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A token of 8–40 printable ASCII characters (0x20–0x7e), not starting or ending with a space.
 * `spaces: false` leaves out the space, as the provider's configuration refuses a token with
 * whitespace (`gitlab:token`).
 */
function randomToken(random: () => number, spaces = true): string {
  const length = 8 + Math.floor(random() * 33);
  const first = spaces ? 0x20 : 0x21;
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(first + Math.floor(random() * (0x7f - first)));
  return out.trim().length === out.length ? out : `x${out.trim()}x`;
}

/** Every text a user, a log or the engine could see from an error. */
function errorTexts(error: unknown): string[] {
  const texts = [String(error)];
  if (error instanceof Error) {
    texts.push(error.message, error.stack ?? "");
    const props = error as Error & { properties?: unknown; reasons?: unknown; id?: unknown };
    // A partial-state error's `properties` are the resource's state (its token among them, as
    // a secret output); what is printed is the message and the reasons.
    if (props.properties === undefined) {
      texts.push(inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error));
    } else {
      texts.push(JSON.stringify(props.reasons));
    }
    const cause = error.cause;
    if (cause !== undefined) texts.push(...errorTexts(cause));
  }
  return texts;
}

/** The windows of `token`'s encodings that must not appear anywhere. */
function fragments(token: string): string[] {
  const out = new Set<string>();
  for (const form of secretForms(token)) {
    for (let i = 0; i + WINDOW <= form.length; i++) out.add(form.slice(i, i + WINDOW));
  }
  return [...out];
}

type Call = [method: string, path: string, call: (client: GitLabClient) => Promise<unknown>];

interface Round {
  pat: string;
  runnerToken: string;
  registrationToken: string;
  issued: string;
}

let agent: MockAgent;

/** A client with a mock GitLab, the PAT of the round, every log line captured. */
function setUp(pat: string, lines: string[]) {
  agent = new MockAgent();
  agent.disableNetConnect();
  const logger: GitLabLogger = {
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
  };
  const client = new GitLabClient({
    baseUrl: `${ORIGIN}${API}`,
    token: pat,
    dispatcher: agent,
    retries: 1,
    retryBaseDelayMs: 1,
    random: () => 0,
    logger,
  });
  return { client, pool: agent.get(ORIGIN) };
}

/** Error answers that echo `secret` back in each of GitLab's body shapes. */
function echoes(secret: string): { status: number; body: string; headers: Record<string, string> }[] {
  const html = secret.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
  // Long enough that GitLab's message is shortened right inside the secret.
  const padding = "x".repeat(300 - 8);
  return [
    { status: 401, body: JSON.stringify({ message: `401 Unauthorized ${secret}` }), headers: JSON_HEADERS },
    {
      status: 400,
      body: JSON.stringify({ message: { token: [`${secret} is invalid`], [secret]: ["odd key"] } }),
      headers: JSON_HEADERS,
    },
    {
      status: 401,
      body: JSON.stringify({ error: "invalid_token", error_description: `Token ${secret} was revoked.` }),
      headers: JSON_HEADERS,
    },
    {
      status: 403,
      body: JSON.stringify({
        error: "insufficient_scope",
        error_description: "higher",
        scope: `api ${secret}`,
      }),
      headers: JSON_HEADERS,
    },
    { status: 404, body: JSON.stringify({ message: `${padding}${secret} tail` }), headers: JSON_HEADERS },
    {
      status: 422,
      body: JSON.stringify({ message: `a  ${secret.replace(/ /g, "  ")}  b` }),
      headers: JSON_HEADERS,
    },
    {
      status: 500,
      body: `<html><head><title>Error ${html}</title></head><body>${html}</body></html>`,
      headers: { "content-type": "text/html" },
    },
    { status: 502, body: `Bad gateway ${secret}`, headers: { "content-type": "text/plain" } },
    {
      status: 429,
      body: `Retry later ${secret}`,
      headers: { "content-type": "text/plain", "retry-after": "0", "x-request-id": secret },
    },
    {
      status: 200,
      body: `{"id": 1, "token": "${JSON.stringify(secret).slice(1, -1)}`,
      headers: JSON_HEADERS,
    },
    { status: 200, body: JSON.stringify({ id: "not a number", token: secret }), headers: JSON_HEADERS },
  ];
}

/** Runs `work`, returning what it threw (or undefined). */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return error;
  }
}

async function oneRound(round: Round): Promise<{ texts: string[]; errors: number }> {
  const lines: string[] = [];
  const errors: unknown[] = [];

  // Each secret with the calls in which the client knows it: its own token in every call, a
  // runner's token in the runner-token endpoints, a registration token in a registration, and a
  // token GitLab issued in any call after the answer that issued it.
  const reads: Call[] = [
    ["GET", `${API}/runners/7`, (c) => c.getRunner(7)],
    ["PUT", `${API}/runners/7`, (c) => c.updateRunner(7, { description: "d" })],
    ["GET", `${API}/runners/all`, (c) => c.listRunners({ scope: "all" })],
  ];
  const withRunnerToken: Call[] = [
    ["POST", `${API}/runners/verify`, (c) => c.verifyRunner(round.runnerToken)],
    ["DELETE", `${API}/runners`, (c) => c.deleteRunnerByToken(round.runnerToken)],
    [
      "POST",
      `${API}/runners/reset_authentication_token`,
      (c) => c.resetRunnerTokenByToken(round.runnerToken),
    ],
  ];
  const withRegistrationToken: Call[] = [
    ["POST", `${API}/runners`, (c) => c.registerRunner({ token: round.registrationToken })],
  ];
  const plan: [string, Call[], boolean][] = [
    [round.pat, [...reads, ...withRunnerToken, ...withRegistrationToken], false],
    [round.runnerToken, withRunnerToken, false],
    [round.registrationToken, withRegistrationToken, false],
    [round.issued, reads, true],
  ];
  for (const [secret, calls, issuedFirst] of plan) {
    for (const answer of echoes(secret)) {
      for (const [method, path, call] of calls) {
        const { client, pool } = setUp(round.pat, lines);
        if (issuedFirst) {
          pool
            .intercept({ path: `${API}/user/runners`, method: "POST" })
            .reply(201, JSON.stringify({ id: 9, token: round.issued, token_expires_at: null }), {
              headers: JSON_HEADERS,
            });
          await client.createUserRunner({ runnerType: "instance_type" });
        }
        pool
          .intercept({ path: (p) => p.split("?")[0] === path, method })
          .reply(answer.status, answer.body, { headers: answer.headers })
          .persist();
        errors.push(await failure(() => call(client)));
        await agent.close();
      }
    }
    // A network failure whose message quotes the secret.
    const { client, pool } = setUp(round.pat, lines);
    const [method, path, call] = calls[0]!;
    if (issuedFirst) {
      pool
        .intercept({ path: `${API}/user/runners`, method: "POST" })
        .reply(201, JSON.stringify({ id: 9, token: round.issued, token_expires_at: null }), {
          headers: JSON_HEADERS,
        });
      await client.createUserRunner({ runnerType: "instance_type" });
    }
    pool
      .intercept({ path: (p) => p.split("?")[0] === path, method })
      .replyWithError(Object.assign(new Error(`socket hang up near ${secret}`), { code: "ECONNRESET" }))
      .persist();
    errors.push(await failure(() => call(client)));
    await agent.close();
  }

  // Through the resource layer: a registration refused with the token echoed, and a creation
  // whose read-back fails after GitLab issued a token (a partial-state error).
  {
    const { client, pool } = setUp(round.pat, lines);
    pool
      .intercept({ path: `${API}/runners`, method: "POST" })
      .reply(
        403,
        JSON.stringify({ message: `403 Forbidden - invalid token supplied ${round.registrationToken}` }),
        {
          headers: JSON_HEADERS,
        },
      );
    const ops = runnerOperations(() => ({ client: () => client, log: silentLog, onlineChecks: () => false }));
    errors.push(
      await failure(() => ops.create({ registrationToken: round.registrationToken, description: "r" })),
    );
    await agent.close();
  }
  {
    const { client, pool } = setUp(round.pat, lines);
    pool
      .intercept({ path: `${API}/user/runners`, method: "POST" })
      .reply(201, JSON.stringify({ id: 9, token: round.issued, token_expires_at: null }), {
        headers: JSON_HEADERS,
      });
    pool
      .intercept({ path: (p) => p.startsWith(`${API}/runners/9`) })
      .reply(500, JSON.stringify({ message: `boom ${round.issued}` }), { headers: JSON_HEADERS })
      .persist();
    pool
      .intercept({ path: (p) => p.startsWith(`${API}/projects/100/runners`), method: "GET" })
      .reply(200, "[]", { headers: JSON_HEADERS });
    const ops = runnerOperations(() => ({ client: () => client, log: silentLog, onlineChecks: () => false }));
    errors.push(await failure(() => ops.create({ runnerType: "project_type", projectId: 100 })));
    await agent.close();
  }

  const thrown = errors.filter((e) => e !== undefined);
  return { texts: [...lines, ...thrown.flatMap(errorTexts)], errors: thrown.length };
}

const silentLog = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  async flush() {},
};

describe("no fragment of a random printable token in any error text or log line", () => {
  it(`holds for ${ROUNDS} rounds of random tokens through every error path (seed ${SEED})`, async () => {
    const random = prng(SEED);
    for (let n = 0; n < ROUNDS; n++) {
      const round: Round = {
        pat: randomToken(random, false),
        runnerToken: randomToken(random),
        registrationToken: randomToken(random),
        issued: randomToken(random),
      };
      const { texts, errors } = await oneRound(round);
      expect(errors).toBeGreaterThan(100);
      for (const [role, token] of Object.entries(round)) {
        const parts = fragments(token);
        const leak = texts.find((text) => parts.some((part) => text.includes(part)));
        expect(
          leak,
          `seed ${SEED}, round ${n}: a fragment of the ${role} ${JSON.stringify(token)} leaked`,
        ).toBeUndefined();
      }
    }
  }, 120_000);
});
