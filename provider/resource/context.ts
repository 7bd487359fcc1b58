/**
 * What a resource's operations run with: the GitLab client of their provider configuration, the
 * log that reaches the engine, and whether a preview may ask GitLab. The dynamic front door has
 * one per provider process (`provider/configure.ts`); the plugin front door has one per
 * configured provider instance.
 */
import { GitLabClient, type GitLabLogger, loadClientConfig } from "../gitlab";
import type { EngineLog } from "./engine-log";

export interface ResourceContext {
  /** The client; built on first use, so `check` and `diff` work without credentials. */
  client(): GitLabClient;
  /** Where warnings and progress go: the engine. */
  log: EngineLog;
  /** Whether `check` may ask GitLab (`gitlab:onlineChecks`, `GITLAB_ONLINE_CHECKS`; default true). */
  onlineChecks(): boolean;
}

/** The transport's logger, writing to the engine's log (debug lines at debug level). */
export function gitlabLoggerFor(log: EngineLog): GitLabLogger {
  return { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m) };
}

/** `false`, `0`, `no` and `off` turn a switch off; anything else (or nothing) leaves it on. */
function switchedOn(value: string | undefined): boolean {
  return value === undefined || !["false", "0", "no", "off"].includes(value.trim().toLowerCase());
}

/**
 * A context whose client is built, on first use, from `<namespace>:*` settings (stack config
 * keys such as `gitlab:baseUrl`, or bare keys) and the environment, and logs to `log`. A setting
 * that is missing or wrong is named in `namespace` (`gitlab:token` for the dynamic resources'
 * stack config, `gitlab-runners:token` for the plugin's provider configuration).
 */
export function contextFrom(
  settings: () => Record<string, string | undefined>,
  log: EngineLog,
  env: NodeJS.ProcessEnv = process.env,
  namespace?: string,
): ResourceContext & { reset(): void } {
  let client: GitLabClient | undefined;
  return {
    client() {
      if (client === undefined) {
        const config = loadClientConfig({
          config: settings(),
          env,
          ...(namespace === undefined ? {} : { namespace }),
        });
        client = new GitLabClient({ ...config, logger: gitlabLoggerFor(log) });
        if (config.insecure === true) {
          const ns = namespace ?? "gitlab";
          log.warn(
            `${ns}:insecure is true: GitLab's TLS certificate (${client.apiUrl}) is not verified, so anyone on the ` +
              `network path can read the token. Use it for testing only; give ${ns}:cacertFile for a private CA.`,
          );
        }
      }
      return client;
    },
    log,
    onlineChecks: () => {
      const all = settings();
      return switchedOn(
        all[`${namespace ?? "gitlab"}:onlineChecks`] ?? all.onlineChecks ?? env.GITLAB_ONLINE_CHECKS,
      );
    },
    reset() {
      client = undefined;
    },
  };
}
