import type { GitLabMessage } from "./gitlab-error";

/** What we learn from the body of a GitLab error response. */
export interface ParsedErrorBody {
  /** GitLab's message, normalised; absent when the body said nothing usable. */
  message?: GitLabMessage;
  /** The OAuth error code (`insufficient_scope`, `invalid_token`) from `{"error": …}` bodies. */
  oauthError?: string;
  /** Scopes GitLab accepts for this endpoint, from the insufficient-scope body's `scope`. */
  allowedScopes?: string;
  /** True for `{"error":"404 Not Found"}`: GitLab's catch-all for routes it does not have. */
  unknownRoute?: boolean;
}

const MAX_TEXT = 300;

/**
 * Reads every error body shape GitLab sends (docs/gitlab-api.md §1.2, `lib/api/helpers.rb`,
 * `lib/api/api.rb`, `lib/api/api_guard.rb`, `lib/gitlab/rack_attack.rb`):
 * `{"message": "…"}`, `{"message": {"attr": ["…"]}}`, `{"message": {"error": "…"}}`
 * (endpoint rate limits), `{"error": "…"}` (Grape validation, unknown route),
 * `{"error", "error_description", "scope"}` (OAuth), plain text (`Retry later`) and HTML
 * error pages from proxies.
 *
 * `redact` is applied to every text taken from the body before it is flattened to one line and
 * shortened: a secret GitLab echoes back must be recognised whole (a cut or re-spaced secret
 * would no longer match and would leak in part).
 */
export function parseErrorBody(
  text: string,
  contentType: string | undefined,
  redact: (text: string) => string = (t) => t,
): ParsedErrorBody {
  const oneLine = (raw: string): string => flatten(redact(raw));
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (trimmed.startsWith("{") || (contentType ?? "").includes("json")) {
    try {
      return fromJson(JSON.parse(trimmed) as unknown, oneLine);
    } catch {
      // Not JSON after all (a truncated body or a proxy's page); fall through to text.
    }
  }
  if (/^<!doctype html|^<html/i.test(trimmed) || (contentType ?? "").includes("html")) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return { message: title ? `HTML error page: ${oneLine(title)}` : "HTML error page" };
  }
  return { message: oneLine(trimmed) };
}

function fromJson(json: unknown, oneLine: (text: string) => string): ParsedErrorBody {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return {};
  const body = json as Record<string, unknown>;
  const out: ParsedErrorBody = {};
  const message = normaliseMessage(body.message, oneLine);
  if (message !== undefined) out.message = message;
  if (typeof body.error === "string") {
    const description = typeof body.error_description === "string" ? body.error_description : undefined;
    if (description !== undefined || body.error === "insufficient_scope" || body.error === "invalid_token") {
      out.oauthError = body.error;
    }
    if (out.message === undefined)
      out.message = oneLine(description ? `${body.error}: ${description}` : body.error);
    if (body.error === "404 Not Found" && body.message === undefined) out.unknownRoute = true;
  }
  if (typeof body.scope === "string") out.allowedScopes = body.scope;
  return out;
}

function normaliseMessage(value: unknown, oneLine: (text: string) => string): GitLabMessage | undefined {
  if (typeof value === "string") return oneLine(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(entry)) out[key] = entry.filter((e): e is string => typeof e === "string").map(oneLine);
    else if (typeof entry === "string") out[key] = [oneLine(entry)];
  }
  // `{"message":{"error":"This endpoint has been requested too many times…"}}` is a sentence,
  // not a validation hash (lib/api/helpers/rate_limiter.rb).
  const keys = Object.keys(out);
  if (keys.length === 1 && keys[0] === "error" && out.error?.length === 1) return out.error[0];
  return keys.length > 0 ? out : undefined;
}

/** Renders a message (string or validation hash) as one readable line. */
export function messageText(message: GitLabMessage): string {
  if (typeof message === "string") return message;
  return Object.entries(message)
    .map(([attribute, problems]) => `${attribute} ${problems.join(", ")}`)
    .join("; ");
}

function flatten(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat;
}
