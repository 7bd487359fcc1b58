/**
 * The dynamic front door's configuration: one per provider process.
 *
 * The client (and the token inside it) lives in this module's state, never in the serialized
 * provider closure, so `__provider` holds no secret (docs/design.md decisions 1–2, docs/pulumi-engine.md §3,
 * pulumi/pulumi#8265). `configure` runs once per serialized provider per provider process and
 * sees the whole stack configuration with namespaced keys; values the stack does not set fall
 * back to `GITLAB_BASE_URL` / `GITLAB_TOKEN`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient } from "./gitlab";
import { GITLAB_CONFIG_KEYS } from "./gitlab/config-keys";
import { contextFrom, type ResourceContext } from "./resource/context";
import { engineLog } from "./resource/engine-log";

let settings: Record<string, string | undefined> = {};
let configured = false;
const context = contextFrom(() => settings, engineLog());
let replacement: GitLabClient | undefined;

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
  // The host configures each serialized provider it loads (the Runner's, the assignment's) with
  // the same stack config: keep the client, and what it has looked up and remembered
  // (`resource/lookups.ts`), unless the configuration changed.
  if (configured && sameSettings(next, settings)) return;
  configured = true;
  settings = next;
  context.reset();
}

function sameSettings(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
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
