import type { Redactor } from "./redact";

/**
 * Where the GitLab layer writes its diagnostics. The provider maps it to Pulumi's log; tests
 * capture it. Every line passes through the client's redactor before it gets here.
 */
export interface GitLabLogger {
  /** Per-request detail: method, path template, status, duration, attempt, retries and waits. */
  debug(message: string): void;
  /** What a user should see while it happens: a retry and how long it waits. */
  info(message: string): void;
  /** Rate limiting and other slow-downs a user should see. */
  warn(message: string): void;
}

/** Discards everything; the default when no logger is configured. */
export const silentLogger: GitLabLogger = { debug() {}, info() {}, warn() {} };

/** Wraps `logger` so that each line is redacted first, and a throwing logger cannot break a request. */
export function redactingLogger(logger: GitLabLogger, redactor: Redactor): GitLabLogger {
  const safe =
    (write: (message: string) => void) =>
    (message: string): void => {
      try {
        write(redactor.redact(message));
      } catch {
        // A logger must never turn a successful request into a failure.
      }
    };
  return {
    debug: safe((m) => logger.debug(m)),
    info: safe((m) => logger.info(m)),
    warn: safe((m) => logger.warn(m)),
  };
}
