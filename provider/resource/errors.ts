/**
 * The resource layer's errors, and how it reads the transport's.
 *
 * One family: the transport raises `GitLabError` (`provider/gitlab/errors/gitlab-error.ts`), the
 * resources raise {@link ProviderError}, which says what went wrong in the program's terms and
 * what to do, keeps the transport's stable `code` (or one of its own) and carries GitLab's error
 * as `cause`. Both are redacted when built: a `ProviderError`'s text comes from the program's
 * inputs and from `GitLabError` messages, which the transport has already redacted.
 */
import { type GitLabErrorCode, PLAN_LIMIT } from "../gitlab";

/** The fields of a `GitLabError` this layer reads; by `code`, never by message text. */
interface CodedError {
  code?: unknown;
  status?: unknown;
  outcomeUnknown?: unknown;
  gitlabMessage?: unknown;
  message?: unknown;
}

function fields(err: unknown): CodedError | undefined {
  return typeof err === "object" && err !== null ? (err as CodedError) : undefined;
}

/** True when `err` carries the stable `code` (a `GitLabError`'s or a `ProviderError`'s). */
export function hasCode(err: unknown, ...codes: readonly string[]): boolean {
  const code = fields(err)?.code;
  return typeof code === "string" && codes.includes(code);
}

/** True for a 404 of a known route: the runner, project or group does not exist (or is invisible). */
export function isNotFound(err: unknown): boolean {
  return hasCode(err, "not_found");
}

/** True when this token may not read or do the thing (a missing role or scope). */
export function isRefused(err: unknown): boolean {
  return hasCode(err, "forbidden", "insufficient_scope");
}

/**
 * True when a request may have been applied although no definite answer came back (the
 * transport's `outcomeUnknown`: the connection dropped or timed out after sending, or a 5xx).
 */
export function isOutcomeUnknown(err: unknown): boolean {
  return fields(err)?.outcomeUnknown === true;
}

/**
 * GitLab's own message: a string, or a model-validation hash (13.x `{"assign_to": [...]}`)
 * flattened to `key message, message; key message`. Empty when GitLab said nothing (a network
 * failure): callers match GitLab's refusal reasons against it.
 */
export function gitlabMessageText(err: unknown): string {
  const m = fields(err)?.gitlabMessage;
  if (typeof m === "string") return m;
  if (m && typeof m === "object") {
    return Object.entries(m as Record<string, unknown>)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(", ") : String(v)}`)
      .join("; ");
  }
  return "";
}

/** The message of any thrown value (a `GitLabError`'s is already redacted). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What GitLab said, for the end of an explanation: its status and message where it answered
 * (the transport's hint is left out: the explanation already says what to do), else the
 * transport's whole message (network failures, timeouts).
 */
export function gitlabSays(err: unknown): string {
  const text = gitlabMessageText(err);
  if (text === "") return errorText(err);
  const status = fields(err)?.status;
  return `GitLab answered ${typeof status === "number" ? `${status} ` : ""}${JSON.stringify(text)}`;
}

/** The resource layer's own codes, beside the transport's {@link GitLabErrorCode}s it passes on. */
export const PROVIDER_ERROR_CODES = [
  /** An input is missing or malformed (found after `check`, e.g. an id in state of the wrong shape). */
  "invalid_input",
  /** A creation's answer was lost, and GitLab's state cannot tell which runner it made. */
  "creation_ambiguous",
  /** A creation's answer was lost, and looking for what it made failed; nothing was posted again. */
  "creation_unconfirmed",
  /** GitLab refused to assign a runner for a reason the program can fix (locked, group or instance runner). */
  "assignment_refused",
  /** The runner to adopt is already managed by another Pulumi resource (its note carries that resource's creation mark). */
  "adoption_refused",
] as const;

/** One of {@link PROVIDER_ERROR_CODES}, or the transport's code of the failure being explained. */
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number] | GitLabErrorCode;

const kProviderError = Symbol.for("pulumi-gitlab-runners.ProviderError");

/**
 * The error the resources and read functions raise: an explanation in the program's terms (the
 * resource's argument, what to change), a stable `code`, and the transport's error as `cause`.
 */
export class ProviderError extends Error {
  override readonly name: string = "ProviderError";
  /** Stable code: the transport's, when this explains a GitLab failure, else one of {@link PROVIDER_ERROR_CODES}. */
  readonly code: ProviderErrorCode;
  readonly [kProviderError] = true;

  /**
   * @param code - stable code; when omitted, the `cause`'s transport code, else `invalid_input`
   * @param message - the whole message (callers decide how much of GitLab's answer to quote)
   */
  constructor(message: string, options: { code?: ProviderErrorCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const inherited = fields(options.cause)?.code;
    this.code =
      options.code ?? (typeof inherited === "string" ? (inherited as ProviderErrorCode) : "invalid_input");
  }

  /** Brand check that works across duplicate copies of this package. */
  static is(value: unknown): value is ProviderError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[kProviderError] === true
    );
  }

  /**
   * An explanation followed by what GitLab answered (`… (GitLab answered 403 "Runner is locked")`),
   * keeping the transport's code.
   */
  static explaining(message: string, cause: unknown, code?: ProviderErrorCode): ProviderError {
    return new ProviderError(cause === undefined ? message : `${message} (${gitlabSays(cause)})`, {
      cause,
      ...(code === undefined ? {} : { code }),
    });
  }
}

/**
 * Something exists in GitLab although the operation failed part-way: the engine must record it
 * rather than forget it. The dynamic-provider host turns an error with `id`, `properties` and
 * `reasons` into a partially created (or updated) resource (`grpcResponseFromError` in
 * `@pulumi/pulumi/cmd/dynamic-provider`, `ErrorResourceInitFailed`), and so does the plugin
 * server. `properties` are the outputs to record; the front door adds what it must (the
 * dynamic host needs `__provider` in them, or later operations cannot load the provider).
 */
export class PartialStateError extends ProviderError {
  override readonly name = "PartialStateError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(message: string, state: { id: string; properties: Record<string, unknown>; cause: unknown }) {
    super(message, { cause: state.cause });
    this.id = state.id;
    this.properties = state.properties;
    this.reasons = [errorText(state.cause)];
  }
}

/**
 * A plan limit GitLab refused with (`limit_exceeded`), explained: which limit, what counts
 * towards it and what to do; `undefined` for any other failure. `refused` says what GitLab
 * refused, e.g. "GitLab refused to create the runner".
 */
export function planLimitError(err: unknown, refused: string): ProviderError | undefined {
  if (!hasCode(err, "limit_exceeded")) return undefined;
  const match = PLAN_LIMIT.exec(gitlabMessageText(err));
  const scope = match?.[2]?.toLowerCase() === "group" ? "group" : "project";
  const limit = `ci_registered_${scope}_runners`;
  const count = match?.[3];
  return ProviderError.explaining(
    `${refused}: the ${scope} already has ${count ?? "as many"} registered runners as GitLab's plan limit ` +
      `${limit}${count ? ` (${count})` : ""} allows. Runners that are stale (not contacted or created within ` +
      "GitLab's stale window) do not count. Delete runners it no longer uses, or ask an administrator to raise or " +
      "remove the limit (Admin area → Settings → CI/CD → CI/CD limits, or PUT /api/v4/application/plan_limits; " +
      "0 removes it), then run pulumi up again.",
    err,
  );
}
