import { canReadGroup, canReadProject, canUpdateRunner } from "../model/permissions";
import { isOnline, runnerStatus } from "../model/status";
import type {
  GroupRecord,
  JobRecord,
  ManagerRecord,
  ProjectRecord,
  RunnerRecord,
  UserRecord,
} from "../types";
import type { RequestContext } from "./context";

/**
 * Response entities (docs/gitlab-api.md §3), one function per GitLab entity class. Field presence
 * follows the version (docs/gitlab-api.md §11.7).
 */

export function userBasic(ctx: RequestContext, user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: "active",
    locked: false,
    avatar_url: null,
    web_url: `${ctx.baseUrl}/${user.username}`,
  };
}

function managerFields(
  runner: RunnerRecord,
): Pick<RunnerRecord, "version" | "revision" | "platform" | "architecture"> {
  let latest: ManagerRecord | undefined;
  for (const m of runner.managers) {
    if (latest === undefined || (m.contactedAt ?? "") > (latest.contactedAt ?? "")) latest = m;
  }
  return {
    version: latest?.version ?? null,
    revision: latest?.revision ?? null,
    platform: latest?.platform ?? null,
    architecture: latest?.architecture ?? null,
  };
}

function jobExecutionStatus(ctx: RequestContext, runnerId: number, managerId?: number): "active" | "idle" {
  for (const job of ctx.store.jobs) {
    if (job.runnerId !== runnerId || job.status !== "running") continue;
    if (managerId === undefined || job.runnerManagerId === managerId) return "active";
  }
  return "idle";
}

/** `API::Entities::Ci::Runner`. */
export function runnerEntity(ctx: RequestContext, runner: RunnerRecord): Record<string, unknown> {
  const { features } = ctx;
  const out: Record<string, unknown> = {
    id: runner.id,
    description: runner.description,
    ip_address: features.ipAddressHidden ? null : runner.ipAddress,
    active: runner.active,
  };
  if (features.paused) out.paused = !runner.active;
  out.is_shared = runner.runnerType === "instance_type";
  out.runner_type = runner.runnerType;
  out.name = runner.name;
  out.online = isOnline(runner, ctx.now, features);
  if (features.newest) {
    const creator = runner.creatorId === null ? undefined : ctx.store.users.get(runner.creatorId);
    if (creator !== undefined) out.created_by = userBasic(ctx, creator);
    out.created_at = runner.createdAt;
  }
  out.status = runnerStatus(runner, ctx.now, features);
  if (features.newest) out.job_execution_status = jobExecutionStatus(ctx, runner.id);
  return out;
}

export function namespaceEntity(ctx: RequestContext, group: GroupRecord): Record<string, unknown> {
  const fullPath = ctx.store.groupFullPath(group);
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    kind: "group",
    full_path: fullPath,
    parent_id: group.parentId,
    avatar_url: null,
    web_url: `${ctx.baseUrl}/groups/${fullPath}`,
  };
}

/** `API::Entities::BasicProjectDetails` (the fields clients read). */
export function projectEntity(ctx: RequestContext, project: ProjectRecord): Record<string, unknown> {
  const { store } = ctx;
  const ns = store.groups.get(project.namespaceId);
  const fullPath = store.projectFullPath(project);
  const nsName = ns === undefined ? "" : store.groupFullName(ns);
  const host = new URL(ctx.baseUrl).host;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${nsName} / ${project.name}`,
    path: project.path,
    path_with_namespace: fullPath,
    created_at: project.createdAt,
    default_branch: "main",
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${fullPath}.git`,
    http_url_to_repo: `${ctx.baseUrl}/${fullPath}.git`,
    web_url: `${ctx.baseUrl}/${fullPath}`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.createdAt,
    namespace: ns === undefined ? null : namespaceEntity(ctx, ns),
  };
}

/** `API::Entities::Ci::RunnerDetails`. `includeProjects` is false for newest PUT responses. */
export function runnerDetailsEntity(
  ctx: RequestContext,
  runner: RunnerRecord,
  includeProjects = true,
): Record<string, unknown> {
  const { features, store } = ctx;
  const user = ctx.user;
  const out = runnerEntity(ctx, runner);
  out.tag_list = [...runner.tagList];
  out.run_untagged = runner.runUntagged;
  out.locked = runner.locked;
  out.maximum_timeout = runner.maximumTimeout;
  out.access_level = runner.accessLevel;
  const versions = features.managers ? managerFields(runner) : runner;
  out.version = versions.version;
  out.revision = versions.revision;
  out.platform = versions.platform;
  out.architecture = versions.architecture;
  out.contacted_at = runner.contactedAt;
  if (features.maintenanceNote)
    out.maintenance_note =
      user !== null && canUpdateRunner(store, user, runner) ? runner.maintenanceNote : null;
  if (includeProjects) {
    const projects: Record<string, unknown>[] = [];
    for (const pid of runner.projectIds) {
      const project = store.projects.get(pid);
      if (project !== undefined && (user === null || canReadProject(store, user, project)))
        projects.push(projectEntity(ctx, project));
    }
    out.projects = projects;
  }
  const groups: Record<string, unknown>[] = [];
  const group = runner.groupId === null ? undefined : store.groups.get(runner.groupId);
  if (group !== undefined && (user === null || canReadGroup(store, user, group))) {
    groups.push({
      id: group.id,
      web_url: `${ctx.baseUrl}/groups/${store.groupFullPath(group)}`,
      name: group.name,
    });
  }
  out.groups = groups;
  return out;
}

/** `API::Entities::Ci::RunnerManager`. */
export function managerEntity(
  ctx: RequestContext,
  runner: RunnerRecord,
  m: ManagerRecord,
): Record<string, unknown> {
  const contacted = m.contactedAt === null ? null : Date.parse(m.contactedAt);
  let status: string;
  if (
    Math.max(Date.parse(m.createdAt), contacted ?? Number.NEGATIVE_INFINITY) <=
    ctx.now - ctx.features.staleTimeoutMs
  )
    status = "stale";
  else if (contacted === null) status = "never_contacted";
  else status = contacted > ctx.now - ctx.features.onlineTimeoutMs ? "online" : "offline";
  const out: Record<string, unknown> = {
    id: m.id,
    system_id: m.systemId,
    version: m.version,
    revision: m.revision,
    platform: m.platform,
    architecture: m.architecture,
    created_at: m.createdAt,
    contacted_at: m.contactedAt,
    ip_address: ctx.features.ipAddressHidden ? null : m.ipAddress,
    status,
  };
  if (ctx.features.newest) out.job_execution_status = jobExecutionStatus(ctx, runner.id, m.id);
  return out;
}

/** `API::Entities::Ci::JobBasicWithProject`. */
export function jobEntity(ctx: RequestContext, job: JobRecord): Record<string, unknown> {
  const project = ctx.store.projects.get(job.projectId);
  const user = job.userId === null ? undefined : ctx.store.users.get(job.userId);
  const started = job.startedAt === null ? null : Date.parse(job.startedAt);
  const finished = job.finishedAt === null ? null : Date.parse(job.finishedAt);
  const fullPath = project === undefined ? "" : ctx.store.projectFullPath(project);
  const sha = (job.id * 2654435761).toString(16).padStart(40, "0").slice(-40);
  return {
    id: job.id,
    status: job.status,
    stage: job.stage,
    name: job.name,
    ref: job.ref,
    tag: false,
    coverage: null,
    allow_failure: false,
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    erased_at: null,
    duration: started !== null && finished !== null ? (finished - started) / 1000 : null,
    queued_duration: started !== null ? Math.max(0, (started - Date.parse(job.createdAt)) / 1000) : null,
    user: user === undefined ? null : userBasic(ctx, user),
    commit: { id: sha, short_id: sha.slice(0, 8), title: "Emulated commit", created_at: job.createdAt },
    pipeline: {
      id: job.id,
      iid: job.id,
      project_id: job.projectId,
      sha,
      ref: job.ref,
      status: job.status,
      source: "push",
      created_at: job.createdAt,
      updated_at: job.finishedAt ?? job.createdAt,
      web_url: `${ctx.baseUrl}/${fullPath}/-/pipelines/${job.id}`,
    },
    web_url: `${ctx.baseUrl}/${fullPath}/-/jobs/${job.id}`,
    project:
      project === undefined
        ? null
        : {
            id: project.id,
            name: project.name,
            name_with_namespace: projectEntity(ctx, project).name_with_namespace,
            path: project.path,
            path_with_namespace: fullPath,
            created_at: project.createdAt,
          },
  };
}

/** `GET /user`: the `UserPublic` entity (plus `is_admin` for admins, as `UserWithAdmin`). */
export function currentUserEntity(ctx: RequestContext, user: UserRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...userBasic(ctx, user),
    created_at: "2020-01-01T00:00:00.000Z",
    bio: "",
    location: "",
    public_email: null,
    skype: "",
    linkedin: "",
    twitter: "",
    website_url: "",
    organization: "",
    job_title: "",
    bot: false,
    last_sign_in_at: null,
    confirmed_at: "2020-01-01T00:00:00.000Z",
    email: `${user.username}@example.com`,
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  };
  if (user.admin) out.is_admin = true;
  return out;
}
