import { appendFile, cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
} from "../../emulator";
import type { PulumiRunResult } from "./pulumi";

/**
 * The secrets scan (issue 8): collects every token a test used or an emulator issued, and every
 * text a test produced (CLI output, exported states, the state backend's files, the emulator's
 * request log), then reports any plaintext token found in them. A finding names the token by
 * its label and the text by its source, and never prints the token itself.
 */

/** One plaintext token found in one collected text. */
export interface SecretFinding {
  /** Where the text came from, e.g. `pulumi up #3` or `backend:.pulumi/stacks/p/test.json`. */
  source: string;
  /** Which token, e.g. `FIXTURE_TOKENS.admin` or `runner 4 token (17.11)`. */
  secret: string;
  /** How it appeared: `plain`, `base64` or `url-encoded`. */
  form: string;
  /** The text around it with the token masked, to find the spot. */
  context: string;
}

/** Shorter values are not tracked: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

export class SecretsCollector {
  /** Token value → label. */
  readonly #secrets = new Map<string, string>();
  readonly #texts: { source: string; text: string }[] = [];
  #runs = 0;

  constructor() {
    for (const [k, v] of Object.entries(FIXTURE_TOKENS)) this.addSecret(v, `FIXTURE_TOKENS.${k}`);
    for (const [k, v] of Object.entries(FIXTURE_REGISTRATION_TOKENS)) {
      this.addSecret(v, `FIXTURE_REGISTRATION_TOKENS.${k}`);
    }
    for (const [k, v] of Object.entries(FIXTURE_RUNNER_TOKENS))
      this.addSecret(v, `FIXTURE_RUNNER_TOKENS.${k}`);
  }

  /** Tracks a secret value (a token, a password) under a label. */
  addSecret(value: string | null | undefined, label: string): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.set(value, label);
  }

  /**
   * Tracks every token an emulator holds now: users' access tokens, registration tokens and
   * runner authentication tokens. Call it after every step that may issue or rotate a token, so
   * tokens that were later rotated away are tracked too.
   */
  addEmulatorTokens(em: RunningEmulator, label = "emulator"): void {
    for (const { value, where } of tokensInState(em.state())) this.addSecret(value, `${label} ${where}`);
  }

  /** `text` with every tracked secret replaced by `<its label>`, safe to print. */
  mask(text: string): string {
    let out = text;
    for (const [secret, label] of this.#secrets) out = out.replaceAll(secret, `<${label}>`);
    return out;
  }

  /** Every tracked secret, for ad-hoc checks. */
  secrets(): string[] {
    return [...this.#secrets.keys()];
  }

  /** Adds one text to scan. */
  addText(source: string, text: string): void {
    this.#texts.push({ source, text });
  }

  /** Adds a CLI run's output (stdout and stderr together). Returns the result for chaining. */
  addRun(label: string, result: PulumiRunResult): PulumiRunResult {
    this.#runs += 1;
    this.addText(`pulumi ${label} #${this.#runs}`, result.output);
    return result;
  }

  /** Adds an emulator's request log (the library view) as JSON. */
  addRequestLog(em: RunningEmulator, label = "emulator"): void {
    this.addText(`${label} requests()`, JSON.stringify(em.requests()));
  }

  /**
   * Adds every file under `dir` as text (gzip files unpacked), e.g. a file state backend or a
   * PULUMI_HOME. Symbolic links are not followed (a program's node_modules is one).
   */
  async addTree(
    label: string,
    dir: string,
    skip: (relativePath: string) => boolean = () => false,
  ): Promise<number> {
    let files = 0;
    const visit = async (current: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(current, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(current, entry.name);
        const rel = relative(dir, path);
        if (skip(rel)) continue;
        if (entry.isDirectory()) await visit(path);
        else if (entry.isFile()) {
          let bytes = await readFile(path);
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
            try {
              bytes = gunzipSync(bytes);
            } catch {
              // not really gzip: scan the bytes as they are
            }
          }
          this.addText(`${label}:${rel}`, bytes.toString("utf8"));
          files += 1;
        }
      }
    };
    await visit(dir);
    return files;
  }

  /** Writes every collected text to `dir`, one file per source (to inspect a finding). */
  async dump(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await Promise.all(
      this.#texts.map((t, i) =>
        writeFile(
          join(dir, `${String(i).padStart(3, "0")}-${t.source.replace(/[^A-Za-z0-9.#-]+/g, "_")}.txt`),
          t.text,
        ),
      ),
    );
  }

  /** The sources collected so far, with their sizes (to show what was scanned). */
  sources(): { source: string; bytes: number }[] {
    return this.#texts.map((t) => ({ source: t.source, bytes: t.text.length }));
  }

  /** Every plaintext (or base64 / URL-encoded) occurrence of a tracked secret in a collected text. */
  scan(): SecretFinding[] {
    const findings: SecretFinding[] = [];
    const forms: { secret: string; label: string; form: string; needle: string }[] = [];
    for (const [secret, label] of this.#secrets) {
      forms.push({ secret, label, form: "plain", needle: secret });
      forms.push({
        secret,
        label,
        form: "base64",
        needle: Buffer.from(secret).toString("base64").replace(/=+$/, ""),
      });
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) forms.push({ secret, label, form: "url-encoded", needle: encoded });
    }
    for (const { source, text } of this.#texts) {
      for (const f of forms) {
        const at = text.indexOf(f.needle);
        if (at < 0) continue;
        const context = text
          .slice(Math.max(0, at - 60), at + f.needle.length + 60)
          .replaceAll(f.needle, `<${f.label}>`)
          .replace(/\s+/g, " ");
        findings.push({ source, secret: f.label, form: f.form, context });
      }
    }
    return findings;
  }

  /** The findings as readable lines, for an assertion message. */
  report(findings: SecretFinding[] = this.scan()): string {
    return findings.map((f) => `${f.source}: ${f.secret} (${f.form}) … ${f.context} …`).join("\n");
  }
}

/**
 * Every token in an emulator state snapshot (`emulator.state()` or `GET /-/emulator/state`):
 * values of `token` and `…Token` keys — users' access tokens, registration tokens, runner
 * authentication tokens — with where they were found, e.g. `runners[3]#4.token`.
 */
export function tokensInState(state: unknown): { value: string; where: string }[] {
  const found: { value: string; where: string }[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`);
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(record)) {
        if (typeof v === "string" && (k === "token" || /Token$/.test(k))) {
          const owner = typeof record.id === "number" ? `${path}#${record.id}` : path;
          found.push({ value: v, where: `${owner}.${k}` });
        } else {
          walk(v, path ? `${path}.${k}` : k);
        }
      }
    }
  };
  walk(state, "");
  return found;
}

// ---------------------------------------------------------------------------------------------
// A suite-wide scan (proposed): the e2e harness records every CLI run and, at cleanup, every
// workspace's files into one transcript folder; the global teardown scans it. These helpers are
// what the harness and the teardown would call.
// ---------------------------------------------------------------------------------------------

/**
 * Records one CLI run in `dir`: its output, and the tokens the emulator at `baseUrl` holds right
 * after it (read over its control API, so rotated-away tokens are known too). A `baseUrl` that
 * is not an emulator (a closed port, an HTML server) just records no tokens.
 */
export async function recordRun(
  dir: string,
  run: { args: string[]; output: string; baseUrl?: string | undefined; test?: string | undefined },
): Promise<void> {
  let tokens: string[] = [];
  if (run.baseUrl) {
    try {
      const origin = new URL(run.baseUrl).origin;
      const response = await fetch(`${origin}/-/emulator/state`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) tokens = tokensInState(await response.json()).map((t) => t.value);
    } catch {
      // not an emulator, or already stopped
    }
  }
  const line = JSON.stringify({ test: run.test, args: run.args, output: run.output, tokens });
  await appendFile(join(dir, `runs-${process.pid}.jsonl`), `${line}\n`);
}

/** Copies a workspace's files (state backend, PULUMI_HOME, program without node_modules) into `dir`. */
export async function recordTree(dir: string, root: string): Promise<void> {
  await cp(root, join(dir, "trees", basename(root)), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !src.includes(`${sep}node_modules`),
  }).catch(() => undefined);
}

/** Scans a transcript folder written by {@link recordRun} and {@link recordTree}. */
export async function scanTranscripts(
  dir: string,
): Promise<{ findings: SecretFinding[]; report: string; texts: number }> {
  const scan = new SecretsCollector();
  let texts = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(".jsonl")) continue;
    for (const line of (await readFile(join(dir, name), "utf8")).split("\n")) {
      if (!line) continue;
      const run = JSON.parse(line) as { test?: string; args: string[]; output: string; tokens: string[] };
      for (const token of run.tokens) scan.addSecret(token, "emulator token");
      // --show-secrets reveals on purpose; --debug prints @pulumi/pulumi's RPC responses with
      // secret outputs (upstream; secrets-scan.test.ts checks those runs line by line).
      if (run.args.includes("--show-secrets") || run.args.includes("--debug")) continue;
      scan.addText(`${run.test ?? "?"}: pulumi ${run.args.slice(0, 2).join(" ")}`, run.output);
      texts += 1;
    }
  }
  texts += await scan.addTree("workspace", join(dir, "trees"));
  const findings = scan.scan();
  return { findings, report: scan.report(findings), texts };
}
