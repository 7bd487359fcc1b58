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
import { GITLAB_CONFIG_KEYS } from "./gitlab/config-keys";
import type { EngineLog } from "./resource/engine-log";
import type { StackRef } from "./resource/origin";
import { runPulumi } from "./stack-cli";

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
export async function readStackConfig(
  ref: StackRef | string,
  env: NodeJS.ProcessEnv = process.env,
  namespace = "gitlab",
): Promise<StackConfigResult> {
  const stack = typeof ref === "string" ? ref : `${ref.organization}/${ref.project}/${ref.stack}`;
  const run = await runPulumi(["config", "--json", "--show-secrets", "--stack", stack], { env });
  if (!run.ok) return { ok: false, reason: run.reason };
  try {
    const parsed = JSON.parse(run.stdout) as Record<string, { value?: unknown }>;
    const settings: Record<string, string> = {};
    for (const key of GITLAB_CONFIG_KEYS) {
      const value = parsed[`${namespace}:${key}`]?.value;
      if (value !== undefined && value !== null) settings[`${namespace}:${key}`] = String(value);
    }
    return { ok: true, settings };
  } catch {
    return { ok: false, reason: `pulumi config --stack ${stack} printed no configuration` };
  }
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
