// One command on every stack of this program, several stacks at once, with Pulumi's Automation
// API (@pulumi/pulumi/automation): one stack per team, each stack's config in its own
// `Pulumi.<stack>.yaml` next to Pulumi.yaml (README "One stack per team").
//
//   npx ts-node stacks.ts <up|preview|refresh|destroy> [--stacks a,b] [--concurrency 4]
//                         [--parallel 8] [--expect-no-changes] [--json]
//
// The backend, the secrets passphrase, GitLab's URL and token come from the environment as for
// any `pulumi` command (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, GITLAB_BASE_URL,
// GITLAB_TOKEN), and the `pulumi` on PATH runs every command. Exit code 1 if any stack failed.
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { type EngineEvent, LocalWorkspace, type OpMap, Stack } from "@pulumi/pulumi/automation";

export type Command = "up" | "preview" | "refresh" | "destroy";
export const COMMANDS: readonly Command[] = ["up", "preview", "refresh", "destroy"];

export interface StacksOptions {
  /** The program folder: Pulumi.yaml and one Pulumi.<stack>.yaml per stack. */
  workDir: string;
  command: Command;
  /** The stacks to run. Default: every Pulumi.<stack>.yaml in `workDir`. */
  stacks?: string[];
  /** Stacks run at once. Default 4. */
  concurrency?: number;
  /** Resource operations at once inside one stack (`pulumi --parallel`). Default Pulumi's. */
  parallel?: number;
  /** Fail a stack whose preview, up or refresh would change anything. Default false. */
  expectNoChanges?: boolean;
  /** Each stack's CLI output, line by line, prefixed with its name. Default: none. */
  onOutput?: (stack: string, text: string) => void;
}

export interface StackResult {
  stack: string;
  /** The command succeeded (and, with `expectNoChanges`, changed nothing). */
  ok: boolean;
  /** When the command started (ISO 8601), and how long it took. */
  startedAt: string;
  seconds: number;
  /** Resources by operation, e.g. `{ "create": 9 }`, or `{ "same": 10 }` for no changes. */
  changes: OpMap;
  /** Resource operations the engine reported as failed. */
  failedOperations: number;
  /** The error's last lines, when the command failed. */
  error?: string;
}

/** The stacks with a `Pulumi.<stack>.yaml` (or .yml, .json) in `workDir`. */
export function stacksIn(workDir: string): string[] {
  const names = readdirSync(workDir)
    .map((f) => /^Pulumi\.(.+)\.(ya?ml|json)$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

/**
 * Runs `command` on every stack, at most `concurrency` at a time, and resolves with one result
 * per stack (never rejects for a failed stack: the others go on).
 */
export async function runStacks(options: StacksOptions): Promise<StackResult[]> {
  const workDir = resolve(options.workDir);
  const names = options.stacks ?? stacksIn(workDir);
  if (names.length === 0) throw new Error(`no Pulumi.<stack>.yaml in ${workDir}`);
  const workspace = await LocalWorkspace.create({ workDir });
  // Selecting (or creating) a stack writes the selection into PULUMI_HOME's workspace file, so it
  // is done one stack at a time; the commands themselves name their stack and run in parallel.
  const stacks: Stack[] = [];
  for (const name of names) stacks.push(await Stack.createOrSelect(name, workspace));

  const results: StackResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < stacks.length; i = next++) results[i] = await runOne(stacks[i]!, options);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, stacks.length) }, worker));
  return results;
}

async function runOne(stack: Stack, options: StacksOptions): Promise<StackResult> {
  const started = Date.now();
  let failedOperations = 0;
  const onEvent = (event: EngineEvent) => {
    if (event.resOpFailedEvent) failedOperations += 1;
  };
  let buffered = "";
  const onOutput = (text: string) => {
    if (!options.onOutput) return;
    buffered += text;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) options.onOutput(stack.name, line);
  };
  const common = {
    onEvent,
    onOutput,
    color: "never" as const,
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
  };
  const expectNoChanges = options.expectNoChanges ?? false;
  try {
    let changes: OpMap | undefined;
    switch (options.command) {
      case "up":
        changes = (await stack.up({ ...common, expectNoChanges })).summary.resourceChanges;
        break;
      case "preview":
        changes = (await stack.preview({ ...common, expectNoChanges })).changeSummary;
        break;
      case "refresh":
        changes = (await stack.refresh({ ...common, expectNoChanges })).summary.resourceChanges;
        break;
      case "destroy":
        changes = (await stack.destroy(common)).summary.resourceChanges;
        break;
    }
    if (buffered) options.onOutput?.(stack.name, buffered);
    return {
      stack: stack.name,
      ok: true,
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      changes: changes ?? {},
      failedOperations,
    };
  } catch (error) {
    if (buffered) options.onOutput?.(stack.name, buffered);
    const message = error instanceof Error ? error.message : String(error);
    return {
      stack: stack.name,
      ok: false,
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      changes: {},
      failedOperations,
      error: message.split("\n").slice(-15).join("\n"),
    };
  }
}

/** `a=3 b=1` from `{ a: 3, b: 1 }`. */
const describe = (changes: OpMap) =>
  Object.entries(changes)
    .map(([op, n]) => `${op}=${n}`)
    .join(" ") || "-";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const whole = (name: string) => {
    const raw = flag(name);
    if (raw === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(raw)) throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
    return Number(raw);
  };
  if (!COMMANDS.includes(command as Command)) {
    console.error(
      "usage: stacks.ts <up|preview|refresh|destroy> [--stacks a,b] [--concurrency 4] [--parallel 8] [--expect-no-changes] [--json]",
    );
    return 2;
  }
  const json = rest.includes("--json");
  const concurrency = whole("--concurrency");
  const parallel = whole("--parallel");
  const results = await runStacks({
    workDir: process.cwd(),
    command: command as Command,
    ...(flag("--stacks") ? { stacks: flag("--stacks")!.split(",") } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(parallel ? { parallel } : {}),
    expectNoChanges: rest.includes("--expect-no-changes"),
    // With --json, stdout holds only the JSON; the CLI's output goes to stderr.
    onOutput: (stack, line) => (json ? process.stderr : process.stdout).write(`[${stack}] ${line}\n`),
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    for (const r of results) {
      console.log(
        `${r.ok ? "ok  " : "FAIL"} ${r.stack.padEnd(20)} ${r.seconds.toFixed(1).padStart(6)} s  ${describe(r.changes)}` +
          (r.failedOperations > 0 ? `  failed operations: ${r.failedOperations}` : ""),
      );
      if (r.error) console.log(r.error.replace(/^/gm, "     "));
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
