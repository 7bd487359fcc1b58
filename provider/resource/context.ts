/**
 * What a resource's operations run with: the GitLab client of their provider configuration and
 * the log that reaches the engine. The dynamic front door has one per provider process
 * (`provider/configure.ts`); the plugin front door has one per configured provider instance.
 */
import { GitLabClient, type GitLabLogger, loadClientConfig } from "../gitlab";
import type { EngineLog } from "./engine-log";

export interface ResourceContext {
  /** The client; built on first use, so `check` and `diff` work without credentials. */
  client(): GitLabClient;
  /** Where warnings and progress go: the engine. */
  log: EngineLog;
}

/** The transport's logger, writing to the engine's log (debug lines at debug level). */
export function gitlabLoggerFor(log: EngineLog): GitLabLogger {
  return { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m) };
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
      client ??= new GitLabClient({
        ...loadClientConfig({ config: settings(), env, ...(namespace === undefined ? {} : { namespace }) }),
        logger: gitlabLoggerFor(log),
      });
      return client;
    },
    log,
    reset() {
      client = undefined;
    },
  };
}
