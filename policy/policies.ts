/**
 * The policies of the `gitlab-runner-guardrails` pack, apart from the `PolicyPack` entry point
 * (`index.ts`) so that they are plain values a unit test can call.
 *
 * Resources are selected by their type tokens, compared as strings: the pack does not import
 * the SDK, so it runs wherever @pulumi/policy does and never loads the provider.
 *
 * Three rules hold for every policy:
 * - a value that is not known yet (computed during preview) is never a violation: the check is
 *   skipped and runs again at `pulumi up`, when the value is known;
 * - an input omitted from a new runner takes GitLab's default (runUntagged true, locked false,
 *   accessLevel not_protected, no maximumTimeout, no tags, empty description);
 * - an input omitted from an adopted runner (`adoptRunnerId`) is not managed: GitLab keeps its
 *   current value, which the policy cannot see, so that input is not judged. Set the input in
 *   the program to have it checked.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { compilePattern, configSchemaOf, type ParamSpecs, PolicyConfigError, resolveConfig } from "./config";
import {
  effective,
  type Props,
  type RunnerFacts,
  readIdOrPath,
  readString,
  runnerFacts,
  UNKNOWN,
  type Unknown,
} from "./props";

/** The type token of `gitlab.Runner` (its static `__pulumiType`). */
export const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
/** The type token of `gitlab.ProjectRunnerAssignment` (its static `__pulumiType`). */
export const PROJECT_RUNNER_ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
/**
 * The same resources served by the provider plugin (package `gitlab-runners`, any language):
 * the same inputs under the same names, so every policy judges them alike.
 */
export const PLUGIN_TYPES: Readonly<Record<string, string>> = {
  [RUNNER_TYPE]: "gitlab-runners:index:Runner",
  [PROJECT_RUNNER_ASSIGNMENT_TYPE]: "gitlab-runners:index:ProjectRunnerAssignment",
};

/** True when `type` is the resource `token` names, through either front door. */
export function isType(type: string, token: string): boolean {
  return type === token || type === PLUGIN_TYPES[token];
}

/** The pack's name, as `PulumiPolicy.yaml`'s folder is published and shown in previews. */
export const POLICY_PACK_NAME = "gitlab-runner-guardrails";

/** The names of the policies: the keys of `--policy-pack-config`. */
export const POLICY_NAMES = {
  runnerUntaggedJobs: "runner-untagged-jobs",
  projectRunnerLocked: "project-runner-locked",
  runnerMaximumTimeout: "runner-maximum-timeout",
  deployRunnerRefProtected: "deploy-runner-ref-protected",
  runnerDescriptionFormat: "runner-description-format",
  registrationTokenFlow: "registration-token-flow",
  forbiddenProjectAssignment: "forbidden-project-assignment",
  uniqueRunnerDescriptions: "unique-runner-descriptions",
} as const;

// ---------------------------------------------------------------------------------------------
// Configuration: one interface per policy (the documentation) and its declaration with defaults
// (the schema Pulumi validates `--policy-pack-config` against). `enforcementLevel` is accepted
// in every policy's entry as well: "advisory", "mandatory" or "disabled".
// ---------------------------------------------------------------------------------------------

/** The parameter every policy has. */
export interface ExemptionConfig {
  /**
   * Pulumi resource names (the first argument of `new gitlab.Runner(name, …)`) this policy skips.
   *
   * @default []
   */
  exemptNames: readonly string[];
}

const exemptNamesSpec: ParamSpecs<ExemptionConfig> = {
  exemptNames: {
    kind: "string[]",
    default: [],
    description: "Pulumi resource names (the name given to new gitlab.Runner(name, …)) this policy skips.",
  },
};

/** Config of `runner-untagged-jobs`. */
export interface RunnerUntaggedJobsConfig extends ExemptionConfig {
  /**
   * Whether instance and group runners (`runnerType: "instance_type" | "group_type"`) may run
   * untagged jobs. Project runners always may.
   *
   * @default false
   */
  allowUntaggedSharedRunners: boolean;
}

/** Parameters of `runner-untagged-jobs`, with their defaults. */
export const runnerUntaggedJobsParams: ParamSpecs<RunnerUntaggedJobsConfig> = {
  allowUntaggedSharedRunners: {
    kind: "boolean",
    default: false,
    description: "Whether instance and group runners may run untagged jobs.",
  },
  ...exemptNamesSpec,
};

/** Config of `project-runner-locked`: only the exemptions. */
export type ProjectRunnerLockedConfig = ExemptionConfig;

/** Parameters of `project-runner-locked`, with their defaults. */
export const projectRunnerLockedParams: ParamSpecs<ProjectRunnerLockedConfig> = { ...exemptNamesSpec };

/** Config of `runner-maximum-timeout`. */
export interface RunnerMaximumTimeoutConfig extends ExemptionConfig {
  /**
   * The smallest `maximumTimeout` allowed, in seconds (GitLab's own minimum is 600).
   *
   * @default 600
   */
  minSeconds: number;
  /**
   * The largest `maximumTimeout` allowed, in seconds.
   *
   * @default 86400 (one day)
   */
  maxSeconds: number;
  /**
   * Whether a runner must set `maximumTimeout`. Without one, a job may run as long as its
   * project's timeout allows.
   *
   * @default false
   */
  requireTimeout: boolean;
}

/** Parameters of `runner-maximum-timeout`, with their defaults. */
export const runnerMaximumTimeoutParams: ParamSpecs<RunnerMaximumTimeoutConfig> = {
  minSeconds: {
    kind: "number",
    default: 600,
    minimum: 0,
    description: "The smallest maximumTimeout allowed, in seconds.",
  },
  maxSeconds: {
    kind: "number",
    default: 86_400,
    minimum: 0,
    description: "The largest maximumTimeout allowed, in seconds.",
  },
  requireTimeout: {
    kind: "boolean",
    default: false,
    description: "Whether every runner must set maximumTimeout.",
  },
  ...exemptNamesSpec,
};

/** Config of `deploy-runner-ref-protected`. */
export interface DeployRunnerRefProtectedConfig extends ExemptionConfig {
  /**
   * A JavaScript regular expression, matched case-insensitively against each tag anywhere in it
   * (anchor it with `^…$` to match whole tags). A runner with a matching tag must be
   * `accessLevel: "ref_protected"`.
   *
   * @default "deploy|prod"
   */
  tagPattern: string;
}

/** Parameters of `deploy-runner-ref-protected`, with their defaults. */
export const deployRunnerRefProtectedParams: ParamSpecs<DeployRunnerRefProtectedConfig> = {
  tagPattern: {
    kind: "string",
    default: "deploy|prod",
    description:
      "Regular expression matched case-insensitively against each tag; a runner with a matching tag must be ref_protected.",
  },
  ...exemptNamesSpec,
};

/** Config of `runner-description-format`. */
export interface RunnerDescriptionFormatConfig extends ExemptionConfig {
  /**
   * A JavaScript regular expression, matched case-sensitively, that every runner's
   * `description` must match. The default asks for a lowercase name of letters, digits and
   * dashes (e.g. `build-docker`), optionally followed by a space and free text.
   *
   * @default "^[a-z0-9][a-z0-9-]*( .*)?$"
   */
  pattern: string;
  /**
   * The expected format in words, with an example; quoted in the violation message.
   *
   * @default 'a lowercase name of letters, digits and dashes, optionally followed by a space and free text, e.g. "build-docker Linux Docker builds"'
   */
  hint: string;
}

/** Parameters of `runner-description-format`, with their defaults. */
export const runnerDescriptionFormatParams: ParamSpecs<RunnerDescriptionFormatConfig> = {
  pattern: {
    kind: "string",
    default: "^[a-z0-9][a-z0-9-]*( .*)?$",
    description: "Regular expression (case-sensitive) that every runner description must match.",
  },
  hint: {
    kind: "string",
    default:
      'a lowercase name of letters, digits and dashes, optionally followed by a space and free text, e.g. "build-docker Linux Docker builds"',
    description: "The expected format in words, with an example; quoted in the violation message.",
  },
  ...exemptNamesSpec,
};

/** Config of `registration-token-flow`: only the exemptions. */
export type RegistrationTokenFlowConfig = ExemptionConfig;

/** Parameters of `registration-token-flow`, with their defaults. */
export const registrationTokenFlowParams: ParamSpecs<RegistrationTokenFlowConfig> = { ...exemptNamesSpec };

/** Config of `forbidden-project-assignment`. */
export interface ForbiddenProjectAssignmentConfig extends ExemptionConfig {
  /**
   * JavaScript regular expressions matched case-insensitively against a project's full path
   * (`acme/api`) anywhere in it (anchor them: `^secure/`). Only a project given by path can be
   * matched; a project given by numeric id is checked against `projectIds` instead.
   *
   * @default [] (no project is forbidden)
   */
  projectPatterns: readonly string[];
  /**
   * Numeric project ids no runner may be assigned to.
   *
   * @default []
   */
  projectIds: readonly number[];
  /**
   * Whether a project runner (`runnerType: "project_type"`) whose `projectId` is forbidden is a
   * violation too: it is assigned to that project from the start.
   *
   * @default true
   */
  checkProjectRunners: boolean;
}

/** Parameters of `forbidden-project-assignment`, with their defaults. */
export const forbiddenProjectAssignmentParams: ParamSpecs<ForbiddenProjectAssignmentConfig> = {
  projectPatterns: {
    kind: "string[]",
    default: [],
    description:
      "Regular expressions matched case-insensitively against project paths (acme/api); no runner may be assigned to a matching project.",
  },
  projectIds: {
    kind: "number[]",
    default: [],
    description: "Numeric project ids no runner may be assigned to.",
  },
  checkProjectRunners: {
    kind: "boolean",
    default: true,
    description: "Whether project runners whose projectId is forbidden are violations too.",
  },
  ...exemptNamesSpec,
};

/** Config of `unique-runner-descriptions`. */
export interface UniqueRunnerDescriptionsConfig extends ExemptionConfig {
  /**
   * Whether descriptions that differ only in letter case (or surrounding spaces, which are
   * always ignored) count as the same.
   *
   * @default true
   */
  ignoreCase: boolean;
}

/** Parameters of `unique-runner-descriptions`, with their defaults. */
export const uniqueRunnerDescriptionsParams: ParamSpecs<UniqueRunnerDescriptionsConfig> = {
  ignoreCase: {
    kind: "boolean",
    default: true,
    description: "Whether descriptions differing only in letter case count as the same.",
  },
  ...exemptNamesSpec,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * A validation for one resource, under either of its type tokens. No `__pulumiType` is
 * attached: @pulumi/policy's fast path (`getPulumiType` in @pulumi/policy/server.js) compares it
 * with one token and would skip the plugin's resources.
 */
function forType(token: string, validate: ResourceValidation): ResourceValidation {
  return (args, reportViolation) => {
    if (!isType(args.type, token)) {
      args.notApplicable(`the policy applies to ${token} and ${PLUGIN_TYPES[token]} only`);
    }
    return validate(args, reportViolation);
  };
}

function exempt(args: { name: string; notApplicable(reason?: string): never }, names: readonly string[]) {
  if (names.includes(args.name)) args.notApplicable(`"${args.name}" is listed in exemptNames`);
}

function runnerOf(args: ResourceValidationArgs): RunnerFacts {
  return runnerFacts(args.props as Props);
}

/** `["a", "b"]` as the user would write it in the program. */
function list(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
}

const SCOPE_LABEL = { instance_type: "instance", group_type: "group", project_type: "project" } as const;

// ---------------------------------------------------------------------------------------------
// 1. runner-untagged-jobs
// ---------------------------------------------------------------------------------------------

/**
 * A runner that does not run untagged jobs must have tags (otherwise no job can reach it), and
 * instance and group runners may not run untagged jobs unless `allowUntaggedSharedRunners`.
 * The second check needs `runnerType`: registration-token and adopted runners are not judged
 * by it.
 */
export const runnerUntaggedJobs: ResourceValidationPolicy = {
  name: POLICY_NAMES.runnerUntaggedJobs,
  description:
    "Runners that do not run untagged jobs must have tags; instance and group runners may not run untagged jobs unless allowed.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(runnerUntaggedJobsParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const config = resolveConfig(POLICY_NAMES.runnerUntaggedJobs, runnerUntaggedJobsParams, args.getConfig());
    exempt(args, config.exemptNames);
    const runner = runnerOf(args);
    const runUntagged = effective(runner.runUntagged, true, runner.adopted);
    const tags = effective(runner.tagList, [], runner.adopted);

    if (runUntagged === false && tags !== UNKNOWN && tags.length === 0) {
      reportViolation(
        `runUntagged is false and the runner has no tags (tagList ${runner.tagList === undefined ? "is not set" : "is []"}), ` +
          `so no job can ever run on it. Give it the tags its jobs ask for (e.g. tagList: ["docker"]) ` +
          `or set runUntagged: true.`,
      );
    }

    const type = runner.runnerType;
    if (
      !config.allowUntaggedSharedRunners &&
      (type === "instance_type" || type === "group_type") &&
      runUntagged === true
    ) {
      reportViolation(
        `This ${SCOPE_LABEL[type]} runner (runnerType: "${type}") runs untagged jobs` +
          `${runner.runUntagged === undefined ? " (runUntagged defaults to true)" : ""}, ` +
          `so every project it serves can send it any job. Set runUntagged: false and give it tags ` +
          `(e.g. tagList: ["docker"]); to allow this, set "allowUntaggedSharedRunners": true for ` +
          `"${POLICY_NAMES.runnerUntaggedJobs}" in the policy config.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------
// 2. project-runner-locked
// ---------------------------------------------------------------------------------------------

/**
 * A project runner must be `locked`, so that nobody can enable it in other projects. Only
 * runners created with `runnerType: "project_type"` are known to be project runners.
 */
export const projectRunnerLocked: ResourceValidationPolicy = {
  name: POLICY_NAMES.projectRunnerLocked,
  description: "Project runners must be locked to their project.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(projectRunnerLockedParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const config = resolveConfig(
      POLICY_NAMES.projectRunnerLocked,
      projectRunnerLockedParams,
      args.getConfig(),
    );
    exempt(args, config.exemptNames);
    const runner = runnerOf(args);
    if (runner.runnerType !== "project_type") return;
    const locked = effective(runner.locked, false, runner.adopted);
    if (locked === false) {
      reportViolation(
        `Project runners must be locked to their project` +
          `${runner.locked === undefined ? " (locked defaults to false)" : ""}, so that no one can ` +
          `enable them in other projects. Set locked: true.`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------
// 3. runner-maximum-timeout
// ---------------------------------------------------------------------------------------------

/** `maximumTimeout` within `[minSeconds, maxSeconds]`; a missing one only when `requireTimeout`. */
export const runnerMaximumTimeout: ResourceValidationPolicy = {
  name: POLICY_NAMES.runnerMaximumTimeout,
  description: "A runner's maximumTimeout must be within the configured range.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(runnerMaximumTimeoutParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const name = POLICY_NAMES.runnerMaximumTimeout;
    const config = resolveConfig(name, runnerMaximumTimeoutParams, args.getConfig());
    const { minSeconds: min, maxSeconds: max } = config;
    if (min > max) {
      throw new PolicyConfigError(name, `"minSeconds" (${min}) is greater than "maxSeconds" (${max}).`);
    }
    exempt(args, config.exemptNames);
    const runner = runnerOf(args);
    const timeout = runner.maximumTimeout;
    const example = Math.min(Math.max(3600, min), max);
    const fix = `Set maximumTimeout to a number of seconds from ${min} to ${max} (e.g. maximumTimeout: ${example}).`;
    if (timeout === UNKNOWN) return;
    if (timeout === undefined) {
      if (config.requireTimeout && !runner.adopted) {
        reportViolation(
          `maximumTimeout is not set, so a job may run as long as its project's timeout allows. ${fix}`,
        );
      }
      return;
    }
    if (timeout < min) {
      reportViolation(`maximumTimeout is ${timeout} seconds, below the minimum of ${min}. ${fix}`);
    } else if (timeout > max) {
      reportViolation(`maximumTimeout is ${timeout} seconds, above the maximum of ${max}. ${fix}`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------
// 4. deploy-runner-ref-protected
// ---------------------------------------------------------------------------------------------

/** A runner with a tag matching `tagPattern` must be `ref_protected`. */
export const deployRunnerRefProtected: ResourceValidationPolicy = {
  name: POLICY_NAMES.deployRunnerRefProtected,
  description:
    'Runners whose tags match the configured pattern (default "deploy|prod") must run jobs of protected refs only.',
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(deployRunnerRefProtectedParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const name = POLICY_NAMES.deployRunnerRefProtected;
    const config = resolveConfig(name, deployRunnerRefProtectedParams, args.getConfig());
    const pattern = compilePattern(name, "tagPattern", config.tagPattern, "i");
    exempt(args, config.exemptNames);
    const runner = runnerOf(args);
    const tags = effective(runner.tagList, [], runner.adopted);
    if (tags === UNKNOWN) return;
    const matching = tags.filter((tag): tag is string => tag !== UNKNOWN && pattern.test(tag));
    if (matching.length === 0) return;
    const accessLevel = effective(runner.accessLevel, "not_protected", runner.adopted);
    if (accessLevel === UNKNOWN || accessLevel === "ref_protected") return;
    reportViolation(
      `The runner's tags ${list(matching)} match the pattern ${JSON.stringify(config.tagPattern)} (runners that deploy), ` +
        `but accessLevel is ${JSON.stringify(accessLevel)}${runner.accessLevel === undefined ? " (the default)" : ""}, ` +
        `so jobs from unprotected branches could use it. Set accessLevel: "ref_protected".`,
    );
  }),
};

// ---------------------------------------------------------------------------------------------
// 5. runner-description-format
// ---------------------------------------------------------------------------------------------

/** `description` matches `pattern`; a new runner without a description has `""`. */
export const runnerDescriptionFormat: ResourceValidationPolicy = {
  name: POLICY_NAMES.runnerDescriptionFormat,
  description: "A runner's description must match the configured pattern.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(runnerDescriptionFormatParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const name = POLICY_NAMES.runnerDescriptionFormat;
    const config = resolveConfig(name, runnerDescriptionFormatParams, args.getConfig());
    const pattern = compilePattern(name, "pattern", config.pattern, "");
    exempt(args, config.exemptNames);
    const runner = runnerOf(args);
    const description = effective(runner.description, "", runner.adopted);
    if (description === UNKNOWN || pattern.test(description)) return;
    const what =
      runner.description === undefined
        ? "description is not set"
        : `description ${JSON.stringify(description)} does not match the pattern ${JSON.stringify(config.pattern)}`;
    reportViolation(`${what}. Set description to ${config.hint}.`);
  }),
};

// ---------------------------------------------------------------------------------------------
// 6. registration-token-flow
// ---------------------------------------------------------------------------------------------

/**
 * Flags the registration-token flow (`registrationToken`, `POST /runners`). Advisory by
 * default: it still works on GitLab up to 16.x and where an administrator re-enabled it. The
 * token itself is never quoted.
 */
export const registrationTokenFlow: ResourceValidationPolicy = {
  name: POLICY_NAMES.registrationTokenFlow,
  description: "Runners should be created with runnerType, not with a registration token.",
  enforcementLevel: "advisory",
  configSchema: configSchemaOf(registrationTokenFlowParams),
  validateResource: forType(RUNNER_TYPE, (args, reportViolation) => {
    const config = resolveConfig(
      POLICY_NAMES.registrationTokenFlow,
      registrationTokenFlowParams,
      args.getConfig(),
    );
    exempt(args, config.exemptNames);
    if (runnerOf(args).registrationToken !== true) return;
    reportViolation(
      "This runner is registered with a registration token (registrationToken), a flow GitLab " +
        "deprecated in 15.6 and disabled by default in 17.0 (the server answers 410 Gone) before removing it. " +
        'Remove registrationToken and create the runner with runnerType instead: runnerType: "group_type" ' +
        'with groupId, runnerType: "project_type" with projectId, or runnerType: "instance_type" ' +
        "(needs GitLab 15.11 or later; the runner is replaced).",
    );
  }),
};

// ---------------------------------------------------------------------------------------------
// 7. forbidden-project-assignment
// ---------------------------------------------------------------------------------------------

/** Why a project is forbidden, or `undefined` when it is not (or cannot be known). */
function forbiddenReason(
  project: number | string | undefined | Unknown,
  config: ForbiddenProjectAssignmentConfig,
): string | undefined {
  if (project === undefined || project === UNKNOWN) return undefined;
  // A numeric id, or a numeric id given as a string ("42"): a full path always has a slash.
  const id = typeof project === "number" ? project : /^\d+$/.test(project) ? Number(project) : undefined;
  if (id !== undefined) {
    return config.projectIds.includes(id) ? `project ${id} is listed in projectIds` : undefined;
  }
  const path = String(project);
  for (const source of config.projectPatterns) {
    const pattern = compilePattern(POLICY_NAMES.forbiddenProjectAssignment, "projectPatterns", source, "i");
    if (pattern.test(path))
      return `project ${JSON.stringify(path)} matches ${JSON.stringify(source)} in projectPatterns`;
  }
  return undefined;
}

/**
 * No `ProjectRunnerAssignment` to a forbidden project (by path pattern or numeric id), and, with
 * `checkProjectRunners`, no project runner created in one.
 */
export const forbiddenProjectAssignment: ResourceValidationPolicy = {
  name: POLICY_NAMES.forbiddenProjectAssignment,
  description: "Runners may not be assigned to the projects the policy config forbids.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(forbiddenProjectAssignmentParams),
  validateResource: (args, reportViolation) => {
    if (!isType(args.type, PROJECT_RUNNER_ASSIGNMENT_TYPE) && !isType(args.type, RUNNER_TYPE)) {
      args.notApplicable(`the policy applies to ${PROJECT_RUNNER_ASSIGNMENT_TYPE} and ${RUNNER_TYPE} only`);
    }
    const name = POLICY_NAMES.forbiddenProjectAssignment;
    const config = resolveConfig(name, forbiddenProjectAssignmentParams, args.getConfig());
    exempt(args, config.exemptNames);
    const allow = `or remove the project from the "${name}" policy config`;
    if (isType(args.type, PROJECT_RUNNER_ASSIGNMENT_TYPE)) {
      const reason = forbiddenReason(readIdOrPath(args.props as Props, "project"), config);
      if (reason === undefined) return;
      reportViolation(
        `Runners may not be assigned to this project: ${reason} of policy "${name}". ` +
          `Set project to a project that is not forbidden (project: "group/project" or its numeric id), ` +
          `remove this ProjectRunnerAssignment, ${allow}.`,
      );
      return;
    }
    if (!config.checkProjectRunners) return;
    const runner = runnerOf(args);
    if (runner.runnerType !== "project_type") return;
    const reason = forbiddenReason(runner.projectId, config);
    if (reason === undefined) return;
    reportViolation(
      `This project runner would be assigned to a forbidden project: ${reason} of policy "${name}". ` +
        `Set projectId to a project that is not forbidden, ${allow} ` +
        `(or set "checkProjectRunners": false there).`,
    );
  },
};

// ---------------------------------------------------------------------------------------------
// 8. unique-runner-descriptions (stack)
// ---------------------------------------------------------------------------------------------

/**
 * No two runners of the stack with the same description: GitLab's UI and API list runners by
 * description, so duplicates cannot be told apart. Runners without a description (or whose
 * description is not known yet) are left out; `runner-description-format` covers those.
 */
export const uniqueRunnerDescriptions: StackValidationPolicy = {
  name: POLICY_NAMES.uniqueRunnerDescriptions,
  description: "No two runners of a stack may have the same description.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(uniqueRunnerDescriptionsParams),
  // No `__pulumiType` (see forType): it would skip a stack whose runners are the plugin's.
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const name = POLICY_NAMES.uniqueRunnerDescriptions;
    const config = resolveConfig(name, uniqueRunnerDescriptionsParams, args.getConfig());
    if (!args.resources.some((r) => isType(r.type, RUNNER_TYPE))) {
      args.notApplicable(
        `the policy applies to stacks with ${RUNNER_TYPE} or ${PLUGIN_TYPES[RUNNER_TYPE]} resources only`,
      );
    }
    const groups = new Map<string, { description: string; runners: PolicyResource[] }>();
    for (const resource of args.resources) {
      if (!isType(resource.type, RUNNER_TYPE) || config.exemptNames.includes(resource.name)) continue;
      const description = readString(resource.props as Props, "description");
      if (description === undefined || description === UNKNOWN || description.trim() === "") continue;
      const key = config.ignoreCase ? description.trim().toLowerCase() : description.trim();
      const group = groups.get(key) ?? { description, runners: [] };
      group.runners.push(resource);
      groups.set(key, group);
    }
    for (const { description, runners } of groups.values()) {
      if (runners.length < 2) continue;
      const names = runners.map((r) => JSON.stringify(r.name)).join(", ");
      for (const duplicate of runners.slice(1)) {
        reportViolation(
          `Runners ${names} share the description ${JSON.stringify(description)}, so they cannot be ` +
            `told apart in GitLab. Give each runner its own description ` +
            `(e.g. description: ${JSON.stringify(`${description.trim()} 2`)} on "${duplicate.name}").`,
          duplicate.urn,
        );
      }
    }
  },
};

/** Every policy of the pack, in the order the previews list them. */
export const policies: Policies = [
  runnerUntaggedJobs,
  projectRunnerLocked,
  runnerMaximumTimeout,
  deployRunnerRefProtected,
  runnerDescriptionFormat,
  registrationTokenFlow,
  forbiddenProjectAssignment,
  uniqueRunnerDescriptions,
];

/** The default enforcement level of each policy (override per policy in the policy config). */
export const defaultEnforcementLevels: Readonly<Record<string, EnforcementLevel>> = Object.fromEntries(
  policies.map((p) => [p.name, p.enforcementLevel ?? "advisory"]),
);
