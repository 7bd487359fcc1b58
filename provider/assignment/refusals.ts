/**
 * How the assignment reads the transport's coded errors (by `code`, and GitLab's own message
 * only where GitLab gives no other way to tell two refusals apart), and the errors it raises:
 * each says what is wrong and how to fix it.
 */

/** The fields of the transport's `GitLabError` this layer reads. */
interface CodedError {
  code?: unknown;
  status?: unknown;
  outcomeUnknown?: unknown;
  gitlabMessage?: unknown;
  message?: unknown;
  hint?: unknown;
}

/** True when `err` carries the transport's stable `code`. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as CodedError).code === code;
}

/** True when the request may have been applied though no definite answer came back. */
export function isOutcomeUnknown(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as CodedError).outcomeUnknown === true;
}

/** GitLab's message (a string, or a validation hash flattened to text). */
export function gitlabMessageText(err: unknown): string {
  if (typeof err !== "object" || err === null) return "";
  const m = (err as CodedError).gitlabMessage;
  if (typeof m === "string") return m;
  if (m && typeof m === "object") {
    return Object.entries(m as Record<string, unknown>)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(", ") : String(v)}`)
      .join("; ");
  }
  return "";
}

/** The message of any thrown value (already redacted by the transport). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What GitLab said, for the end of an error message: its status and message where it answered
 * (the transport's own hint is left out: the assignment's message already says what to do),
 * else the transport's whole message (network failures, timeouts).
 */
export function gitlabSays(err: unknown): string {
  const text = gitlabMessageText(err);
  if (text === "") return errorText(err);
  const status = typeof err === "object" && err !== null ? (err as CodedError).status : undefined;
  return `GitLab answered ${typeof status === "number" ? `${status} ` : ""}${JSON.stringify(text)}`;
}

/**
 * GitLab's refusal reasons (`forbidden!(reason)` in lib/api/ci/runners.rb and
 * app/services/ci/runners/{assign,unassign}_runner_service.rb; reference §8). GitLab answers all
 * of them with a 403 and no other distinguishing field, so the reason text is what there is.
 */
export const REASON = {
  locked: /runner is locked/i,
  groupRunner: /runner is a group runner/i,
  noAccess: /no access granted/i,
  /** 400 "has already been taken" (modern string; 13.x `{"assign_to": [...]}` hash). */
  alreadyTaken: /has already been taken/i,
  /** Modern GitLab refuses to turn an instance runner into a project runner (reference §2). */
  instanceTransition: /instance runner to a project runner/i,
  /** ≤ 17.x: "Only one project associated with the runner. Please remove the runner instead". */
  onlyProject: /only one project associated/i,
  /** 18.x admins: "You cannot unassign a runner from the owner project. Delete the runner instead". */
  ownerProject: /owner project/i,
} as const;

/** The error `create`, `read` and `delete` throw: the explanation, then GitLab's own words. */
export class AssignmentError extends Error {
  override readonly name = "AssignmentError";
  /** The transport's code of the underlying failure, when there was one. */
  readonly code: string | undefined;

  constructor(message: string, cause?: unknown) {
    const code =
      typeof cause === "object" && cause !== null && typeof (cause as CodedError).code === "string"
        ? ((cause as CodedError).code as string)
        : undefined;
    super(cause === undefined ? message : `${message} (${gitlabSays(cause)})`);
    this.code = code;
  }
}
