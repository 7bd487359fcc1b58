/**
 * Argument schemas of the read functions (`sdk/functions.ts`): every filter is validated before
 * any HTTP, and a mistake names the function, the argument and what is allowed (with a "did you
 * mean" for GitLab's snake_case values). Allowed values are GitLab's own: `lib/api/ci/runners.rb`
 * params (docs/gitlab-api.md §5.1, §6.4) and `Ci::Runner::AVAILABLE_STATUSES`.
 */
import { z } from "zod";
import { JOB_STATUSES, RUNNER_STATUSES, RUNNER_TYPES, snakeCase } from "../gitlab/vocabulary";
import { positiveId as positiveIdOf } from "../resource/check";
import { ProviderError } from "../resource/errors";
import { pathProblem } from "../resource/paths";
import { shown } from "../resource/shown";

function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/** An enum whose error lists the allowed values and suggests the snake_case spelling. */
function oneOf<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  return z.unknown().transform((value, ctx): T[number] => {
    if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T[number];
    let message = `${field} must be one of ${list(values)}; got ${shown(value)}`;
    if (typeof value === "string" && (values as readonly string[]).includes(snakeCase(value))) {
      message += ` (did you mean "${snakeCase(value)}"? GitLab spells it in snake_case)`;
    }
    ctx.addIssue({ code: "custom", message: `${message}.` });
    return z.NEVER;
  });
}

/**
 * A project or group: numeric id or full path. Projects need a namespace (`acme/api`); a group
 * may be top-level (`acme`).
 */
function idOrPath(field: string, kind: "project" | "group") {
  const example = kind === "project" ? '"acme/api"' : '"acme" or "acme/platform"';
  return z.unknown().transform((value, ctx): number | string => {
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
    let problem: string | undefined;
    if (typeof value === "string") {
      const trimmed = value.trim();
      if (/^\d+$/.test(trimmed) && Number(trimmed) > 0) return Number(trimmed);
      problem = pathProblem(trimmed, kind);
      if (problem === undefined) return trimmed;
    }
    ctx.addIssue({
      code: "custom",
      message: `${field} must be a numeric ${kind} id or the ${kind}'s full path such as ${example}; ${problem ?? `got ${shown(value)}.`}`,
    });
    return z.NEVER;
  });
}

/** `tag_list`: GitLab splits strings on commas, so each tag must be its own, comma-free entry. */
const tagList = z.unknown().transform((value, ctx): string[] => {
  if (!Array.isArray(value)) {
    ctx.addIssue({
      code: "custom",
      message: `tagList must be a list of tags such as ["docker", "linux"]; got ${shown(value)}.`,
    });
    return z.NEVER;
  }
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== "string" || tag.trim() === "" || tag.includes(",")) {
      ctx.addIssue({
        code: "custom",
        message: `tagList entries must be non-empty strings without commas (give each tag as its own entry); got ${shown(tag)}.`,
      });
      return z.NEVER;
    }
    tags.push(tag.trim());
  }
  return [...new Set(tags)];
});

const paused = z.unknown().transform((value, ctx): boolean => {
  if (typeof value === "boolean") return value;
  ctx.addIssue({ code: "custom", message: `paused must be true or false; got ${shown(value)}.` });
  return z.NEVER;
});

/**
 * `version_prefix`: GitLab requires it to start with a digit, `+` or `.` (`/^[\d+.]+/`); we ask
 * for what a version prefix really looks like (`17`, `17.`, `16.11`, `15.0.3`), which also rejects
 * `V17` and `17abc` (GitLab's regexp is not end-anchored, docs/gitlab-api.md §5.1).
 */
const versionPrefix = z.unknown().transform((value, ctx): string => {
  if (typeof value === "string" && /^\d+(?:\.\d*)*$/.test(value.trim())) return value.trim();
  ctx.addIssue({
    code: "custom",
    message: `versionPrefix must be the start of a runner version such as "17", "17." or "16.11"; got ${shown(value)}.`,
  });
  return z.NEVER;
});

const filterShape = {
  type: oneOf("type", RUNNER_TYPES).optional(),
  status: oneOf("status", RUNNER_STATUSES).optional(),
  paused: paused.optional(),
  tagList: tagList.optional(),
};

/** A positive integer id; a numeric string is accepted (a resource `id` output is a string). */
function positiveId(field: string, what: string) {
  return positiveIdOf((got) => `${field} must be ${what} (a positive integer); got ${shown(got)}.`);
}

/** `getRunner({ id })`. */
export const getRunnerArgsSchema = z.object({ id: positiveId("id", "a runner id") });

/** `listRunners({ scope, type?, status?, paused?, tagList?, versionPrefix? })`. */
export const listRunnersArgsSchema = z.object({
  scope: oneOf("scope", ["owned", "all"] as const),
  ...filterShape,
  versionPrefix: versionPrefix.optional(),
});

/** `listProjectRunners({ project, type?, status?, paused?, tagList? })`. */
export const listProjectRunnersArgsSchema = z.object({
  project: idOrPath("project", "project"),
  ...filterShape,
});

/** `listGroupRunners({ group, type?, status?, paused?, tagList? })`. */
export const listGroupRunnersArgsSchema = z.object({ group: idOrPath("group", "group"), ...filterShape });

/** `listRunnerJobs({ runnerId, status?, orderBy?, sort? })`. */
export const listRunnerJobsArgsSchema = z.object({
  runnerId: positiveId("runnerId", "a runner id"),
  status: oneOf("status", JOB_STATUSES).optional(),
  orderBy: oneOf("orderBy", ["id"] as const).optional(),
  sort: oneOf("sort", ["asc", "desc"] as const).optional(),
});

/** `listRunnerManagers({ runnerId })`. */
export const listRunnerManagersArgsSchema = z.object({ runnerId: positiveId("runnerId", "a runner id") });

/** `verifyRunnerToken({ token, systemId? })`. */
export const verifyRunnerTokenArgsSchema = z.object({
  token: z.unknown().transform((value, ctx): string => {
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    ctx.addIssue({
      code: "custom",
      message: "token must be the runner's authentication token (a non-empty string).",
    });
    return z.NEVER;
  }),
  systemId: z
    .unknown()
    .transform((value, ctx): string => {
      if (typeof value === "string" && value.trim() !== "") return value.trim();
      ctx.addIssue({
        code: "custom",
        message: `systemId must be a runner manager's system id such as "s_0e9bd6a5f1c2"; got ${shown(value)}.`,
      });
      return z.NEVER;
    })
    .optional(),
});

export type GetRunnerArgs = z.output<typeof getRunnerArgsSchema>;
export type ListRunnersArgs = z.output<typeof listRunnersArgsSchema>;
export type ListProjectRunnersArgs = z.output<typeof listProjectRunnersArgsSchema>;
export type ListGroupRunnersArgs = z.output<typeof listGroupRunnersArgsSchema>;
export type ListRunnerJobsArgs = z.output<typeof listRunnerJobsArgsSchema>;
export type ListRunnerManagersArgs = z.output<typeof listRunnerManagersArgsSchema>;
export type VerifyRunnerTokenArgs = z.output<typeof verifyRunnerTokenArgsSchema>;

/** A read function's arguments were refused before anything was sent (code `invalid_argument`). */
export class FunctionArgumentError extends ProviderError {
  override readonly name = "FunctionArgumentError";

  constructor(message: string) {
    super(message, { code: "invalid_argument" });
  }
}

/**
 * Parses `args` for function `fn`; unknown argument names are refused too (a typo such as
 * `tags` would otherwise silently list everything).
 */
export function parseArgs<S extends z.ZodObject>(fn: string, schema: S, args: unknown): z.output<S> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new FunctionArgumentError(`${fn}: expected an object of arguments; got ${shown(args)}.`);
  }
  const known = Object.keys(schema.shape);
  const problems: string[] = [];
  const bag: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!known.includes(key)) {
      problems.push(`unknown argument "${key}"; ${fn} takes ${list(known)}.`);
      continue;
    }
    // `undefined` and `null` mean "not given", as for Pulumi inputs.
    if (value !== undefined && value !== null) bag[key] = value;
  }
  const missing = known.filter(
    (key) => !(key in bag) && !(schema.shape[key] as z.ZodType).safeParse(undefined).success,
  );
  for (const key of missing) problems.push(`${key} is required.`);
  const parsed = schema.safeParse(bag);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (!missing.includes(String(issue.path[0] ?? ""))) problems.push(issue.message);
    }
  }
  if (problems.length > 0) throw new FunctionArgumentError(`${fn}: ${problems.join(" ")}`);
  return (parsed as { data: z.output<S> }).data;
}
