import { execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_TOKENS,
  type Fixture,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { repoRoot } from "../support/paths";
import { type RunningPostgres, startPostgres } from "../support/postgres";
import { recordRun, recordTree, SecretsCollector } from "../support/secrets";

// examples/fleet as one stack per team: eight team stacks of the same program, driven in
// parallel by examples/fleet/stacks.ts (Pulumi's Automation API, the real CLI) against one
// GitLab (the emulator) that rate-limits the shared token, with every stack's state in one real
// PostgreSQL database (Pulumi's postgres:// DIY backend). Every stack must converge with no
// failed operation; GitLab must hold each team's runners exactly once, on exactly their
// projects; the checkpoints must be rows in PostgreSQL, matching GitLab, with no plaintext token;
// a second `up` of all eight must change nothing; a parallel destroy must leave nothing.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const TEAMS = Array.from({ length: 8 }, (_, i) => `team-${i + 1}`);
const RUNNERS_PER_TEAM = 3;
/** GitLab's per-user window, shared by the eight stacks (they use one token). */
const RATE_LIMIT = { requests: 30, windowSeconds: 2 };

/** Each team's projects in group acme: its own two, and one shared with the next team. */
function teamProjects(i: number) {
  return {
    owner: `acme/team-${i + 1}-app`,
    projects: [`acme/team-${i + 1}-lib`, `acme/shared-${((i + 1) % TEAMS.length) + 1}`],
  };
}

function fixture(): Fixture {
  const f = defaultFixture();
  let id = 300;
  for (const [i] of TEAMS.entries()) {
    for (const path of [`team-${i + 1}-app`, `team-${i + 1}-lib`, `shared-${i + 1}`]) {
      f.projects.push({ id: id++, path, name: path, namespaceId: 10, members: [] });
    }
  }
  return f;
}

/** A team's stack config file: one pool of runners, in examples/fleet's `fleet:pools` form. */
function stackFile(i: number): string {
  const { owner, projects } = teamProjects(i);
  return [
    "config:",
    `  fleet:prefix: ${TEAMS[i]}`,
    "  fleet:pools:",
    "    - name: build",
    `      tags: [${TEAMS[i]}, docker]`,
    `      count: ${RUNNERS_PER_TEAM}`,
    `      owner: ${owner}`,
    `      projects: [${projects.join(", ")}]`,
    "",
  ].join("\n");
}

interface StackResult {
  stack: string;
  ok: boolean;
  startedAt: string;
  seconds: number;
  changes: Record<string, number>;
  failedOperations: number;
  error?: string;
}

interface Checkpoint {
  checkpoint: { latest?: { resources?: { type: string; id?: string; outputs?: Record<string, unknown> }[] } };
}

describe("examples/fleet: eight team stacks in parallel on a PostgreSQL backend, under a GitLab rate limit", () => {
  let pg: RunningPostgres;
  let em: RunningEmulator;
  let root: string;
  let program: string;
  let env: NodeJS.ProcessEnv;
  const transcripts = inject("e2eTranscriptDir");
  const secrets = new SecretsCollector();

  beforeAll(async () => {
    [pg, em] = await Promise.all([startPostgres(), startEmulator({ fixture: fixture() })]);
    root = await mkdtemp(join(tmpdir(), "pgr-e2e-stacks-"));
    program = join(root, "program");
    await cp(join(repoRoot, "examples", "fleet"), program, {
      recursive: true,
      filter: (src) => !src.includes("node_modules") && !/Pulumi\.[^/]+\.yaml$/.test(src),
    });
    await symlink(inject("consumerNodeModules"), join(program, "node_modules"), "dir");
    for (const [i, team] of TEAMS.entries())
      await writeFile(join(program, `Pulumi.${team}.yaml`), stackFile(i));
    // The program and the driver are type-checked once here; each of the 8 × 3 runs below then
    // only transpiles (PULUMI_NODEJS_TRANSPILE_ONLY, TS_NODE_TRANSPILE_ONLY), as README "At
    // scale" suggests for many stacks.
    const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
    const checked = await promisify(execFile)(tsc, ["-p", program], { cwd: program });
    expect(checked.stdout + checked.stderr).toBe("");
    await mkdir(join(root, "home"));
    env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (k.startsWith("GITLAB_") || k.startsWith("PULUMI_") || /^https?_proxy$/i.test(k)) continue;
      env[k] = v;
    }
    Object.assign(env, {
      // The engine from scripts/engine is the `pulumi` the Automation API runs; Node 22 first.
      PATH: [inject("engineBin"), join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(
        delimiter,
      ),
      PULUMI_HOME: join(root, "home"),
      PULUMI_BACKEND_URL: pg.url,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      TS_NODE_TRANSPILE_ONLY: "true",
      GITLAB_BASE_URL: em.url,
      GITLAB_TOKEN: FIXTURE_TOKENS.admin,
      NO_COLOR: "1",
    });
    // GitLab's Rack::Attack answer past the limit, with RateLimit-* headers on every answer
    // as GitLab.com sends them.
    em.setFaults({ rules: [], rateLimit: { ...RATE_LIMIT, headersOnSuccess: true } });
  });

  afterAll(async () => {
    if (transcripts && root) await recordTree(transcripts, root);
    await Promise.all([em?.stop(), pg?.stop()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** `ts-node stacks.ts <args> --json` in the program folder, as a user runs it. */
  async function stacks(args: string[]): Promise<{ results: StackResult[]; code: number; output: string }> {
    const tsNode = join(inject("consumerNodeModules"), "ts-node", "dist", "bin.js");
    const full = [tsNode, "stacks.ts", ...args, "--json"];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve, reject) => {
        // Its own process group, so a timeout ends the CLI processes it started too.
        const child = spawn("node", full, {
          cwd: program,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d;
        });
        child.stderr.on("data", (d: Buffer) => {
          err += d;
        });
        const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 540_000);
        child.on("error", reject);
        child.on("close", (c) => {
          clearTimeout(timer);
          resolve({ code: c ?? -1, stdout: out, stderr: err });
        });
      },
    );
    const output = `${stderr}\n${stdout}`;
    if (transcripts) {
      await recordRun(transcripts, {
        args: ["stacks.ts", ...args],
        output,
        baseUrl: em.url,
        test: expect.getState().currentTestName,
      });
    }
    secrets.addText(`stacks.ts ${args.join(" ")}`, output);
    const last = stdout.trim().split("\n").at(-1) ?? "";
    let results: StackResult[];
    try {
      results = JSON.parse(last) as StackResult[];
    } catch {
      throw new Error(`stacks.ts ${args.join(" ")} exited ${code} without its JSON:\n${output.slice(-6000)}`);
    }
    console.log(
      `stacks.ts ${args.join(" ")}: ${results.map((r) => `${r.stack} ${r.seconds.toFixed(1)} s`).join(", ")}`,
    );
    return { results, code, output };
  }

  /** Every checkpoint row of the backend's table, decoded: `{ key → the checkpoint's JSON }`. */
  async function checkpoints(): Promise<Map<string, string>> {
    // The DIY backend keeps each file as a row: key = its path, data = {"data": "<base64>"}.
    // Keys are <database>/.pulumi/stacks/<project>/<stack>.json: the DIY backend prefixes every
    // key with the URL's path (pkg/backend/diy/backend.go, blob.PrefixedBucket).
    const rows = await pg.query(
      `SELECT key, data->>'data' FROM pulumi_state WHERE key LIKE '${pg.database}/.pulumi/stacks/%.json' ORDER BY key`,
    );
    const out = new Map<string, string>();
    for (const line of rows.split("\n").filter(Boolean)) {
      const [key, data] = line.split("|");
      out.set(key!, Buffer.from(data!, "base64").toString("utf8"));
    }
    return out;
  }

  const teamRunners = (team: string) =>
    em.state().runners.filter((r) => (r.description ?? "").startsWith(`${team}-`));

  it("every stack converges in parallel, with no failed operation, while GitLab rate-limits", async () => {
    const { results, code } = await stacks(["up", "--concurrency", "8"]);
    expect(code, JSON.stringify(results, null, 2)).toBe(0);
    expect(results.map((r) => r.stack)).toEqual([...TEAMS].sort());
    // All eight at once: the last to start started before the first to finish finished.
    const starts = results.map((r) => Date.parse(r.startedAt));
    const ends = results.map((r) => Date.parse(r.startedAt) + r.seconds * 1000);
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    for (const r of results) {
      expect(r, r.error).toMatchObject({ ok: true, failedOperations: 0 });
      // The stack resource, the team's runners and one assignment per runner and extra project.
      expect(r.changes).toEqual({ create: 1 + RUNNERS_PER_TEAM * 3 });
    }
    // The limit was reached (or the test would show nothing about it), and every refused request
    // was sent again until it went through.
    const log = em.requests().filter((e) => e.path.startsWith("/api/v4/"));
    const limited = log.filter((e) => e.status === 429).length;
    console.log(`up of ${TEAMS.length} stacks: ${log.length} API requests, ${limited} answered 429`);
    expect(limited).toBeGreaterThan(0);
    expect(log.filter((e) => e.status !== 429 && (e.status < 200 || e.status >= 300))).toEqual([]);

    secrets.addEmulatorTokens(em);
    const ids = new Map(em.state().projects.map((p) => [p.id, `acme/${p.path}`]));
    for (const [i, team] of TEAMS.entries()) {
      const runners = teamRunners(team);
      // Each runner exactly once: no duplicate from a retried or lost creation.
      expect(runners.map((r) => r.description).sort()).toEqual(
        Array.from({ length: RUNNERS_PER_TEAM }, (_, n) => `${team}-build-${n} ${team}, docker`),
      );
      const { owner, projects } = teamProjects(i);
      for (const r of runners) {
        expect(ids.get(r.ownerProjectId ?? -1)).toBe(owner);
        expect(r.projectIds.map((p) => ids.get(p)).sort()).toEqual([owner, ...projects].sort());
      }
    }
  });

  it("keeps each stack's state in PostgreSQL, matching GitLab, with no plaintext token", async () => {
    const rows = await checkpoints();
    const byStack = new Map([...rows].map(([key, text]) => [/([^/]+)\.json$/.exec(key)?.[1], text]));
    expect([...byStack.keys()].sort()).toEqual([...TEAMS].sort());
    for (const team of TEAMS) {
      const text = byStack.get(team)!;
      secrets.addText(`postgres ${team}`, text);
      const resources = (JSON.parse(text) as Checkpoint).checkpoint.latest?.resources ?? [];
      const runners = resources.filter((r) => r.type === RUNNER_TYPE);
      const byNumber = (a: number, b: number) => a - b;
      expect(runners.map((r) => Number(r.id)).sort(byNumber)).toEqual(
        teamRunners(team)
          .map((r) => r.id)
          .sort(byNumber),
      );
      expect(resources.filter((r) => r.type === ASSIGNMENT_TYPE)).toHaveLength(RUNNERS_PER_TEAM * 2);
    }
    const findings = secrets.scan();
    expect(findings, secrets.report(findings)).toEqual([]);
  });

  it("a second up of all eight stacks changes nothing", async () => {
    const before = em.state().runners.length;
    const { results, code } = await stacks(["up", "--concurrency", "8", "--expect-no-changes"]);
    expect(code, JSON.stringify(results, null, 2)).toBe(0);
    for (const r of results) {
      expect(r, r.error).toMatchObject({ ok: true, failedOperations: 0 });
      expect(Object.keys(r.changes)).toEqual(["same"]);
    }
    expect(em.state().runners.length).toBe(before);
  });

  it("a parallel destroy leaves no runner behind and empty checkpoints", async () => {
    const { results, code } = await stacks(["destroy", "--concurrency", "8"]);
    expect(code, JSON.stringify(results, null, 2)).toBe(0);
    for (const r of results) expect(r, r.error).toMatchObject({ ok: true, failedOperations: 0 });
    for (const team of TEAMS) expect(teamRunners(team)).toEqual([]);
    const rows = await checkpoints();
    expect(rows.size).toBe(TEAMS.length);
    for (const text of rows.values()) {
      const resources = (JSON.parse(text) as Checkpoint).checkpoint.latest?.resources ?? [];
      expect(resources.filter((r) => r.type === RUNNER_TYPE || r.type === ASSIGNMENT_TYPE)).toEqual([]);
    }
  });
});
