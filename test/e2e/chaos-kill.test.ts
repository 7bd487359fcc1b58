import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_TOKENS,
  type Fixture,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { originOf } from "../../provider/resource/origin";
import { markFor, splitNote } from "../../provider/runner/creation-mark";
import { PulumiWorkspace, type StackResource } from "../support/pulumi";

// Killed mid-way, as a cancelled CI job is: `pulumi up`, an update and `pulumi destroy` of a
// fleet (8 project runners, each enabled on two more projects) are SIGKILLed — the CLI's process
// group and every plugin it started — at seeded random moments, while GitLab (the emulator)
// answers every request after 60–140 ms. After each kill, `pulumi cancel` (the lock the killed
// run left) and the next plain `pulumi up --non-interactive` (or destroy). Then GitLab's own
// state must match the stack exactly: no duplicate runner, no orphan, no runner whose token the
// stack does not hold, every assignment exactly once; a preview shows no changes; destroy
// leaves nothing. The kill moment is "after the K-th answered API request of the run, plus D ms",
// K and D drawn from the seed: kills land before, during and after creations, in the window
// between GitLab's answer and the engine's checkpoint, and while requests are in flight (the
// emulator completes a request whose client died, as GitLab does). The seed fixes K and D, not
// the engine's interleaving; every failure names its seed.

const RUNNER = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const PROGRAM = join(__dirname, "fixtures", "kill-fleet");
const RUNNERS = 8;
const OWNERS = [100, 103];
const PROJECTS = [101, 102];
const KILLED_UPS = 3;

/** Seeds: CHAOS_KILL_SEEDS="5,6,7" runs others (e.g. a date, to explore over time). */
const SEEDS = (process.env.CHAOS_KILL_SEEDS ?? "1101,2203,3307")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n));

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

function fixture(): Fixture {
  const f = defaultFixture();
  const have = new Set(f.projects.map((p) => p.id));
  for (const id of [...OWNERS, ...PROJECTS]) {
    if (!have.has(id))
      f.projects.push({ id, path: `svc-${id}`, name: `svc-${id}`, namespaceId: 10, members: [] });
  }
  return f;
}

/** A secret in `pulumi stack export --show-secrets`: `{ <sig>, plaintext: "<JSON>" }`. */
function plaintext(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
  }
  return value;
}

/** What one killed (or not) command did. */
interface Trial {
  command: string;
  /** Kill after this many answered API requests of the run … */
  afterRequests: number;
  /** … plus this many milliseconds. */
  delayMs: number;
  /** Whether the kill happened (the command may have ended first). */
  killed: boolean;
  exitCode: number;
  requests: number;
}

const live: { em: RunningEmulator; ws?: PulumiWorkspace }[] = [];
afterAll(async () => {
  for (const { ws, em } of live) {
    await ws?.cleanup();
    await em.stop();
  }
});

describe.each(SEEDS)("SIGKILL at seeded moments (seed %i)", (seed) => {
  const prefix = `kill${seed}`;
  const why = (what: string) => `seed ${seed}: ${what} (rerun it alone: CHAOS_KILL_SEEDS=${seed})`;

  it("up, an update and destroy, each killed and run again: GitLab matches the stack exactly", async () => {
    const random = prng(seed);
    const em = await startEmulator({ gitlabVersion: "17.11", fixture: fixture(), seed });
    const ctx: (typeof live)[number] = { em };
    live.push(ctx);
    const ws = await PulumiWorkspace.create({
      programDir: PROGRAM,
      config: {
        "gitlab:baseUrl": em.url,
        "kill:prefix": prefix,
        "kill:runners": String(RUNNERS),
        "kill:owners": JSON.stringify(OWNERS),
        "kill:projects": JSON.stringify(PROJECTS),
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
      // The file backend writes each checkpoint atomically (a rename), but by default also a
      // `.attrs` sidecar that it truncates and then writes (gocloud.dev fileblob `setAttrs`): a
      // kill in between leaves the stack unreadable ("failed to load checkpoint: EOF") whatever
      // the provider does. `metadata=skip` is what README "Killed runs" advises for that.
      backendQuery: "?metadata=skip",
    });
    ctx.ws = ws;
    em.setFaults({ seed, rules: [{ kind: "latency", path: "^/api/v4/", latencyMs: 60, jitterMs: 80 }] });
    const trials: Trial[] = [];
    /** Pending operations the engine left in the state, at each check. */
    const pending: number[] = [];

    /**
     * Runs `args` and kills it after the K-th answered request of the run that `counts` (every
     * API request by default), plus D ms: K drawn in 1..`within`, D in 0..`maxDelayMs`.
     * Returns how many API requests the run made.
     */
    const killedRun = async (
      args: string[],
      within: number,
      options: { counts?: (route: string, method: string) => boolean; maxDelayMs?: number } = {},
    ): Promise<number> => {
      const counts = options.counts ?? (() => true);
      const afterRequests = 1 + Math.floor(random() * Math.max(1, within));
      const delayMs = Math.floor(random() * (options.maxDelayMs ?? 250));
      const before = em.requests().length;
      const run = ws.start(args);
      let killed = false;
      const watch = (async () => {
        while (!run.exited()) {
          const seen = em
            .requests()
            .slice(before)
            .filter((r) => counts(r.route, r.method)).length;
          if (seen >= afterRequests) {
            await new Promise((r) => setTimeout(r, delayMs));
            if (!run.exited()) {
              run.kill();
              killed = true;
            }
            return;
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const result = await run.result;
      await watch;
      const requests = em.requests().length - before;
      trials.push({
        command: args[0] ?? "",
        afterRequests,
        delayMs,
        killed,
        exitCode: result.code,
        requests,
      });
      // The killed run's lock stays behind; what a user does next (README "Killed runs").
      if (killed) await ws.run(["cancel", "--yes"], { allowFailure: true });
      return requests;
    };
    /** The plain command after the kills; must succeed. */
    const complete = async (args: string[]): Promise<void> => {
      const result = await ws.run(args, { allowFailure: true });
      trials.push({
        command: args[0] ?? "",
        afterRequests: 0,
        delayMs: 0,
        killed: false,
        exitCode: result.code,
        requests: 0,
      });
      expect(
        result.code,
        why(`${args.join(" ")} after the kills failed:\n${result.output.slice(-4000)}`),
      ).toBe(0);
    };

    try {
      // 1. up: first killed just after one of the creation POSTs was answered (the window in which
      // GitLab made a runner the stack does not know yet), then at random moments of what is
      // left, then a plain up.
      const up = ["up", "--yes", "--skip-preview"];
      let remaining = RUNNERS * 3 + RUNNERS * PROJECTS.length * 2;
      remaining -= await killedRun(up, RUNNERS, {
        counts: (route, method) => method === "POST" && route === "/api/v4/user/runners",
        maxDelayMs: 120,
      });
      for (let i = 1; i < KILLED_UPS; i++)
        remaining -= await killedRun(up, Math.ceil(0.8 * Math.max(4, remaining)));
      await complete(up);
      await checkInvariants(pending, em, ws, prefix, 3600, why);
      await noChanges(ws, why);
      // The killed runs' pending operations, dropped as README "Killed runs" says: safe, as a
      // creation that reached GitLab is found again by its mark.
      await complete(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
      await checkInvariants(pending, em, ws, prefix, 3600, why);
      expect(pending.at(-1), why("pending operations after refresh --clear-pending-creates")).toBe(0);

      // 2. an update of every runner, killed, then a plain up.
      await ws.run(["config", "set", "kill:maximumTimeout", "7200"]);
      await killedRun(up, RUNNERS);
      await complete(up);
      await checkInvariants(pending, em, ws, prefix, 7200, why);
      await noChanges(ws, why);

      // 3. destroy, killed, then a plain destroy: nothing left.
      await killedRun(
        ["destroy", "--yes", "--skip-preview"],
        Math.ceil(0.8 * RUNNERS * (1 + PROJECTS.length)),
      );
      await complete(["destroy", "--yes", "--skip-preview"]);
      const left = em.state().runners.filter((r) => (r.description ?? "").startsWith(`${prefix}-`));
      expect(
        left.map((r) => `${r.id} ${r.description}`),
        why("runners left in GitLab after destroy"),
      ).toEqual([]);
      expect(await ws.resourcesOfType(RUNNER), why("runners left in the stack")).toHaveLength(0);
    } finally {
      process.stdout.write(
        `chaos-kill seed ${seed}: ${JSON.stringify({ trials, pendingOperations: pending })}\n`,
      );
    }
    expect(trials.filter((t) => t.killed).length, why("no run was killed")).toBeGreaterThan(0);
  });
});

/** `pulumi preview --expect-no-changes` passes. */
async function noChanges(ws: PulumiWorkspace, why: (what: string) => string): Promise<void> {
  const preview = await ws.run(["preview", "--expect-no-changes", "--diff"], { allowFailure: true });
  expect(preview.code, why(`preview shows changes:\n${preview.output.slice(-3000)}`)).toBe(0);
}

/**
 * GitLab (the emulator's own state, no API call) against the exported stack and the program: no
 * duplicate, no orphan, every runner's token the one GitLab holds, every runner carrying its own
 * resource's creation mark, every assignment exactly once.
 */
async function checkInvariants(
  pending: number[],
  em: RunningEmulator,
  ws: PulumiWorkspace,
  prefix: string,
  maximumTimeout: number,
  why: (what: string) => string,
): Promise<void> {
  const exported = JSON.parse((await ws.run(["stack", "export", "--show-secrets"])).stdout) as {
    deployment: { resources?: StackResource[]; pending_operations?: unknown[] };
  };
  const resources = exported.deployment.resources ?? [];
  const stateRunners = resources.filter((r) => r.type === RUNNER);
  const stateAssignments = resources.filter((r) => r.type === ASSIGNMENT);
  const gitlab = em.state().runners.filter((r) => (r.description ?? "").startsWith(`${prefix}-`));

  const descriptions = gitlab.map((r) => r.description ?? "").sort();
  expect(new Set(descriptions).size, why(`duplicate runners in GitLab: ${descriptions.join(", ")}`)).toBe(
    descriptions.length,
  );
  expect(gitlab, why("runners in GitLab")).toHaveLength(RUNNERS);
  expect(stateRunners, why("runners in the stack")).toHaveLength(RUNNERS);
  // The engine keeps a killed run's pending operations in the state (it warns about them on
  // every run; `pulumi refresh --clear-pending-creates` drops them): not GitLab's or the
  // provider's to settle, so they are only reported.
  pending.push(exported.deployment.pending_operations?.length ?? 0);
  const stateIds = new Set(stateRunners.map((r) => Number(r.id)));
  expect(
    gitlab.filter((r) => !stateIds.has(r.id)).map((r) => `${r.id} ${r.description}`),
    why("orphan runners (in GitLab, not in the stack)"),
  ).toEqual([]);

  const nameOf = new Map<number, string>();
  const problems: string[] = [];
  for (const r of stateRunners) {
    const name = r.urn.split("::").at(-1) ?? "";
    nameOf.set(Number(r.id), name);
    const inGitlab = gitlab.find((g) => g.id === Number(r.id));
    if (inGitlab === undefined) {
      problems.push(`${name}: runner ${r.id} is not in GitLab`);
      continue;
    }
    if (plaintext(r.outputs?.authenticationToken) !== inGitlab.token)
      problems.push(`${name}: the stack does not hold runner ${r.id}'s token`);
    if (inGitlab.description !== `${prefix}-${name}`)
      problems.push(`${name}: description ${inGitlab.description}`);
    if (inGitlab.maximumTimeout !== maximumTimeout)
      problems.push(`${name}: maximum_timeout ${inGitlab.maximumTimeout}`);
    const origin = originOf(r.inputs);
    if (origin?.urn !== r.urn)
      problems.push(`${name}: __origin ${JSON.stringify(r.inputs?.__origin)} is not its URN`);
    else if (splitNote(inGitlab.maintenanceNote).mark?.hash !== markFor(origin).hash)
      problems.push(`${name}: GitLab's note does not carry its creation mark`);
  }
  expect(problems, why("runners that do not match their resource")).toEqual([]);

  const declared = new Set<string>();
  for (let i = 0; i < RUNNERS; i++) for (const p of PROJECTS) declared.add(`${p}:r-${i}`);
  const inStack = stateAssignments.map((a) => {
    const [projectId, runnerId] = String(a.id).split(":").map(Number);
    return `${projectId}:${nameOf.get(runnerId ?? -1) ?? `unknown runner ${runnerId}`}`;
  });
  const inGitlab: string[] = [];
  for (const r of gitlab) {
    for (const projectId of r.projectIds) {
      if (projectId !== r.ownerProjectId)
        inGitlab.push(`${projectId}:${nameOf.get(r.id) ?? `unknown runner ${r.id}`}`);
    }
  }
  expect(inStack.sort(), why("assignments in the stack against the program")).toEqual([...declared].sort());
  expect(inGitlab.sort(), why("assignments in GitLab against the program")).toEqual([...declared].sort());
}
