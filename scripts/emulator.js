#!/usr/bin/env node
"use strict";
// `npm run emulator -- [options]`: the GitLab emulator of this checkout, built first when its
// compiled code is missing or older than the sources. Options are those of
// `gitlab-runners-emulator --help`. Use `npm run --silent emulator` when a program reads the
// first stdout line ("listening on http://127.0.0.1:<port>"), so npm prints nothing before it.

const { execFileSync } = require("node:child_process");
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const cli = join(root, "dist", "emulator", "cli.js");

/** The newest modification time of the TypeScript sources the package is built from. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ["sdk", "provider", "emulator", "policy"]) walk(join(root, dir));
  return newest;
}

if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource()) {
  process.stderr.write("gitlab-runners-emulator: building the package first (npm run build)\n");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}
require(cli);
