/**
 * Redaction of secrets from every string that leaves the GitLab layer: error messages, error
 * causes and stacks, and log lines. Redaction happens where those strings are built
 * (octokit's `RequestError` does the same), never later where they are printed, because the
 * Pulumi dynamic-provider host prints `${e}: ${e.stack}` on read and delete failures.
 */

/** What a redacted value is replaced with. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not tracked: replacing them would garble ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** Tracked secrets are bounded so a long-running provider process cannot grow without limit. */
const MAX_TRACKED_SECRETS = 2_000;

// GitLab token prefixes (https://docs.gitlab.com/security/tokens/, "Token prefixes"): personal, deploy,
// runner authentication, pipeline trigger, feed, incoming mail, agent, OAuth, CI build,
// service-account and runner registration (GR1348941) tokens.
const TOKEN_PREFIX_PATTERN =
  /\b(?:glpat|glrt|gldt|glptt|glft|glimt|glagent|gloas|glcbt|glsoat|glffct|glrtr|GR1348941)[-_A-Za-z0-9.]{4,}/g;

// Credentials that travel in query strings: GitLab accepts `private_token`, and the runner
// endpoints accept `token` (lib/api/api_guard.rb, lib/api/ci/runner.rb).
const QUERY_SECRET_PATTERN =
  /([?&;](?:private_token|access_token|job_token|token|registration_token|runner_token|password)=)[^&#\s"']*/gi;

// Header-shaped fragments, e.g. a stringified header object or a curl-style line.
const HEADER_SECRET_PATTERN =
  /((?:private-token|job-token|authorization|proxy-authorization|cookie|set-cookie)["']?\s*[:=]\s*["']?)(?:Bearer\s+|Basic\s+)?[^\s"',}]+/gi;

// JSON-shaped fragments: `"token":"…"`, `"token_value": "…"`.
const JSON_SECRET_PATTERN =
  /("(?:token|private_token|access_token|registration_token|password)"\s*:\s*")[^"]*"/gi;

// userinfo in URLs (`https://user:secret@proxy:3128`).
const URL_USERINFO_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/** Replaces well-known secret shapes; used on every string even when no secret is known. */
export function redactPatterns(text: string): string {
  return text
    .replace(URL_USERINFO_PATTERN, `$1${REDACTED}@`)
    .replace(QUERY_SECRET_PATTERN, `$1${REDACTED}`)
    .replace(HEADER_SECRET_PATTERN, `$1${REDACTED}`)
    .replace(JSON_SECRET_PATTERN, `$1${REDACTED}"`)
    .replace(TOKEN_PREFIX_PATTERN, REDACTED);
}

/**
 * Remembers the secret values one client has seen (its own token, runner tokens it sent or
 * received) and removes them, and well-known secret shapes, from text.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Starts tracking `secrets`; empty, missing and very short values are ignored. */
  add(...secrets: ReadonlyArray<string | null | undefined>): void {
    for (const secret of secrets) {
      if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
      if (this.#secrets.has(secret)) continue;
      if (this.#secrets.size >= MAX_TRACKED_SECRETS) {
        const oldest = this.#secrets.values().next().value;
        if (oldest !== undefined) this.#secrets.delete(oldest);
      }
      this.#secrets.add(secret);
      // A token may also appear URL-encoded (in a query string or a form body).
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) this.#secrets.add(encoded);
    }
  }

  /** Returns `text` with every tracked secret and every well-known secret shape replaced. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return redactPatterns(out);
  }
}
