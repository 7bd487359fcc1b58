/**
 * The dynamic front door's configuration: one per provider process.
 *
 * The client (and the token inside it) lives in this module's state, never in the serialized
 * provider closure, so `__provider` holds no secret (docs/design.md decisions 1–2, docs/pulumi-engine.md §3,
 * pulumi/pulumi#8265). `configure` runs once per serialized provider per provider process and
 * sees the whole stack configuration with namespaced keys; values the stack does not set fall
 * back to `GITLAB_BASE_URL` / `GITLAB_TOKEN`.
 *
 * On refresh and destroy, what `configure` sees is the configuration the engine recorded in the
 * state at the last `pulumi up`, not the stack's current one: a rotated token, a moved GitLab or
 * a new CA file would not be used. So before the first read or delete of a process in which the
 * program did not run (no `check` came in), the stack's current `gitlab:` configuration is read
 * with the CLI (`stack-config.ts`) and, where it can be read, used instead of the recorded one.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient } from "./gitlab";
import { GITLAB_CONFIG_KEYS } from "./gitlab/config-keys";
import type { Bag } from "./resource/check";
import { contextFrom, type ResourceContext } from "./resource/context";
import { engineLog } from "./resource/engine-log";
import { originOf, stackOf } from "./resource/origin";
import { changedStackConfig } from "./stack-config";

/** What `configure` was given (on refresh and destroy: the state's record). */
let recorded: Record<string, string | undefined> = {};
/** The stack's current `gitlab:` configuration, once read (refresh, destroy). */
let current: Record<string, string> | undefined;
const context = contextFrom(() => current ?? recorded, engineLog());
let replacement: GitLabClient | undefined;
/** True once a `check` came in: the program runs, and `configure` had the current configuration. */
let programRuns = false;
let reading: Promise<void> | undefined;

/**
 * `configure`: remembers the stack's `gitlab:*` settings. The client is built on first use, so
 * `check` and `diff` (which need no HTTP) work in a preview even without credentials, and a
 * missing token is reported by the first operation that needs it.
 */
export async function configure(req: { config: Pick<pulumi.dynamic.Config, "get"> }): Promise<void> {
  const next: Record<string, string | undefined> = {};
  for (const key of GITLAB_CONFIG_KEYS) {
    const value = req.config.get(`gitlab:${key}`);
    if (value !== undefined) next[`gitlab:${key}`] = String(value);
  }
  // Called once per serialized provider (each resource type has its own): the same settings
  // keep the client, its caches (the creation look-up's listings) and its connections.
  const changed = !same(next, recorded);
  recorded = next;
  if (changed && current === undefined) context.reset();
}

/** A `check` came in: the program runs, so `configure` was given the stack's current configuration. */
export function programIsRunning(): void {
  programRuns = true;
}

function same(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * Before a read or delete: where the program has not run in this process (refresh, destroy, the
 * refresh step of `preview --refresh`), reads the stack's current `gitlab:` configuration once,
 * with the CLI, for the stack the resource belongs to (its hidden `__origin`), and uses it from
 * then on when it differs from the recorded one. If it cannot be read, the recorded one is used,
 * with a warning saying how to apply a changed token or URL.
 */
export function preferCurrentConfig(props: Bag | undefined): Promise<void> {
  if (programRuns || replacement !== undefined) return Promise.resolve();
  if (reading !== undefined) return reading;
  const origin = originOf(props);
  if (origin === undefined) return Promise.resolve();
  reading = (async () => {
    // `recorded` and `current` hold full keys (`gitlab:token`), as `configure` reads them.
    const bare = Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k.slice("gitlab:".length), v]));
    const changed = await changedStackConfig(stackOf(origin), bare, context.log);
    if (changed === undefined) return;
    current = Object.fromEntries(Object.entries(changed).map(([k, v]) => [`gitlab:${k}`, v]));
    context.reset();
  })();
  return reading;
}

/** This process's context: its client and the engine's log. */
export function processContext(): ResourceContext {
  if (replacement === undefined) return context;
  const client = replacement;
  return { client: () => client, log: context.log, onlineChecks: context.onlineChecks };
}

/** The client for this process; built from the stack config (or the environment) on first use. */
export function getClient(): GitLabClient {
  return processContext().client();
}

/**
 * Replaces the client (tests); `undefined` goes back to building one from configuration, afresh
 * (nothing looked up before is remembered).
 */
export function setClient(next: GitLabClient | undefined): void {
  replacement = next;
  if (next === undefined) context.reset();
}
