/**
 * Redaction of secrets from every string that leaves the GitLab layer: error messages, error
 * causes and stacks, and log lines. Redaction happens where those strings are built
 * (octokit's `RequestError` does the same), never later where they are printed, because the
 * Pulumi dynamic-provider host prints `${e}: ${e.stack}` on read and delete failures.
 *
 * Two layers: the values a client knows are secret (its own token, every runner and
 * registration token it sent or received) are replaced wherever they appear, in every encoding
 * a text can carry them in (raw, JSON-escaped once or twice, URL- and form-encoded, as
 * `util.inspect` quotes them); and well-known secret shapes (headers, JSON fields, query
 * parameters, URL credentials, GitLab's token prefixes) are replaced even when the value is not
 * known, up to the end of the quoted value whatever it escapes.
 */
import { inspect } from "node:util";

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
// endpoints accept `token` (lib/api/api_guard.rb, lib/api/ci/runner.rb). A value in a URL is
// percent-encoded, so it ends at `&`, `#`, a space or a double quote (`'` is not encoded by
// `encodeURIComponent`, so it does not end it).
const QUERY_SECRET_PATTERN =
  /([?&;](?:private_token|access_token|job_token|token|registration_token|runner_token|password)=)[^&#\s"]*/gi;

// Names whose value is a credential: header names (a stringified header object, a curl line, a
// raw header) and JSON fields (`"token":"…"`). A name may itself be quoted, and the quotes may be
// escaped (JSON inside a JSON string: `\"token\":\"…\"`).
const HEADER_NAMES = "private-token|job-token|authorization|proxy-authorization|cookie|set-cookie";
const FIELD_NAMES = "token|private_token|access_token|registration_token|password";
const NAMED_SECRET_PATTERN = new RegExp(
  `(?:(\\\\*["'])(?:(${HEADER_NAMES})|${FIELD_NAMES})\\1|\\b(${HEADER_NAMES})\\b)\\s*[:=]\\s*`,
  "gi",
);

// userinfo in URLs (`https://user:secret@proxy:3128`).
const URL_USERINFO_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/** A value found after a credential's name: what to replace, and the closing quote to keep. */
interface FoundValue {
  contentStart: number;
  end: number;
  closing: string;
}

/**
 * The quoted value whose opening quote is at `start`: `"…"`, `'…'`, or `\"…\"` at any level of
 * escaping. With `s` backslashes before the opening quote (0, 1, 3: JSON escaped 0, 1, 2
 * times), each backslash of the level is written as `2(s+1)` backslashes, an escaped quote as
 * `2s+1` backslashes and a quote, and the closing quote as `s` backslashes and a quote: so a
 * quote preceded by a run of `r` backslashes closes the value when `r − s` is a multiple of
 * `2(s+1)`. Without a closing quote the value runs to the end of the line.
 */
function quotedValue(text: string, start: number): FoundValue | undefined {
  let i = start;
  while (text[i] === "\\") i++;
  const slashes = i - start;
  const quote = text[i];
  if (quote !== '"' && quote !== "'") return undefined;
  const opening = text.slice(start, i + 1);
  let j = i + 1;
  while (j < text.length && text[j] !== "\n" && text[j] !== "\r") {
    let run = 0;
    while (text[j] === "\\") {
      run++;
      j++;
    }
    if (text[j] === quote && run >= slashes && (run - slashes) % (2 * (slashes + 1)) === 0) {
      return { contentStart: i + 1, end: j - slashes, closing: opening };
    }
    if (run === 0 || text[j] === quote) j++;
  }
  return { contentStart: i + 1, end: j, closing: "" };
}

/** An unquoted header value: the rest of the line (a header's value may hold spaces, commas and quotes). */
function restOfLine(text: string, start: number): FoundValue {
  let end = start;
  while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
  return { contentStart: start, end, closing: "" };
}

/**
 * Replaces the value after every credential name: a quoted value up to its closing quote
 * whatever it escapes, and a header's unquoted value to the end of the line. (A JSON field's
 * unquoted value is a number, `null` or a boolean: not a secret.)
 */
function redactNamedValues(text: string): string {
  let out = "";
  let from = 0;
  const pattern = new RegExp(NAMED_SECRET_PATTERN.source, NAMED_SECRET_PATTERN.flags);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const valueStart = match.index + match[0].length;
    if (match.index < from) continue;
    const isHeader = match[2] !== undefined || match[3] !== undefined;
    const found = quotedValue(text, valueStart) ?? (isHeader ? restOfLine(text, valueStart) : undefined);
    if (found === undefined) continue;
    // Quotes are kept so the text stays readable; `[REDACTED]` replaces what was between them.
    out += `${text.slice(from, found.contentStart)}${REDACTED}${found.closing}`;
    from = found.end + found.closing.length;
    pattern.lastIndex = Math.max(from, valueStart);
  }
  return out + text.slice(from);
}

/** Replaces well-known secret shapes; used on every string even when no secret is known. */
export function redactPatterns(text: string): string {
  return redactNamedValues(
    text.replace(URL_USERINFO_PATTERN, `$1${REDACTED}@`).replace(QUERY_SECRET_PATTERN, `$1${REDACTED}`),
  ).replace(TOKEN_PREFIX_PATTERN, REDACTED);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Every way `secret` can appear in a text the provider builds or prints: as is, JSON-escaped
 * (once, and twice for JSON inside a JSON string), percent-encoded (a URL) and form-encoded (a
 * request body), as `util.inspect` quotes it (how Node prints an error's properties), and
 * HTML-escaped (a proxy's error page).
 */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = new Set([
    secret,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    inspect(secret).slice(1, -1),
    htmlEscape(secret),
  ]);
  // Longest first: a shorter form may be part of a longer one.
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * Remembers the secret values one client has seen (its own token, runner tokens it sent or
 * received) and removes them, and well-known secret shapes, from text.
 */
export class Redactor {
  /** Each secret and its forms (`secretForms`), in the order the secrets were added. */
  readonly #secrets = new Map<string, string[]>();

  /** Starts tracking `secrets`; empty, missing and very short values are ignored. */
  add(...secrets: ReadonlyArray<string | null | undefined>): void {
    for (const secret of secrets) {
      if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
      if (this.#secrets.has(secret)) continue;
      if (this.#secrets.size >= MAX_TRACKED_SECRETS) {
        const oldest = this.#secrets.keys().next().value;
        if (oldest !== undefined) this.#secrets.delete(oldest);
      }
      this.#secrets.set(secret, secretForms(secret));
    }
  }

  /** Returns `text` with every tracked secret (in every form) and every well-known secret shape replaced. */
  redact(text: string): string {
    let out = text;
    for (const forms of this.#secrets.values()) {
      for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
    return redactPatterns(out);
  }
}
