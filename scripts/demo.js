#!/usr/bin/env node
"use strict";
// `npm run demo`: the root Pulumi program (Pulumi.yaml, demo/index.ts) against the built-in
// GitLab emulator, step by step: preview, up, a change made by hand in "GitLab", refresh
// showing the drift, up restoring it, destroy. No GitLab and no internet needed.
//
// Flags: --gitlab-version <13.12|16.11|17.11|18.6> (default 17.11), --keep (leave the temp
// folder with the stack's state for a look afterwards).

const { writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { IsolatedPulumi, prepare, root, step } = require("./lib/isolated-pulumi");

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const gitlabVersion = flag("--gitlab-version") ?? "17.11";
const keep = args.includes("--keep");

async function main() {
  const engineBin = prepare();

  const { startEmulator } = require(join(root, "dist", "emulator"));
  const { FIXTURE_TOKENS } = require(join(root, "dist", "emulator", "default-fixture"));
  step(
    `starting the GitLab emulator (GitLab ${gitlabVersion}, default fixture: group acme, projects acme/api, acme/web)`,
  );
  const emulator = await startEmulator({ gitlabVersion, quiet: true });
  console.log(`GitLab API at ${emulator.url}/api/v4`);

  // The root program (Pulumi.yaml, demo/) runs from a copy in a temp folder, with the package
  // installed beside it as users have it, so the demo never writes into the repository.
  const cli = new IsolatedPulumi({ engineBin, prefix: "gitlab-runners-demo-", passphrase: "demo" });
  const program = cli.useProgram({ from: root, name: "demo-program", files: ["Pulumi.yaml", "demo"] });
  writeFileSync(
    join(program, "package.json"),
    JSON.stringify({ name: "gitlab-runners-demo", private: true, main: "demo/index.ts" }),
  );
  const pulumi = (argv, options) => cli.pulumi(argv, options);
  const outputs = () => cli.outputs();

  try {
    step("stack and configuration (the token of acme's group Owner, stored encrypted)");
    await pulumi(["stack", "init", "demo"]);
    await pulumi(["config", "set", "gitlab:baseUrl", emulator.url]);
    // Given on stdin so the token never appears on a command line.
    await pulumi(["config", "set", "--secret", "gitlab:token"], { input: FIXTURE_TOKENS.owner });

    step("1. pulumi preview: what will be created");
    await pulumi(["preview", "--diff"]);

    step("2. pulumi up: create the runners and the assignment");
    await pulumi(["up", "--yes", "--skip-preview"]);
    const out = await outputs();
    console.log(
      `build runner #${out.buildRunnerId}, deploy runner #${out.deployRunnerId}; token: ${out.deployRunnerToken}`,
    );

    step(
      '3. someone changes the build runner by hand in GitLab: adds a tag "gpu" (the program manages tagList) and pauses it (it does not manage paused)',
    );
    const res = await fetch(`${emulator.url}/api/v4/runners/${out.buildRunnerId}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ paused: true, tag_list: ["docker", "linux", "gpu"] }),
    });
    console.log(`PUT /api/v4/runners/${out.buildRunnerId} -> ${res.status}`);

    step("4. pulumi refresh: the drift in what the program manages, read from GitLab into the stack");
    await pulumi(["refresh", "--yes", "--diff"]);

    step("5. pulumi up: the tags made to match the program again; paused stays GitLab's");
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
          String(r.description ?? "").startsWith("deploy:") ||
          String(r.description ?? "").startsWith("integration:"),
      );
    console.log(`runners left in GitLab from this demo: ${left.length}`);
    step("done");
  } finally {
    await emulator.stop();
    cli.cleanup(keep);
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
});
