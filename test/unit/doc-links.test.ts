import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths";

// Every `docs/…` or `*.md` path the code and docs cite must exist in the repository, so a
// reader can follow each citation: relative to the repository root or to the citing file
// (Markdown links). Web addresses are not checked. "reference §N", the old name of
// docs/gitlab-api.md §N, names no file here and counts as broken.

const SKIP_DIRS = new Set(["node_modules", "dist", ".git", "coverage", ".tmp", ".pulumi", "bench-results"]);
const TEXT = /\.(ts|mts|js|cjs|mjs|md|sh|ya?ml|json|go)$|^(engine|run)$/;
const SELF = relative(repoRoot, __filename);

/** Where a folder's files cite docs; each folder is one test below. */
function filesUnder(path: string): string[] {
  const full = join(repoRoot, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(child));
    else if (TEXT.test(entry.name) && entry.name !== "package-lock.json" && child !== SELF) out.push(child);
  }
  return out;
}

interface BrokenCitation {
  file: string;
  line: number;
  cited: string;
}

/** The cited paths of one text: `docs/…` and `….md`, outside web addresses. */
function citedPaths(text: string): { line: number; cited: string }[] {
  const found: { line: number; cited: string }[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw
      // A Markdown link to the web: its text names the remote file, not one of ours.
      .replace(/\[[^\]]*\]\(https?:\/\/[^)]*\)/g, " ")
      .replace(/https?:\/\/[^\s"'`)>\]]+/g, " ");
    for (const match of line.matchAll(/(?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w.-]*\.md\b|\bdocs\/[\w./-]*/g)) {
      const cited = match[0].replace(/[.,:;]+$/, "");
      if (cited === ".md" || cited.startsWith("*")) continue;
      found.push({ line: index + 1, cited });
    }
    for (const match of line.matchAll(/\breference §[\d.]+/g))
      found.push({ line: index + 1, cited: match[0] });
  });
  return found;
}

function resolves(file: string, cited: string): boolean {
  if (cited.startsWith("reference §")) return false;
  // What `npm install` puts under node_modules/pulumi-gitlab-runners/ comes from this repository.
  const path = cited.replace(/^(?:\.\/)?node_modules\/pulumi-gitlab-runners\//, "");
  return [join(repoRoot, path), resolve(repoRoot, dirname(file), path)].some((p) => existsSync(p));
}

function brokenCitations(folder: string): BrokenCitation[] {
  const broken: BrokenCitation[] = [];
  for (const file of filesUnder(folder)) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    for (const { line, cited } of citedPaths(text))
      if (!resolves(file, cited)) broken.push({ file, line, cited });
  }
  return broken;
}

const report = (broken: BrokenCitation[]): string[] => broken.map((b) => `${b.file}:${b.line}: ${b.cited}`);

describe("citedPaths", () => {
  it("finds docs/ and .md paths, skips web addresses and their link text", () => {
    const text = [
      "see docs/design.md decision 9, and README.md.",
      "[`doc/api/runners.md`](https://gitlab.com/gitlab-org/gitlab/-/blob/master/doc/api/runners.md)",
      "policy: [guide](../../policy/README.md#rules) (reference §8.1)",
      "https://github.com/nodejs/undici/blob/main/docs/docs/api/Errors.md",
      "glob **/*.md",
    ].join("\n");
    expect(citedPaths(text)).toEqual([
      { line: 1, cited: "docs/design.md" },
      { line: 1, cited: "README.md" },
      { line: 3, cited: "../../policy/README.md" },
      { line: 3, cited: "reference §8.1" },
    ]);
  });
});

describe("every docs/ or .md path cited in the repository exists", () => {
  const folders = [
    "provider",
    "sdk",
    "emulator",
    "policy",
    "docs",
    "examples",
    "bench",
    "scripts",
    "test",
    "engine",
    ".ci",
    "README.md",
    "package.json",
    "vitest.config.mts",
  ];
  for (const folder of folders) {
    it(folder, () => {
      expect(report(brokenCitations(folder))).toEqual([]);
    });
  }
});
