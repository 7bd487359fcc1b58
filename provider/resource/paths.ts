/**
 * GitLab's rules for the full path of a project or group (`Gitlab::PathRegex` in GitLab's
 * `lib/gitlab/path_regex.rb`): `/`-separated segments of letters, digits, `_`, `-` and `.`, none
 * starting with `-`, at most 255 characters each, at most 20 ancestors; a group segment does
 * not end with `.`; a project path does not end with `.git` or `.atom`. A value that breaks them
 * can never name a project, so `check` refuses it at preview with what to write instead.
 */
import { shown } from "./shown";

/** What a path names. */
export type PathKind = "project" | "group";

const SEGMENT = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;
/** `Namespace::URL_MAX_LENGTH`. */
const MAX_SEGMENT = 255;
/** `Namespace::NUMBER_OF_ANCESTORS_ALLOWED` (20) plus the path itself. */
const MAX_SEGMENTS = 21;

/**
 * What is wrong with `raw` as the full path of a `kind`, in a sentence that says what to write
 * instead; `undefined` when GitLab's rules allow it. A numeric string is an id, not a path.
 */
export function pathProblem(raw: string, kind: PathKind): string | undefined {
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) {
    const path = value
      .replace(/^https?:\/\/[^/]+\/?/i, "")
      .replace(/\.git$/i, "")
      .replace(/\/+$/, "");
    return `Got a URL; give the path without the host${path && path.length <= 200 ? `: ${shown(path)}` : ""}.`;
  }
  if (/%2f/i.test(value)) {
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // Not valid percent-encoding: show it as given.
    }
    return `Got a URL-encoded path; give it with plain slashes: ${shown(decoded)}.`;
  }
  if (kind === "project" && /\.git$/i.test(value)) {
    return `Got a clone path; leave out ".git": ${shown(value.replace(/\.git$/i, ""))}.`;
  }
  if (value.startsWith("/") || value.endsWith("/")) {
    return `Leave out leading and trailing slashes: ${shown(value.replace(/^\/+|\/+$/g, ""))}.`;
  }
  if (value === "") return "Got an empty path.";
  const segments = value.split("/");
  if (kind === "project" && segments.length < 2) {
    return `Got ${shown(value)}, which has no namespace; a project path includes its group or user, e.g. ${shown(`acme/${value}`)}.`;
  }
  if (segments.length > MAX_SEGMENTS) {
    return `Got a path of ${segments.length} segments; GitLab nests groups at most 20 deep.`;
  }
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === "") return `Got ${shown(value)}, which has an empty segment ("//").`;
    if (segment.length > MAX_SEGMENT) {
      return `Got a path segment of ${segment.length} characters; GitLab allows at most ${MAX_SEGMENT}.`;
    }
    if (!SEGMENT.test(segment)) {
      return (
        `Got ${shown(value)}: the segment ${shown(segment)} ${segment.startsWith("-") ? 'starts with "-"' : "has characters GitLab does not allow"}; ` +
        'a path segment is letters, digits, "_", "-" and ".", and does not start with "-".'
      );
    }
    const namespace = kind === "group" || !last;
    if (namespace && segment.endsWith("."))
      return `Got ${shown(value)}: a group's path does not end with ".".`;
    if (/\.(git|atom)$/i.test(segment))
      return `Got ${shown(value)}: GitLab paths do not end with ".git" or ".atom".`;
  }
  return undefined;
}

/**
 * GitLab looks full paths up case-insensitively (`Project.find_by_full_path` with
 * `follow_redirects`, app/models/concerns/routable.rb), so `Acme/API` and `acme/api` name the
 * same project.
 */
export function samePath(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
