/**
 * Errors the Runner resource raises, and how it reads the transport's coded errors.
 */

/** The fields of the transport's `GitLabError` this layer branches on (by `code`, never text). */
interface CodedError {
  code?: unknown;
  status?: unknown;
  outcomeUnknown?: unknown;
  gitlabMessage?: unknown;
  message?: unknown;
}

/** True when `err` carries the transport's stable `code`. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as CodedError).code === code;
}

/** True for a 404 of a known route (the runner is gone). */
export function isNotFound(err: unknown): boolean {
  return hasCode(err, "not_found");
}

/**
 * True when a request may have been applied though no definite answer came back (the
 * transport's `outcomeUnknown`: the connection dropped or timed out after sending).
 */
export function isOutcomeUnknown(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as CodedError).outcomeUnknown === true;
}

/** GitLab's message text (e.g. "403 Forbidden - Runner associated with more than one project"). */
export function gitlabMessageText(err: unknown): string {
  if (typeof err !== "object" || err === null) return String(err);
  const m = (err as CodedError).gitlabMessage;
  if (typeof m === "string") return m;
  if (m && typeof m === "object") return JSON.stringify(m);
  return typeof (err as CodedError).message === "string" ? ((err as CodedError).message as string) : "";
}

/** The message of any thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error shape the dynamic-provider host turns into a partially-created resource
 * (`grpcResponseFromError` in `@pulumi/pulumi/cmd/dynamic-provider`, `ErrorResourceInitFailed`):
 * the engine records `id` and `properties` in state instead of forgetting a runner that exists.
 * The host does not add `__provider` to these properties, so callers must include it, or later
 * refresh/update/destroy of the recorded resource cannot load the provider.
 */
export class RunnerInitError extends Error {
  override readonly name = "RunnerInitError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(message: string, id: string, properties: Record<string, unknown>, reasons: string[]) {
    super(message);
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}
