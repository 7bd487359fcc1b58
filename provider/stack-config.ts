/**
 * The stack's current configuration, read with the `pulumi` CLI, for refresh and destroy.
 *
 * Why: the engine records the default provider's inputs in the state — for a dynamic provider
 * the whole stack configuration, `gitlab:token` included (as a secret) — and `pulumi refresh`,
 * `pulumi destroy` and the refresh of `pulumi preview --refresh` configure the provider from
 * that record, not from the stack's configuration (`addDefaultProviders` and the provider
 * registry in pulumi/pulumi `pkg/resource/deploy`; the dynamic provider's process gets only the
 * `pulumi-nodejs:` namespace in `PULUMI_CONFIG`). After `pulumi config set --secret gitlab:token
 * NEW` with the old token revoked, they would fail with 401 until a `pulumi up` (or
 * `--run-program`). So before the first operation the program did not ask for (a read or a
 * delete in a process where no `check` came in), the provider asks the CLI that started it for
 * the stack's configuration — `pulumi config --json --show-secrets --stack <org/project/stack>`
 * in the program's folder, with the same environment (backend, passphrase, `PULUMI_HOME`) — and
 * prefers it. The stack comes from the resource's hidden `__origin` (its URN).
 *
 * The answer holds the whole configuration in plain text: only the `gitlab:` keys are kept,
 * nothing of it is logged, and an error says only that the read failed.
 */
import { execFile } from "node:child_process";
import { readlinkSync } from "node:fs";
import { basename } from "node:path";
import { GITLAB_CONFIG_KEYS } from "./gitlab/config-keys";
import type { EngineLog } from "./resource/engine-log";
import type { StackRef } from "./resource/origin";

/** Generous: the CLI loads the backend and decrypts, on a machine that may be busy. */
const TIMEOUT_MS = 60_000;

/**
 * The CLI that started this provider: on Linux, the executable of the parent process (the
 * engine starts the dynamic-provider host, whose launcher `exec`s node); else `pulumi` on PATH.
 */
function pulumiCli(): string {
  try {
    const exe = readlinkSync(`/proc/${process.ppid}/exe`);
    if (/^pulumi(\.exe)?$/.test(basename(exe))) return exe;
  } catch {
    // Not Linux, or not readable: fall back to PATH.
  }
  return "pulumi";
}

/** What reading the configuration gave: the `gitlab:` settings, or why there are none. */
export type StackConfigResult =
  | { ok: true; settings: Record<string, string> }
  | { ok: false; reason: string };

/**
 * The `<namespace>:` keys of the stack's current configuration, read with the CLI. `ref` is the
 * stack, or only its name (the provider plugin, which is never told the organization: the CLI
 * then takes the project from the program folder and the backend's default organization).
 * The settings come back under their full keys (`gitlab:token`).
 */
export function readStackConfig(
  ref: StackRef | string,
  env: NodeJS.ProcessEnv = process.env,
  namespace = "gitlab",
): Promise<StackConfigResult> {
  const stack = typeof ref === "string" ? ref : `${ref.organization}/${ref.project}/${ref.stack}`;
  return new Promise((resolve) => {
    execFile(
      pulumiCli(),
      ["config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"],
      {
        cwd: process.cwd(),
        env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        timeout: TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout) => {
        if (error) {
          // The CLI's own message may quote configuration values: only its exit is reported.
          const why =
            (error as { code?: unknown }).code ?? (error as { signal?: unknown }).signal ?? "failed";
          resolve({ ok: false, reason: `pulumi config --stack ${stack} ended with ${String(why)}` });
          return;
        }
        try {
          const parsed = JSON.parse(stdout) as Record<string, { value?: unknown }>;
          const settings: Record<string, string> = {};
          for (const key of GITLAB_CONFIG_KEYS) {
            const value = parsed[`${namespace}:${key}`]?.value;
            if (value !== undefined && value !== null) settings[`${namespace}:${key}`] = String(value);
          }
          resolve({ ok: true, settings });
        } catch {
          resolve({ ok: false, reason: `pulumi config --stack ${stack} printed no configuration` });
        }
      },
    );
  });
}

/**
 * The stack's current `<namespace>:` settings (bare keys: `token`) when they differ from
 * `recorded` (the configuration the engine gave, bare keys too); `undefined` when they are the
 * same or cannot be read. Says which on `log`: a warning with what to do when the read failed,
 * a line when the current settings are used.
 */
export async function changedStackConfig(
  ref: StackRef | string,
  recorded: Record<string, string | undefined>,
  log: Pick<EngineLog, "warn" | "info">,
  namespace = "gitlab",
): Promise<Record<string, string> | undefined> {
  const result = await readStackConfig(ref, process.env, namespace);
  if (!result.ok) {
    log.warn(
      `could not read the stack's current configuration (${result.reason}); using the ${namespace}: configuration ` +
        `recorded in the stack at the last pulumi up. If ${namespace}:token, ${namespace}:baseUrl or ` +
        `${namespace}:cacertFile changed since, run pulumi up first, or add --run-program.`,
    );
    return undefined;
  }
  const current: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.settings))
    current[key.slice(namespace.length + 1)] = value;
  const keys = new Set([...Object.keys(current), ...Object.keys(recorded)]);
  if ([...keys].every((k) => current[k] === recorded[k])) return undefined;
  log.info(
    `using the stack's current ${namespace}: configuration: it differs from the one recorded at the last pulumi up`,
  );
  return current;
}
