/**
 * The Runner's `check`: every rule GitLab would enforce, checked before any HTTP so `pulumi
 * preview` fails fast with a message naming the argument and what is allowed. One validator per
 * input of the description (`./description.ts`); limits follow GitLab's model
 * (`app/models/ci/runner.rb`, docs/gitlab-api.md §2) and API params (`lib/api/ci/runners.rb`,
 * `lib/api/user_runners.rb`, docs/gitlab-api.md §6.2, §7.1, §9).
 */
import { z } from "zod";
import { ACCESS_LEVELS, RUNNER_TYPES } from "../gitlab/vocabulary";
import { type Bag, type CheckResult, checkWith, enumOf, isPositiveId, parseChecked } from "../resource/check";
import { type InputNames, inputNames } from "../resource/description";
import { asSet } from "../resource/diff";
import { type PathKind, pathProblem } from "../resource/paths";
import { shown } from "../resource/shown";
import {
  MAX_NOTE_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TEXT_LENGTH,
  MIN_MAXIMUM_TIMEOUT,
  type RunnerDescription,
  runnerDescription,
} from "./description";

/** A numeric id (a positive integer) or a full path such as `acme/api`, by GitLab's path rules. */
const idOrPath = (property: string, kind: PathKind) =>
  z.unknown().transform((value, ctx): number | string => {
    const example = kind === "project" ? '"acme/api"' : '"acme" or "acme/platform"';
    const error = `${property} must be a positive integer id or a full path such as ${example}.`;
    if (typeof value === "number" && isPositiveId(value)) return value;
    if (typeof value === "string" && value.trim() !== "") {
      const trimmed = value.trim();
      const problem = /^\d+$/.test(trimmed) ? undefined : pathProblem(trimmed, kind);
      if (problem === undefined) return trimmed;
      ctx.addIssue({ code: "custom", message: `${error} ${problem}` });
      return z.NEVER;
    }
    ctx.addIssue({ code: "custom", message: `${error} Got ${shown(value)}.` });
    return z.NEVER;
  });

/**
 * GitLab counts a text's length in characters (Ruby's `String#length`), not in UTF-16 units as
 * JavaScript's `length` does: 600 emoji are 600 characters to GitLab and 1200 units here.
 */
function withinCharacters(text: string, max = MAX_TEXT_LENGTH): boolean {
  return [...text].length <= max;
}

const tag = z
  .string({ error: "tagList entries must be strings." })
  .trim()
  .min(1, { error: "tagList entries must not be empty (or only spaces)." })
  .max(MAX_TAG_LENGTH, { error: `tagList entries must be at most ${MAX_TAG_LENGTH} characters.` })
  .refine((t) => !t.includes(","), {
    error:
      "tagList entries must not contain commas: GitLab splits a tag string on commas; give each tag as its own entry.",
  });

/** One validator per input of the description: a field missing here does not compile. */
const inputSchemas = {
  registrationToken: z
    .string({ error: "registrationToken must be a string (a runner registration token)." })
    .min(1, { error: "registrationToken must not be empty." })
    .optional(),
  runnerType: enumOf("runnerType", RUNNER_TYPES).optional(),
  groupId: idOrPath("groupId", "group").optional(),
  projectId: idOrPath("projectId", "project").optional(),
  adoptRunnerId: z
    .number({ error: "adoptRunnerId must be a runner id (a positive integer)." })
    .int({ error: "adoptRunnerId must be a runner id (a positive integer)." })
    .positive({ error: "adoptRunnerId must be a runner id (a positive integer)." })
    .optional(),
  description: z
    .string({ error: "description must be a string." })
    .refine(withinCharacters, { error: `description must be at most ${MAX_TEXT_LENGTH} characters.` })
    .optional(),
  paused: z.boolean({ error: "paused must be true or false." }).optional(),
  locked: z.boolean({ error: "locked must be true or false." }).optional(),
  runUntagged: z.boolean({ error: "runUntagged must be true or false." }).optional(),
  tagList: z
    .array(tag, { error: "tagList must be a list of strings." })
    .max(MAX_TAGS, { error: `tagList must have at most ${MAX_TAGS} tags (GitLab's limit).` })
    .optional(),
  accessLevel: enumOf("accessLevel", ACCESS_LEVELS).optional(),
  maximumTimeout: z
    .number({ error: "maximumTimeout must be a number of seconds." })
    .int({ error: "maximumTimeout must be a whole number of seconds." })
    .min(MIN_MAXIMUM_TIMEOUT, {
      error: `maximumTimeout must be at least ${MIN_MAXIMUM_TIMEOUT} seconds (10 minutes), as GitLab requires.`,
    })
    .optional(),
  maintenanceNote: z
    .string({ error: "maintenanceNote must be a string." })
    .refine((text) => withinCharacters(text, MAX_NOTE_LENGTH), {
      error:
        `maintenanceNote must be at most ${MAX_NOTE_LENGTH} characters: GitLab keeps ${MAX_TEXT_LENGTH}, and the ` +
        "provider's creation mark takes the rest.",
    })
    .optional(),
  assignedProjects: z
    .array(idOrPath("assignedProjects entries", "project"), {
      error: 'assignedProjects must be a list of project ids or full paths, e.g. [101, "acme/web"].',
    })
    .optional(),
  tokenRotation: z
    .string({ error: "tokenRotation must be a string (any value; change it to rotate)." })
    .optional(),
} satisfies Record<InputNames<RunnerDescription>, z.ZodType>;

/** `assignedProjects` alone: entries trimmed, numbers kept (for code that needs no other input). */
export const assignedProjectsSchema = inputSchemas.assignedProjects;

/** The Runner's inputs after `check` (tags trimmed). */
export const runnerInputsSchema = z.object(inputSchemas).superRefine((v, ctx) => {
  const ways = (["registrationToken", "runnerType", "adoptRunnerId"] as const).filter(
    (k) => v[k] !== undefined,
  );
  if (ways.length !== 1) {
    const what = ways.length === 0 ? "none was given" : `got ${ways.join(" and ")}`;
    ctx.addIssue({
      code: "custom",
      path: [ways[1] ?? "runnerType"],
      message:
        `set exactly one of registrationToken (register with a registration token, POST /runners), ` +
        `runnerType (create with your token, POST /user/runners) or adoptRunnerId (take over an existing runner); ${what}.`,
    });
  }
  if (v.groupId !== undefined && v.runnerType !== "group_type") {
    ctx.addIssue({
      code: "custom",
      path: ["groupId"],
      message: `groupId is only allowed with runnerType "group_type"${v.runnerType ? `, not "${v.runnerType}"` : ""}.`,
    });
  }
  if (v.projectId !== undefined && v.runnerType !== "project_type") {
    ctx.addIssue({
      code: "custom",
      path: ["projectId"],
      message: `projectId is only allowed with runnerType "project_type"${v.runnerType ? `, not "${v.runnerType}"` : ""}.`,
    });
  }
  if (v.runnerType === "group_type" && v.groupId === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["groupId"],
      message: 'groupId is required with runnerType "group_type" (the group id or full path).',
    });
  }
  if (v.runnerType === "project_type" && v.projectId === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["projectId"],
      message: 'projectId is required with runnerType "project_type" (the project id or full path).',
    });
  }
  if (v.assignedProjects && v.assignedProjects.length > 0) {
    if (v.runnerType === "group_type" || v.runnerType === "instance_type") {
      const scope = v.runnerType === "group_type" ? "a group runner" : "an instance runner";
      const use =
        v.runnerType === "group_type"
          ? 'projects of its group already use it when "Enable group runners" is on in their Settings > CI/CD > Runners'
          : 'every project already uses it when "Enable instance runners" is on in its Settings > CI/CD > Runners';
      ctx.addIssue({
        code: "custom",
        path: ["assignedProjects"],
        message:
          `assignedProjects is only for project runners: GitLab never assigns ${scope} (runnerType "${v.runnerType}") ` +
          `to projects; ${use}. Leave assignedProjects out, or use runnerType "project_type" with projectId.`,
      });
    }
    const seen = new Set<string>();
    for (const project of v.assignedProjects) {
      const key = String(project).toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["assignedProjects"],
          message: `assignedProjects has ${shown(project)} more than once; it is a set of projects.`,
        });
      }
      seen.add(key);
    }
  }
  if (v.tagList) {
    const seen = new Set<string>();
    for (const t of v.tagList) {
      if (seen.has(t)) {
        ctx.addIssue({
          code: "custom",
          path: ["tagList"],
          message: `tagList has "${t}" more than once (after trimming spaces); tags are a set.`,
        });
      }
      seen.add(t);
    }
    // GitLab's model rule (docs/gitlab-api.md §2): "can not be empty when runner is not allowed to pick untagged jobs".
    if (v.runUntagged === false && v.tagList.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["tagList"],
        message:
          "tagList must have at least one tag when runUntagged is false (GitLab refuses an untagged runner that may not pick untagged jobs).",
      });
    }
  }
});

/** The Runner's validated inputs. */
export type RunnerInputs = z.output<typeof runnerInputsSchema>;

/** The Runner's input names, from the description. */
const INPUT_NAMES = inputNames(runnerDescription);

/**
 * Stand-ins of the right type for inputs not known yet, so cross-field rules still see them
 * (an unknown `groupId` implies a group runner).
 */
function standIns(news: Bag): Bag {
  return {
    registrationToken: "unknown",
    runnerType:
      news.groupId !== undefined
        ? "group_type"
        : news.projectId !== undefined
          ? "project_type"
          : "instance_type",
    groupId: 1,
    projectId: 1,
    adoptRunnerId: 1,
  };
}

/**
 * `check`: validates the new inputs. Values not known yet during preview are left out of the
 * validation (they are checked again when known) but kept in the returned inputs; the "exactly
 * one way" rule counts them as given.
 */
export function checkRunnerInputs(news: Bag, olds: Bag = {}): CheckResult {
  return checkWith(runnerInputsSchema, INPUT_NAMES, news, {
    standIns,
    rules: (parsed) => {
      // A new runner that may not pick untagged jobs needs tags (GitLab's model rule, reference
      // §2): GitLab refuses to create it without. An existing one may have tags the program
      // does not manage, so only a creation is judged.
      const creating = Object.keys(olds).length === 0;
      if (
        creating &&
        parsed.runUntagged === false &&
        parsed.tagList === undefined &&
        parsed.adoptRunnerId === undefined
      ) {
        return [
          {
            property: "tagList",
            reason:
              "tagList is needed: runUntagged is false, and GitLab refuses to create a runner that may not pick " +
              'untagged jobs without tags ("tags list can not be empty"). Give it the tags its jobs ask for ' +
              '(e.g. tagList: ["docker"]), or leave runUntagged out.',
          },
        ];
      }
      return [];
    },
    // Tags are a set: stored trimmed and sorted, so their order never reads as a change.
    normalise: (parsed, pending) =>
      parsed.tagList && !pending.includes("tagList") ? { tagList: asSet(parsed.tagList) } : {},
  });
}

/** Parses inputs that already passed `check` (create/update get exactly those). */
export function parseRunnerInputs(news: Bag): RunnerInputs {
  return parseChecked("Runner", runnerInputsSchema, INPUT_NAMES, news);
}
