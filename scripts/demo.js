#!/usr/bin/env node
"use strict";
// `npm run demo`: the root Pulumi program (Pulumi.yaml, demo/index.ts) against the built-in
// GitLab emulator, step by step: preview, up, a change made by hand in "GitLab", refresh
// showing the drift, up restoring it, destroy. No GitLab and no internet needed.
//
// Flags: --gitlab-version <13.12|16.11|17.11|18.6> (default 17.11), --keep (leave the temp
// folder with the stack's state for a look afterwards).

const { spawn, execFileSync } = require("node:child_process");
const { existsSync, lstatSync, mkdtempSync, rmSync, symlinkSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, delimiter } = require("node:path");

const root = join(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const gitlabVersion = flag("--gitlab-version") ?? "17.11";
const keep = args.includes("--keep");

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function step(title) {
  process.stdout.write(`\n\x1b[1m=== ${title} ===\x1b[0m\n`);
}

async function main() {
  if (
    !existsSync(join(root, "dist", "sdk", "index.js")) ||
    !existsSync(join(root, "dist", "emulator", "index.js"))
  ) {
    step("building the package (npm run build)");
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  }

  // The dynamic-provider host loads `pulumi-gitlab-runners/provider` from node_modules, where a
  // user's program has the package installed. In this repository the package is the repository
  // itself, so link it there (the link is in node_modules, which git ignores).
  const selfLink = join(root, "node_modules", "pulumi-gitlab-runners");
  if (!existsSync(selfLink) && !isLink(selfLink)) symlinkSync("..", selfLink, "dir");

  step("making the Pulumi engine available (scripts/engine; the first run builds it from Go modules)");
  const engineOut = execFileSync("bash", [join(root, "scripts", "engine")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const engineBin = engineOut.toString().trim().split("\n").pop();

  const { startEmulator } = require(join(root, "dist", "emulator"));
  const { FIXTURE_TOKENS } = require(join(root, "dist", "emulator", "default-fixture"));
  step(
    `starting the GitLab emulator (GitLab ${gitlabVersion}, default fixture: group acme, projects acme/api, acme/web)`,
  );
  const emulator = await startEmulator({ gitlabVersion, quiet: true });
  console.log(`GitLab API at ${emulator.url}/api/v4`);

  const work = mkdtempSync(join(tmpdir(), "gitlab-runners-demo-"));
  const configFile = join(work, "Pulumi.demo.yaml");
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("PULUMI_") || k.startsWith("GITLAB_")) delete env[k];
  Object.assign(env, {
    PATH: [engineBin, join(root, "node_modules", ".bin"), process.env.PATH].join(delimiter),
    PULUMI_HOME: join(work, "home"),
    PULUMI_BACKEND_URL: `file://${work}`,
    PULUMI_CONFIG_PASSPHRASE: "demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  });
  // The emulator serves from this process, so every child runs asynchronously: a synchronous
  // spawn would block the event loop and GitLab would stop answering.
  const exec = (cmd, argv, { input, capture = false } = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, {
        cwd: root,
        env,
        stdio: [input === undefined ? "ignore" : "pipe", capture ? "pipe" : "inherit", "inherit"],
      });
      let stdout = "";
      if (capture) child.stdout.on("data", (d) => (stdout += d));
      if (input !== undefined) child.stdin.end(input);
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout }));
    });
  const pulumi = async (argv, { allowFailure = false, input } = {}) => {
    console.log(`$ pulumi ${argv.join(" ")}`);
    // `stack` subcommands take no --config-file; everything else reads config from the temp file
    // so the demo never writes a Pulumi.<stack>.yaml into the repository.
    const extra = argv[0] === "stack" ? [] : ["--config-file", configFile];
    const { code } = await exec("pulumi", [...argv, "--non-interactive", ...extra], { input });
    if (code !== 0 && !allowFailure) throw new Error(`pulumi ${argv[0]} failed (exit ${code})`);
    return code;
  };
  const outputs = async () => {
    const { stdout } = await exec("pulumi", ["stack", "output", "--json", "--non-interactive"], {
      capture: true,
    });
    return JSON.parse(stdout);
  };

  try {
    step("stack and configuration (the GitLab token is stored encrypted)");
    await pulumi(["stack", "init", "demo"]);
    await pulumi(["config", "set", "gitlab:baseUrl", emulator.url]);
    // Given on stdin so the token never appears on a command line.
    await pulumi(["config", "set", "--secret", "gitlab:token"], { input: FIXTURE_TOKENS.admin });

    step("1. pulumi preview: what will be created");
    await pulumi(["preview", "--diff"]);

    step("2. pulumi up: create the runners and the assignment");
    await pulumi(["up", "--yes", "--skip-preview"]);
    const out = await outputs();
    console.log(
      `build runner #${out.buildRunnerId}, deploy runner #${out.deployRunnerId}; token: ${out.deployRunnerToken}`,
    );

    step(`3. someone changes the build runner by hand in GitLab: pauses it, adds a tag "gpu", unlocks it`);
    const res = await fetch(`${emulator.url}/api/v4/runners/${out.buildRunnerId}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ paused: true, tag_list: ["docker", "linux", "gpu"], locked: false }),
    });
    console.log(`PUT /api/v4/runners/${out.buildRunnerId} -> ${res.status}`);

    step("4. pulumi refresh: the drift, field by field, read from GitLab into the stack");
    await pulumi(["refresh", "--yes", "--diff"]);

    step("5. pulumi up: GitLab made to match the program again");
    await pulumi(["up", "--yes", "--diff"]);
    await pulumi(["preview", "--expect-no-changes"]);

    step("6. pulumi destroy: assignment first, then the runners");
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    await pulumi(["stack", "rm", "--yes"]);
    const left = emulator
      .state()
      .runners.filter(
        (r) =>
          String(r.description ?? "").startsWith("build:") ||
          String(r.description ?? "").startsWith("deploy:"),
      );
    console.log(`runners left in GitLab from this demo: ${left.length}`);
    step("done");
  } finally {
    await emulator.stop();
    if (keep) console.log(`state kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
});
