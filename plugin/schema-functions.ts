/**
 * The read functions in the package schema (`gitlab-runners:index:getRunner`, …): their
 * arguments and results. Property names are tied to the implementation by type: each argument
 * table must name exactly the keys of the function's zod schema (`provider/functions/args.ts`),
 * each result table exactly the fields of the transport's type (`provider/gitlab/schemas/runner.ts`),
 * so a field added or renamed there does not compile here. Enum values come from GitLab's
 * vocabulary (`provider/gitlab/vocabulary.ts`); `test/unit/plugin-schema.test.ts` checks the rest.
 */
import type {
  getRunnerArgsSchema,
  listGroupRunnersArgsSchema,
  listProjectRunnersArgsSchema,
  listRunnerJobsArgsSchema,
  listRunnerManagersArgsSchema,
  listRunnersArgsSchema,
  verifyRunnerTokenArgsSchema,
} from "../provider/functions/args";
import type { VerifyRunnerTokenResult } from "../provider/functions/index";
import type {
  GroupRef,
  ProjectRef,
  RunnerDetails,
  RunnerJob,
  RunnerManager,
  RunnerSummary,
} from "../provider/gitlab/schemas/runner";
import { JOB_STATUSES, RUNNER_STATUSES } from "../provider/gitlab/vocabulary";

type Json = Record<string, unknown>;

/** One property: its schema type, its docs, and whether it is always there (required). */
type Prop = readonly [type: Json, docs: string, required?: "required"];

const T = {
  string: { type: "string" },
  secretString: { type: "string", secret: true },
  integer: { type: "integer" },
  number: { type: "number" },
  boolean: { type: "boolean" },
  strings: { type: "array", items: { type: "string" } },
  idOrPath: { oneOf: [{ type: "integer" }, { type: "string" }] },
  ref: (name: string) => ({ $ref: `#/types/gitlab-runners:index:${name}` }),
  refs: (name: string) => ({ type: "array", items: { $ref: `#/types/gitlab-runners:index:${name}` } }),
} as const;

/** `{ properties, required }` from a table of {@link Prop}s. */
function object(table: Readonly<Record<string, Prop>>): { properties: Json; required: string[] } {
  return {
    properties: Object.fromEntries(
      Object.entries(table).map(([name, [type, description]]) => [name, { ...type, description }]),
    ),
    required: Object.entries(table)
      .filter(([, p]) => p[2] === "required")
      .map(([name]) => name),
  };
}

const quoted = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(", ");

type ArgsOf<S extends { shape: object }> = keyof S["shape"];

// Results -------------------------------------------------------------------------------------

const summary = {
  id: [T.integer, "Runner id (`id`).", "required"],
  description: [T.string, "Description (`description`); empty when none.", "required"],
  paused: [
    T.boolean,
    "True when the runner takes no jobs (`paused`, or `!active` on GitLab < 14.8).",
    "required",
  ],
  active: [T.boolean, "The deprecated inverse of `paused` (`active`).", "required"],
  isShared: [T.boolean, "True for instance runners (`is_shared`).", "required"],
  runnerType: [T.ref("RunnerType"), "Scope of the runner (`runner_type`)."],
  name: [T.string, "Name the runner registered with (`name`)."],
  online: [T.boolean, "Whether the runner contacted GitLab recently (`online`); absent if it never did."],
  status: [T.string, `GitLab's status word (\`status\`): ${quoted(RUNNER_STATUSES)}.`, "required"],
  ipAddress: [T.string, "Last IP address (`ip_address`); absent on GitLab 17.0+."],
  createdAt: [T.string, "ISO-8601 creation time (`created_at`)."],
  jobExecutionStatus: [T.string, "`active` (running a job) or `idle` (`job_execution_status`, GitLab 18)."],
} as const satisfies Record<keyof RunnerSummary, Prop>;

const details = {
  ...summary,
  runnerType: [T.ref("RunnerType"), "Scope of the runner (`runner_type`).", "required"],
  tagList: [T.strings, "Tags (`tag_list`); compare as a set.", "required"],
  runUntagged: [T.boolean, "Whether the runner takes untagged jobs (`run_untagged`).", "required"],
  locked: [T.boolean, "Whether the runner is locked to its current projects (`locked`).", "required"],
  accessLevel: [T.ref("AccessLevel"), "Which refs it runs jobs for (`access_level`).", "required"],
  maximumTimeout: [T.integer, "Job timeout ceiling in seconds (`maximum_timeout`)."],
  maintenanceNote: [
    T.string,
    "Note for maintainers (`maintenance_note`); absent when hidden from this token.",
  ],
  contactedAt: [T.string, "ISO-8601 last contact (`contacted_at`)."],
  version: [T.string, "Version of the most recently seen runner manager (`version`)."],
  revision: [T.string, "Revision of that runner manager (`revision`)."],
  platform: [T.string, "Platform of that runner manager (`platform`)."],
  architecture: [T.string, "Architecture of that runner manager (`architecture`)."],
  projects: [T.refs("ProjectRef"), "Projects visible to this token (`projects`)."],
  groups: [T.refs("GroupRef"), "The runner's group (`groups`).", "required"],
} as const satisfies Record<keyof RunnerDetails, Prop>;

const projectRef = {
  id: [T.integer, "The project id (`id`).", "required"],
  pathWithNamespace: [
    T.string,
    "The project's full path, e.g. `acme/api` (`path_with_namespace`).",
    "required",
  ],
  name: [T.string, "The project's name (`name`)."],
} as const satisfies Record<keyof ProjectRef, Prop>;

const groupRef = {
  id: [T.integer, "The group id (`id`).", "required"],
  name: [T.string, "The group's name (`name`).", "required"],
  webUrl: [T.string, "The group's web URL (`web_url`)."],
} as const satisfies Record<keyof GroupRef, Prop>;

const job = {
  id: [T.integer, "Job id (`id`).", "required"],
  status: [T.string, `Job status (\`status\`): ${quoted(JOB_STATUSES)}.`, "required"],
  stage: [T.string, "Stage (`stage`)."],
  name: [T.string, "Job name (`name`)."],
  ref: [T.string, "Git ref (`ref`)."],
  tag: [T.boolean, "Whether the ref is a tag (`tag`)."],
  createdAt: [T.string, "Creation time (`created_at`)."],
  startedAt: [T.string, "Start time (`started_at`)."],
  finishedAt: [T.string, "Finish time (`finished_at`)."],
  duration: [T.number, "Duration in seconds (`duration`)."],
  queuedDuration: [T.number, "Time queued in seconds (`queued_duration`)."],
  webUrl: [T.string, "Web URL (`web_url`)."],
  project: [T.ref("RunnerJobProject"), "The job's project (`project`)."],
  pipelineId: [T.integer, "The pipeline's id (`pipeline.id`)."],
} as const satisfies Record<keyof RunnerJob, Prop>;

const jobProject = {
  id: [T.integer, "Project id (`id`).", "required"],
  pathWithNamespace: [T.string, "Full path (`path_with_namespace`)."],
  name: [T.string, "Name (`name`)."],
} as const satisfies Record<keyof NonNullable<RunnerJob["project"]>, Prop>;

const manager = {
  id: [T.integer, "Manager id (`id`).", "required"],
  systemId: [T.string, "The host's system id (`system_id`).", "required"],
  version: [T.string, "Runner version (`version`)."],
  revision: [T.string, "Runner revision (`revision`)."],
  platform: [T.string, "Platform (`platform`)."],
  architecture: [T.string, "Architecture (`architecture`)."],
  createdAt: [T.string, "Creation time (`created_at`)."],
  contactedAt: [T.string, "Last contact (`contacted_at`)."],
  ipAddress: [T.string, "Last IP address (`ip_address`)."],
  status: [T.string, "Status (`status`)."],
  jobExecutionStatus: [T.string, "`active` or `idle` (`job_execution_status`)."],
} as const satisfies Record<keyof RunnerManager, Prop>;

const verified = {
  valid: [T.boolean, "False when GitLab refused the token (unknown, expired or reset).", "required"],
  id: [T.integer, "The runner's id, when GitLab says."],
  tokenExpiresAt: [T.string, "When the token expires, when it does."],
} as const satisfies Record<keyof VerifyRunnerTokenResult, Prop>;

/** The object types the functions' results use, by token. */
export const functionTypes: Record<string, Json> = {
  "gitlab-runners:index:RunnerSummary": {
    type: "object",
    description: "A runner as GitLab lists it.",
    ...object(summary),
  },
  "gitlab-runners:index:ProjectRef": {
    type: "object",
    description: "A project a runner is assigned to, as GitLab embeds it.",
    ...object(projectRef),
  },
  "gitlab-runners:index:GroupRef": {
    type: "object",
    description: "The group of a group runner.",
    ...object(groupRef),
  },
  "gitlab-runners:index:RunnerJob": {
    type: "object",
    description: "A job a runner ran or runs.",
    ...object(job),
  },
  "gitlab-runners:index:RunnerJobProject": {
    type: "object",
    description: "The project of a job.",
    ...object(jobProject),
  },
  "gitlab-runners:index:RunnerManager": {
    type: "object",
    description: "One host (runner manager) that uses a runner's token (GitLab 15.11+).",
    ...object(manager),
  },
};

// Arguments -----------------------------------------------------------------------------------

const filters = {
  type: [T.ref("RunnerType"), "Only runners of this scope (`type`)."],
  status: [T.string, `Only runners with this status (\`status\`): ${quoted(RUNNER_STATUSES)}.`],
  paused: [T.boolean, "Only paused (true) or unpaused (false) runners (`paused`)."],
  tagList: [T.strings, "Only runners with all of these tags (`tag_list`)."],
} as const satisfies Record<string, Prop>;

const runnerId = [T.integer, "The runner id.", "required"] as const satisfies Prop;

/** The list functions' results are wrapped in an object: an invoke returns one. */
const wrapped = (key: string, type: string, docs: string): Json => ({
  type: "object",
  ...object({ [key]: [T.refs(type), docs, "required"] }),
});

/** The functions, by token. */
export const functions: Record<string, Json> = {
  "gitlab-runners:index:getRunner": {
    description: "Everything GitLab says about one runner (`GET /runners/:id`).",
    inputs: object({ id: runnerId } satisfies Record<ArgsOf<typeof getRunnerArgsSchema>, Prop>),
    outputs: object(details),
  },
  "gitlab-runners:index:listRunners": {
    description:
      "Runners this token owns (`GET /runners`) or all of them (`GET /runners/all`, administrators).",
    inputs: object({
      scope: [T.string, '`"owned"` or `"all"` (administrators).', "required"],
      ...filters,
      versionPrefix: [
        T.string,
        'Only runners whose version starts with this, e.g. `"17"` or `"16.11"` (`version_prefix`).',
      ],
    } satisfies Record<ArgsOf<typeof listRunnersArgsSchema>, Prop>),
    outputs: wrapped("runners", "RunnerSummary", "The runners, every page."),
  },
  "gitlab-runners:index:listProjectRunners": {
    description: "Runners available to a project (`GET /projects/:id/runners`).",
    inputs: object({
      project: [T.idOrPath, 'The project: numeric id or full path such as `"acme/api"`.', "required"],
      ...filters,
    } satisfies Record<ArgsOf<typeof listProjectRunnersArgsSchema>, Prop>),
    outputs: wrapped("runners", "RunnerSummary", "The runners, every page."),
  },
  "gitlab-runners:index:listGroupRunners": {
    description: "Runners available to a group (`GET /groups/:id/runners`).",
    inputs: object({
      group: [T.idOrPath, 'The group: numeric id or full path such as `"acme"`.', "required"],
      ...filters,
    } satisfies Record<ArgsOf<typeof listGroupRunnersArgsSchema>, Prop>),
    outputs: wrapped("runners", "RunnerSummary", "The runners, every page."),
  },
  "gitlab-runners:index:listRunnerJobs": {
    description: "Jobs a runner ran or runs (`GET /runners/:id/jobs`).",
    inputs: object({
      runnerId,
      status: [T.string, `Only jobs with this status: ${quoted(JOB_STATUSES)}.`],
      orderBy: [T.string, '`"id"`.'],
      sort: [T.string, '`"asc"` or `"desc"`.'],
    } satisfies Record<ArgsOf<typeof listRunnerJobsArgsSchema>, Prop>),
    outputs: wrapped("jobs", "RunnerJob", "The jobs, every page."),
  },
  "gitlab-runners:index:listRunnerManagers": {
    description:
      "The hosts (runner managers) that use a runner's token (`GET /runners/:id/managers`, GitLab 15.11+).",
    inputs: object({ runnerId } satisfies Record<ArgsOf<typeof listRunnerManagersArgsSchema>, Prop>),
    outputs: wrapped("managers", "RunnerManager", "The managers."),
  },
  "gitlab-runners:index:verifyRunnerToken": {
    description:
      "Checks a runner authentication token (`POST /runners/verify`). GitLab marks the runner as contacted and, " +
      "with `systemId`, creates a runner manager: this is not a read.",
    inputs: object({
      token: [T.secretString, "The runner's authentication token.", "required"],
      systemId: [T.string, "A runner manager's system id."],
    } satisfies Record<ArgsOf<typeof verifyRunnerTokenArgsSchema>, Prop>),
    outputs: object(verified),
  },
};

/** The results each function wraps in an object, by token, with the key it wraps them in. */
export const WRAPPED_RESULTS: Readonly<Record<string, string>> = {
  "gitlab-runners:index:listRunners": "runners",
  "gitlab-runners:index:listProjectRunners": "runners",
  "gitlab-runners:index:listGroupRunners": "runners",
  "gitlab-runners:index:listRunnerJobs": "jobs",
  "gitlab-runners:index:listRunnerManagers": "managers",
};
