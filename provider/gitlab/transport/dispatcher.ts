import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici";
import { configError, settingKey } from "../config";

/** The TLS, proxy and pool settings that make two dispatchers different. */
export interface DispatcherSettings {
  /** PEM file of extra trusted CAs (`gitlab:cacertFile`). */
  caCertFile?: string | undefined;
  /** Skip certificate verification (`gitlab:insecure`). */
  insecure?: boolean | undefined;
  /** PEM client certificate file (`gitlab:clientCert`). */
  clientCert?: string | undefined;
  /** PEM client key file (`gitlab:clientKey`). */
  clientKey?: string | undefined;
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
  /** Connections per origin. */
  connections: number;
  connectTimeoutMs: number;
  /** The stack-config namespace errors name the settings in. @default "gitlab" */
  namespace?: string | undefined;
}

const shared = new Map<string, Dispatcher>();

/**
 * The dispatcher for these settings, created once per process (docs/design.md decision 11). All
 * resources of a deployment run in one provider process, so sharing one pool gives keep-alive
 * and TLS session reuse; distinct TLS or proxy settings get their own.
 */
export function sharedDispatcher(settings: DispatcherSettings): Dispatcher {
  const key = JSON.stringify([
    settings.caCertFile ?? null,
    settings.insecure === true,
    settings.clientCert ?? null,
    settings.clientKey ?? null,
    settings.httpProxy ?? null,
    settings.httpsProxy ?? null,
    settings.noProxy ?? null,
    settings.connections,
    settings.connectTimeoutMs,
  ]);
  let dispatcher = shared.get(key);
  if (dispatcher === undefined) {
    dispatcher = createDispatcher(settings);
    shared.set(key, dispatcher);
  }
  return dispatcher;
}

/** Closes every shared dispatcher (end of process, or between tests). */
export async function closeSharedDispatchers(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.allSettled(all.map((d) => d.close()));
}

/** Builds a new dispatcher; prefer {@link sharedDispatcher}. */
export function createDispatcher(settings: DispatcherSettings): Dispatcher {
  const tlsOptions: { ca?: string[]; rejectUnauthorized?: boolean; cert?: string; key?: string } = {};
  if (settings.caCertFile !== undefined) {
    // Passing `ca` replaces Node's default trust store, so add the defaults (including
    // NODE_EXTRA_CA_CERTS where Node exposes them) back in.
    tlsOptions.ca = [
      ...defaultCaCertificates(),
      readPem(settings.caCertFile, settingKey("caCertFile", settings.namespace)),
    ];
  }
  if (settings.insecure === true) tlsOptions.rejectUnauthorized = false;
  if (settings.clientCert !== undefined)
    tlsOptions.cert = readPem(settings.clientCert, settingKey("clientCert", settings.namespace));
  if (settings.clientKey !== undefined)
    tlsOptions.key = readPem(settings.clientKey, settingKey("clientKey", settings.namespace));

  const poolOptions = {
    // Bounded: undici's default is unlimited connections per origin (https://github.com/nodejs/undici/blob/main/docs/docs/api/Pool.md).
    connections: settings.connections,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
    // HTTP/1.1 everywhere, so that `connections` bounds concurrency the same way against every
    // GitLab and the emulator (undici 8 negotiates h2 by default).
    allowH2: false,
  };
  const connect = { ...tlsOptions, timeout: settings.connectTimeoutMs };

  const proxied = settings.httpProxy !== undefined || settings.httpsProxy !== undefined;
  if (!proxied) return new Agent({ ...poolOptions, connect });

  const proxyOptions: ConstructorParameters<typeof EnvHttpProxyAgent>[0] = {
    ...poolOptions,
    connect,
    // Through a proxy the TLS to GitLab is set per tunnelled request (`requestTls`,
    // https://github.com/nodejs/undici/blob/main/docs/docs/api/ProxyAgent.md), and a TLS proxy
    // gets the same trust (`proxyTls`).
    requestTls: { ...tlsOptions, timeout: settings.connectTimeoutMs },
    proxyTls: { ...tlsOptions, timeout: settings.connectTimeoutMs },
    // Explicit values (even empty ones) stop undici from reading process.env again: the
    // settings were already resolved from the environment the caller chose.
    httpProxy: settings.httpProxy ?? "",
    httpsProxy: settings.httpsProxy ?? "",
    noProxy: settings.noProxy ?? "",
  };
  return new EnvHttpProxyAgent(proxyOptions);
}

function defaultCaCertificates(): readonly string[] {
  const getter = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return typeof getter === "function" ? getter("default") : tls.rootCertificates;
}

function readPem(file: string, key: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw configError(
      key,
      `names a file that cannot be read (${typeof code === "string" ? code : "error"}): ${file}`,
    );
  }
  if (!text.includes("-----BEGIN ")) throw configError(key, `names a file that is not PEM: ${file}`);
  return text;
}
