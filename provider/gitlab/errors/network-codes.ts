import type { GitLabErrorCode } from "./gitlab-error";

// Errors are matched by `code`, not `instanceof`, because Node's bundled undici and ours may
// differ (https://github.com/nodejs/undici/blob/main/docs/docs/api/Errors.md).

/** Failures that happen while connecting: the request was certainly not written. */
export const CONNECT_PHASE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

/** Certificate problems are permanent: retrying cannot fix them. */
export function isTlsCode(code: string): boolean {
  return (
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code.startsWith("CERT_") ||
    code.startsWith("UNABLE_TO_") ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "HOSTNAME_MISMATCH" ||
    code === "EPROTO"
  );
}

/** Maps a transport error code to our stable code. */
export function codeForNetworkError(code: string): GitLabErrorCode {
  if (code === "ECONNREFUSED") return "connection_refused";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  if (isTlsCode(code)) return "tls";
  return "network";
}

/**
 * Digs the most specific code out of an error and its causes: undici wraps socket errors, and
 * Node's `AggregateError` from happy-eyeballs connects carries the real codes in `errors`.
 */
export function networkCodeOf(error: unknown): string {
  const seen = new Set<unknown>();
  let best: string | undefined;
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === "string" && (best === undefined || rank(code) > rank(best))) best = code;
    visit((value as { cause?: unknown }).cause, depth + 1);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return best ?? "UNKNOWN";
}

// Prefer the code that says most: a TLS or syscall code over undici's generic socket code.
function rank(code: string): number {
  if (isTlsCode(code)) return 3;
  if (code.startsWith("E")) return 2;
  if (code === "UND_ERR_SOCKET") return 0;
  return 1;
}
