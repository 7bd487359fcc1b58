import { z } from "zod";
import { ACCESS_LEVELS, RUNNER_TYPES } from "../vocabulary";

// Wire schemas for GitLab's runner entities (lib/api/entities/ci/runner.rb,
// runner_details.rb; docs/gitlab-api.md §3). Tolerant of 13.12 to 18.x: fields that appeared later are
// optional here and normalised; unknown fields are ignored (zod strips them). GitLab's
// snake_case ends in this file.

/** `runner_type` values (app/models/ci/runner.rb). */
export const runnerTypeSchema = z.enum(RUNNER_TYPES);

/** `access_level` values. */
export const accessLevelSchema = z.enum(ACCESS_LEVELS);

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const runnerWire = z.object({
  id: z.number().int(),
  description: z.string().nullish(),
  // Always null since 17.0 (the docs claim ""; both are "unknown"), deprecated in 16.1
  // (gitlab-org/gitlab#415159).
  ip_address: z.string().nullish(),
  // `active` is deprecated since 14.8 for `paused` (gitlab-org/gitlab#351109); 13.x sends only
  // `active`, modern GitLab both.
  active: z.boolean().optional(),
  paused: z.boolean().optional(),
  is_shared: z.boolean(),
  // Missing from early 13.x list entities.
  runner_type: runnerTypeSchema.optional(),
  name: z.string().nullish(),
  // `online` is null when the runner never contacted GitLab (`online?` returns nil).
  online: z.boolean().nullish(),
  // Vocabulary changed over time: 13.x `not_connected`; 15.0+ `never_contacted`, `stale`.
  status: z.string(),
  created_at: z.string().nullish(),
  job_execution_status: z.string().nullish(),
});

type RunnerWire = z.output<typeof runnerWire>;

function pausedOf(wire: Pick<RunnerWire, "paused" | "active">, ctx: z.core.$RefinementCtx): boolean {
  if (wire.paused !== undefined) return wire.paused;
  if (wire.active !== undefined) return !wire.active;
  ctx.addIssue({
    code: "custom",
    path: ["paused"],
    message: "is missing (and so is active, which old GitLab sends instead)",
  });
  return false;
}

function summaryOf(wire: RunnerWire, ctx: z.core.$RefinementCtx) {
  const paused = pausedOf(wire, ctx);
  return {
    /** Runner id. */
    id: wire.id,
    /** Description; GitLab's null is normalised to "". */
    description: wire.description ?? "",
    /** True when the runner takes no jobs. Derived from `active` on GitLab < 14.8. */
    paused,
    /** The deprecated inverse of `paused`, as GitLab sent it (or derived). */
    active: wire.active ?? !paused,
    /** True for instance runners. */
    isShared: wire.is_shared,
    /** Scope of the runner; null only when an old GitLab did not say and it is not shared. */
    runnerType: wire.runner_type ?? (wire.is_shared ? ("instance_type" as const) : null),
    /** Name the runner registered with (`info[name]`); usually null. */
    name: wire.name ?? null,
    /** True/false once the runner contacted GitLab; null when it never did. */
    online: wire.online ?? null,
    /** GitLab's status word (`online`, `offline`, `never_contacted`, `stale`, `paused`, 13.x `not_connected`). */
    status: wire.status,
    /** Last IP address; null when unknown (always on 17.0+). */
    ipAddress: wire.ip_address ? wire.ip_address : null,
    /** ISO-8601 creation time (GitLab 17/18); null when not sent. */
    createdAt: wire.created_at ?? null,
    /** `active` (running a job) or `idle` (GitLab 18); null when not sent. */
    jobExecutionStatus: wire.job_execution_status ?? null,
  };
}

/** A runner in a list, or the answer to assigning a runner to a project (`Runner` entity). */
export const runnerSummarySchema = runnerWire.transform((wire, ctx) => summaryOf(wire, ctx));
/** A runner as listed. */
export type RunnerSummary = z.output<typeof runnerSummarySchema>;

/** A project as GitLab embeds it (`BasicProjectDetails`). */
export const projectRefSchema = z
  .object({
    id: z.number().int(),
    name: z.string().nullish(),
    path_with_namespace: z.string(),
    name_with_namespace: z.string().nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    pathWithNamespace: wire.path_with_namespace,
    ...(wire.name == null ? {} : { name: wire.name }),
  }));
/** A project a runner is assigned to. */
export type ProjectRef = z.output<typeof projectRefSchema>;

const groupRefSchema = z
  .object({ id: z.number().int(), name: z.string(), web_url: z.string().nullish() })
  .transform((wire) => ({
    id: wire.id,
    name: wire.name,
    ...(wire.web_url == null ? {} : { webUrl: wire.web_url }),
  }));
/** The group a group runner belongs to. */
export type GroupRef = z.output<typeof groupRefSchema>;

/** `GET /runners/:id` and `PUT /runners/:id` (`RunnerDetails` entity). */
export const runnerDetailsSchema = runnerWire
  .extend({
    tag_list: z.array(z.string()),
    run_untagged: z.boolean(),
    locked: z.boolean(),
    access_level: accessLevelSchema,
    maximum_timeout: z.number().int().nullish(),
    version: z.string().nullish(),
    revision: z.string().nullish(),
    platform: z.string().nullish(),
    architecture: z.string().nullish(),
    contacted_at: z.string().nullish(),
    // Only shown to callers who may update the runner, otherwise null (runner_details.rb).
    // Called `maintainer_note` before ≈15.0 (gitlab-org/gitlab#350730); absent on 13.x.
    maintenance_note: z.string().nullish(),
    maintainer_note: z.string().nullish(),
    // Newest GitLab omits `projects` from PUT responses (`include_projects`), so absent ≠ none.
    projects: z.array(projectRefSchema).optional(),
    groups: z.array(groupRefSchema).optional(),
  })
  .transform((wire, ctx) => {
    const groups = wire.groups ?? [];
    const summary = summaryOf(wire, ctx);
    return {
      ...summary,
      /** Derived from `is_shared` and `groups` when an old GitLab did not send `runner_type`. */
      runnerType:
        summary.runnerType ?? (groups.length > 0 ? ("group_type" as const) : ("project_type" as const)),
      /** Tags; compare as a set (GitLab does not keep the order). */
      tagList: wire.tag_list,
      /** Whether the runner takes untagged jobs. */
      runUntagged: wire.run_untagged,
      /** Whether the runner is locked to its current projects. */
      locked: wire.locked,
      /** `not_protected` or `ref_protected`. */
      accessLevel: wire.access_level,
      /** Job timeout ceiling in seconds; null when unset. */
      maximumTimeout: wire.maximum_timeout ?? null,
      /** Note for maintainers; null when unset, hidden from this token, or unsupported (13.x). */
      maintenanceNote: wire.maintenance_note ?? wire.maintainer_note ?? null,
      /** ISO-8601 last contact; null when never. */
      contactedAt: wire.contacted_at ?? null,
      /** Version of the most recently seen runner manager (deprecated 17.0). */
      version: wire.version ?? null,
      revision: wire.revision ?? null,
      platform: wire.platform ?? null,
      architecture: wire.architecture ?? null,
      /** Projects visible to this token; absent when GitLab did not send them (newest PUT). */
      ...(wire.projects === undefined ? {} : { projects: wire.projects }),
      /** The runner's group (group runners); [] otherwise. */
      groups,
    };
  });
/** Everything GitLab says about one runner. */
export type RunnerDetails = z.output<typeof runnerDetailsSchema>;

/** `POST /runners` and `POST /user/runners` (`RunnerRegistrationDetails`). */
export const runnerCredentialsSchema = z
  .object({
    id: z.number().int(),
    token: z.string().min(1),
    // Absent on 13.x, null when no expiration interval is configured.
    token_expires_at: optionalText,
  })
  .transform((wire) => ({ id: wire.id, token: wire.token, tokenExpiresAt: wire.token_expires_at }));
/** A new runner's id and its authentication token (shown once). */
export type RunnerCredentials = z.output<typeof runnerCredentialsSchema>;

/** `POST /runners/:id/reset_authentication_token` and `POST /runners/reset_authentication_token`. */
export const resetTokenSchema = z
  .object({ token: z.string().min(1), token_expires_at: optionalText })
  .transform((wire) => ({ token: wire.token, tokenExpiresAt: wire.token_expires_at }));
/** A runner's new authentication token. */
export type ResetTokenResult = z.output<typeof resetTokenSchema>;

/**
 * `POST /runners/verify`: `RunnerRegistrationDetails` JSON on modern GitLab, the plain body
 * `200` on 13.x (lib/api/ci/runner.rb @027f19b3). The echoed token is dropped: the caller
 * already has it, and a copy is one more place to leak.
 */
export const verifyResultSchema = z
  .union([
    z.literal(200),
    z.literal("200"),
    z.undefined(),
    z.object({ id: z.number().int().nullish(), token_expires_at: optionalText }),
  ])
  .transform((wire) =>
    typeof wire === "object"
      ? { valid: true as const, id: wire.id ?? null, tokenExpiresAt: wire.token_expires_at }
      : { valid: true as const, id: null, tokenExpiresAt: null },
  );
/** The result of verifying a runner token. */
export type VerifyResult = z.output<typeof verifyResultSchema>;

/** `GET /runners/:id/managers` (`RunnerManager`, GitLab 15.11+). */
export const runnerManagerSchema = z
  .object({
    id: z.number().int(),
    system_id: z.string(),
    version: z.string().nullish(),
    revision: z.string().nullish(),
    platform: z.string().nullish(),
    architecture: z.string().nullish(),
    created_at: z.string().nullish(),
    contacted_at: z.string().nullish(),
    ip_address: z.string().nullish(),
    status: z.string().nullish(),
    job_execution_status: z.string().nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    systemId: wire.system_id,
    version: wire.version ?? null,
    revision: wire.revision ?? null,
    platform: wire.platform ?? null,
    architecture: wire.architecture ?? null,
    createdAt: wire.created_at ?? null,
    contactedAt: wire.contacted_at ?? null,
    ipAddress: wire.ip_address ? wire.ip_address : null,
    status: wire.status ?? null,
    jobExecutionStatus: wire.job_execution_status ?? null,
  }));
/** One host (runner manager) that uses a runner's token. */
export type RunnerManager = z.output<typeof runnerManagerSchema>;

/** `GET /runners/:id/jobs` items (`JobBasicWithProject`). */
export const runnerJobSchema = z
  .object({
    id: z.number().int(),
    status: z.string(),
    stage: z.string().nullish(),
    name: z.string().nullish(),
    ref: z.string().nullish(),
    tag: z.boolean().nullish(),
    created_at: z.string().nullish(),
    started_at: z.string().nullish(),
    finished_at: z.string().nullish(),
    duration: z.number().nullish(),
    queued_duration: z.number().nullish(),
    web_url: z.string().nullish(),
    project: z
      .object({ id: z.number().int(), path_with_namespace: z.string().nullish(), name: z.string().nullish() })
      .nullish(),
    pipeline: z.object({ id: z.number().int() }).nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    status: wire.status,
    stage: wire.stage ?? null,
    name: wire.name ?? null,
    ref: wire.ref ?? null,
    tag: wire.tag ?? null,
    createdAt: wire.created_at ?? null,
    startedAt: wire.started_at ?? null,
    finishedAt: wire.finished_at ?? null,
    duration: wire.duration ?? null,
    queuedDuration: wire.queued_duration ?? null,
    webUrl: wire.web_url ?? null,
    project:
      wire.project == null
        ? null
        : {
            id: wire.project.id,
            pathWithNamespace: wire.project.path_with_namespace ?? null,
            name: wire.project.name ?? null,
          },
    pipelineId: wire.pipeline?.id ?? null,
  }));
/** A job a runner ran or runs. */
export type RunnerJob = z.output<typeof runnerJobSchema>;
