import type { z } from "zod";
import { GitLabError } from "../errors/gitlab-error";
import { hintFor } from "../errors/hints";
import type { Redactor } from "../redact";

/** Where a body came from, for the error that names the endpoint. */
export interface BodySource {
  method: string;
  /** Path template, e.g. `/runners/:id`. */
  template: string;
  status?: number | undefined;
  requestId?: string | undefined;
  attempts?: number | undefined;
}

/**
 * Parses a GitLab body with a wire schema, once, at the edge. A body that lacks what we need
 * becomes a `GitLabError` with code `invalid_response` naming the endpoint and the field; the
 * values themselves are never quoted (zod leaves input out of issues, and so do we), so a
 * token in a half-valid body cannot leak.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  source: BodySource,
  redactor?: Redactor,
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "(body)" : issue.path.map(String).join(".");
  const problem = issue === undefined ? "is invalid" : describeIssue(issue);
  return throwInvalid(source, `field "${field}" ${problem}`, redactor);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // zod's message names the received type ("received undefined"), never the value.
      return / received undefined$/.test(issue.message)
        ? `is missing (expected ${issue.expected})`
        : `has the wrong type (expected ${issue.expected})`;
    case "invalid_value":
      return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "custom":
      return issue.message;
    default:
      return "is invalid";
  }
}

function throwInvalid(source: BodySource, problem: string, redactor?: Redactor): never {
  throw new GitLabError(
    {
      code: "invalid_response",
      summary: `GitLab ${source.method} ${source.template} answered${source.status === undefined ? "" : ` ${source.status}`} with a body we cannot use: ${problem}.`,
      method: source.method,
      path: source.template,
      status: source.status,
      requestId: source.requestId,
      attempts: source.attempts,
      hint: hintFor({ code: "invalid_response", method: source.method, path: source.template }),
    },
    redactor,
  );
}
