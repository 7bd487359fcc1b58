import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// The policy pack as a user runs it from the installed package: a fresh program folder installs
// the `npm pack` tarball with npm, then `pulumi preview --policy-pack
// node_modules/pulumi-gitlab-runners/policy` on the real CLI. First without @pulumi/policy (an
// optional peer dependency, so npm does not install it): the pack says what to install. Then
// with it: a compliant stack passes and a violating one is stopped with the policy's message.

const run = promisify(execFile);
const PACK = "node_modules/pulumi-gitlab-runners/policy";
const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";

async function npmInstall(dir: string, ...specs: string[]): Promise<void> {
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...specs], {
    cwd: dir,
    env: { ...process.env, npm_config_update_notifier: "false" },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
}

describe("the policy pack from an installed package: --policy-pack node_modules/pulumi-gitlab-runners/policy", () => {
  let em: RunningEmulator;
  let install: string;
  let ws: PulumiWorkspace;
  let before: number[];

  const created = () => em.state().runners.filter((r) => !before.includes(r.id));

  beforeAll(async () => {
    em = await startEmulator();
    before = em.state().runners.map((r) => r.id);
    install = await mkdtemp(join(tmpdir(), "pgr-e2e-policy-install-"));
    await writeFile(
      join(install, "package.json"),
      JSON.stringify({ name: "policy-pack-program", private: true }),
    );
    // What the README says a program does: install the package (its dependencies come with it).
    await npmInstall(install, inject("packageTarball"));
    ws = await PulumiWorkspace.create({
      programDir: join(__dirname, "fixtures", "policy-pack-program"),
      nodeModules: join(install, "node_modules"),
      config: { "gitlab:baseUrl": em.url, "deploy:locked": "true" },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
    if (install) await rm(install, { recursive: true, force: true });
  });

  it("says to install @pulumi/policy when the program has not, instead of a stack trace", async () => {
    const { code, output } = await ws.preview(["--policy-pack", PACK], { allowFailure: true });
    expect(code).not.toBe(0);
    expect(output).toContain(
      "the gitlab-runner-guardrails policy pack needs the @pulumi/policy package, which is not installed beside pulumi-gitlab-runners",
    );
    expect(output).toContain("npm install @pulumi/policy");
    expect(output).not.toContain("MODULE_NOT_FOUND");
    expect(output).not.toMatch(/\bat \S+ \(.+:\d+:\d+\)/); // no stack frame
    expect(created()).toHaveLength(0);
  });

  it("passes a compliant stack once @pulumi/policy is installed beside the package", async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    await npmInstall(install, `@pulumi/policy@${pkg.peerDependencies["@pulumi/policy"]}`);
    const { code, output } = await ws.preview(["--policy-pack", PACK]);
    expect(code).toBe(0);
    expect(output).toMatch(/\+ 2 to create/); // the stack and the runner
    expect(output).toContain("gitlab-runner-guardrails");
    expect(output).not.toContain("[mandatory]");
    expect(output).not.toContain("[advisory]");
    expect(created()).toHaveLength(0);
  });

  it("stops a violating stack with the policy's message, at preview and at up", async () => {
    await ws.run(["config", "set", "deploy:locked", "false"]);
    const preview = await ws.preview(["--policy-pack", PACK], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    const flat = preview.output.replace(/\s+/g, " ");
    expect(flat).toContain("[mandatory] project-runner-locked (pulumi-nodejs:dynamic/gitlab:Runner: deploy)");
    expect(flat).toContain(
      "Project runners must be locked to their project, so that no one can enable them in other projects. Set locked: true.",
    );
    const up = await ws.run(["up", "--yes", "--policy-pack", PACK], { allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("project-runner-locked");
    expect(created()).toHaveLength(0);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });

  it("serves the package's policies from a pack of one's own (policy/README.md)", async () => {
    const own = join(install, "platform-policy");
    await mkdir(own);
    await writeFile(join(own, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    await writeFile(
      join(own, "package.json"),
      JSON.stringify({ name: "platform-guardrails", version: "1.0.0", main: "index.js" }),
    );
    await writeFile(
      join(own, "index.js"),
      [
        'const { PolicyPack } = require("@pulumi/policy");',
        'const { policies } = require("pulumi-gitlab-runners/policy");',
        'new PolicyPack("platform-guardrails", { policies });',
      ].join("\n"),
    );
    const { code, output } = await ws.preview(["--policy-pack", own], { allowFailure: true });
    expect(code).not.toBe(0);
    const flat = output.replace(/\s+/g, " ");
    expect(flat).toContain("platform-guardrails@v1.0.0");
    expect(flat).toContain("[mandatory] project-runner-locked (pulumi-nodejs:dynamic/gitlab:Runner: deploy)");
    expect(flat).toContain("Set locked: true.");
    expect(created()).toHaveLength(0);
  });
});
