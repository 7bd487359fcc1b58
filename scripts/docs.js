#!/usr/bin/env node
// Writes the README's resource tables from the resources' descriptions (after `npm run build`):
// `npm run docs`. test/unit/readme-tables.test.ts fails when the README and the descriptions differ.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const dist = join(__dirname, "..", "dist", "provider");
const { rewriteTables } = require(join(dist, "resource", "docs.js"));
const { runnerDescription } = require(join(dist, "runner", "description.js"));
const { assignmentDescription } = require(join(dist, "assignment", "description.js"));

const readme = join(__dirname, "..", "README.md");
const before = readFileSync(readme, "utf8");
const after = rewriteTables(before, [runnerDescription, assignmentDescription]);
if (after !== before) writeFileSync(readme, after);
console.log(after === before ? "README tables are up to date" : "README tables rewritten");
