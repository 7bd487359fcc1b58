import {
  defaultFixture,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";
import { GitLabClient, type GitLabClientConfig, type GitLabLogger } from "../../provider/gitlab/index";

/** Every line a client logged, by level. */
export interface CapturedLogs {
  logger: GitLabLogger;
  debug: string[];
  info: string[];
  warn: string[];
  all(): string[];
}

/** A logger that keeps every line, for assertions and the redaction sweep. */
export function captureLogs(): CapturedLogs {
  const debug: string[] = [];
  const info: string[] = [];
  const warn: string[] = [];
  return {
    logger: { debug: (m) => debug.push(m), info: (m) => info.push(m), warn: (m) => warn.push(m) },
    debug,
    info,
    warn,
    all: () => [...debug, ...info, ...warn],
  };
}

/** Starts an emulator of `version` with registration tokens allowed (so both create flows work). */
export function startGitLab(
  version: GitlabVersion,
  options: { registrationTokensAllowed?: boolean } = {},
): Promise<RunningEmulator> {
  return startEmulator({
    gitlabVersion: version,
    fixture: { ...defaultFixture(), registrationTokensAllowed: options.registrationTokensAllowed ?? true },
  });
}

/** Fast retry settings so fault tests do not wait seconds for backoff. */
export const FAST_RETRIES: Partial<GitLabClientConfig> = {
  retryBaseDelayMs: 5,
  maxRetryWaitMs: 5_000,
  maxTotalRetryWaitMs: 10_000,
};

/** A client for `emulator` with `token`, logging into a fresh capture. */
export function clientFor(
  emulator: { url: string },
  token: string,
  overrides: Partial<GitLabClientConfig> = {},
): { client: GitLabClient; logs: CapturedLogs } {
  const logs = captureLogs();
  const client = new GitLabClient({
    baseUrl: emulator.url,
    token,
    logger: logs.logger,
    httpProxy: "",
    httpsProxy: "",
    noProxy: "",
    ...FAST_RETRIES,
    ...overrides,
  });
  return { client, logs };
}

/** Awaits `promise` and returns its rejection (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
