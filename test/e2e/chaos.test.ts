import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  type FaultRule,
  FIXTURE_TOKENS,
  type Fixture,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace, type StackResource } from "../support/pulumi";

// Chaos: examples/fleet (runner pools from stack config, each runner enabled on more projects)
// applied with the real CLI against an emulator that injects faults on every API request —
// 429 with and without rate-limit headers, 502/503 pages, the change applied and then the
// connection dropped, stalled headers — with `pulumi up` repeated until it succeeds (a bounded
// number of runs). Then GitLab's state (read from the emulator, not through the API) must match
// the exported stack exactly: no duplicate runner, no orphan runner, no runner whose token was
// lost, no assignment missing or extra; a clean preview shows no changes and destroy leaves no
// runner of the run behind. Seeds are fixed, and every failure names its seed. (The engine runs
// operations in parallel, so the order in which requests meet the seeded draws can vary from
// run to run; the seed fixes the draws, not the interleaving.)

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const PROGRAM = join(repoRoot, "examples", "fleet");

const PROJECTS = [100, 101, 102, 103, 104, 105];
const MAX_RUNS = 8;
const SEEDS = [11, 29, 47];

// The provider's operation deadline (gitlab:timeoutMs) is shorter than a stall, so a stalled
// request ends in a timeout after GitLab applied it: for a POST, an answer that never came.
const TIMEOUT_MS = 4_000;
const STALL_MS = 6_000;

const API = "^/api/v4/";
const CREATE_RUNNER = "^/api/v4/user/runners$";
const ASSIGN = "^/api/v4/projects/\\d+/runners$";
const RESET_TOKEN = "^/api/v4/runners/\\d+/reset_authentication_token$";

/**
 * The fault mix. Rules draw in order and at most one answering or spoiling rule applies per
 * request. The first two make sure every seed meets the cases that matter most — a create whose
 * answer is lost, an assignment whose answer never comes in time — whatever the random draws.
 */
const FAULTS: FaultRule[] = [
  { kind: "drop_after_apply", method: "POST", path: CREATE_RUNNER, count: 1 },
  { kind: "stall_headers", method: "POST", path: ASSIGN, count: 1, stallMs: STALL_MS },
  { kind: "rate_limit", path: API, rate: 0.1, retryAfterSeconds: 1 },
  { kind: "rate_limit_bare", path: API, rate: 0.1 },
  { kind: "status", status: 502, path: API, rate: 0.05 },
  { kind: "status", status: 503, path: API, rate: 0.05 },
  { kind: "drop_after_apply", path: API, rate: 0.05 },
  { kind: "stall_headers", path: API, rate: 0.03, stallMs: STALL_MS },
];

/** The default world plus projects 103.. in group acme, so every runner has projects to go to. */
function fixture(): Fixture {
  const f = defaultFixture();
  const have = new Set(f.projects.map((p) => p.id));
  for (const id of PROJECTS) {
    if (!have.has(id))
      f.projects.push({ id, path: `svc-${id}`, name: `svc-${id}`, namespaceId: 10, members: [] });
  }
  return f;
}

/** A pool of examples/fleet's `fleet:pools`. */
interface Pool {
  name: string;
  tags: string[];
  count: number;
  owner: number;
  projects: number[];
  locked: boolean;
}

interface Fleet {
  pools: Pool[];
  /** `fleet:prefix`: descriptions start with `<prefix>-`, so the run's runners are told apart. */
  prefix: string;
}

/** 6 runners × 2 assignments: two pools of three, each with its own owner and two more projects. */
function sixByTwo(prefix: string): Fleet {
  return {
    prefix,
    pools: [
      { name: "build", tags: ["build", "linux"], count: 3, owner: 100, projects: [101, 102], locked: false },
      { name: "deploy", tags: ["deploy"], count: 3, owner: 103, projects: [104, 105], locked: false },
    ],
  };
}

const runnerCount = (fleet: Fleet) => fleet.pools.reduce((n, p) => n + p.count, 0);

/** A secret in `pulumi stack export --show-secrets`: `{ <sig>, plaintext: "<JSON>" }`. */
function plaintext(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
  }
  return value;
}

interface RunSummary {
  run: number;
  code: number;
  seconds: number;
  /** "fault METHOD route" → how many requests of this run met it. */
  faults: Record<string, number>;
  errors: string[];
}

const live: { em: RunningEmulator; ws?: PulumiWorkspace }[] = [];
afterAll(async () => {
  for (const { ws, em } of live) {
    await ws?.cleanup();
    await em.stop();
  }
});

/** An emulator (GitLab 17.11) and a stack of the fleet program pointing at it. */
async function setUp(fleet: Fleet, seed: number): Promise<{ em: RunningEmulator; ws: PulumiWorkspace }> {
  const em = await startEmulator({ gitlabVersion: "17.11", fixture: fixture(), seed });
  const ctx: { em: RunningEmulator; ws?: PulumiWorkspace } = { em };
  live.push(ctx);
  const ws = await PulumiWorkspace.create({
    programDir: PROGRAM,
    config: {
      "gitlab:baseUrl": em.url,
      "gitlab:timeoutMs": String(TIMEOUT_MS),
      "fleet:pools": JSON.stringify(fleet.pools),
      "fleet:prefix": fleet.prefix,
    },
    secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
  });
  ctx.ws = ws;
  return { em, ws };
}

/** `pulumi up` until one run succeeds, at most `MAX_RUNS` times; what each run met and said. */
async function converge(em: RunningEmulator, ws: PulumiWorkspace): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (let run = 1; run <= MAX_RUNS; run++) {
    const before = em.requests().length;
    const started = Date.now();
    const result = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    const faults: Record<string, number> = {};
    for (const entry of em.requests().slice(before)) {
      if (!entry.fault) continue;
      const key = `${entry.fault} ${entry.method} ${entry.route.replace("/api/v4", "")}`;
      faults[key] = (faults[key] ?? 0) + 1;
    }
    const errors = [...result.output.matchAll(/^\s+error: (.*)$/gm)].map((m) => (m[1] ?? "").slice(0, 300));
    runs.push({ run, code: result.code, seconds: (Date.now() - started) / 1000, faults, errors });
    if (result.code === 0) break;
  }
  return runs;
}

/**
 * GitLab (the emulator's own state, no API call, so no side effect such as /runners/verify's)
 * against the exported stack and the program: no duplicate, no orphan, no lost token, every
 * assignment exactly once.
 */
async function checkInvariants(
  em: RunningEmulator,
  ws: PulumiWorkspace,
  fleet: Fleet,
  why: (what: string) => string,
): Promise<void> {
  const exported = JSON.parse((await ws.run(["stack", "export", "--show-secrets"])).stdout) as {
    deployment: { resources?: StackResource[] };
  };
  const resources = exported.deployment.resources ?? [];
  const stateRunners = resources.filter((r) => r.type === RUNNER_TYPE);
  const stateAssignments = resources.filter((r) => r.type === ASSIGNMENT_TYPE);
  const gitlabRunners = em
    .state()
    .runners.filter((r) => (r.description ?? "").startsWith(`${fleet.prefix}-`));

  const descriptions = gitlabRunners.map((r) => r.description);
  expect(
    new Set(descriptions).size,
    why(`duplicate runners in GitLab: ${descriptions.sort().join(", ")}`),
  ).toBe(descriptions.length);
  expect(gitlabRunners, why("runners in GitLab")).toHaveLength(runnerCount(fleet));
  expect(stateRunners, why("runners in the stack")).toHaveLength(runnerCount(fleet));
  const stateIds = new Set(stateRunners.map((r) => Number(r.id)));
  const orphans = gitlabRunners.filter((r) => !stateIds.has(r.id)).map((r) => `${r.id} ${r.description}`);
  expect(orphans, why("orphan runners (in GitLab, not in the stack)")).toEqual([]);
  const gone = [...stateIds].filter((id) => !gitlabRunners.some((r) => r.id === id));
  expect(gone, why("runners in the stack that GitLab does not have")).toEqual([]);

  // Every runner in the stack holds the token GitLab has for it now, unexpired.
  const now = Date.now();
  const lostTokens: string[] = [];
  // Runner id → its resource name ("build-0"), to compare assignments by name.
  const nameOf = new Map<number, string>();
  for (const r of stateRunners) {
    const inGitlab = gitlabRunners.find((g) => g.id === Number(r.id));
    const token = plaintext(r.outputs?.authenticationToken);
    const valid =
      inGitlab !== undefined &&
      typeof token === "string" &&
      token === inGitlab.token &&
      (inGitlab.tokenExpiresAt === null || Date.parse(inGitlab.tokenExpiresAt) > now);
    if (!valid) lostTokens.push(`${r.urn.split("::").at(-1)} (runner ${r.id})`);
    nameOf.set(Number(r.id), r.urn.split("::").at(-1) ?? "");
    expect(r.outputs?.description, why(`runner ${r.id}'s description in the stack`)).toBe(
      inGitlab?.description,
    );
  }
  expect(lostTokens, why("runners whose token GitLab would not accept")).toEqual([]);

  // Assignments, as "projectId:runner name": the program's = the stack's = GitLab's.
  const declared = new Set<string>();
  for (const pool of fleet.pools) {
    for (let i = 0; i < pool.count; i++) {
      for (const project of pool.projects) declared.add(`${project}:${pool.name}-${i}`);
    }
  }
  const inStack = new Set(
    stateAssignments.map((a) => {
      const [projectId, runnerId] = String(a.id).split(":").map(Number);
      return `${projectId}:${nameOf.get(runnerId ?? -1) ?? `unknown runner ${runnerId}`}`;
    }),
  );
  const inGitlab = new Set<string>();
  for (const r of gitlabRunners) {
    for (const projectId of r.projectIds) {
      if (projectId !== r.ownerProjectId)
        inGitlab.add(`${projectId}:${nameOf.get(r.id) ?? `unknown runner ${r.id}`}`);
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  expect(stateAssignments, why("assignments in the stack")).toHaveLength(declared.size);
  expect(sorted(inStack), why("assignments in the stack against the program")).toEqual(sorted(declared));
  expect(sorted(inGitlab), why("assignments in GitLab against the program")).toEqual(sorted(declared));
}

/** Without faults: a preview with no changes, then a destroy that leaves nothing of the run. */
async function previewAndDestroyClean(
  em: RunningEmulator,
  ws: PulumiWorkspace,
  fleet: Fleet,
  why: (what: string) => string,
): Promise<void> {
  em.setFaults({ rules: [] });
  const preview = await ws.run(["preview", "--expect-no-changes", "--diff"], { allowFailure: true });
  expect(preview.code, why(`preview after convergence shows changes:\n${preview.output.slice(-3000)}`)).toBe(
    0,
  );
  const destroy = await ws.run(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
  expect(destroy.code, why(`destroy failed:\n${destroy.output.slice(-3000)}`)).toBe(0);
  const left = em.state().runners.filter((r) => (r.description ?? "").startsWith(`${fleet.prefix}-`));
  expect(
    left.map((r) => r.id),
    why("runners left in GitLab after destroy"),
  ).toEqual([]);
  expect(await ws.resourcesOfType(RUNNER_TYPE), why("runners left in the stack")).toHaveLength(0);
}

describe.each(SEEDS)("6 runners × 2 assignments under injected faults (seed %i)", (seed) => {
  const fleet = sixByTwo(`chaos${seed}`);
  const why = (what: string) =>
    `seed ${seed}: ${what} (rerun it alone: SEEDS = [${seed}] in test/e2e/chaos.test.ts)`;

  it("converges, then GitLab matches the stack exactly, previews clean and destroys clean", async () => {
    const { em, ws } = await setUp(fleet, seed);
    em.setFaults({ seed, rules: FAULTS });
    const runs = await converge(em, ws);
    process.stdout.write(`chaos seed ${seed}: ${JSON.stringify(runs)}\n`);
    expect(
      runs.at(-1)?.code,
      why(`pulumi up did not converge in ${MAX_RUNS} runs: ${JSON.stringify(runs)}`),
    ).toBe(0);
    em.setFaults({ rules: [] });
    await checkInvariants(em, ws, fleet, why);
    await previewAndDestroyClean(em, ws, fleet, why);
  });
});

describe("a create whose answer is lost, and GitLab failing while the provider looks for the runner", () => {
  const fleet: Fleet = {
    prefix: "chaos-lookup",
    pools: [{ name: "solo", tags: ["solo"], count: 1, owner: 100, projects: [], locked: false }],
  };
  const why = (what: string) => `failed lookup after a lost create answer: ${what}`;

  // After a lost create answer the provider lists the project's runners and reads each
  // candidate; when those reads keep failing (a 502 on every GET /runners/:id), the single
  // never-contacted candidate the listing shows is recorded as the runner (its token reset), so
  // the next `pulumi up` completes it instead of posting again (provider/runner/reconcile.ts,
  // `LookupIncomplete`; provider/runner/create.ts).
  it("ends with exactly one runner, recorded in the stack", async () => {
    const { em, ws } = await setUp(fleet, 1);
    em.setFaults({
      rules: [
        { kind: "drop_after_apply", method: "POST", path: CREATE_RUNNER, count: 1 },
        { kind: "status", status: 502, method: "GET", path: "^/api/v4/runners/\\d+$" },
      ],
    });
    const first = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(first.code, why("the first up should fail")).not.toBe(0);
    em.setFaults({ rules: [] });
    const runs = await converge(em, ws);
    expect(runs.at(-1)?.code, why(`pulumi up did not converge: ${JSON.stringify(runs)}`)).toBe(0);
    await checkInvariants(em, ws, fleet, why);
  });
});

describe("a create whose answer is lost, then the token reset's answer too (GitLab 17.11)", () => {
  const fleet: Fleet = {
    prefix: "chaos-reset",
    pools: [{ name: "solo", tags: ["solo"], count: 1, owner: 100, projects: [], locked: false }],
  };
  const why = (what: string) => `lost reset answer: ${what}`;

  // After a lost create answer the provider finds its runner and resets the token (the only way
  // to learn one); when that reset's answer is lost too, it resets again (a reset is safe to
  // repeat: provider/runner/reset-token.ts), so the runner always ends with a working token.
  it("ends with the runner holding a token GitLab accepts", async () => {
    const { em, ws } = await setUp(fleet, 1);
    em.setFaults({
      rules: [
        { kind: "drop_after_apply", method: "POST", path: CREATE_RUNNER, count: 1 },
        { kind: "drop_after_apply", method: "POST", path: RESET_TOKEN, count: 1 },
      ],
    });
    const runs = await converge(em, ws);
    expect(runs.at(-1)?.code, why(`pulumi up did not converge: ${JSON.stringify(runs)}`)).toBe(0);
    em.setFaults({ rules: [] });
    await checkInvariants(em, ws, fleet, why);
  });
});
