/**
 * The provider configuration in the package schema: the same settings as the dynamic resources'
 * `gitlab:` keys (`provider/gitlab/config-keys.ts`), under the package's own namespace
 * (`gitlab-runners:baseUrl`, …). A key added there and not here does not compile.
 */
import type { GITLAB_CONFIG_KEYS } from "../provider/gitlab/config-keys";

type ConfigKey = (typeof GITLAB_CONFIG_KEYS)[number];

/**
 * The implementation's alias `caCertFile` is left out: names that differ only in case conflict
 * in the schema (Pulumi's validation warns, and case-insensitive languages cannot have both).
 */
type SchemaConfigKey = Exclude<ConfigKey, "caCertFile">;

interface ConfigSpec {
  readonly type: "string" | "boolean" | "integer";
  readonly description: string;
  readonly secret?: true;
}

/** Every setting: its type, what it does, its environment fallback and default. */
export const configVariables = {
  baseUrl: {
    type: "string",
    description:
      "GitLab's URL, with or without `/api/v4`, e.g. `https://gitlab.example.com`. Environment fallback: `GITLAB_BASE_URL`.",
  },
  token: {
    type: "string",
    secret: true,
    description:
      "A personal, group or project access token (or an OAuth token with `authHeader: bearer`). Environment fallback: `GITLAB_TOKEN`.",
  },
  authHeader: {
    type: "string",
    description:
      'How the token is sent: `"private-token"` (`PRIVATE-TOKEN` header) or `"bearer"`. Default: `"private-token"`.',
  },
  cacertFile: { type: "string", description: "PEM file of extra CAs to trust for GitLab (and the proxy)." },
  insecure: {
    type: "boolean",
    description: "Skip TLS certificate verification. For testing only. Default: `false`.",
  },
  clientCert: { type: "string", description: "PEM file of a client certificate for mutual TLS." },
  clientKey: { type: "string", description: "PEM file of the client certificate's private key." },
  retries: {
    type: "integer",
    description: "Retries after the first attempt, for requests that may be repeated. Default: `5`.",
  },
  maxConcurrency: {
    type: "integer",
    description: "Requests in flight at most per provider, whatever `pulumi up --parallel` is. Default: `8`.",
  },
  timeoutMs: {
    type: "integer",
    description: "Deadline of one operation in milliseconds, retries and waits included. Default: `120000`.",
  },
  onlineChecks: {
    type: "boolean",
    description:
      "Whether a preview asks GitLab (the connection, the token, paths, the runner an assignment names); `false` for " +
      "previews without GitLab or its token. Environment fallback: `GITLAB_ONLINE_CHECKS`. Default: `true`.",
  },
} as const satisfies Record<SchemaConfigKey, ConfigSpec>;

/** The settings' names, as the plugin's configuration takes them. */
export const CONFIG_KEYS = Object.keys(configVariables) as SchemaConfigKey[];

/** The settings of a type, e.g. the booleans that `CheckConfig` checks. */
export function configKeysOfType(type: ConfigSpec["type"]): SchemaConfigKey[] {
  return CONFIG_KEYS.filter((k) => configVariables[k].type === type);
}

/** The settings always stored as secrets. */
export const SECRET_CONFIG_KEYS = CONFIG_KEYS.filter((k) => "secret" in configVariables[k]);
