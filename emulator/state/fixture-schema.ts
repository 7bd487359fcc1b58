import { z } from "zod";

/**
 * The fixture format (docs/emulator.md "Fixture format"), parsed once at the edge: every
 * optional field gets its default here, so the store only ever sees complete records. The
 * fixture types are this schema's input, the state records its output.
 */

const now = (): string => new Date().toISOString();
const id = z.number().int().positive();
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO-8601 date");
const nullableString = z.string().nullable().default(null);
const nullableDate = isoDate.nullable().default(null);

/** PAT scopes; the runner API cares about the first five (docs/gitlab-api.md §1.1). */
export const tokenScopeSchema = z.enum([
  "api",
  "read_api",
  "read_user",
  "create_runner",
  "manage_runner",
  "read_repository",
  "write_repository",
  "read_registry",
  "write_registry",
  "sudo",
  "admin_mode",
]);

export const roleSchema = z.enum(["guest", "reporter", "developer", "maintainer", "owner"]);
export const runnerTypeSchema = z.enum(["instance_type", "group_type", "project_type"]);
export const accessLevelSchema = z.enum(["not_protected", "ref_protected"]);
export const visibilitySchema = z.enum(["private", "internal", "public"]);
export const jobStatusSchema = z.enum([
  "created",
  "waiting_for_resource",
  "preparing",
  "pending",
  "running",
  "success",
  "failed",
  "canceling",
  "canceled",
  "skipped",
  "manual",
  "scheduled",
]);

export const tokenSchema = z.object({
  /** The PAT value, e.g. `glpat-…`. */
  token: z.string().min(1),
  name: z.string().default("token"),
  scopes: z.array(tokenScopeSchema),
  /** A token whose expiry is in the past answers 401 invalid_token. Default: never. */
  expiresAt: nullableDate,
  /** Revoked tokens answer 401 invalid_token. */
  revoked: z.boolean().default(false),
});

export const userSchema = z
  .object({
    id,
    username: z.string().min(1),
    name: z.string().optional(),
    /** Instance administrator. */
    admin: z.boolean().default(false),
    tokens: z.array(tokenSchema).default(() => []),
  })
  .transform(({ name, ...user }) => ({ ...user, name: name ?? user.username }));

export const memberSchema = z.object({ userId: id, role: roleSchema });

/** `runner_token_expiration_interval` in seconds; runner tokens issued get now + interval. */
const expirationSeconds = z.number().positive().nullable().default(null);

export const groupSchema = z
  .object({
    id,
    path: z.string().min(1),
    name: z.string().optional(),
    /** Parent group id for subgroups. */
    parentId: id.nullable().default(null),
    members: z.array(memberSchema).default(() => []),
    /** The group's runner registration token (`GR1348941…`). */
    runnersToken: nullableString,
    runnerTokenExpirationSeconds: expirationSeconds,
    /** Top-level group setting `allow_runner_registration_token`. */
    allowRunnerRegistrationToken: z.boolean().default(true),
    /** Whether projects and subgroups may use instance runners. */
    sharedRunnersEnabled: z.boolean().default(true),
    visibility: visibilitySchema.default("private"),
    createdAt: isoDate.default(now),
  })
  .transform(({ name, ...group }) => ({ ...group, name: name ?? group.path }));

export const projectSchema = z
  .object({
    id,
    path: z.string().min(1),
    name: z.string().optional(),
    /** The id of the group the project lives in. */
    namespaceId: id,
    description: nullableString,
    members: z.array(memberSchema).default(() => []),
    runnersToken: nullableString,
    runnerTokenExpirationSeconds: expirationSeconds,
    sharedRunnersEnabled: z.boolean().default(true),
    groupRunnersEnabled: z.boolean().default(true),
    visibility: visibilitySchema.default("private"),
    createdAt: isoDate.default(now),
  })
  .transform(({ name, ...project }) => ({ ...project, name: name ?? project.path }));

export const managerSchema = z
  .object({
    id,
    systemId: z.string().min(1),
    version: nullableString,
    revision: nullableString,
    platform: nullableString,
    architecture: nullableString,
    ipAddress: nullableString,
    createdAt: isoDate.optional(),
    contactedAt: nullableDate,
  })
  .transform(({ createdAt, ...manager }) => ({ ...manager, createdAt: createdAt ?? now() }));

export const runnerSchema = z
  .object({
    id,
    runnerType: runnerTypeSchema,
    /** Authentication token (`glrt-…` for runners created with POST /user/runners). */
    token: z.string().min(1),
    tokenExpiresAt: nullableDate,
    description: nullableString,
    name: nullableString,
    /** Not paused. */
    active: z.boolean().default(true),
    locked: z.boolean().default(false),
    runUntagged: z.boolean().default(true),
    accessLevel: accessLevelSchema.default("not_protected"),
    maximumTimeout: z.number().int().nullable().default(null),
    tagList: z.array(z.string()).default(() => []),
    maintenanceNote: nullableString,
    ipAddress: nullableString,
    contactedAt: nullableDate,
    createdAt: isoDate.optional(),
    updatedAt: isoDate.optional(),
    creatorId: id.nullable().default(null),
    registrationType: z.enum(["registration_token", "authenticated_user"]).default("registration_token"),
    /** Owning group of a group runner. */
    groupId: id.nullable().default(null),
    /** Projects of a project runner; the owner is ownerProjectId, else the first. */
    projectIds: z.array(id).default(() => []),
    ownerProjectId: id.nullable().default(null),
    /** Runner columns read by 13.12; modern versions read these from managers. */
    version: nullableString,
    revision: nullableString,
    platform: nullableString,
    architecture: nullableString,
    managers: z.array(managerSchema).default(() => []),
  })
  .superRefine((runner, ctx) => {
    if (runner.runnerType === "group_type" && runner.groupId === null)
      ctx.addIssue({ code: "custom", path: ["groupId"], message: "a group runner needs groupId" });
    if (runner.runnerType === "project_type" && runner.projectIds.length === 0)
      ctx.addIssue({ code: "custom", path: ["projectIds"], message: "a project runner needs projectIds" });
  })
  .transform(({ createdAt, updatedAt, ...runner }) => {
    const created = createdAt ?? now();
    const projectType = runner.runnerType === "project_type";
    return {
      ...runner,
      createdAt: created,
      updatedAt: updatedAt ?? created,
      groupId: runner.runnerType === "group_type" ? runner.groupId : null,
      projectIds: projectType ? runner.projectIds : [],
      ownerProjectId: projectType ? (runner.ownerProjectId ?? runner.projectIds[0] ?? null) : null,
    };
  });

export const jobSchema = z
  .object({
    id,
    runnerId: id,
    projectId: id,
    status: jobStatusSchema,
    name: z.string().default("build"),
    stage: z.string().default("test"),
    ref: z.string().default("main"),
    createdAt: isoDate.optional(),
    startedAt: nullableDate,
    finishedAt: nullableDate,
    runnerManagerId: id.nullable().default(null),
    userId: id.nullable().default(null),
  })
  .transform(({ createdAt, ...job }) => ({ ...job, createdAt: createdAt ?? now() }));

/** Who besides admins may register runners (`ApplicationSetting::VALID_RUNNER_REGISTRAR_TYPES`). */
export const runnerRegistrarSchema = z.enum(["project", "group"]);

/**
 * The default plan's runner limits (`plan_limits`, db/migrate/20210423155059): 1000 each on a
 * fresh GitLab, 0 = no limit. Only non-stale runners count (`limit_relation = :recent_runners`).
 */
const limit = z.number().int().nonnegative();
export const planLimitsSchema = z.object({
  ciRegisteredProjectRunners: limit.default(1000),
  ciRegisteredGroupRunners: limit.default(1000),
});
/** Plan limits to change, each optional (PUT /-/emulator/settings). */
export const planLimitsUpdateSchema = z.object({
  ciRegisteredProjectRunners: limit.optional(),
  ciRegisteredGroupRunners: limit.optional(),
});

export const fixtureSchema = z.object({
  /**
   * Instance setting `allow_runner_registration_token`. Default: true before 17.0, false from
   * 17.0 (then POST /runners answers 410, docs/gitlab-api.md §7.1), so it stays optional here.
   */
  registrationTokensAllowed: z.boolean().optional(),
  instanceRegistrationToken: nullableString,
  /** Instance-wide runner token expiration interval in seconds (instance runners). */
  runnerTokenExpirationSeconds: expirationSeconds,
  /**
   * Instance setting `valid_runner_registrars` (16.11+): which non-admins may register
   * runners. Default both; leaving one out refuses that kind of registration token and that
   * kind of runner in POST /user/runners and assignments (docs/gitlab-api.md §13.2).
   */
  validRunnerRegistrars: z
    .array(runnerRegistrarSchema)
    .default((): ("project" | "group")[] => ["project", "group"]),
  /** Plan limits of the default plan (16.11+; docs/gitlab-api.md §13.1). */
  planLimits: planLimitsSchema.prefault({}),
  /**
   * A database migration that asks runners to back off is running (16.11+): the runner-token
   * endpoints answer 429 with `Retry-After: 60` (docs/gitlab-api.md §13.3). Default false.
   */
  runnerMigrationBackoff: z.boolean().default(false),
  users: z.array(userSchema),
  groups: z.array(groupSchema),
  projects: z.array(projectSchema),
  runners: z.array(runnerSchema),
  jobs: z.array(jobSchema).default(() => []),
});

/** Turns a zod failure into one readable line: `runners.0.token: Too small …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "fixture"}: ${issue.message}`)
    .join("; ");
}

/** A fixture as written (JSON): optional fields may be left out. */
export type Fixture = z.input<typeof fixtureSchema>;
export type FixtureToken = z.input<typeof tokenSchema>;
export type FixtureUser = z.input<typeof userSchema>;
export type FixtureMember = z.input<typeof memberSchema>;
export type FixtureGroup = z.input<typeof groupSchema>;
export type FixtureProject = z.input<typeof projectSchema>;
export type FixtureRunnerManager = z.input<typeof managerSchema>;
export type FixtureRunner = z.input<typeof runnerSchema>;
export type FixtureJob = z.input<typeof jobSchema>;

/** The records the store holds: every field present. */
export type ParsedFixture = z.output<typeof fixtureSchema>;
export type TokenRecord = z.output<typeof tokenSchema>;
export type UserRecord = z.output<typeof userSchema>;
export type MemberRecord = z.output<typeof memberSchema>;
export type GroupRecord = z.output<typeof groupSchema>;
export type ProjectRecord = z.output<typeof projectSchema>;
export type ManagerRecord = z.output<typeof managerSchema>;
export type RunnerRecord = z.output<typeof runnerSchema>;
export type JobRecord = z.output<typeof jobSchema>;

export type TokenScope = z.output<typeof tokenScopeSchema>;
export type RunnerRegistrar = z.output<typeof runnerRegistrarSchema>;
export type PlanLimits = z.output<typeof planLimitsSchema>;
export type Role = z.output<typeof roleSchema>;
export type RunnerType = z.output<typeof runnerTypeSchema>;
export type AccessLevel = z.output<typeof accessLevelSchema>;
export type Visibility = z.output<typeof visibilitySchema>;
export type JobStatus = z.output<typeof jobStatusSchema>;
