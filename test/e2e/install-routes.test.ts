import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// The install routes of the README's "Install" section, each run the way a user's program runs
// it: the package and @pulumi/pulumi installed by npm into a fresh program folder, then the real
// CLI through a whole lifecycle against the emulator (up, a preview with no changes, a change
// made by hand that refresh reads back as drift, up restoring it, destroy).
//
// @pulumi/pulumi is a peer dependency: the program's own copy is used. Its range in
// package.json is tested at both ends — the lowest version it admits, and the newest the npm
// registry has in that range today.

const run = promisify(execFile);
const program = join(__dirname, "fixtures", "runner-program");
const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };

const work: string[] = [];
let em: RunningEmulator;

beforeAll(async () => {
  em = await startEmulator({ gitlabVersion: "17.11" });
});
afterAll(async () => {
  await em?.stop();
  await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function peerRange(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
  };
  const range = pkg.peerDependencies["@pulumi/pulumi"];
  if (range === undefined) throw new Error("package.json has no @pulumi/pulumi peer dependency");
  return range;
}

/** A program folder's node_modules with `dependencies` installed by npm from the registry. */
async function install(dependencies: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pgr-install-"));
  work.push(dir);
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "install-route", private: true, dependencies }, null, 2),
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    env: npmEnv,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  return join(dir, "node_modules");
}

async function installedVersion(nodeModules: string, name: string): Promise<string> {
  return (JSON.parse(await readFile(join(nodeModules, name, "package.json"), "utf8")) as { version: string })
    .version;
}

/** Up, no-change preview, drift read by refresh, up restoring it, destroy. */
async function lifecycle(nodeModules: string, description: string): Promise<void> {
  const ws = await PulumiWorkspace.create({
    programDir: program,
    nodeModules,
    config: {
      "gitlab:baseUrl": em.url,
      "runner:runnerType": "project_type",
      "runner:projectId": "acme/api",
      "runner:description": description,
    },
    secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
  });
  try {
    await ws.up();
    const id = (await ws.outputs()).runnerId as number;
    expect(em.state().runners.find((r) => r.id === id)?.description).toBe(description);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);

    // A change by hand in "GitLab": refresh must bring it into the state's inputs, so the next
    // preview plans to undo it (read returning inputs).
    const put = await fetch(`${em.url}/api/v4/runners/${id}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ description: "changed by hand" }),
    });
    expect(put.status).toBe(200);
    await ws.refresh();
    const drift = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(drift.code).not.toBe(0);
    expect(drift.output).toContain("changed by hand");

    await ws.up();
    expect(em.state().runners.find((r) => r.id === id)?.description).toBe(description);
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  } finally {
    await ws.cleanup();
  }
}

describe("installing the package into a program", () => {
  it("works with the lowest @pulumi/pulumi of the peer range", async () => {
    const range = await peerRange();
    const lowest = /^[\^~>=]*\s*(\d+\.\d+\.\d+)/.exec(range)?.[1];
    expect(lowest, `cannot read the lowest version of ${range}`).toBeDefined();
    const modules = await install({
      "pulumi-gitlab-runners": `file:${inject("packageTarball")}`,
      "@pulumi/pulumi": lowest as string,
    });
    expect(await installedVersion(modules, "@pulumi/pulumi")).toBe(lowest);
    await lifecycle(modules, `sdk ${lowest}`);
  });

  it("works with the newest @pulumi/pulumi the registry has in the peer range", async () => {
    const range = await peerRange();
    const { stdout } = await run("npm", ["view", `@pulumi/pulumi@${range}`, "version", "--json"], {
      env: npmEnv,
    });
    const versions = JSON.parse(stdout) as string | string[];
    const newest = Array.isArray(versions) ? versions.at(-1) : versions;
    expect(newest).toMatch(/^\d+\.\d+\.\d+$/);
    const modules = await install({
      "pulumi-gitlab-runners": `file:${inject("packageTarball")}`,
      "@pulumi/pulumi": newest as string,
    });
    expect(await installedVersion(modules, "@pulumi/pulumi")).toBe(newest);
    await lifecycle(modules, `sdk ${newest}`);
  });

  it("installs from a git URL: npm builds the package (prepare) and installs it as a real folder", async () => {
    const { stdout: head } = await run("git", ["rev-parse", "HEAD"], { cwd: repoRoot });
    const cloneFrom = await mkdtemp(join(tmpdir(), "pgr-git-"));
    work.push(cloneFrom);
    // A bare clone of this checkout stands in for the hosted repository.
    const bare = join(cloneFrom, "pulumi-gitlab-runners.git");
    await mkdir(bare);
    await run("git", ["clone", "--quiet", "--bare", repoRoot, bare]);
    const modules = await install({
      "pulumi-gitlab-runners": `git+file://${bare}#${head.trim()}`,
      "@pulumi/pulumi": JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).devDependencies[
        "@pulumi/pulumi"
      ],
    });
    expect(await installedVersion(modules, "pulumi-gitlab-runners")).toBe(
      JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).version,
    );
    await lifecycle(modules, "from git");
  });
});
