import type { Dispatcher } from "undici";
import { GitLabError } from "./errors/gitlab-error";
import type { GitLabLogger } from "./logger";

/** How the user token is sent. */
export type AuthHeaderStyle = "private-token" | "bearer";

/**
 * Configuration of a {@link GitLabClient}. The stack-config keys are the same as
 * @pulumi/gitlab's, so one `gitlab:` config serves both providers.
 */
export interface GitLabClientConfig {
  /**
   * GitLab URL, with or without `/api/v4` and a trailing slash, e.g. `https://gitlab.example.com`
   * or `https://example.com/gitlab/api/v4/`. Credentials, query and fragment are rejected.
   * Stack config `gitlab:baseUrl`, environment `GITLAB_BASE_URL`. Required.
   */
  baseUrl: string;
  /**
   * Personal, group or project access token (or an OAuth token with `authHeader: "bearer"`).
   * Stack config `gitlab:token`, environment `GITLAB_TOKEN`. Required.
   */
  token: string;
  /**
   * `private-token` sends GitLab's `PRIVATE-TOKEN` header; `bearer` sends
   * `Authorization: Bearer` (needed for OAuth tokens). Stack config `gitlab:authHeader`.
   * @default "private-token"
   */
  authHeader?: AuthHeaderStyle;
  /**
   * PEM file of extra CAs to trust for GitLab (and the proxy), in addition to the system ones.
   * Stack config `gitlab:cacertFile` (@pulumi/gitlab `cacertFile`, Terraform `cacert_file`).
   * @default none (system CAs and NODE_EXTRA_CA_CERTS)
   */
  caCertFile?: string;
  /**
   * Skip TLS certificate verification. For testing only. Stack config `gitlab:insecure`.
   * @default false
   */
  insecure?: boolean;
  /**
   * PEM file of a client certificate for mutual TLS. Stack config `gitlab:clientCert`.
   * @default none
   */
  clientCert?: string;
  /**
   * PEM file of the client certificate's private key. Stack config `gitlab:clientKey`.
   * @default none
   */
  clientKey?: string;
  /**
   * Retries after the first attempt, for requests the retry policy allows to repeat
   * (DESIGN.md decision 9). Stack config `gitlab:retries`.
   * @default 5
   */
  retries?: number;
  /**
   * Requests in flight at most, whatever `pulumi up --parallel` is. Stack config
   * `gitlab:maxConcurrency`.
   * @default 8
   */
  maxConcurrency?: number;
  /**
   * Overall deadline of one operation in milliseconds, covering queueing, every attempt,
   * every wait and every page. Stack config `gitlab:timeoutMs`.
   * @default 120000
   */
  timeoutMs?: number;
  /**
   * TCP + TLS connect timeout per attempt, in milliseconds.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Time to receive the response headers per attempt, in milliseconds.
   * @default 60000
   */
  headersTimeoutMs?: number;
  /**
   * Longest silence between two body chunks per attempt, in milliseconds.
   * @default 30000
   */
  bodyTimeoutMs?: number;
  /**
   * Longest single wait before a retry. When GitLab asks for longer (`Retry-After`), the
   * operation fails with `rate_limited` instead of hammering it.
   * @default 60000
   */
  maxRetryWaitMs?: number;
  /**
   * Longest total of all waits in one operation.
   * @default 120000
   */
  maxTotalRetryWaitMs?: number;
  /**
   * First backoff step when GitLab gives no wait; doubled per retry, with jitter.
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * Proxy for `http:` GitLab URLs (and `https:` ones when no HTTPS proxy is set, as in undici).
   * `HTTP_PROXY`/`http_proxy` (lower case wins). An empty string means no proxy.
   * @default from the environment
   */
  httpProxy?: string;
  /**
   * Proxy for `https:` GitLab URLs. `HTTPS_PROXY`/`https_proxy`. An empty string means none.
   * @default from the environment
   */
  httpsProxy?: string;
  /**
   * Hosts that bypass the proxy (comma- or space-separated; `.example.com`, `*`, `host:port`).
   * `NO_PROXY`/`no_proxy`.
   * @default from the environment
   */
  noProxy?: string;
  /**
   * Receives debug lines (every request, retry and wait) and warnings (rate limiting). Lines are
   * redacted before they arrive.
   * @default discard
   */
  logger?: GitLabLogger;
  /**
   * An undici dispatcher to use instead of the shared per-process one (tests pass a MockAgent).
   * TLS and proxy options are then ignored.
   * @default the shared dispatcher for this TLS/proxy configuration
   */
  dispatcher?: Dispatcher;
  /**
   * Source of jitter in [0, 1), for deterministic tests.
   * @default Math.random
   */
  random?: () => number;
}

/** Where {@link loadClientConfig} reads from. */
export interface ClientConfigSource {
  /**
   * Stack configuration, keyed `gitlab:baseUrl` etc. (the bare key, `baseUrl`, is accepted too).
   * Wins over the environment.
   */
  config?: Readonly<Record<string, string | undefined>>;
  /** Environment variables. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds a client configuration from stack config and environment (config wins). A missing
 * or malformed value is a `GitLabError` with code `config` that names the key and never echoes
 * a secret value.
 */
export function loadClientConfig(source: ClientConfigSource): GitLabClientConfig {
  const env = source.env ?? process.env;
  const config = source.config ?? {};
  const get = (key: string): string | undefined => {
    const value = config[`gitlab:${key}`] ?? config[key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const baseUrl = get("baseUrl") ?? nonEmpty(env.GITLAB_BASE_URL);
  if (baseUrl === undefined) {
    throw configError(
      "gitlab:baseUrl",
      "is not set. Set it with `pulumi config set gitlab:baseUrl https://gitlab.example.com` or the GITLAB_BASE_URL environment variable",
    );
  }
  normaliseBaseUrl(baseUrl, get("baseUrl") === undefined ? "GITLAB_BASE_URL" : "gitlab:baseUrl");

  const token = get("token") ?? nonEmpty(env.GITLAB_TOKEN);
  if (token === undefined) {
    throw configError(
      "gitlab:token",
      "is not set. Set it with `pulumi config set --secret gitlab:token …` or the GITLAB_TOKEN environment variable",
    );
  }
  if (/\s/.test(token)) {
    throw configError(
      get("token") === undefined ? "GITLAB_TOKEN" : "gitlab:token",
      "contains whitespace; copy the token again",
    );
  }

  const out: GitLabClientConfig = { baseUrl, token };
  const authHeader = get("authHeader");
  if (authHeader !== undefined) {
    const style = authHeader.toLowerCase();
    if (style !== "private-token" && style !== "bearer") {
      throw configError("gitlab:authHeader", `must be "private-token" or "bearer", got "${authHeader}"`);
    }
    out.authHeader = style;
  }
  const caCertFile = get("cacertFile") ?? get("caCertFile");
  if (caCertFile !== undefined) out.caCertFile = caCertFile;
  const insecure = get("insecure");
  if (insecure !== undefined) out.insecure = parseBoolean("gitlab:insecure", insecure);
  const clientCert = get("clientCert");
  const clientKey = get("clientKey");
  if ((clientCert === undefined) !== (clientKey === undefined)) {
    throw configError(
      clientCert === undefined ? "gitlab:clientCert" : "gitlab:clientKey",
      "must be set together with " + (clientCert === undefined ? "gitlab:clientKey" : "gitlab:clientCert"),
    );
  }
  if (clientCert !== undefined) out.clientCert = clientCert;
  if (clientKey !== undefined) out.clientKey = clientKey;
  const retries = get("retries");
  if (retries !== undefined) out.retries = parseInteger("gitlab:retries", retries, 0, 20);
  const maxConcurrency = get("maxConcurrency");
  if (maxConcurrency !== undefined)
    out.maxConcurrency = parseInteger("gitlab:maxConcurrency", maxConcurrency, 1, 256);
  const timeoutMs = get("timeoutMs");
  if (timeoutMs !== undefined) out.timeoutMs = parseInteger("gitlab:timeoutMs", timeoutMs, 1, 3_600_000);

  const httpProxy = nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY);
  const httpsProxy = nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY);
  const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
  // Always set (empty means none) so the client does not fall back to process.env when the
  // caller passed a different environment.
  out.httpProxy = httpProxy === undefined ? "" : checkProxy("HTTP_PROXY", httpProxy);
  out.httpsProxy = httpsProxy === undefined ? "" : checkProxy("HTTPS_PROXY", httpsProxy);
  out.noProxy = noProxy ?? "";
  return out;
}

/**
 * Normalises a GitLab URL to its API root, e.g. `https://host/gitlab/api/v4`. Accepts the
 * instance URL or the API URL, with or without a trailing slash (@pulumi/gitlab wants
 * `…/api/v4/`; users often give just the host).
 */
export function normaliseBaseUrl(raw: string, key = "gitlab:baseUrl"): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw configError(key, "is not a valid URL; expected something like https://gitlab.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw configError(key, `must use http or https, got ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw configError(key, "must not contain credentials; put the token in gitlab:token");
  }
  if (url.search !== "" || url.hash !== "") throw configError(key, "must not contain a query or fragment");
  let path = url.pathname.replace(/\/+$/, "");
  if (!/\/api\/v4$/.test(path)) path = `${path}/api/v4`;
  return `${url.origin}${path}`;
}

function checkProxy(key: string, value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    new URL(withScheme);
  } catch {
    throw configError(key, "is not a valid proxy URL");
  }
  return withScheme;
}

function parseBoolean(key: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (["true", "1", "yes", "on"].includes(lower)) return true;
  if (["false", "0", "no", "off"].includes(lower)) return false;
  throw configError(key, `must be true or false, got "${value}"`);
}

function parseInteger(key: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw configError(key, `must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw configError(key, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A configuration error naming `key`; `problem` must never contain a secret value. */
export function configError(key: string, problem: string): GitLabError {
  return new GitLabError({
    code: "config",
    summary: `GitLab provider configuration: ${key} ${problem}.`,
    method: "-",
    path: "-",
    attempts: 0,
  });
}
