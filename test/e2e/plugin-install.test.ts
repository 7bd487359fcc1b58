import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// The two ways a program that does not run npm gets the plugin, neither with the plugin on PATH:
// - `npm run plugin-tarball` → `pulumi plugin install resource gitlab-runners <version> --file`
//   (the single-file bundle, into PULUMI_HOME);
// - Pulumi.yaml's `plugins.providers[].path` naming the installed npm package's dist/plugin.
// Each runs a YAML program against the emulator: up, no-change preview, destroy.

const run = promisify(execFile);
const version = (require("../../package.json") as { version: string }).version;

const program = (extra = "") => `name: plugin-install
runtime: yaml
${extra}resources:
  build:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: instance_type
      description: installed plugin
outputs:
  runnerId: \${build.runnerId}
`;

/** PATH with the engine and Node 22, but no folder holding pulumi-resource-gitlab-runners. */
const pathWithoutPlugin = () =>
  [inject("engineBin"), join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);

describe("the plugin installed from its tarball (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let out: string;
  let tarball: string;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    out = await mkdtemp(join(tmpdir(), "pgr-plugin-tarball-"));
    const { stdout } = await run("npm", ["run", "--silent", "plugin-tarball", "--", out], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    tarball = stdout.trim().split("\n").at(-1) ?? "";
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": program() },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: { PATH: pathWithoutPlugin() },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("is named as Pulumi expects and installs with pulumi plugin install --file", async () => {
    expect(tarball).toMatch(new RegExp(`pulumi-resource-gitlab-runners-v${version}-linux-amd64\\.tar\\.gz$`));
    await ws.run(["plugin", "install", "resource", "gitlab-runners", version, "--file", tarball]);
    const { stdout } = await ws.run(["plugin", "ls"]);
    expect(stdout).toMatch(new RegExp(`gitlab-runners\\s+resource\\s+${version.replace(/\./g, "\\.")}`));
  });

  it("serves a YAML program: up, no-change preview, destroy", async () => {
    // A 429 on the creation: the bundled plugin reports its wait through the engine's Log RPC.
    em.setFaults({
      rules: [
        {
          kind: "rate_limit",
          method: "POST",
          path: "^/api/v4/user/runners$",
          count: 1,
          retryAfterSeconds: 2,
        },
      ],
    });
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    // Warnings the engine counts (a plugin's stderr would not be): they came through its Log RPC.
    expect(output).toMatch(/pulumi:pulumi:Stack plugin-install-test created \(\d+s\) 2 warnings\n/);
    expect(output).toMatch(
      /warning: GitLab rate limit: POST \/user\/runners: [^\n]*429[^\n]*; retrying in 2000ms/,
    );
    // Not found on PATH: the installed plugin is the one the engine ran.
    expect(output).not.toMatch(/from \$PATH/);
    const id = (await ws.outputs()).runnerId as number;
    expect(em.state().runners.find((r) => r.id === id)?.description).toBe("installed plugin");
    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  });
});

describe("the plugin named by Pulumi.yaml's plugins.providers path (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    const dir = join(inject("consumerNodeModules"), "pulumi-gitlab-runners", "dist", "plugin");
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": program(`plugins:\n  providers:\n    - name: gitlab-runners\n      path: ${dir}\n`),
      },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: { PATH: pathWithoutPlugin() },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("serves a YAML program from the npm package's launcher: up, destroy", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    expect(output).not.toMatch(/from \$PATH/);
    const id = (await ws.outputs()).runnerId as number;
    expect(em.state().runners.find((r) => r.id === id)?.description).toBe("installed plugin");
    await ws.destroy();
  });
});
