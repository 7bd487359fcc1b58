/**
 * The stack-config keys (namespace `gitlab:`) that {@link loadClientConfig} reads: the same keys
 * as @pulumi/gitlab where it has them, so one config serves both providers. A module of its own
 * so the SDK can read these keys in the program process without loading undici or zod.
 */
export const GITLAB_CONFIG_KEYS = [
  "baseUrl",
  "token",
  "authHeader",
  "cacertFile",
  "caCertFile",
  "insecure",
  "clientCert",
  "clientKey",
  "retries",
  "maxConcurrency",
  "timeoutMs",
  // Not the client's: whether a preview asks GitLab (provider/resource/online-checks.ts).
  "onlineChecks",
] as const;
