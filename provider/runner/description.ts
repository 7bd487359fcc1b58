/**
 * The Runner resource, field by field: the one description its check, diff, outputs, GitLab
 * parameters, sdk output list, README tables and package schema are derived from
 * (`provider/resource/description.ts` says how). GitLab's names come from the transport, where
 * GitLab's snake_case lives.
 */
import { CREATION_PARAMS, RUNNER_SETTING_PARAMS } from "../gitlab/params";
import { ACCESS_LEVELS, RUNNER_TYPES } from "../gitlab/vocabulary";
import type { FieldSpec, ResourceDescription } from "../resource/description";

/** `Ci::Runner::TAG_LIST_MAX_LENGTH`. */
export const MAX_TAGS = 50;
/** `maximum_timeout` validation: "needs to be at least 10 minutes". */
export const MIN_MAXIMUM_TIMEOUT = 600;
/** `description` and `maintenance_note` column limits. */
export const MAX_TEXT_LENGTH = 1024;
/**
 * What the provider keeps of a runner's note for its creation mark: a blank line and the
 * shortest mark (`creation-mark.ts`, `MIN_MARK_LENGTH`; a unit test checks they agree).
 */
export const NOTE_MARK_RESERVE = 76;
/** The longest `maintenanceNote` a program may set: GitLab's limit less the mark's room. */
export const MAX_NOTE_LENGTH = MAX_TEXT_LENGTH - NOTE_MARK_RESERVE;
/** `tags.name` is a varchar(255) in GitLab's schema (`db/structure.sql`). */
export const MAX_TAG_LENGTH = 255;

const runnerTypeEnum = { kind: "enum", name: "RunnerType", values: RUNNER_TYPES } as const;
const accessLevelEnum = { kind: "enum", name: "AccessLevel", values: ACCESS_LEVELS } as const;

export const runnerDescription = {
  name: "Runner",
  dynamicType: "pulumi-nodejs:dynamic/gitlab:Runner",
  pluginType: "gitlab-runners:index:Runner",
  docs:
    "A GitLab runner, registered with a registration token, created with `runnerType`, or adopted by id. " +
    "Changing how it came to exist replaces it; every other argument is updated in place, and an argument " +
    "left out is not managed.",
  fields: {
    // How the runner comes to exist: exactly one of registrationToken, runnerType, adoptRunnerId.
    registrationToken: {
      role: "identity",
      type: { kind: "string" },
      gitlab: CREATION_PARAMS.registrationToken,
      secret: true,
      docs:
        "Register the runner with a runner registration token of the instance, a group or a project " +
        "(`POST /runners`); the token decides the runner's scope. Registration tokens are disabled by default " +
        "since GitLab 17.0 (the server answers 410); use `runnerType` there.",
      default: "not used",
      allowed: "a registration token",
    },
    runnerType: {
      role: "identity",
      type: runnerTypeEnum,
      gitlab: CREATION_PARAMS.runnerType,
      computedToo: true,
      docs:
        'Create the runner with your own token (`POST /user/runners`, GitLab 15.11+): `"instance_type"` ' +
        '(administrators), `"group_type"` with `groupId` (group Owners) or `"project_type"` with `projectId` ' +
        "(project Maintainers). As an output: the runner's scope as GitLab reports it.",
      default: "not used",
      allowed: '`"instance_type"`, `"group_type"`, `"project_type"`',
    },
    groupId: {
      role: "identity",
      type: { kind: "id-or-path" },
      gitlab: CREATION_PARAMS.groupId,
      docs: 'The group of a `"group_type"` runner: its numeric id or full path. Only with `runnerType: "group_type"`.',
      default: "none",
      allowed: "an id or a full path",
    },
    projectId: {
      role: "identity",
      type: { kind: "id-or-path" },
      gitlab: CREATION_PARAMS.projectId,
      docs:
        'The project of a `"project_type"` runner: its numeric id or full path such as `acme/api`. Only with ' +
        '`runnerType: "project_type"`.',
      default: "none",
      allowed: "an id or a full path",
    },
    adoptRunnerId: {
      role: "identity",
      type: { kind: "integer" },
      gitlab: "id",
      docs:
        "Take over an existing runner by its id instead of creating one: `pulumi up` reads it and updates it to " +
        "the program. Destroying the resource deletes the runner, unless the resource has `retainOnDelete: true`. " +
        "A runner another Pulumi resource manages (its note carries that resource's creation mark) is refused. " +
        "`authenticationToken` stays empty until the first rotation (`tokenRotation`).",
      default: "not used",
      allowed: "a runner id",
    },
    // Settings: updated in place; left out, not managed.
    description: {
      role: "setting",
      type: { kind: "string" },
      gitlab: RUNNER_SETTING_PARAMS.description,
      nullable: true,
      docs: 'The runner\'s description. `""` clears it.',
      default: "empty",
      allowed: `≤ ${MAX_TEXT_LENGTH} characters; \`""\` clears`,
    },
    paused: {
      role: "setting",
      type: { kind: "boolean" },
      gitlab: RUNNER_SETTING_PARAMS.paused,
      docs: "Whether the runner is paused and picks no jobs (sent as `active` with the opposite value to GitLab 13.x).",
      default: "`false`",
      allowed: "boolean (sent as `active` = `!paused` to 13.x)",
    },
    locked: {
      role: "setting",
      type: { kind: "boolean" },
      gitlab: RUNNER_SETTING_PARAMS.locked,
      docs: "Whether the runner is locked to its current projects.",
      default: "`false`",
      allowed: "boolean",
    },
    runUntagged: {
      role: "setting",
      type: { kind: "boolean" },
      gitlab: RUNNER_SETTING_PARAMS.runUntagged,
      docs: "Whether the runner picks jobs without tags. When false, `tagList` must have at least one tag.",
      default: "`true`",
      allowed: "boolean; `false` needs tags",
    },
    tagList: {
      role: "setting",
      type: { kind: "string-set" },
      gitlab: RUNNER_SETTING_PARAMS.tagList,
      docs: "The runner's tags: a set, order never matters. `[]` clears them.",
      default: "`[]`",
      allowed: `a set: order never matters; no empty tags, no commas, no duplicates, ≤ ${MAX_TAGS}; \`[]\` clears`,
    },
    accessLevel: {
      role: "setting",
      type: accessLevelEnum,
      gitlab: RUNNER_SETTING_PARAMS.accessLevel,
      docs:
        'Which refs the runner runs jobs for: `"not_protected"` (all) or `"ref_protected"` (protected branches ' +
        "and tags only).",
      default: '`"not_protected"`',
      allowed: '`"not_protected"`, `"ref_protected"`',
    },
    maximumTimeout: {
      role: "setting",
      type: { kind: "integer" },
      gitlab: RUNNER_SETTING_PARAMS.maximumTimeout,
      nullable: true,
      docs: "The longest a job may run on this runner, in seconds.",
      default: "no limit",
      allowed: `integer seconds ≥ ${MIN_MAXIMUM_TIMEOUT}`,
    },
    maintenanceNote: {
      role: "setting",
      type: { kind: "string" },
      gitlab: RUNNER_SETTING_PARAMS.maintenanceNote,
      nullable: true,
      docs:
        "A note for the runner's maintainers. GitLab shows it only to callers who may update the runner; when it " +
        "is hidden, the value last set is kept instead of reporting a difference. The provider adds a last line " +
        "to GitLab's note, its creation mark (`Managed by Pulumi (…) [pulumi-gitlab-runners …]`), which this " +
        "argument and output never show. Not supported by GitLab 13.x.",
      default: "empty",
      allowed: `≤ ${MAX_NOTE_LENGTH} characters (GitLab ≥ 14.x; the rest of GitLab's ${MAX_TEXT_LENGTH} is the creation mark's)`,
    },
    // Links: made and removed one request each, beside the settings.
    assignedProjects: {
      role: "links",
      type: { kind: "id-or-path-set" },
      gitlab: "projects",
      docs:
        "The projects the runner is assigned to besides its owner project (the one it was created in): a set of " +
        "ids or full paths, each enabled with `POST /projects/:id/runners` and removed with " +
        "`DELETE /projects/:id/runners/:runner_id`; a path and the id of the same project are the same member. " +
        "Refresh reads them from the runner's `projects`, so a project added or removed by hand shows as drift. " +
        "Listing the owner project changes nothing. Only for project runners; a runner that lists its projects " +
        "here is not also given ProjectRunnerAssignment resources.",
      default: "not managed",
      allowed:
        'a set of project ids or full paths (`[101, "acme/web"]`); project runners only; `[]` removes all but the owner',
    },
    // Control: tells the provider to act.
    tokenRotation: {
      role: "control",
      type: { kind: "string" },
      docs:
        "Any value; whenever it changes, the runner's authentication token is reset in place " +
        "(`POST /runners/:id/reset_authentication_token`) and `authenticationToken` holds the new one. The runner " +
        'is not replaced. A date (`"2026-11"`) makes rotations easy to schedule.',
      default: "no rotation",
      allowed:
        "any string; each change resets the token in place (`POST /runners/:id/reset_authentication_token`)",
    },
    // Outputs only.
    runnerId: {
      role: "computed",
      type: { kind: "integer" },
      gitlab: "id",
      docs: "The runner's id in GitLab.",
    },
    authenticationToken: {
      role: "computed",
      type: { kind: "string" },
      gitlab: "token",
      secret: true,
      optional: true,
      docs:
        "The runner's authentication token (`glrt-…` for created runners), a secret: give it to " +
        "`gitlab-runner register --token` or the runner's `config.toml`. Absent for an adopted runner until " +
        "`tokenRotation` is set or changed.",
    },
    tokenExpiresAt: {
      role: "computed",
      type: { kind: "string" },
      gitlab: "token_expires_at",
      nullable: true,
      docs: "When the authentication token expires, or null.",
    },
    isShared: {
      role: "computed",
      type: { kind: "boolean" },
      gitlab: "is_shared",
      docs: "Whether it is an instance runner.",
    },
    status: {
      role: "computed",
      type: { kind: "string" },
      gitlab: "status",
      docs: "GitLab's status: `online`, `offline`, `never_contacted`, `stale`, `paused`, or `not_connected` on 13.x.",
    },
    online: {
      role: "computed",
      type: { kind: "boolean" },
      gitlab: "online",
      nullable: true,
      docs: "Whether the runner contacted GitLab recently; null if it never did.",
    },
    contactedAt: {
      role: "computed",
      type: { kind: "string" },
      gitlab: "contacted_at",
      nullable: true,
      docs: "When the runner last contacted GitLab, or null.",
    },
    projects: {
      role: "computed",
      type: {
        kind: "object-list",
        name: "RunnerProject",
        properties: {
          id: { type: "integer", gitlab: "id", docs: "The project id." },
          pathWithNamespace: {
            type: "string",
            gitlab: "path_with_namespace",
            docs: "The project's full path, e.g. `acme/api`.",
          },
        },
      },
      gitlab: "projects",
      docs: "The projects the runner is assigned to that this token may see.",
    },
    managedSettings: {
      role: "computed",
      type: { kind: "string-set" },
      // Absent from state written before it existed: then every setting counts as managed.
      optional: true,
      docs:
        "The settings this program manages: the ones it gives. Refresh reports drift in these only; GitLab's " +
        "value of any other setting is left to GitLab and never reads as a change the next `up` would make.",
    },
    groups: {
      role: "computed",
      type: {
        kind: "object-list",
        name: "RunnerGroup",
        properties: {
          id: { type: "integer", gitlab: "id", docs: "The group id." },
          name: { type: "string", gitlab: "name", nullable: true, docs: "The group's name." },
        },
      },
      gitlab: "groups",
      docs: "The group of a group runner.",
    },
  },
} as const satisfies ResourceDescription;

/** The Runner's description, as its type. */
export type RunnerDescription = typeof runnerDescription;

/** A field spec of the Runner, for code that handles any of them. */
export type RunnerFieldSpec = FieldSpec;
