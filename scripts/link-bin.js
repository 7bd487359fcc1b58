#!/usr/bin/env node
"use strict";
// Runs after `npm run build` in `prepare` (so after `npm ci` in a checkout): links this
// package's own bins into its node_modules/.bin, which npm does only for dependencies. Then
// `npx gitlab-runners-emulator` inside the checkout runs the freshly built emulator instead of
// fetching the package into npx's cache (running its build there, and leaving a broken cache
// entry when interrupted).

const { chmodSync, existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const bins = require(join(root, "package.json")).bin ?? {};
const binDir = join(root, "node_modules", ".bin");
if (!existsSync(join(root, "node_modules"))) process.exit(0);
mkdirSync(binDir, { recursive: true });
for (const [name, target] of Object.entries(bins)) {
  const file = join(root, target);
  if (!existsSync(file)) {
    process.stderr.write(`link-bin: ${target} is not built; skipping ${name}\n`);
    continue;
  }
  chmodSync(file, 0o755);
  const link = join(binDir, name);
  try {
    if (lstatSync(link)) rmSync(link);
  } catch {
    // no previous link
  }
  symlinkSync(relative(binDir, file), link);
}
