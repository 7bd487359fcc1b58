#!/usr/bin/env node
// `npm run bench -- [--runners N] [--assignments-per-runner M] [--latency-ms L] [--parallel P]`
//
// Runs the real `pulumi` CLI against the GitLab emulator (started in this process, with L ms of
// latency on every /api/v4/ request) on isolated stacks (temp PULUMI_HOME, file backend) of the
// fleet program in bench/program (N project runners, each enabled on M more projects), once per
// form of declaring it (--forms assignments,projects: ProjectRunnerAssignment resources, or the
// Runner's assignedProjects), one form after the other: up, preview (no changes), refresh,
// update (one field of every runner), destroy. Prints progress on stderr and ONE JSON object as
// the last stdout line. bench/README.md defines every figure (notably the ideal time) and holds
// the budgets and the last measured results.
//
// More flags: --gitlab-version 17.11, --max-concurrency C (gitlab:maxConcurrency; default the
// provider's 8), --calibration-runners 2 (0 skips the per-resource calibration),
// --skip-checkpoints (PULUMI_SKIP_CHECKPOINTS=true: the engine writes the state once at the end
// instead of after every step), --sizes N1,N2,… (the phases at each fleet size, and how each
// phase and the engine's CPU grow), --keep (leave the temp folder, with each stack's CLI output),
// --provider plugin (the same fleet through the provider plugin: bench/program-plugin).
// PULUMI_* variables set by the caller reach the CLI, except those that isolate the stack.
"use strict";

const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const { cpus, loadavg, tmpdir } = require("node:os");
const { delimiter, join } = require("node:path");
const { parseArgs } = require("node:util");

const ROOT = join(__dirname, "..");
/**
 * The two front doors to the same resources: the dynamic ones (bench/program) and the provider
 * plugin's (bench/program-plugin, served by pulumi-resource-gitlab-runners from the package's
 * dist/plugin), each with its program, config namespace and type tokens.
 */
const FRONT_DOORS = {
  dynamic: {
    program: "program",
    config: "gitlab",
    runnerType: "pulumi-nodejs:dynamic/gitlab:Runner",
    assignmentType: "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment",
  },
  plugin: {
    program: "program-plugin",
    config: "gitlab-runners",
    runnerType: "gitlab-runners:index:Runner",
    assignmentType: "gitlab-runners:index:ProjectRunnerAssignment",
  },
};
/** The provider's default `gitlab:maxConcurrency` (provider/gitlab/config.ts). */
const PROVIDER_DEFAULT_CONCURRENCY = 8;
/** Requests per resource and operation that the budget allows (bench/README.md). */
const BUDGET = {
  runner: { create: 2, refresh: 1, update: 1, delete: 1 },
  assignment: { create: 1, refresh: 1, delete: 1 },
  // A link of a Runner's assignedProjects: its POST; read with the runner's own GET, and gone
  // with the runner's own DELETE.
  link: { create: 1, refresh: 0, delete: 0 },
};
/**
 * How the program declares the fleet (stack config `fleet:form`, bench/program/index.js):
 * `assignments` = N `Runner`s and, for each, M `ProjectRunnerAssignment`s (N + N × M resources);
 * `projects` = N `Runner`s, each with its M projects in `assignedProjects` (N resources). The
 * phases and the checks of GitLab's state do not depend on the form; `requestsPerResource` and
 * `state.<type>` are each form's resource types.
 */
const FORMS = ["assignments", "projects"];
/** The emulator keeps the newest 10,000 log entries (docs/emulator.md). */
const LOG_CAP = 10_000;
/**
 * `PULUMI_*` variables the bench sets itself, so every stack is isolated and offline (a temp
 * home and file backend, a passphrase, no update check, no plugin downloads), and the caller's
 * credentials never reach it. Every other `PULUMI_*` variable the caller sets reaches the CLI
 * and is listed in `config.pulumiEnv` — e.g. `PULUMI_SKIP_CHECKPOINTS=true npm run bench`.
 */
const ISOLATION = new Set([
  "PULUMI_HOME",
  "PULUMI_BACKEND_URL",
  "PULUMI_ACCESS_TOKEN",
  "PULUMI_CONFIG_PASSPHRASE",
  "PULUMI_CONFIG_PASSPHRASE_FILE",
  "PULUMI_SKIP_UPDATE_CHECK",
  "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
  "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING",
  "PULUMI_SKIP_CONFIRMATIONS",
]);

/** The caller's `PULUMI_*` variables that reach the CLI, by name (values of secrets hidden). */
function pulumiEnv() {
  const passed = {};
  for (const [k, v] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!k.startsWith("PULUMI_") || ISOLATION.has(k)) continue;
    passed[k] = /TOKEN|PASSWORD|PASSPHRASE|SECRET|KEY/.test(k) ? "[hidden]" : v;
  }
  return passed;
}

const { values: opts } = parseArgs({
  options: {
    runners: { type: "string", default: "20" },
    "assignments-per-runner": { type: "string", default: "3" },
    "latency-ms": { type: "string", default: "25" },
    // Pulumi's own default: 4 × CPUs (pkg/cmd/pulumi/operations/up.go).
    parallel: { type: "string", default: String(4 * cpus().length) },
    "gitlab-version": { type: "string", default: "17.11" },
    "max-concurrency": { type: "string" },
    "calibration-runners": { type: "string", default: "2" },
    "skip-checkpoints": { type: "boolean", default: false },
    sizes: { type: "string" },
    forms: { type: "string" },
    keep: { type: "boolean", default: false },
    provider: { type: "string", default: "dynamic" },
  },
});
const door = FRONT_DOORS[opts.provider];
if (!door) throw new Error(`--provider must be dynamic or plugin, got ${JSON.stringify(opts.provider)}`);
const RUNNER_TYPE = door.runnerType;
const ASSIGNMENT_TYPE = door.assignmentType;

function wholeNumber(name, min) {
  const raw = opts[name];
  if (!/^\d+$/.test(raw ?? "") || Number(raw) < min) {
    throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/**
 * `--forms assignments,projects`: the forms to run, in that order. Default: both for one size,
 * `assignments` for `--sizes` (which takes one form).
 */
function formList(raw, sizes) {
  if (raw === undefined) return sizes ? ["assignments"] : [...FORMS];
  const list = raw.split(",").map((x) => x.trim());
  const unknown = list.filter((f) => !FORMS.includes(f));
  if (list.length === 0 || unknown.length > 0 || new Set(list).size !== list.length) {
    throw new Error(
      `--forms must list forms among ${FORMS.join(", ")}, each once; got ${JSON.stringify(raw)}`,
    );
  }
  if (sizes && list.length !== 1)
    throw new Error("--sizes takes one form (--forms assignments or --forms projects)");
  return list;
}

/** `--sizes 50,100,200,400`: increasing runner counts. */
function sizeList(raw) {
  const list = raw.split(",").map((x) => x.trim());
  if (list.length < 2 || list.some((x) => !/^\d+$/.test(x) || Number(x) < 1)) {
    throw new Error(
      `--sizes must list at least two runner counts >= 1, e.g. 50,100,200, got ${JSON.stringify(raw)}`,
    );
  }
  const sizes = list.map(Number);
  if (sizes.some((n, i) => i > 0 && n <= sizes[i - 1])) throw new Error(`--sizes must increase, got ${raw}`);
  return sizes;
}

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const round = (n, digits = 3) => (n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

function ensureBuilt() {
  const needed = ["dist/sdk/index.js", "dist/emulator/index.js", "dist/provider/runner/shim.js"];
  if (opts.provider === "plugin") needed.push("dist/plugin/main.js", "dist/sdks/nodejs/index.js");
  if (needed.every((f) => fs.existsSync(join(ROOT, f)))) return;
  log("dist/ is missing: npm run build");
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
}

/**
 * A program folder whose node_modules has this package as users get it: a real folder under
 * node_modules (package.json and dist/ copied), because Pulumi's closure serializer writes a
 * module inside node_modules as a one-line `require` and copies anything else by value — a
 * symlink to the repository would resolve outside node_modules and inflate `__provider`.
 * Every other dependency is a symlink into the repository's node_modules, except @pulumi/pulumi.
 */
function makeProgram(work) {
  const program = join(work, "program");
  fs.mkdirSync(program);
  for (const f of ["Pulumi.yaml", "package.json", "index.js"]) {
    fs.copyFileSync(join(__dirname, door.program, f), join(program, f));
  }
  const modules = join(program, "node_modules");
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(join(ROOT, "node_modules"))) {
    if (entry === "pulumi-gitlab-runners" || entry === "@pulumi") continue;
    fs.symlinkSync(join(ROOT, "node_modules", entry), join(modules, entry));
  }
  // @pulumi/pulumi is copied too: its closure serializer looks the package up from its own
  // location (runtime/closure/package.js) to map the shim's path to the package export.
  fs.mkdirSync(join(modules, "@pulumi"));
  for (const entry of fs.readdirSync(join(ROOT, "node_modules", "@pulumi"))) {
    const from = join(ROOT, "node_modules", "@pulumi", entry);
    if (entry === "pulumi") fs.cpSync(from, join(modules, "@pulumi", entry), { recursive: true });
    else fs.symlinkSync(from, join(modules, "@pulumi", entry));
  }
  const pkg = join(modules, "pulumi-gitlab-runners");
  fs.mkdirSync(pkg);
  fs.copyFileSync(join(ROOT, "package.json"), join(pkg, "package.json"));
  fs.cpSync(join(ROOT, "dist"), join(pkg, "dist"), {
    recursive: true,
    filter: (src) => !src.endsWith(".map"),
  });
  return program;
}

/** The default fixture plus projects up to `count` in group acme (ids 100, 101, …). */
function fixtureWithProjects(defaultFixture, count) {
  const fixture = defaultFixture();
  const have = new Set(fixture.projects.map((p) => p.id));
  for (let id = 100; id < 100 + count; id++) {
    if (have.has(id)) continue;
    fixture.projects.push({ id, path: `svc-${id}`, name: `svc-${id}`, namespaceId: 10, members: [] });
  }
  return fixture;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** A path argument naming @pulumi/pulumi's dynamic-provider host (not merely mentioning it). */
const PROVIDER_SCRIPT = /(^|\/)cmd\/dynamic-provider(\/index\.js)?$/;
/** A path argument naming @pulumi/pulumi's program runner (`cmd/run`, not `cmd/run-policy-pack`). */
const PROGRAM_SCRIPT = /(^|\/)cmd\/run(\/index\.js)?$/;
/** A path argument naming the provider plugin's entry point. */
const PLUGIN_SCRIPT = /(^|\/)dist\/plugin\/main\.js$/;
const base = (arg) => arg.slice(arg.lastIndexOf("/") + 1);

/**
 * What a process under `pulumi` is, from its arguments, or `undefined` when they do not say.
 * The dynamic provider is started through a `sh` script, `pulumi-resource-pulumi-nodejs`
 * (scripts/engine writes one that `exec`s node on the host, keeping the pid; @pulumi/pulumi's
 * own runs node as a child), which first runs `node -e "…require.resolve('…/cmd/dynamic-provider')"`:
 * the script itself is the provider, and so is everything it starts (the role is inherited).
 */
function roleOf(argv) {
  if (argv.slice(1).some((a) => base(a) === "pulumi-resource-pulumi-nodejs")) return "provider";
  // The provider plugin: its launcher, which `exec`s node on dist/plugin/main.js (same pid).
  if (base(argv[0] ?? "") === "pulumi-resource-gitlab-runners") return "provider";
  if (argv.slice(1).some((a) => base(a) === "pulumi-resource-gitlab-runners" || PLUGIN_SCRIPT.test(a)))
    return "provider";
  if (base(argv[0] ?? "") === "pulumi-resource-pulumi-nodejs") return "provider";
  if (argv.slice(1).some((a) => PROVIDER_SCRIPT.test(a))) return "provider";
  if (argv.slice(1).some((a) => PROGRAM_SCRIPT.test(a))) return "program";
  if (base(argv[0] ?? "") === "pulumi-language-nodejs") return "languageHost";
  if (base(argv[0] ?? "") === "pulumi") return "engine";
  return undefined;
}

/** Whether a process is the dynamic-provider host itself (its RSS is the provider's). */
const isProviderHost = (argv) => argv.slice(1).some((a) => PROVIDER_SCRIPT.test(a) || PLUGIN_SCRIPT.test(a));

/** utime + stime + cutime + cstime of this process, in ticks: the CPU of its reaped children. */
function reapedChildrenTicks() {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime are fields 16 and 17 (13 and 14 after the command name).
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * Samples the process tree of one `pulumi` command every 200 ms: the peak RSS (VmHWM) of the
 * dynamic-provider host, and CPU seconds (utime + stime) by role — engine, language host,
 * program, provider — so a slow phase shows where the time went, whatever else the machine runs.
 * A process's role is looked at again whenever its arguments change (an `exec` keeps the pid),
 * and a process with no role of its own takes its parent's.
 */
class ProcessSampler {
  constructor(rootPid) {
    this.rootPid = rootPid;
    this.procs = new Map(); // pid → { role, host, cmdline, hwmKiB, cpuTicks }
    this.ticks = 0;
    // Everything the command's tree uses ends up in this process's children times once the
    // tree has exited and been waited for: the exact total, whatever the sampling missed.
    this.reapedAtStart = reapedChildrenTicks();
    this.tick();
    this.timer = setInterval(() => this.tick(), 200);
  }

  /** Parent of every process below `rootPid` (and of `rootPid`), in tree order. */
  tree() {
    const parent = new Map();
    for (const name of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
        // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        parent.set(Number(name), Number(fields[1]));
      } catch {
        // The process ended while we looked.
      }
    }
    const depthOf = new Map([[this.rootPid, 0]]);
    for (const pid of parent.keys()) {
      let p = pid;
      for (let depth = 1; depth < 32 && p > 1; depth++) {
        p = parent.get(p) ?? 0;
        if (p === this.rootPid) {
          depthOf.set(pid, depth);
          break;
        }
      }
    }
    // Parents before children, so a child can inherit a role set in the same pass.
    return [...depthOf.entries()]
      .sort((a, b) => a[1] - b[1])
      .map(([pid]) => ({ pid, ppid: parent.get(pid) }));
  }

  tick() {
    this.ticks += 1;
    try {
      // The tree and every process's arguments are looked at every second; CPU every tick.
      if (this.ticks % 5 === 1) {
        for (const { pid, ppid } of this.tree()) {
          let cmdline;
          try {
            cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
          } catch {
            continue;
          }
          const known = this.procs.get(pid);
          // An exited process not yet waited for (a zombie) reads as empty: it keeps its role.
          if (cmdline === "" || (known && known.cmdline === cmdline)) continue;
          const argv = cmdline.split("\0").filter(Boolean);
          const role = roleOf(argv) ?? this.procs.get(ppid)?.role ?? "other";
          if (known) Object.assign(known, { role, host: isProviderHost(argv), cmdline });
          else this.procs.set(pid, { role, host: isProviderHost(argv), cmdline, hwmKiB: 0, cpuTicks: 0 });
        }
      }
      for (const [pid, proc] of this.procs) {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          // utime and stime are fields 14 and 15 (11 and 12 after the command name).
          proc.cpuTicks = Math.max(proc.cpuTicks, Number(fields[11]) + Number(fields[12]));
          if (proc.host) {
            // VmHWM starts again at an exec, so the wrapper's own few MiB never count.
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            proc.hwmKiB = Math.max(proc.hwmKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
          }
        } catch {}
      }
    } catch {}
  }

  /**
   * Stops sampling; call it after the command has exited and been waited for:
   * `{ providerPeakRssMiB, cpuSeconds: { engine, provider, …, unattributed, total } }`.
   */
  stop() {
    clearInterval(this.timer);
    const hosts = [...this.procs.values()].filter((p) => p.host && p.hwmKiB > 0);
    const cpu = {};
    for (const p of this.procs.values()) cpu[p.role] = (cpu[p.role] ?? 0) + p.cpuTicks / CLOCK_TICKS;
    const total = (reapedChildrenTicks() - this.reapedAtStart) / CLOCK_TICKS;
    // What sampling missed: processes that lived less than a second, the last 200 ms of each.
    cpu.unattributed = Math.max(0, total - Object.values(cpu).reduce((a, b) => a + b, 0));
    cpu.total = total;
    return {
      providerPeakRssMiB:
        hosts.length === 0 ? null : round(Math.max(...hosts.map((p) => p.hwmKiB)) / 1024, 1),
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v, 2)])),
    };
  }
}

/** Counts of requests by "METHOD route" (routes are the emulator's templates). */
function byRoute(entries) {
  const out = {};
  for (const e of entries) {
    const key = `${e.method} ${e.route}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Requests not made on behalf of one resource: the client's once-per-process version lookup. */
const PER_PROCESS = new Set(["GET /api/v4/version", "GET /api/v4/user"]);
/**
 * Look-ups made once per project or group a fleet names, per provider process (remembered:
 * provider/resource/lookups.ts), not per resource: the fleet's 10 projects cost 10 whatever N.
 * Left out of the per-resource counts (the calibration's 2 runners in 2 projects would read as
 * one look-up per runner); on the critical path they are one request (looked up at once).
 */
const PER_NAMESPACE = new Set(["GET /api/v4/projects/:id", "GET /api/v4/groups/:id"]);
const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const scalable = (counts) =>
  Object.fromEntries(Object.entries(counts).filter(([k]) => !PER_PROCESS.has(k) && !PER_NAMESPACE.has(k)));
const perProcess = (counts) =>
  sum(Object.fromEntries(Object.entries(counts).filter(([k]) => PER_PROCESS.has(k)))) +
  (Object.keys(counts).some((k) => PER_NAMESPACE.has(k)) ? 1 : 0);

async function main() {
  const runners = wholeNumber("runners", 1);
  const perRunner = wholeNumber("assignments-per-runner", 0);
  const latencyMs = wholeNumber("latency-ms", 0);
  const parallel = wholeNumber("parallel", 1);
  const calibrationRunners = wholeNumber("calibration-runners", 0);
  const maxConcurrency =
    opts["max-concurrency"] === undefined ? undefined : wholeNumber("max-concurrency", 1);
  const gitlabVersion = opts["gitlab-version"];
  const lanes = Math.min(parallel, maxConcurrency ?? PROVIDER_DEFAULT_CONCURRENCY);
  const sizes = opts.sizes === undefined ? undefined : sizeList(opts.sizes);
  const forms = formList(opts.forms, sizes);

  const loadAtStart = loadavg()[0];
  ensureBuilt();
  // Synchronous spawns only before the emulator runs in this process: afterwards they would
  // block its event loop (scripts/demo.js).
  const engineBin = execFileSync("bash", [join(ROOT, "scripts", "engine")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  })
    .toString()
    .trim()
    .split("\n")
    .pop();
  const { defaultFixture, FIXTURE_TOKENS, startEmulator } = require(join(ROOT, "dist", "emulator"));

  const projectCount = Math.max(10, perRunner + 1);
  const projects = Array.from({ length: projectCount }, (_, i) => 100 + i);
  const emulator = await startEmulator({
    gitlabVersion,
    fixture: fixtureWithProjects(defaultFixture, projectCount),
  });
  const setLatency = (ms) =>
    emulator.setFaults({ rules: ms > 0 ? [{ kind: "latency", path: "^/api/v4/", latencyMs: ms }] : [] });
  const clearLog = async () => {
    const res = await fetch(`${emulator.url}/-/emulator/requests`, { method: "DELETE" });
    await res.arrayBuffer();
  };
  const apiRequests = () => emulator.requests().filter((e) => e.path.startsWith("/api/v4/"));

  const work = fs.mkdtempSync(join(tmpdir(), "gitlab-runners-bench-"));
  log(`work folder ${work}; emulator ${emulator.url} (GitLab ${gitlabVersion})`);

  /** One isolated stack of the fleet program. */
  async function makeStack(name, size, form) {
    const dir = join(work, name);
    fs.mkdirSync(dir);
    const program = makeProgram(dir);
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      // The stack talks to the emulator only; the caller's Pulumi settings pass (pulumiEnv()).
      if (k.startsWith("GITLAB_") || /^https?_proxy$/i.test(k)) continue;
      if (k.startsWith("PULUMI_") && ISOLATION.has(k)) continue;
      env[k] = v;
    }
    Object.assign(env, {
      PATH: [
        // The provider plugin's launcher, from the package as the program installed it.
        ...(opts.provider === "plugin"
          ? [join(program, "node_modules", "pulumi-gitlab-runners", "dist", "plugin")]
          : []),
        engineBin,
        join(ROOT, "node_modules", ".bin"),
        process.env.PATH,
      ].join(delimiter),
      PULUMI_HOME: join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      ...(opts["skip-checkpoints"] ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
    });
    fs.mkdirSync(join(dir, "state"));
    const outputLog = join(dir, "pulumi-output.log");

    /** Runs `pulumi …` asynchronously; resolves with stdout, exit code, wall time and samples. */
    const pulumi = (argv, { input, capture = false, sample = false, allowFailure = false } = {}) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn("pulumi", [...argv, "--non-interactive"], {
          cwd: program,
          env,
          stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        const sampler = sample ? new ProcessSampler(child.pid) : undefined;
        let stdout = "";
        let output = "";
        child.stdout.on("data", (d) => {
          if (capture) stdout += d;
          else output += d;
        });
        child.stderr.on("data", (d) => {
          output += d;
        });
        if (input !== undefined) child.stdin.end(input);
        child.on("error", reject);
        child.on("close", (code) => {
          const seconds = (performance.now() - started) / 1000;
          const sampled = sampler ? sampler.stop() : { providerPeakRssMiB: null, cpuSeconds: null };
          fs.appendFileSync(outputLog, `$ pulumi ${argv.join(" ")}\n${output}\n`);
          if (code !== 0 && !allowFailure) {
            reject(new Error(`pulumi ${argv.join(" ")} exited ${code}:\n${output.slice(-4000)}`));
          } else {
            resolve({ code, stdout, seconds, ...sampled });
          }
        });
      });

    await pulumi(["stack", "init", "bench"]);
    const config = {
      [`${door.config}:baseUrl`]: emulator.url,
      "fleet:runners": String(size.runners),
      "fleet:assignmentsPerRunner": String(size.perRunner),
      "fleet:projects": JSON.stringify(projects),
      "fleet:prefix": name,
      "fleet:form": form,
      ...(maxConcurrency !== undefined ? { [`${door.config}:maxConcurrency`]: String(maxConcurrency) } : {}),
    };
    for (const [k, v] of Object.entries(config)) await pulumi(["config", "set", k, v]);
    // On stdin, so the token is never on a command line.
    await pulumi(["config", "set", "--secret", `${door.config}:token`], { input: FIXTURE_TOKENS.admin });
    return { name, dir, pulumi, outputLog };
  }

  /** Runs the five phases on a stack; returns per-phase wall time, requests and peak RSS. */
  async function runPhases(stack) {
    const p = ["--parallel", String(parallel)];
    const phases = {};
    const phase = async (label, argv, before) => {
      if (before) await before();
      await clearLog();
      log(`${stack.name}: pulumi ${argv.join(" ")}`);
      const run = await stack.pulumi(argv, { sample: true });
      const entries = apiRequests();
      phases[label] = {
        wallSeconds: round(run.seconds),
        requests: { total: entries.length, byRoute: byRoute(entries) },
        nonSuccess: entries.filter((e) => e.status < 200 || e.status >= 300).length,
        logTruncated: entries.length >= LOG_CAP,
        providerPeakRssMiB: run.providerPeakRssMiB,
        cpuSeconds: run.cpuSeconds,
      };
      log(`${stack.name}: ${label} took ${run.seconds.toFixed(1)} s, ${entries.length} requests`);
    };
    await phase("up", ["up", "--yes", "--skip-preview", ...p]);
    const exported = JSON.parse((await stack.pulumi(["stack", "export"], { capture: true })).stdout);
    const liveAfterUp = emulator
      .state()
      .runners.filter((r) => String(r.description).startsWith(`${stack.name}-`));
    await phase("preview", ["preview", "--expect-no-changes", ...p]);
    await phase("refresh", ["refresh", "--yes", "--skip-preview", ...p]);
    await phase("update", ["up", "--yes", "--skip-preview", ...p], () =>
      stack.pulumi(["config", "set", "fleet:maximumTimeout", "7200"]),
    );
    await phase("destroy", ["destroy", "--yes", "--skip-preview", ...p]);
    const liveAfterDestroy = emulator
      .state()
      .runners.filter((r) => String(r.description).startsWith(`${stack.name}-`));
    return { phases, exported, liveAfterUp, liveAfterDestroy };
  }

  const config = (pulumiVersion, loadAtEnd) => ({
    ...(sizes ? { sizes } : { runners }),
    assignmentsPerRunner: perRunner,
    ...(forms.length === 1 ? { form: forms[0] } : { forms }),
    provider: opts.provider,
    latencyMs,
    parallel,
    providerMaxConcurrency: maxConcurrency ?? PROVIDER_DEFAULT_CONCURRENCY,
    lanes,
    gitlabVersion,
    calibrationRunners,
    skipCheckpoints:
      opts["skip-checkpoints"] || /^(1|true)$/i.test(process.env.PULUMI_SKIP_CHECKPOINTS ?? ""),
    pulumiEnv: pulumiEnv(),
    cpus: cpus().length,
    // Other work on the machine inflates wall times; the 1-minute load average before and after.
    loadAverage: [round(loadAtStart, 2), round(loadAtEnd, 2)],
    node: process.version,
    pulumi: pulumiVersion,
  });

  let result;
  try {
    // Calibration: a few runners with no assignments and no latency. Its requests per runner,
    // subtracted from the main run's, attribute the shared routes (GET /runners/:id is used by
    // both resource types) to runners and assignments.
    let calibration;
    if (calibrationRunners > 0) {
      setLatency(0);
      const stack = await makeStack("calib", { runners: calibrationRunners, perRunner: 0 }, "assignments");
      calibration = await runPhases(stack);
    }

    setLatency(latencyMs);
    const measure = async (name, n, form) => {
      const stack = await makeStack(name, { runners: n, perRunner }, form);
      const loadBefore = loadavg()[0];
      const main = await runPhases(stack);
      const summary = summarize({
        main,
        calibration,
        calibrationRunners,
        runners: n,
        perRunner,
        latencyMs,
        lanes,
        form,
      });
      const version = (await stack.pulumi(["version"], { capture: true })).stdout.trim();
      return { summary, version, stack, loadAverage: [round(loadBefore, 2), round(loadavg()[0], 2)] };
    };
    if (!sizes) {
      const byForm = {};
      let version;
      let calibrationSummary;
      for (const form of forms) {
        const run = await measure(`bench-${form}`, runners, form);
        version = run.version;
        const { calibration: calib, ...summary } = run.summary;
        calibrationSummary = calib;
        byForm[form] = { form, loadAverage: run.loadAverage, ...summary };
        if (!opts.keep) fs.rmSync(run.stack.dir, { recursive: true, force: true });
      }
      result = {
        forms: byForm,
        ...(byForm.assignments && byForm.projects
          ? { comparison: compareForms(byForm.assignments, byForm.projects) }
          : {}),
        ...(calibrationSummary ? { calibration: calibrationSummary } : {}),
        config: config(version, loadavg()[0]),
      };
      if (result.comparison) process.stderr.write(`${comparisonTable(result)}\n`);
    } else {
      const measured = [];
      let version;
      for (const n of sizes) {
        const run = await measure(`n${n}`, n, forms[0]);
        version = run.version;
        const { calibration: _, ...summary } = run.summary;
        measured.push({
          runners: n,
          resources: n * (1 + perRunner),
          loadAverage: run.loadAverage,
          ...summary,
        });
        log(`size ${n}: ${growthLine(run.summary)}`);
        // Each size has its own stack folder (a copy of @pulumi/pulumi among others).
        if (!opts.keep) fs.rmSync(run.stack.dir, { recursive: true, force: true });
      }
      result = {
        mode: "sizes",
        growth: growth(measured),
        sizes: measured,
        ...(calibration ? { calibration: summarizeCalibration(calibration, calibrationRunners) } : {}),
        config: config(version, loadavg()[0]),
      };
      process.stderr.write(`${growthTable(measured, result.growth)}\n`);
    }
  } finally {
    await emulator.stop();
    if (opts.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const PHASES = ["up", "preview", "refresh", "update", "destroy"];

/** One size's figures on one line, for progress. */
function growthLine(summary) {
  return PHASES.map((p) => {
    const ph = summary.phases[p];
    return `${p} ${ph.wallSeconds} s (engine ${ph.cpuSeconds?.engine ?? "?"} s CPU)`;
  }).join(", ");
}

/**
 * How each phase's wall time and engine CPU grow with the fleet: the values by size, the factor
 * from one size to the next, and the exponent k of the best fit of value ∝ runners^k (least
 * squares on the logarithms): 1 is linear, 2 quadratic. Wall times include the fixed cost of a
 * CLI run (`calibration.wallSeconds`), which pulls k down at small sizes.
 */
function growth(measured) {
  const xs = measured.map((m) => m.runners);
  const series = (values) => {
    const factors = values.slice(1).map((v, i) => (values[i] > 0 ? round(v / values[i], 2) : null));
    const points = xs
      .map((x, i) => [Math.log(x), values[i] > 0 ? Math.log(values[i]) : null])
      .filter((p) => p[1] !== null);
    let exponent = null;
    if (points.length >= 2) {
      const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
      const my = points.reduce((s, p) => s + p[1], 0) / points.length;
      const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
      const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
      exponent = round(sxy / sxx, 2);
    }
    return { values, factors, exponent };
  };
  const out = {};
  for (const p of PHASES) {
    out[p] = {
      wallSeconds: series(measured.map((m) => m.phases[p].wallSeconds)),
      engineCpuSeconds: series(measured.map((m) => m.phases[p].cpuSeconds?.engine ?? 0)),
    };
  }
  return out;
}

/** The growth as a Markdown table (stderr), as bench/README.md quotes it. */
function growthTable(measured, g) {
  const head = `| Runners (resources) | ${measured.map((m) => `${m.runners} (${m.resources})`).join(" | ")} | k |`;
  const rule = `|---|${measured.map(() => "---|").join("")}---|`;
  const rows = [];
  for (const p of PHASES) {
    rows.push(
      `| ${p} wall (s) | ${g[p].wallSeconds.values.join(" | ")} | ${g[p].wallSeconds.exponent ?? "–"} |`,
    );
    rows.push(
      `| ${p} engine CPU (s) | ${g[p].engineCpuSeconds.values.join(" | ")} | ${g[p].engineCpuSeconds.exponent ?? "–"} |`,
    );
  }
  return [head, rule, ...rows].join("\n");
}

/** Turns the raw phase figures into the JSON the README documents. */
function summarize({ main, calibration, calibrationRunners, runners, perRunner, latencyMs, lanes, form }) {
  const assignments = runners * perRunner;
  const L = latencyMs / 1000;
  const phases = main.phases;
  // What each link (runner × project) costs beyond its runner's own requests: an `assignment`
  // resource in the assignments form, a `link` of `assignedProjects` in the projects form.
  const unit = form === "projects" ? "link" : "assignment";

  // Requests per resource: calibration (runners only) per runner; the rest of the main run's
  // requests per link.
  const perResource = { runner: {}, [unit]: {} };
  const opOf = { up: "create", refresh: "refresh", update: "update", destroy: "delete" };
  for (const [phaseName, op] of Object.entries(opOf)) {
    const mainCounts = scalable(phases[phaseName].requests.byRoute);
    let runnerCounts;
    if (calibration) {
      runnerCounts = {};
      for (const [k, v] of Object.entries(scalable(calibration.phases[phaseName].requests.byRoute))) {
        runnerCounts[k] = v / calibrationRunners;
      }
    }
    const runnerTotal = runnerCounts ? sum(runnerCounts) : null;
    perResource.runner[op] = runnerCounts
      ? { total: round(runnerTotal, 2), byRoute: roundAll(runnerCounts) }
      : null;
    if (op === "update") continue;
    if (assignments > 0 && runnerCounts) {
      const rest = {};
      for (const [k, v] of Object.entries(mainCounts)) {
        const left = (v - (runnerCounts[k] ?? 0) * runners) / assignments;
        if (Math.abs(left) > 1e-9) rest[k] = left;
      }
      perResource[unit][op] = { total: round(sum(rest), 2), byRoute: roundAll(rest) };
    } else {
      perResource[unit][op] = null;
    }
  }

  // Ideal time (bench/README.md "Ideal time"): L × max(D, R / lanes), where D is the longest
  // chain of requests that must follow one another, R all requests of the phase.
  const r = (op) => perResource.runner[op]?.total ?? 0;
  // The links of one runner (projects form) are made at once: one request deep on the chain.
  const a = (op) =>
    assignments > 0 ? Math.min(form === "projects" ? 1 : Infinity, perResource[unit][op]?.total ?? 0) : 0;
  const chainOf = {
    up: (x) => x.r("create") + x.a("create"),
    preview: () => 0,
    refresh: (x) => Math.max(x.r("refresh"), x.a("refresh")),
    update: (x) => x.r("update"),
    destroy: (x) => x.a("delete") + x.r("delete"),
  };
  const budgetR = (op) => BUDGET.runner[op] ?? 0;
  const budgetA = (op) => (assignments > 0 ? (BUDGET[unit][op] ?? 0) : 0);
  const budgetRequests = {
    up: runners * BUDGET.runner.create + assignments * BUDGET[unit].create,
    preview: 0,
    refresh: runners * BUDGET.runner.refresh + assignments * BUDGET[unit].refresh,
    update: runners * BUDGET.runner.update,
    destroy: runners * BUDGET.runner.delete + assignments * BUDGET[unit].delete,
  };
  const out = { phases: {} };
  for (const [name, ph] of Object.entries(phases)) {
    const total = ph.requests.total;
    const overhead = perProcess(ph.requests.byRoute);
    const chain = Math.ceil(chainOf[name]({ r, a }) - 1e-9) + overhead;
    const ideal = L * Math.max(chain, total / lanes);
    const budgetChain = chainOf[name]({ r: budgetR, a: budgetA });
    const idealAtBudget = L * Math.max(budgetChain, budgetRequests[name] / lanes);
    out.phases[name] = {
      ...ph,
      idealSeconds: round(ideal),
      ratioToIdeal: ideal > 0 ? round(ph.wallSeconds / ideal, 2) : null,
      criticalPathRequests: chain,
      idealAtBudgetSeconds: round(idealAtBudget),
      ratioToIdealAtBudget: idealAtBudget > 0 ? round(ph.wallSeconds / idealAtBudget, 2) : null,
    };
  }
  out.requestsPerResource = perResource;
  // The calibration stack (a few runners, no latency) shows the fixed cost of a CLI run: the
  // engine, the program, the plugins and the state writes, which no ideal time includes.
  if (calibration) out.calibration = summarizeCalibration(calibration, calibrationRunners);

  // State: `__provider` and whole-resource sizes from `pulumi stack export` after up.
  const resources = main.exported.deployment.resources ?? [];
  const sizes = (type) => {
    const rs = resources.filter((x) => x.type === type);
    if (rs.length === 0) return null;
    const bytes = rs.map((x) => Buffer.byteLength(JSON.stringify(x)));
    const provider = rs.map((x) => Buffer.byteLength(String(x.outputs?.__provider ?? "")));
    return {
      count: rs.length,
      stateBytesMean: Math.round(bytes.reduce((s, b) => s + b, 0) / bytes.length),
      stateBytesMax: Math.max(...bytes),
      providerBytes: Math.max(...provider),
    };
  };
  const runnerState = sizes(RUNNER_TYPE);
  const assignmentState = sizes(ASSIGNMENT_TYPE);
  out.state = {
    exportBytes: Buffer.byteLength(JSON.stringify(main.exported)),
    runner: runnerState,
    assignment: assignmentState,
  };
  out.providerBytes = Math.max(runnerState?.providerBytes ?? 0, assignmentState?.providerBytes ?? 0);
  out.providerPeakRssMiB = Math.max(...Object.values(phases).map((p) => p.providerPeakRssMiB ?? 0));

  const liveProjects = main.liveAfterUp.reduce((s, x) => s + x.projectIds.length - 1, 0);
  out.checks = {
    runnersInGitLabAfterUp: main.liveAfterUp.length,
    assignmentsInGitLabAfterUp: liveProjects,
    runnersInGitLabAfterDestroy: main.liveAfterDestroy.length,
    ok:
      main.liveAfterUp.length === runners &&
      liveProjects === assignments &&
      main.liveAfterDestroy.length === 0 &&
      runnerState?.count === runners &&
      (assignmentState?.count ?? 0) === (form === "projects" ? 0 : assignments),
  };

  const within = (x, limit) => x !== null && x !== undefined && x <= limit + 1e-9;
  const rr = perResource.runner;
  const ra = perResource[unit];
  out.budgets = {
    runnerCreate: rr.create ? within(rr.create.total, 2) : null,
    runnerRefresh: rr.refresh ? within(rr.refresh.total, 1) : null,
    runnerUpdate: rr.update ? Math.abs(rr.update.total - 1) < 1e-9 : null,
    runnerDelete: rr.delete ? within(rr.delete.total, 1) : null,
    [`${unit}Create`]: ra.create ? within(ra.create.total, BUDGET[unit].create) : null,
    [`${unit}Refresh`]: ra.refresh ? within(ra.refresh.total, BUDGET[unit].refresh) : null,
    [`${unit}Delete`]: ra.delete ? within(ra.delete.total, BUDGET[unit].delete) : null,
    providerBytes: out.providerBytes <= 1024,
    runnerStateBytes: runnerState ? runnerState.stateBytesMax <= 4096 : null,
    upWithin1_5xIdeal: out.phases.up.ratioToIdeal === null ? null : out.phases.up.ratioToIdeal <= 1.5,
  };
  return out;
}

/**
 * The two forms side by side: each phase's wall time, engine CPU and requests, and how many
 * times the projects form is lower (assignments ÷ projects).
 */
function compareForms(assignments, projects) {
  const out = {};
  const ratio = (x, y) => (typeof x === "number" && typeof y === "number" && y > 0 ? round(x / y, 2) : null);
  for (const p of PHASES) {
    const a = assignments.phases[p];
    const b = projects.phases[p];
    out[p] = {
      wallSeconds: {
        assignments: a.wallSeconds,
        projects: b.wallSeconds,
        factor: ratio(a.wallSeconds, b.wallSeconds),
      },
      engineCpuSeconds: {
        assignments: a.cpuSeconds?.engine ?? null,
        projects: b.cpuSeconds?.engine ?? null,
        factor: ratio(a.cpuSeconds?.engine, b.cpuSeconds?.engine),
      },
      requests: { assignments: a.requests.total, projects: b.requests.total },
    };
  }
  out.resources = {
    assignments: (assignments.state.runner?.count ?? 0) + (assignments.state.assignment?.count ?? 0),
    projects: (projects.state.runner?.count ?? 0) + (projects.state.assignment?.count ?? 0),
  };
  out.exportBytes = { assignments: assignments.state.exportBytes, projects: projects.state.exportBytes };
  return out;
}

/** The comparison as a Markdown table (stderr), as bench/README.md quotes it. */
function comparisonTable(result) {
  const c = result.comparison;
  const rows = PHASES.map((p) => {
    const x = c[p];
    return `| ${p} | ${x.wallSeconds.assignments} | ${x.wallSeconds.projects} | ${x.wallSeconds.factor ?? "–"} | ${x.engineCpuSeconds.assignments} | ${x.engineCpuSeconds.projects} | ${x.engineCpuSeconds.factor ?? "–"} | ${x.requests.assignments} | ${x.requests.projects} |`;
  });
  return [
    "| Phase | Wall, assignments (s) | Wall, projects (s) | × | Engine CPU, assignments (s) | Engine CPU, projects (s) | × | Requests, assignments | Requests, projects |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The calibration stack's wall times: the fixed cost of a CLI run (README "Ideal time"). */
function summarizeCalibration(calibration, calibrationRunners) {
  return {
    runners: calibrationRunners,
    latencyMs: 0,
    wallSeconds: Object.fromEntries(Object.entries(calibration.phases).map(([k, v]) => [k, v.wallSeconds])),
  };
}

function roundAll(counts) {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v, 2)]));
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
