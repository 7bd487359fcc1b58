import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, inject } from "vitest";
import { repoRoot } from "./paths";

/** What one `gitlab-ci-local` command did; `output` is stdout and stderr in order of arrival. */
export interface CiRunResult {
  code: number;
  output: string;
}

export interface CiRepoOptions {
  /** The folder to commit as the repository (an example with its `.gitlab-ci.yml`); copied. */
  sourceDir: string;
  /** Variables given to every job with `--variable`, e.g. GITLAB_BASE_URL. */
  variables?: Record<string, string>;
}

const live = new Set<GitlabCiLocalRepo>();
afterAll(async () => {
  await Promise.all([...live].map((r) => r.cleanup()));
});

/** The origin remote gitlab-ci-local reads the project's path from; never contacted. */
export const ORIGIN_URL = "https://gitlab.example.com/acme/infra.git";

/**
 * A git repository holding a copy of a pipeline's folder, whose jobs run with the npm package
 * `gitlab-ci-local` in shell mode (`--force-shell-executor`), in the repository's folder, as a
 * GitLab runner would run them in a checkout. The Pulumi sandbox is the one of `PulumiWorkspace`:
 * the CLI from scripts/engine first on PATH, a temp `PULUMI_HOME`, a `file://` backend (given to
 * the jobs as the pipeline variable `PULUMI_BACKEND_URL`, with `PULUMI_CONFIG_PASSPHRASE`), no
 * update check and no plugin downloads; `node_modules` links to the package installed from its
 * packed tarball. Everything runs asynchronously: a test may serve the emulator meanwhile.
 */
export class GitlabCiLocalRepo {
  /** The temp folder holding the repository, the Pulumi home and the stack's state. */
  readonly root: string;
  /** The repository: the jobs' working folder. */
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly variables: Record<string, string>;
  private readonly gclHome: string;
  private readonly children = new Set<ChildProcess>();
  private cleaned = false;

  private constructor(
    root: string,
    dir: string,
    env: NodeJS.ProcessEnv,
    variables: Record<string, string>,
    gclHome: string,
  ) {
    this.root = root;
    this.dir = dir;
    this.env = env;
    this.variables = variables;
    this.gclHome = gclHome;
  }

  static async create(options: CiRepoOptions): Promise<GitlabCiLocalRepo> {
    const root = await mkdtemp(join(tmpdir(), "pgr-e2e-gitops-"));
    const dir = join(root, "repo");
    const home = join(root, "pulumi-home");
    const state = join(root, "state");
    const gclHome = join(root, "gcl-home");
    await Promise.all([mkdir(home), mkdir(state), mkdir(gclHome)]);
    await cp(options.sourceDir, dir, {
      recursive: true,
      filter: (src) =>
        !/(^|\/)(node_modules|\.gitlab-ci-local)(\/|$)/.test(src.slice(options.sourceDir.length)),
    });
    await symlink(inject("consumerNodeModules"), join(dir, "node_modules"), "dir");

    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      // No credentials or settings of the caller's GitLab, CI or Pulumi reach the jobs, and no
      // GCL_* option of gitlab-ci-local: only what the test passes.
      if (/^(GITLAB_|PULUMI_|CI_|GCL_)/.test(k) || k === "CI" || k === "HTTPS_PROXY" || k === "https_proxy") {
        continue;
      }
      env[k] = v;
    }
    Object.assign(env, {
      // Node 22 (node_modules/.bin) must come before the system's Node 20; gitlab-ci-local needs it.
      PATH: [inject("engineBin"), join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(
        delimiter,
      ),
      PULUMI_HOME: home,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      NO_COLOR: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Platform Team",
      GIT_AUTHOR_EMAIL: "platform@example.com",
      GIT_COMMITTER_NAME: "Platform Team",
      GIT_COMMITTER_EMAIL: "platform@example.com",
    });
    const variables = {
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      ...options.variables,
    };
    // gitlab-ci-local reads variables from its home folder: an empty one, not the caller's.
    const repo = new GitlabCiLocalRepo(root, dir, env, variables, gclHome);
    live.add(repo);
    await repo.git(["init", "-q", "-b", "main"]);
    await repo.git(["add", "-A"]);
    await repo.git(["commit", "-q", "-m", "Runners as code"]);
    await repo.git(["remote", "add", "origin", ORIGIN_URL]);
    // What a clone has: origin/main and origin/HEAD, so gitlab-ci-local finds the default branch.
    await repo.git(["update-ref", "refs/remotes/origin/main", "HEAD"]);
    await repo.git(["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"]);
    return repo;
  }

  /** Runs `git <args>` in the repository; rejects on a non-zero exit. */
  async git(args: string[]): Promise<string> {
    const result = await this.spawn("git", args, 60_000);
    if (result.code !== 0) throw new Error(`git ${args.join(" ")} exited ${result.code}:\n${result.output}`);
    return result.output;
  }

  /** Changes a committed file: `edit` gets its text and returns the new one. */
  async edit(file: string, edit: (text: string) => string): Promise<void> {
    const path = join(this.dir, file);
    const before = await readFile(path, "utf8");
    const after = edit(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    await writeFile(path, after);
  }

  /** The jobs that the pipeline's rules select for these variables (`--list-json`). */
  async selectedJobs(variables: Record<string, string | undefined>): Promise<string[]> {
    const result = await this.gcl(["--list-json"], variables);
    if (result.code !== 0)
      throw new Error(`gitlab-ci-local --list-json exited ${result.code}:\n${result.output}`);
    const start = result.output.indexOf("[");
    const jobs = JSON.parse(result.output.slice(start, result.output.lastIndexOf("]") + 1)) as {
      name: string;
      when: string;
    }[];
    return jobs.filter((j) => j.when !== "never").map((j) => j.name);
  }

  /**
   * Runs one job in shell mode. `variables` are the pipeline's (CI_PIPELINE_SOURCE, …); a value
   * `undefined` unsets a predefined one, as GitLab leaves CI_COMMIT_BRANCH unset in merge
   * request pipelines. Resolves with the exit status (1 when the job failed) and the output.
   */
  job(
    name: string,
    variables: Record<string, string | undefined>,
    timeoutMs = 240_000,
  ): Promise<CiRunResult> {
    return this.gcl(["--force-shell-executor", name], variables, timeoutMs);
  }

  private gcl(
    args: string[],
    variables: Record<string, string | undefined>,
    timeoutMs = 60_000,
  ): Promise<CiRunResult> {
    const all = { ...this.variables, ...variables };
    const argv = ["--no-color", "--home", this.gclHome, "--concurrency", "1"];
    const predefined = Object.keys(all).filter((k) => k.startsWith("CI_"));
    if (predefined.length > 0) argv.push("--ignore-predefined-vars", predefined.join(","));
    for (const [k, v] of Object.entries(all)) {
      if (v === undefined) argv.push("--unset-variable", k);
      else argv.push("--variable", `${k}=${v}`);
    }
    return this.spawn(
      join(repoRoot, "node_modules", ".bin", "gitlab-ci-local"),
      [...argv, ...args],
      timeoutMs,
    );
  }

  private spawn(command: string, args: string[], timeoutMs: number): Promise<CiRunResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(command, args, {
        cwd: this.dir,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      this.children.add(child);
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        output += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        output += d;
      });
      const timer = setTimeout(() => killTree(child), timeoutMs);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolvePromise({ code: code ?? -1, output });
      });
    });
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    live.delete(this);
    for (const child of this.children) killTree(child);
    await rm(this.root, { recursive: true, force: true });
  }
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    // detached: the child leads a process group holding the job's shell and the pulumi CLI.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}
