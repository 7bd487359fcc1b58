/**
 * The ProjectRunnerAssignment's inputs and `check`: shape rules checked before any HTTP, so
 * `pulumi preview` stops with a message that names the property and says what is allowed.
 * Whether the project and runner exist is GitLab's to say, in `create`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isHidden, isPositiveId, notAnArgument, parseChecked, positiveId, unechoed } from "../resource/check";
import { type InputNames, inputNames } from "../resource/description";
import { isUnknown } from "../resource/host-values";
import { pathProblem } from "../resource/paths";
import { shown } from "../resource/shown";
import { type AssignmentDescription, assignmentDescription } from "./description";

const PROJECT_ERROR =
  'project must be a numeric project id (e.g. 100) or the project\'s full path with its namespace (e.g. "acme/api").';

/**
 * `project`: a numeric id, a numeric string (GitLab treats it as an id), or a full path. Written
 * as one transform rather than a union so each mistake gets its own message (a union reports
 * only "Invalid input").
 */
export const projectSchema = z.unknown().transform((value, ctx): number | string => {
  if (typeof value === "number") {
    if (isPositiveId(value)) return value;
    ctx.addIssue({ code: "custom", message: `${PROJECT_ERROR} Got ${shown(value)}.` });
    return z.NEVER;
  }
  if (typeof value !== "string") {
    ctx.addIssue({ code: "custom", message: `${PROJECT_ERROR} Got ${shown(value)}.` });
    return z.NEVER;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed) && isPositiveId(Number(trimmed))) return Number(trimmed);
  const problem = pathProblem(trimmed, "project");
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: `${PROJECT_ERROR} ${problem}` });
    return z.NEVER;
  }
  return trimmed;
});

const RUNNER_ID_ERROR =
  "runnerId must be a GitLab runner id (a positive integer), e.g. `runner.runnerId` of a gitlab.Runner.";

/** `runnerId`: a number; a numeric string (such as a Runner's `id` output) is accepted too. */
export const runnerIdSchema = positiveId((got) => `${RUNNER_ID_ERROR} Got ${shown(got)}.`);

/** One validator per input of the description: a field missing here does not compile. */
const inputSchemas = {
  project: projectSchema,
  runnerId: runnerIdSchema,
} satisfies Record<InputNames<AssignmentDescription>, z.ZodType>;

/** The assignment's inputs after `check`. */
export const assignmentInputsSchema = z.object(inputSchemas);

/** The assignment's input names, from the description. */
const INPUT_NAMES = inputNames(assignmentDescription);

/** The validated inputs. */
export type AssignmentInputs = z.output<typeof assignmentInputsSchema>;

const REQUIRED: Record<keyof AssignmentInputs, string> = {
  project: `project is required: ${PROJECT_ERROR}`,
  runnerId:
    "runnerId is required: the id of the runner to assign, e.g. `runner.runnerId` of a gitlab.Runner.",
};

/**
 * `check`: validates and normalises the new inputs (a numeric string becomes a number, a path is
 * trimmed). Values not known yet during preview are passed through and checked when known.
 */
export function checkAssignmentInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const inputs: Record<string, unknown> = { ...news };
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const [key, value] of Object.entries(news)) {
    if (value === undefined || value === null || isHidden(key) || INPUT_NAMES.includes(key as never))
      continue;
    failures.push({ property: key, reason: notAnArgument(key, INPUT_NAMES) });
  }
  for (const key of INPUT_NAMES) {
    const value = news[key];
    if (isUnknown(value)) continue;
    if (value === undefined || value === null) {
      failures.push({ property: key, reason: REQUIRED[key] });
      continue;
    }
    const parsed = assignmentInputsSchema.shape[key].safeParse(value);
    if (parsed.success) inputs[key] = parsed.data;
    else failures.push({ property: key, reason: parsed.error.issues[0]?.message ?? REQUIRED[key] });
  }
  return { inputs, failures: unechoed(failures, news) };
}

/** Parses inputs that already passed `check` (create gets exactly those). */
export function parseAssignmentInputs(news: Record<string, unknown>): AssignmentInputs {
  return parseChecked("ProjectRunnerAssignment", assignmentInputsSchema, INPUT_NAMES, news);
}
