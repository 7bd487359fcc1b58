import type { Dispatcher } from "undici";
import { z } from "zod";
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
   * (docs/design.md decision 9). Stack config `gitlab:retries`.
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
  /**
   * The stack-config namespace the settings are named by in error messages (`gitlab` →
   * `gitlab:cacertFile`). {@link loadClientConfig} sets it from its source.
   * @default "gitlab"
   */
  configNamespace?: string;
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
  /**
   * The namespace of the stack-config keys: `config` is read as `<namespace>:baseUrl` (or the
   * bare key), and a problem is reported against that name. The dynamic resources read the
   * stack's `gitlab:` keys; a provider plugin gets its settings under its own package name.
   * @default "gitlab"
   */
  namespace?: string;
}

/** The configuration with every default applied: what the client runs with. */
export type ResolvedClientConfig = Required<
  Omit<
    GitLabClientConfig,
    "caCertFile" | "clientCert" | "clientKey" | "logger" | "dispatcher" | "configNamespace"
  >
> &
  Pick<
    GitLabClientConfig,
    "caCertFile" | "clientCert" | "clientKey" | "logger" | "dispatcher" | "configNamespace"
  >;

/** The namespace settings are read from and named by when none is given. */
export const DEFAULT_NAMESPACE = "gitlab";

/** The bounds of each numeric setting, and its default; `stack`: a stack-config key of its own. */
const NUMBERS = {
  retries: { stack: true, min: 0, max: 20, whole: true, fallback: 5 },
  maxConcurrency: { stack: true, min: 1, max: 256, whole: true, fallback: 8 },
  timeoutMs: { stack: true, min: 1, max: 3_600_000, whole: false, fallback: 120_000 },
  connectTimeoutMs: { stack: false, min: 1, max: 3_600_000, whole: false, fallback: 10_000 },
  headersTimeoutMs: { stack: false, min: 1, max: 3_600_000, whole: false, fallback: 60_000 },
  bodyTimeoutMs: { stack: false, min: 1, max: 3_600_000, whole: false, fallback: 30_000 },
  maxRetryWaitMs: { stack: false, min: 0, max: 3_600_000, whole: false, fallback: 60_000 },
  maxTotalRetryWaitMs: { stack: false, min: 0, max: 3_600_000, whole: false, fallback: 120_000 },
  retryBaseDelayMs: { stack: false, min: 0, max: 3_600_000, whole: false, fallback: 500 },
} as const;

/** A problem with one setting, reported against its key. */
function problem(ctx: z.core.$RefinementCtx, key: string, text: string): never {
  ctx.addIssue({ code: "custom", message: text, path: [key] });
  return z.NEVER;
}

/** A number setting: a number, or a whole number written as a string (stack config is text). */
function numberSetting(name: keyof typeof NUMBERS) {
  const { min, max, whole, fallback } = NUMBERS[name];
  return z
    .union([z.number(), z.string()])
    .optional()
    .transform((raw, ctx): number => {
      if (raw === undefined) return fallback;
      if (typeof raw === "string" && !/^\d+$/.test(raw.trim()))
        return problem(ctx, name, `must be a whole number, got "${raw}"`);
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min || n > max)
        return problem(ctx, name, `must be between ${min} and ${max}, got ${String(raw)}`);
      return whole ? Math.floor(n) : n;
    });
}

/** A boolean setting: a boolean, or `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`) as text. */
const booleanSetting = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((raw, ctx): boolean => {
    if (raw === undefined) return false;
    if (typeof raw === "boolean") return raw;
    const lower = raw.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(lower)) return true;
    if (["false", "0", "no", "off"].includes(lower)) return false;
    return problem(ctx, "insecure", `must be true or false, got "${raw}"`);
  });

/** A proxy URL; a bare `host:port` gets `http://`. An empty string means no proxy. */
const proxySetting = (name: string) =>
  z.string().transform((raw, ctx): string => {
    const value = raw.trim();
    if (value === "") return "";
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
    try {
      new URL(withScheme);
    } catch {
      return problem(ctx, name, "is not a valid proxy URL");
    }
    return withScheme;
  });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/**
 * Every rule of the client's configuration, in one schema: stack config (text), the environment
 * (text) and a configuration given in code (typed) all pass through it, and come out with every
 * default applied.
 */
const clientConfigSchema = z
  .object({
    baseUrl: z.string().transform((raw, ctx) => {
      const parsed = parseBaseUrl(raw);
      return typeof parsed === "object" ? problem(ctx, "baseUrl", parsed.problem) : raw.trim();
    }),
    token: z.string().transform((raw, ctx) => {
      const token = raw.trim();
      if (token === "") return problem(ctx, "token", "is empty");
      if (/\s/.test(token)) return problem(ctx, "token", "contains whitespace; copy the token again");
      return token;
    }),
    authHeader: z
      .string()
      .optional()
      .transform((raw, ctx): AuthHeaderStyle => {
        if (raw === undefined) return "private-token";
        const style = raw.trim().toLowerCase();
        if (style === "private-token" || style === "bearer") return style;
        return problem(ctx, "authHeader", `must be "private-token" or "bearer", got "${raw}"`);
      }),
    caCertFile: optionalText,
    insecure: booleanSetting,
    clientCert: optionalText,
    clientKey: optionalText,
    retries: numberSetting("retries"),
    maxConcurrency: numberSetting("maxConcurrency"),
    timeoutMs: numberSetting("timeoutMs"),
    connectTimeoutMs: numberSetting("connectTimeoutMs"),
    headersTimeoutMs: numberSetting("headersTimeoutMs"),
    bodyTimeoutMs: numberSetting("bodyTimeoutMs"),
    maxRetryWaitMs: numberSetting("maxRetryWaitMs"),
    maxTotalRetryWaitMs: numberSetting("maxTotalRetryWaitMs"),
    retryBaseDelayMs: numberSetting("retryBaseDelayMs"),
    httpProxy: proxySetting("httpProxy").optional(),
    httpsProxy: proxySetting("httpsProxy").optional(),
    noProxy: z
      .string()
      .optional()
      .transform((v) => v?.trim()),
    logger: z.custom<GitLabLogger>().optional(),
    dispatcher: z.custom<Dispatcher>().optional(),
    random: z
      .custom<() => number>()
      .optional()
      .transform((v) => v ?? Math.random),
  })
  .superRefine((v, ctx) => {
    if ((v.clientCert === undefined) !== (v.clientKey === undefined)) {
      const missing = v.clientCert === undefined ? "clientCert" : "clientKey";
      const other = v.clientCert === undefined ? "clientKey" : "clientCert";
      // `{name}` is replaced by the setting's key in the caller's namespace (see `validate`).
      ctx.addIssue({ code: "custom", path: [missing], message: `must be set together with {${other}}` });
    }
  });

/** The config keys a setting's problems are reported against (`gitlab:…`, or the env variable it came from). */
type KeyNames = Partial<Record<string, string>>;

/** The settings that are not stack-config keys, by the environment variable they come from. */
const ENV_ONLY: Record<string, string> = {
  httpProxy: "HTTP_PROXY",
  httpsProxy: "HTTPS_PROXY",
  noProxy: "NO_PROXY",
};

/** The name a setting is known by to the user: its stack-config key in `namespace`, its env variable, or itself. */
export function settingKey(name: string, namespace = DEFAULT_NAMESPACE): string {
  if (name in ENV_ONLY) return ENV_ONLY[name]!;
  if (name in NUMBERS && !NUMBERS[name as keyof typeof NUMBERS].stack) return name;
  // The stack key keeps @pulumi/gitlab's spelling (`cacertFile`).
  return `${namespace}:${name === "caCertFile" ? "cacertFile" : name}`;
}

/** `text` with each `{setting}` replaced by that setting's key in `namespace`. */
function namedIn(text: string, namespace: string): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => settingKey(name, namespace));
}

function validate(
  input: Record<string, unknown>,
  keys: KeyNames = {},
  namespace = DEFAULT_NAMESPACE,
): ResolvedClientConfig {
  const parsed = clientConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data as ResolvedClientConfig;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? "");
  // Zod's own type errors (a number where text belongs) name no value: never echo one (a token).
  const text = issue.code === "custom" ? namedIn(issue.message, namespace) : "has the wrong type";
  throw configError(keys[name] ?? settingKey(name, namespace), text);
}

/**
 * The proxy settings from the environment: `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`,
 * `no_proxy`/`NO_PROXY`, lower case winning as in curl. The only place the provider reads them.
 */
function proxiesFrom(env: NodeJS.ProcessEnv): { httpProxy: string; httpsProxy: string; noProxy: string } {
  const pick = (lower: string, upper: string) => nonEmpty(env[lower]) ?? nonEmpty(env[upper]) ?? "";
  return {
    httpProxy: pick("http_proxy", "HTTP_PROXY"),
    httpsProxy: pick("https_proxy", "HTTPS_PROXY"),
    noProxy: pick("no_proxy", "NO_PROXY"),
  };
}

/**
 * A configuration given in code, validated and completed with the defaults (and the proxy
 * settings of `process.env` where it gives none). Throws a `GitLabError` with code `config` that
 * names the key and never echoes a secret value.
 */
export function resolveClientConfig(config: GitLabClientConfig): ResolvedClientConfig {
  const proxies = proxiesFrom(process.env);
  const { configNamespace, ...settings } = config;
  const resolved = validate(
    {
      ...settings,
      httpProxy: config.httpProxy ?? proxies.httpProxy,
      httpsProxy: config.httpsProxy ?? proxies.httpsProxy,
      noProxy: config.noProxy ?? proxies.noProxy,
    },
    {},
    configNamespace,
  );
  return configNamespace === undefined ? resolved : { ...resolved, configNamespace };
}

/**
 * Builds a client configuration from stack config and environment (config wins). A missing
 * or malformed value is a `GitLabError` with code `config` that names the key and never echoes
 * a secret value. Returns only what was set (and the proxy settings, always, so the client does
 * not read another environment); {@link resolveClientConfig} adds the defaults.
 */
export function loadClientConfig(source: ClientConfigSource): GitLabClientConfig {
  const env = source.env ?? process.env;
  const config = source.config ?? {};
  const ns = source.namespace ?? DEFAULT_NAMESPACE;
  const get = (key: string): string | undefined => nonEmpty(config[`${ns}:${key}`] ?? config[key]);

  const raw: Record<string, unknown> = {};
  const keys: KeyNames = {};
  // The two settings without a default: stack config, else the environment variable.
  const required = [
    ["baseUrl", "GITLAB_BASE_URL", `\`pulumi config set ${ns}:baseUrl https://gitlab.example.com\``],
    ["token", "GITLAB_TOKEN", `\`pulumi config set --secret ${ns}:token …\``],
  ] as const;
  for (const [name, variable, how] of required) {
    const fromConfig = get(name);
    const value = fromConfig ?? nonEmpty(env[variable]);
    if (value === undefined) {
      throw configError(
        `${ns}:${name}`,
        `is not set. Set it with ${how} or the ${variable} environment variable`,
      );
    }
    raw[name] = value;
    if (fromConfig === undefined) keys[name] = variable;
  }
  const text = {
    authHeader: get("authHeader"),
    caCertFile: get("cacertFile") ?? get("caCertFile"),
    insecure: get("insecure"),
    clientCert: get("clientCert"),
    clientKey: get("clientKey"),
    retries: get("retries"),
    maxConcurrency: get("maxConcurrency"),
    timeoutMs: get("timeoutMs"),
  };
  for (const [name, value] of Object.entries(text)) if (value !== undefined) raw[name] = value;
  const proxies = proxiesFrom(env);
  const resolved = validate({ ...raw, ...proxies }, keys, ns);
  // What was set, typed; the defaults stay out so callers can tell what the user chose.
  const out: GitLabClientConfig = { baseUrl: resolved.baseUrl, token: resolved.token };
  if (source.namespace !== undefined) out.configNamespace = ns;
  for (const name of Object.keys(text) as (keyof typeof text)[]) {
    if (text[name] !== undefined) (out as unknown as Record<string, unknown>)[name] = resolved[name];
  }
  out.httpProxy = resolved.httpProxy;
  out.httpsProxy = resolved.httpsProxy;
  out.noProxy = resolved.noProxy;
  return out;
}

/**
 * Normalises a GitLab URL to its API root, e.g. `https://host/gitlab/api/v4`. Accepts the
 * instance URL or the API URL, with or without a trailing slash (@pulumi/gitlab wants
 * `…/api/v4/`; users often give just the host).
 */
export function normaliseBaseUrl(raw: string, key = "gitlab:baseUrl"): string {
  const result = parseBaseUrl(raw);
  if (typeof result === "object")
    throw configError(key, namedIn(result.problem, key.split(":")[0] ?? DEFAULT_NAMESPACE));
  return result;
}

/** The API root of `raw`, or what is wrong with it. */
function parseBaseUrl(raw: string): string | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { problem: "is not a valid URL; expected something like https://gitlab.example.com" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { problem: `must use http or https, got ${url.protocol.replace(/:$/, "")}` };
  }
  if (url.username !== "" || url.password !== "") {
    return { problem: "must not contain credentials; put the token in {token}" };
  }
  if (url.search !== "" || url.hash !== "") return { problem: "must not contain a query or fragment" };
  let path = url.pathname.replace(/\/+$/, "");
  if (!/\/api\/v4$/.test(path)) path = `${path}/api/v4`;
  return `${url.origin}${path}`;
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
