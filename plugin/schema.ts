/**
 * TEMPORARY, WRITTEN BY HAND: the Pulumi package schema of `gitlab-runners`.
 *
 * It mirrors the dynamic resources (`sdk/`) name for name so the plugin and the SDKs generated
 * from it can be built and tested now. It is to be replaced by a schema generated from the
 * resources' descriptions in `provider/` (one description per resource: fields, GitLab names,
 * replace-on-change, secrets, defaults, docs); nothing else in `plugin/` depends on its content
 * beyond {@link packageSchema} and {@link SECRET_PROPERTIES}.
 *
 * Format: https://www.pulumi.com/docs/iac/extending-pulumi/schema/ (`pkg/codegen/schema`).
 * `replaceOnChanges` is deliberately left out: the provider's Diff decides replacement (adopting
 * the runner a resource already manages is not a replacement), and the SDKs would otherwise force
 * one whenever such a property differs.
 */
import { version } from "./version";

type Json = Record<string, unknown>;

const str = (description: string, extra: Json = {}): Json => ({ type: "string", description, ...extra });
const int = (description: string, extra: Json = {}): Json => ({ type: "integer", description, ...extra });
const bool = (description: string, extra: Json = {}): Json => ({ type: "boolean", description, ...extra });
const strings = (description: string): Json => ({ type: "array", items: { type: "string" }, description });
const ref = (type: string, description: string): Json => ({
  $ref: `#/types/gitlab-runners:index:${type}`,
  description,
});
const refs = (type: string, description: string): Json => ({
  type: "array",
  items: { $ref: `#/types/gitlab-runners:index:${type}` },
  description,
});
/** A numeric id or a full path: GitLab accepts both wherever it takes a project or a group. */
const idOrPath = (description: string): Json => ({
  oneOf: [{ type: "integer" }, { type: "string" }],
  description,
});

/** The settings GitLab lets a program set on a runner (inputs and outputs alike). */
const runnerSettings = {
  description: str(
    "The runner's description (GitLab's `description`), at most 1024 characters. `\"\"` clears it.",
  ),
  paused: bool(
    "Whether the runner is paused and picks no jobs (GitLab's `paused`; sent as `active` with the opposite value to GitLab 13.x). Default for a new runner: false.",
  ),
  locked: bool(
    "Whether the runner is locked to its current projects (GitLab's `locked`). Default for a new runner: false.",
  ),
  runUntagged: bool(
    "Whether the runner picks jobs without tags (GitLab's `run_untagged`). When false, `tagList` must have at least one tag. Default for a new runner: true.",
  ),
  tagList: strings(
    "The runner's tags (GitLab's `tag_list`): a set, order never matters; no empty tags, no commas, no duplicates, at most 50. `[]` clears them.",
  ),
  accessLevel: ref(
    "AccessLevel",
    'Which refs the runner runs jobs for (GitLab\'s `access_level`). Default for a new runner: "not_protected".',
  ),
  maximumTimeout: int(
    "The longest a job may run on this runner, in seconds (GitLab's `maximum_timeout`); at least 600.",
  ),
  maintenanceNote: str(
    "A note for the runner's maintainers (GitLab's `maintenance_note`), at most 1024 characters. Not supported by GitLab 13.x.",
  ),
};

/** How a runner comes to exist: exactly one of the three ways, and the owner of a scoped runner. */
const runnerCreation = {
  registrationToken: str(
    "Register the runner with a runner registration token (`POST /runners`, GitLab's `token`). Disabled by default since GitLab 17.0; use `runnerType` there. Changing it replaces the runner.",
    { secret: true },
  ),
  runnerType: ref(
    "RunnerType",
    "Create the runner with your own token (`POST /user/runners`, GitLab's `runner_type`); needs GitLab 15.11 or later. Changing it replaces the runner.",
  ),
  groupId: idOrPath(
    'The group of a "group_type" runner: numeric id or full path (GitLab\'s `group_id`). Changing it replaces the runner.',
  ),
  projectId: idOrPath(
    'The project of a "project_type" runner: numeric id or full path such as "acme/api" (GitLab\'s `project_id`). Changing it replaces the runner.',
  ),
  adoptRunnerId: int(
    "Take over an existing runner by its id instead of creating one: it is read, then updated to this program. `authenticationToken` stays empty until `tokenRotation` is set.",
  ),
};

const tokenRotation = str(
  "Any value; whenever it changes, the runner's authentication token is reset in place (`POST /runners/:id/reset_authentication_token`). The runner is not replaced.",
);

const runnerOutputs = {
  runnerId: int("The runner's id in GitLab (`id`)."),
  authenticationToken: str(
    "The runner's authentication token (`token`, `glrt-…` for created runners). Absent for an adopted runner until a rotation.",
    { secret: true },
  ),
  tokenExpiresAt: str("When the authentication token expires (`token_expires_at`), if it does."),
  isShared: bool("Whether it is an instance runner (`is_shared`)."),
  status: str(
    "GitLab's status (`status`): `online`, `offline`, `never_contacted`, `stale`, `paused`, or `not_connected` on 13.x.",
  ),
  online: bool("Whether the runner contacted GitLab recently (`online`); absent if it never did."),
  contactedAt: str("When the runner last contacted GitLab (`contacted_at`)."),
  projects: refs(
    "RunnerProject",
    "The projects the runner is assigned to that this token may see (`projects`).",
  ),
  groups: refs("RunnerGroup", "The group of a group runner (`groups`)."),
};

const runnerSummary = {
  id: int("Runner id (`id`)."),
  description: str("Description (`description`); empty when none."),
  paused: bool("True when the runner takes no jobs (`paused`, or `!active` on GitLab < 14.8)."),
  active: bool("The deprecated inverse of `paused` (`active`)."),
  isShared: bool("True for instance runners (`is_shared`)."),
  runnerType: ref("RunnerType", "Scope of the runner (`runner_type`)."),
  name: str("Name the runner registered with (`name`)."),
  online: bool("Whether the runner contacted GitLab recently (`online`)."),
  status: str("GitLab's status word (`status`)."),
  ipAddress: str("Last IP address (`ip_address`); absent on 17.0+."),
  createdAt: str("ISO-8601 creation time (`created_at`)."),
  jobExecutionStatus: str("`active` (running a job) or `idle` (`job_execution_status`, GitLab 18)."),
};
const summaryRequired = ["id", "description", "paused", "active", "isShared", "status"];

const runnerDetails = {
  ...runnerSummary,
  tagList: strings("Tags (`tag_list`); compare as a set."),
  runUntagged: bool("Whether the runner takes untagged jobs (`run_untagged`)."),
  locked: bool("Whether the runner is locked to its current projects (`locked`)."),
  accessLevel: ref("AccessLevel", "`access_level`."),
  maximumTimeout: int("Job timeout ceiling in seconds (`maximum_timeout`)."),
  maintenanceNote: str("Note for maintainers (`maintenance_note`); absent when hidden from this token."),
  contactedAt: str("ISO-8601 last contact (`contacted_at`)."),
  version: str("Version of the most recently seen runner manager (`version`)."),
  revision: str("`revision`."),
  platform: str("`platform`."),
  architecture: str("`architecture`."),
  projects: refs("RunnerProject", "Projects visible to this token (`projects`)."),
  groups: refs("RunnerGroup", "The runner's group (`groups`)."),
};

const listFilters = {
  type: ref("RunnerType", "Only runners of this scope (`type`)."),
  status: str(
    "Only runners with this status (`status`): online, offline, never_contacted, stale, active, paused (or 13.x's not_connected).",
  ),
  paused: bool("Only paused (true) or unpaused (false) runners (`paused`)."),
  tagList: strings("Only runners with all of these tags (`tag_list`)."),
};

const runnersResult = (description: string): Json => ({
  properties: { runners: refs("RunnerSummary", description) },
  required: ["runners"],
  type: "object",
});

/**
 * The GitLab connection settings, the same names as the dynamic resources' `gitlab:` keys. The
 * implementation's alias `caCertFile` is left out: names that differ only in case conflict in the
 * schema (Pulumi's validation warns, and case-insensitive languages cannot have both).
 */
const config = {
  baseUrl: str(
    "GitLab URL, with or without `/api/v4`, e.g. `https://gitlab.example.com`. Environment fallback: `GITLAB_BASE_URL`.",
  ),
  token: str(
    "Personal, group or project access token (or an OAuth token with `authHeader: bearer`). Environment fallback: `GITLAB_TOKEN`.",
    { secret: true },
  ),
  authHeader: str('How the token is sent: "private-token" (default) or "bearer".'),
  cacertFile: str("PEM file of extra CAs to trust for GitLab (and the proxy)."),
  insecure: bool("Skip TLS certificate verification. For testing only. Default: false."),
  clientCert: str("PEM file of a client certificate for mutual TLS."),
  clientKey: str("PEM file of the client certificate's private key."),
  retries: int("Retries after the first attempt, for requests that may be repeated. Default: 5."),
  maxConcurrency: int("Requests in flight at most, whatever `pulumi up --parallel` is. Default: 8."),
  timeoutMs: int("Overall deadline of one operation in milliseconds. Default: 120000."),
};

/** Properties (inputs and outputs) the plugin always stores as secrets, per resource type token. */
export const SECRET_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "gitlab-runners:index:Runner": ["authenticationToken", "registrationToken"],
  "gitlab-runners:index:ProjectRunnerAssignment": [],
};

/** The package schema `GetSchema` answers and the SDK generator reads. */
export const packageSchema = {
  name: "gitlab-runners",
  displayName: "GitLab Runners",
  version,
  description:
    "Manage GitLab runners as code: runners, project assignments and read functions, GitLab 13.12 to 18.x.",
  keywords: ["pulumi", "gitlab", "runners", "category/infrastructure", "kind/native"],
  license: "Apache-2.0",
  publisher: "pulumi-gitlab-runners",
  // supportPack: the current SDK layout (a go.mod for the Go SDK, a pyproject.toml carrying the version).
  meta: { moduleFormat: "(.*)", supportPack: true },
  language: {
    python: {
      packageName: "pulumi_gitlab_runners",
      requires: { pulumi: ">=3.0.0,<4.0.0" },
      pyproject: { enabled: true },
      respectSchemaVersion: true,
    },
    go: {
      importBasePath: "github.com/pulumi-gitlab-runners/pulumi-gitlab-runners/sdks/go/gitlabrunners",
      generateResourceContainerTypes: true,
      respectSchemaVersion: true,
    },
    csharp: {
      rootNamespace: "Pulumi",
      namespaces: { "gitlab-runners": "GitLabRunners" },
      packageReferences: { Pulumi: "3.*" },
      respectSchemaVersion: true,
    },
    nodejs: {
      packageName: "@pulumi-gitlab-runners/plugin-sdk",
      dependencies: { "@pulumi/pulumi": "^3.0.0" },
      respectSchemaVersion: true,
    },
  },
  config: { variables: config },
  provider: {
    description: "The GitLab a group of resources talks to. Give one per GitLab instance.",
    inputProperties: config,
    properties: {},
  },
  types: {
    "gitlab-runners:index:RunnerType": {
      type: "string",
      description: "GitLab's runner scope (`runner_type`).",
      enum: [
        { name: "InstanceType", value: "instance_type", description: "An instance runner (administrators)." },
        { name: "GroupType", value: "group_type", description: "A group runner." },
        { name: "ProjectType", value: "project_type", description: "A project runner." },
      ],
    },
    "gitlab-runners:index:AccessLevel": {
      type: "string",
      description: "Which refs a runner may run jobs for (`access_level`).",
      enum: [
        { name: "NotProtected", value: "not_protected", description: "All refs." },
        { name: "RefProtected", value: "ref_protected", description: "Protected branches and tags only." },
      ],
    },
    "gitlab-runners:index:RunnerProject": {
      type: "object",
      description: "A project a runner is assigned to.",
      properties: {
        id: int("The project id (`id`)."),
        pathWithNamespace: str("The project's full path, e.g. `acme/api` (`path_with_namespace`)."),
        name: str("The project's name (`name`)."),
      },
      required: ["id", "pathWithNamespace"],
    },
    "gitlab-runners:index:RunnerGroup": {
      type: "object",
      description: "The group of a group runner.",
      properties: {
        id: int("The group id (`id`)."),
        name: str("The group's name (`name`)."),
        webUrl: str("The group's web URL (`web_url`)."),
      },
      required: ["id"],
    },
    "gitlab-runners:index:RunnerSummary": {
      type: "object",
      description: "A runner as GitLab lists it.",
      properties: runnerSummary,
      required: summaryRequired,
    },
    "gitlab-runners:index:RunnerJobProject": {
      type: "object",
      description: "The project of a job.",
      properties: {
        id: int("Project id."),
        pathWithNamespace: str("Full path."),
        name: str("Name."),
      },
      required: ["id"],
    },
    "gitlab-runners:index:RunnerJob": {
      type: "object",
      description: "A job a runner ran or runs.",
      properties: {
        id: int("Job id."),
        status: str("Job status."),
        stage: str("Stage."),
        name: str("Job name."),
        ref: str("Git ref."),
        tag: bool("Whether the ref is a tag."),
        createdAt: str("Creation time."),
        startedAt: str("Start time."),
        finishedAt: str("Finish time."),
        duration: { type: "number", description: "Duration in seconds." },
        queuedDuration: { type: "number", description: "Time queued in seconds." },
        webUrl: str("Web URL."),
        project: ref("RunnerJobProject", "The job's project."),
        pipelineId: int("The pipeline's id."),
      },
      required: ["id", "status"],
    },
    "gitlab-runners:index:RunnerManager": {
      type: "object",
      description: "One host (runner manager) that uses a runner's token (GitLab 15.11+).",
      properties: {
        id: int("Manager id."),
        systemId: str("`system_id`."),
        version: str("Runner version."),
        revision: str("Runner revision."),
        platform: str("Platform."),
        architecture: str("Architecture."),
        createdAt: str("Creation time."),
        contactedAt: str("Last contact."),
        ipAddress: str("Last IP address."),
        status: str("Status."),
        jobExecutionStatus: str("`active` or `idle`."),
      },
      required: ["id", "systemId"],
    },
  },
  resources: {
    "gitlab-runners:index:Runner": {
      description:
        "A GitLab runner, registered with a registration token, created with `runnerType`, or adopted by id. Set exactly one of `registrationToken`, `runnerType` or `adoptRunnerId`. Changing how the runner came to exist replaces it; every other argument is updated in place. An argument left out is not managed. Import with `pulumi import gitlab-runners:index:Runner NAME RUNNER_ID`.",
      inputProperties: { ...runnerCreation, ...runnerSettings, tokenRotation },
      properties: {
        ...runnerOutputs,
        ...runnerCreation,
        runnerType: ref("RunnerType", "The runner's scope (`runner_type`)."),
        ...runnerSettings,
        tokenRotation,
      },
      required: [
        "runnerId",
        "runnerType",
        "isShared",
        "status",
        "projects",
        "groups",
        "paused",
        "locked",
        "runUntagged",
        "tagList",
        "accessLevel",
      ],
    },
    "gitlab-runners:index:ProjectRunnerAssignment": {
      description:
        "Enables a project runner on a project (`POST /projects/:id/runners`), undone by `DELETE /projects/:id/runners/:runner_id`. The id is `<projectId>:<runnerId>`; any change replaces it.",
      inputProperties: {
        project: idOrPath(
          'The project: numeric id or full path such as "acme/api". Switching between the path and the id of the same project is not a change.',
        ),
        runnerId: int("The runner to enable (GitLab's `runner_id`), e.g. a Runner's `runnerId`."),
      },
      requiredInputs: ["project", "runnerId"],
      properties: {
        project: idOrPath("The `project` argument as the program gave it."),
        runnerId: int("The runner's id."),
        projectId: int("The project's numeric id."),
        projectPath: str("The project's full path as GitLab reports it (`path_with_namespace`)."),
        preExisting: bool(
          "True when GitLab already had the runner on the project when this resource was created.",
        ),
      },
      required: ["project", "runnerId", "projectId", "projectPath", "preExisting"],
    },
  },
  functions: {
    "gitlab-runners:index:getRunner": {
      description: "Everything GitLab says about one runner (`GET /runners/:id`).",
      inputs: { properties: { id: int("The runner id.") }, required: ["id"] },
      outputs: {
        properties: runnerDetails,
        required: [...summaryRequired, "tagList", "runUntagged", "locked", "accessLevel", "groups"],
      },
    },
    "gitlab-runners:index:listRunners": {
      description:
        "Runners this token owns (`GET /runners`) or all of them (`GET /runners/all`, administrators).",
      inputs: {
        properties: {
          scope: str('"owned" or "all" (administrators).'),
          ...listFilters,
          versionPrefix: str(
            'Only runners whose version starts with this, e.g. "17" or "16.11" (`version_prefix`).',
          ),
        },
        required: ["scope"],
      },
      outputs: runnersResult("The runners, every page."),
    },
    "gitlab-runners:index:listProjectRunners": {
      description: "Runners available to a project (`GET /projects/:id/runners`).",
      inputs: {
        properties: { project: idOrPath("The project: numeric id or full path."), ...listFilters },
        required: ["project"],
      },
      outputs: runnersResult("The runners, every page."),
    },
    "gitlab-runners:index:listGroupRunners": {
      description: "Runners available to a group (`GET /groups/:id/runners`).",
      inputs: {
        properties: { group: idOrPath("The group: numeric id or full path."), ...listFilters },
        required: ["group"],
      },
      outputs: runnersResult("The runners, every page."),
    },
    "gitlab-runners:index:listRunnerJobs": {
      description: "Jobs a runner ran or runs (`GET /runners/:id/jobs`).",
      inputs: {
        properties: {
          runnerId: int("The runner id."),
          status: str("Only jobs with this status, e.g. running, success, failed."),
          orderBy: str('"id".'),
          sort: str('"asc" or "desc".'),
        },
        required: ["runnerId"],
      },
      outputs: {
        type: "object",
        properties: { jobs: refs("RunnerJob", "The jobs, every page.") },
        required: ["jobs"],
      },
    },
    "gitlab-runners:index:listRunnerManagers": {
      description:
        "The hosts (runner managers) that use a runner's token (`GET /runners/:id/managers`, GitLab 15.11+).",
      inputs: { properties: { runnerId: int("The runner id.") }, required: ["runnerId"] },
      outputs: {
        type: "object",
        properties: { managers: refs("RunnerManager", "The managers.") },
        required: ["managers"],
      },
    },
    "gitlab-runners:index:verifyRunnerToken": {
      description:
        "Checks a runner authentication token (`POST /runners/verify`). GitLab marks the runner as contacted and, with `systemId`, creates a runner manager.",
      inputs: {
        properties: {
          token: str("The runner's authentication token.", { secret: true }),
          systemId: str("A runner manager's system id."),
        },
        required: ["token"],
      },
      outputs: {
        type: "object",
        properties: {
          valid: bool("False when GitLab refused the token."),
          id: int("The runner's id, when GitLab says."),
          tokenExpiresAt: str("When the token expires, when it does."),
        },
        required: ["valid"],
      },
    },
  },
};
