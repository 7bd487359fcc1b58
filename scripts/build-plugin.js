#!/usr/bin/env node
// The provider plugin's parts of `npm run build`, after `tsc -p tsconfig.build.json`:
// - the plugin's TypeScript SDK (sdks/nodejs, generated from the package schema) compiled into
//   dist/sdks/nodejs, the package's `pulumi-gitlab-runners/plugin` export, with a package.json
//   holding the version the SDK asks the engine for (its `getVersion` reads it);
// - dist/plugin/pulumi-resource-gitlab-runners, a launcher named as the engine looks for
//   plugins, so a Pulumi.yaml can point `plugins.providers[].path` at dist/plugin.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const { version } = require(join(root, "package.json"));
const out = join(root, "dist", "sdks", "nodejs");

fs.rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    require.resolve("typescript/bin/tsc"),
    "-p",
    join(root, "sdks", "nodejs", "tsconfig.json"),
    "--outDir",
    out,
    "--sourceMap",
    "false",
  ],
  { cwd: root, stdio: "inherit" },
);
fs.writeFileSync(
  join(out, "package.json"),
  `${JSON.stringify({ private: true, description: "pulumi-gitlab-runners/plugin: the plugin's TypeScript SDK", version }, null, 2)}\n`,
);

const launcher = join(root, "dist", "plugin", "pulumi-resource-gitlab-runners");
fs.writeFileSync(launcher, '#!/bin/sh\nexec node "$(dirname "$0")/main.js" "$@"\n', { mode: 0o755 });
fs.chmodSync(launcher, 0o755);
