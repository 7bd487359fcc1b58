import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, expect, inject } from "vitest";
import { repoRoot } from "./paths";
import { recordRun, recordTree } from "./secrets";

/** What one `pulumi` command did. `output` is stdout and stderr together, in order of arrival. */
export interface PulumiRunResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

export interface WorkspaceOptions {
  /** A folder with a Pulumi program (Pulumi.yaml and its code); copied, never run in place. */
  programDir?: string;
  /** Or the program's files, written into the workspace. */
  files?: Record<string, string>;
  /** Stack name; default `test`. */
  stack?: string;
  /** Plain stack config set before the first command, e.g. `{ "gitlab:baseUrl": url }`. */
  config?: Record<string, string>;
  /** Secret stack config (encrypted with the passphrase), e.g. `{ "gitlab:token": t }`. */
  secretConfig?: Record<string, string>;
  /** Extra environment for every command (e.g. GITLAB_TOKEN). */
  env?: Record<string, string>;
  /** Query parameters of the `file://` backend's URL, e.g. `?metadata=skip`. */
  backendQuery?: string;
  /**
   * The program's node_modules, linked into it; default the suite's consumer folder (this
   * package from its tarball, with @pulumi/pulumi, @pulumi/policy and TypeScript).
   */
  nodeModules?: string;
}

const live = new Set<PulumiWorkspace>();
// Clean up after every test file, whether its tests passed or failed.
afterAll(async () => {
  await Promise.all([...live].map((w) => w.cleanup()));
});

/**
 * A `pulumi` CLI sandbox: the real CLI (from scripts/engine), a temp `PULUMI_HOME`, a local
 * `file://` backend, a passphrase secrets provider, no update check and no plugin downloads
 * (docs/pulumi-engine.md §2). The program gets this package installed from its packed tarball.
 */
export class PulumiWorkspace {
  readonly root: string;
  readonly programDir: string;
  readonly stack: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly children = new Set<ChildProcess>();
  private cleaned = false;
  /** The suite-wide secrets scan's folder (e2e-global-setup.ts). */
  private readonly transcriptDir = inject("e2eTranscriptDir");
  /** Where `gitlab:baseUrl` pointed at creation, to read the emulator's tokens after each run. */
  private baseUrl: string | undefined;

  private constructor(root: string, programDir: string, stack: string, env: NodeJS.ProcessEnv) {
    this.root = root;
    this.programDir = programDir;
    this.stack = stack;
    this.env = env;
  }

  static async create(options: WorkspaceOptions): Promise<PulumiWorkspace> {
    const engineBin = inject("engineBin");
    const consumerNodeModules = options.nodeModules ?? inject("consumerNodeModules");
    const root = await mkdtemp(join(tmpdir(), "pgr-e2e-"));
    const programDir = join(root, "program");
    const home = join(root, "home");
    const state = join(root, "state");
    await Promise.all([mkdir(home), mkdir(state)]);
    if (options.programDir) {
      await cp(options.programDir, programDir, {
        recursive: true,
        filter: (src) => !src.includes("node_modules") && !src.endsWith("Pulumi.test.yaml"),
      });
    } else {
      await mkdir(programDir);
    }
    for (const [name, text] of Object.entries(options.files ?? {})) {
      await mkdir(join(programDir, name, ".."), { recursive: true });
      await writeFile(join(programDir, name), text);
    }
    await symlink(consumerNodeModules, join(programDir, "node_modules"), "dir");

    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      // The CLI must not see the caller's GitLab or Pulumi credentials, only what a test gives it.
      if (k.startsWith("GITLAB_") || k.startsWith("PULUMI_") || k === "HTTPS_PROXY" || k === "https_proxy")
        continue;
      env[k] = v;
    }
    Object.assign(env, {
      // Node 22 (node_modules/.bin) must come before the system's Node 20.
      PATH: [engineBin, join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${state}${options.backendQuery ?? ""}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      NO_COLOR: "1",
      ...options.env,
    });
    const ws = new PulumiWorkspace(root, programDir, options.stack ?? "test", env);
    ws.baseUrl =
      options.config?.["gitlab:baseUrl"] ?? options.config?.["gitlab-runners:baseUrl"] ?? env.GITLAB_BASE_URL;
    live.add(ws);
    await ws.run(["stack", "init", ws.stack]);
    for (const [k, v] of Object.entries(options.config ?? {})) await ws.run(["config", "set", k, v]);
    for (const [k, v] of Object.entries(options.secretConfig ?? {})) {
      await ws.run(["config", "set", "--secret", k, v]);
    }
    return ws;
  }

  /**
   * Runs `pulumi <args>` in the program folder. Rejects on a non-zero exit unless
   * `allowFailure` is set, with the command's whole output in the message. `kill` aborted
   * ends the CLI and every process it started with SIGKILL, as a crash would.
   */
  run(
    args: string[],
    options: {
      allowFailure?: boolean;
      env?: Record<string, string>;
      timeoutMs?: number;
      kill?: AbortSignal;
      /** Another program to run in the workspace (e.g. an Automation API program), with `args` as they are. */
      command?: string;
    } = {},
  ): Promise<PulumiRunResult> {
    const started = this.start(args, options);
    const onKill = () => started.kill();
    options.kill?.addEventListener("abort", onKill, { once: true });
    return started.result.then((result) => {
      options.kill?.removeEventListener("abort", onKill);
      if (result.code !== 0 && !options.allowFailure) {
        throw new Error(
          `${options.command ?? "pulumi"} ${args.join(" ")} exited ${result.code}:\n${result.output}`,
        );
      }
      return result;
    });
  }

  /**
   * Starts `pulumi <args>` in its own process group (the CLI and the plugins it starts), and
   * returns at once: `result` settles when it exits (never rejects for an exit code), `kill()`
   * sends SIGKILL to the whole group, as a CI runner does to a cancelled job.
   */
  start(
    args: string[],
    options: { env?: Record<string, string>; timeoutMs?: number; command?: string } = {},
  ): { result: Promise<PulumiRunResult>; kill(): void; exited(): boolean } {
    const full = options.command ? args : [...args, "--non-interactive", "--color", "never"];
    const child = spawn(options.command ?? "pulumi", full, {
      cwd: this.programDir,
      env: { ...this.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.children.add(child);
    let done = false;
    const result = new Promise<PulumiRunResult>((resolvePromise, reject) => {
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d;
        output += d;
      });
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d;
        output += d;
      });
      const timer = setTimeout(() => killTree(child), options.timeoutMs ?? 300_000);
      child.on("error", reject);
      child.on("close", async (code, signal) => {
        clearTimeout(timer);
        done = true;
        this.children.delete(child);
        const result = { code: code ?? (signal ? 128 + 9 : -1), stdout, stderr, output };
        if (this.transcriptDir) {
          // Before resolving, so a token this run issued is known before a test rotates it.
          await recordRun(this.transcriptDir, {
            args,
            output,
            baseUrl: options.env?.GITLAB_BASE_URL ?? this.env.GITLAB_BASE_URL ?? this.baseUrl,
            test: expect.getState().currentTestName,
          }).catch(() => undefined);
        }
        resolvePromise(result);
      });
    });
    return { result, kill: () => killTree(child), exited: () => done };
  }

  up(extra: string[] = []): Promise<PulumiRunResult> {
    return this.run(["up", "--yes", "--skip-preview", ...extra]);
  }

  preview(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<PulumiRunResult> {
    return this.run(["preview", "--diff", ...extra], options);
  }

  refresh(extra: string[] = []): Promise<PulumiRunResult> {
    return this.run(["refresh", "--yes", "--skip-preview", ...extra]);
  }

  destroy(extra: string[] = []): Promise<PulumiRunResult> {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  /** `pulumi stack export`, parsed: the deployment with its resources and their state. */
  async exportStack(): Promise<StackExport> {
    const { stdout } = await this.run(["stack", "export"]);
    return JSON.parse(stdout) as StackExport;
  }

  /** The raw text of `pulumi stack export`, for scanning for plaintext secrets. */
  async exportStackText(): Promise<string> {
    return (await this.run(["stack", "export"])).stdout;
  }

  /** `pulumi stack output --json` (secrets shown as "[secret]"). */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.run(["stack", "output", "--json"]);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  /** Resources of the given type token in the exported stack. */
  async resourcesOfType(type: string): Promise<StackResource[]> {
    const exported = await this.exportStack();
    return (exported.deployment.resources ?? []).filter((r) => r.type === type);
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    live.delete(this);
    for (const child of this.children) killTree(child);
    if (this.transcriptDir) await recordTree(this.transcriptDir, this.root);
    await rm(this.root, { recursive: true, force: true });
  }
}

export interface StackResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface StackExport {
  version: number;
  deployment: {
    resources?: StackResource[];
    /** What a killed run left unfinished (`type: "creating"`, …). */
    pending_operations?: { type: string; resource: { urn: string } }[];
    [key: string]: unknown;
  };
}

/** The processes descended from `root` (Linux `/proc`), children before grandchildren. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * SIGKILLs the CLI's process group and every process it started. The engine starts its plugins
 * (the language host, the dynamic-provider host) in process groups of their own, so killing the
 * CLI's group alone would leave them running — the provider finishing its requests after the
 * "kill", and never exiting. Everything is stopped first (SIGSTOP), so nothing can start a new
 * process between the look-up and the kill; then everything is killed, as a container kill does.
 */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  const root = child.pid;
  signal(-root, "SIGSTOP");
  const stopped = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const found = descendants(root).filter((pid) => !stopped.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      signal(pid, "SIGSTOP");
      stopped.add(pid);
    }
  }
  for (const pid of stopped) signal(pid, "SIGKILL");
  try {
    // detached: true made the CLI a process group leader.
    process.kill(-root, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}
