/**
 * Provider configuration: where the GitLab client comes from.
 *
 * The client (and the token inside it) lives in this module's state, never in the serialized
 * provider closure, so `__provider` holds no secret (DESIGN.md decisions 1–2, pulumi-engine.md §3,
 * pulumi/pulumi#8265). `configure` runs once per serialized provider per provider process and
 * sees the whole stack configuration with namespaced keys; values the stack does not set fall
 * back to `GITLAB_BASE_URL` / `GITLAB_TOKEN` (read by the transport's `loadClientConfig`).
 */
import { GitLabClient, loadClientConfig } from "./gitlab";
import { GITLAB_CONFIG_KEYS } from "./gitlab/config-keys";
import type { RunnerApi } from "./runner/api";

/** The stack configuration as the dynamic-provider host gives it (`dynamic.Config`). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/** The GitLab operations the resources use. */
export type ProviderClient = RunnerApi;

let stackConfig: Record<string, string | undefined> | undefined;
let client: ProviderClient | undefined;

/**
 * `configure`: remembers the stack's `gitlab:*` settings. The client is built on first use, so
 * `check` and `diff` (which need no HTTP) work in a preview even without credentials, and a
 * missing token is reported by the first operation that needs it.
 */
export async function configure(req: { config: ProviderConfig }): Promise<void> {
  const next: Record<string, string | undefined> = {};
  for (const key of GITLAB_CONFIG_KEYS) {
    const value = req.config.get(`gitlab:${key}`);
    if (value !== undefined) next[`gitlab:${key}`] = String(value);
  }
  stackConfig = next;
  client = undefined;
}

/** The client for this process; built from the stack config (or the environment) on first use. */
export function getClient(): ProviderClient {
  if (!client) {
    client = new GitLabClient(
      loadClientConfig({ config: stackConfig ?? {}, env: process.env }),
    ) as ProviderClient;
  }
  return client;
}

/** Replaces the client (tests); `undefined` goes back to building one from configuration. */
export function setClient(next: ProviderClient | undefined): void {
  client = next;
}
