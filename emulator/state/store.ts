import { z } from "zod";
import type {
  EmulatorState,
  GroupRecord,
  InstanceSettings,
  JobRecord,
  PlanLimits,
  ProjectRecord,
  Role,
  RunnerRecord,
  RunnerRegistrar,
  UserRecord,
} from "../types";
import type { VersionFeatures } from "../version";
import {
  describeIssues,
  fixtureSchema,
  type ParsedFixture,
  planLimitsUpdateSchema,
  runnerRegistrarSchema,
  type TokenRecord,
} from "./fixture-schema";

/** A fixture that references something that does not exist, or is not shaped as documented. */
export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FixtureError";
  }
}

export const ROLE_LEVEL: Record<Role, number> = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
};

export interface TokenOwner {
  user: UserRecord;
  token: TokenRecord;
}

/**
 * The in-memory GitLab: records plus indexes, so every lookup by id, path or token is O(1).
 * Groups and projects do not change at runtime; runners, managers and tokens do.
 */
export class Store {
  readonly features: VersionFeatures;
  registrationTokensAllowed = true;
  instanceRegistrationToken: string | null = null;
  runnerTokenExpirationSeconds: number | null = null;
  validRunnerRegistrars: RunnerRegistrar[] = ["project", "group"];
  planLimits: PlanLimits = { ciRegisteredProjectRunners: 1000, ciRegisteredGroupRunners: 1000 };
  runnerMigrationBackoff = false;
  readonly users = new Map<number, UserRecord>();
  readonly tokens = new Map<string, TokenOwner>();
  readonly groups = new Map<number, GroupRecord>();
  readonly projects = new Map<number, ProjectRecord>();
  readonly runners = new Map<number, RunnerRecord>();
  readonly jobs: JobRecord[] = [];
  private readonly groupsByPath = new Map<string, GroupRecord>();
  private readonly projectsByPath = new Map<string, ProjectRecord>();
  private readonly groupPaths = new Map<number, string>();
  private readonly projectPaths = new Map<number, string>();
  private readonly runnersByToken = new Map<string, RunnerRecord>();
  private nextRunnerId = 1;
  private nextManagerId = 1;

  constructor(features: VersionFeatures, fixture: unknown) {
    this.features = features;
    this.load(fixture);
  }

  /** Replaces the whole state with `fixture` (validated first; on error nothing changes). */
  load(fixture: unknown): void {
    const next = normalizeFixture(fixture, this.features);
    this.users.clear();
    this.tokens.clear();
    this.groups.clear();
    this.projects.clear();
    this.runners.clear();
    this.runnersByToken.clear();
    this.groupsByPath.clear();
    this.projectsByPath.clear();
    this.groupPaths.clear();
    this.projectPaths.clear();
    this.jobs.length = 0;
    this.registrationTokensAllowed = next.registrationTokensAllowed;
    this.instanceRegistrationToken = next.instanceRegistrationToken;
    this.runnerTokenExpirationSeconds = next.runnerTokenExpirationSeconds;
    this.validRunnerRegistrars = [...next.validRunnerRegistrars];
    this.planLimits = { ...next.planLimits };
    this.runnerMigrationBackoff = next.runnerMigrationBackoff;
    for (const user of next.users) {
      this.users.set(user.id, user);
      for (const token of user.tokens) this.tokens.set(token.token, { user, token });
    }
    for (const group of next.groups) this.groups.set(group.id, group);
    for (const group of next.groups) {
      const path = this.computeGroupPath(group, new Set());
      this.groupPaths.set(group.id, path);
      this.groupsByPath.set(path.toLowerCase(), group);
    }
    for (const project of next.projects) {
      const ns = this.groupPaths.get(project.namespaceId);
      if (ns === undefined)
        throw new FixtureError(`project ${project.id}: namespace ${project.namespaceId} not found`);
      const path = `${ns}/${project.path}`;
      this.projects.set(project.id, project);
      this.projectPaths.set(project.id, path);
      this.projectsByPath.set(path.toLowerCase(), project);
    }
    for (const runner of next.runners) {
      if (runner.groupId !== null && !this.groups.has(runner.groupId))
        throw new FixtureError(`runner ${runner.id}: group ${runner.groupId} not found`);
      for (const pid of runner.projectIds)
        if (!this.projects.has(pid)) throw new FixtureError(`runner ${runner.id}: project ${pid} not found`);
      this.runners.set(runner.id, runner);
      this.runnersByToken.set(runner.token, runner);
      this.nextRunnerId = Math.max(this.nextRunnerId, runner.id + 1);
      for (const m of runner.managers) this.nextManagerId = Math.max(this.nextManagerId, m.id + 1);
    }
    this.jobs.push(...next.jobs);
  }

  snapshot(): EmulatorState {
    return structuredClone({
      gitlabVersion: this.features.version,
      registrationTokensAllowed: this.registrationTokensAllowed,
      instanceRegistrationToken: this.instanceRegistrationToken,
      runnerTokenExpirationSeconds: this.runnerTokenExpirationSeconds,
      validRunnerRegistrars: this.validRunnerRegistrars,
      planLimits: this.planLimits,
      runnerMigrationBackoff: this.runnerMigrationBackoff,
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      projects: [...this.projects.values()],
      runners: [...this.runners.values()].sort((a, b) => a.id - b.id),
      jobs: this.jobs,
    });
  }

  /** Applies the settings given (validated first; on error nothing changes) and returns them all. */
  updateSettings(input: unknown): Required<InstanceSettings> {
    const parsed = settingsSchema.safeParse(input);
    if (!parsed.success) throw new FixtureError(`invalid settings: ${describeIssues(parsed.error)}`);
    const next = parsed.data;
    if (next.registrationTokensAllowed !== undefined)
      this.registrationTokensAllowed = next.registrationTokensAllowed;
    if (next.validRunnerRegistrars !== undefined)
      this.validRunnerRegistrars = [...next.validRunnerRegistrars];
    const limits = next.planLimits;
    if (limits?.ciRegisteredProjectRunners !== undefined)
      this.planLimits.ciRegisteredProjectRunners = limits.ciRegisteredProjectRunners;
    if (limits?.ciRegisteredGroupRunners !== undefined)
      this.planLimits.ciRegisteredGroupRunners = limits.ciRegisteredGroupRunners;
    if (next.runnerMigrationBackoff !== undefined) this.runnerMigrationBackoff = next.runnerMigrationBackoff;
    return this.settings();
  }

  settings(): Required<InstanceSettings> {
    return structuredClone({
      registrationTokensAllowed: this.registrationTokensAllowed,
      validRunnerRegistrars: this.validRunnerRegistrars,
      planLimits: this.planLimits,
      runnerMigrationBackoff: this.runnerMigrationBackoff,
    });
  }

  private computeGroupPath(group: GroupRecord, seen: Set<number>): string {
    if (seen.has(group.id)) throw new FixtureError(`group ${group.id}: parent cycle`);
    seen.add(group.id);
    if (group.parentId === null) return group.path;
    const parent = this.groups.get(group.parentId);
    if (parent === undefined) throw new FixtureError(`group ${group.id}: parent ${group.parentId} not found`);
    return `${this.computeGroupPath(parent, seen)}/${group.path}`;
  }

  groupFullPath(group: GroupRecord): string {
    return this.groupPaths.get(group.id) ?? group.path;
  }

  projectFullPath(project: ProjectRecord): string {
    return this.projectPaths.get(project.id) ?? project.path;
  }

  /** Full human name, e.g. "Acme / Platform". */
  groupFullName(group: GroupRecord): string {
    const parent = group.parentId === null ? undefined : this.groups.get(group.parentId);
    return parent === undefined ? group.name : `${this.groupFullName(parent)} / ${group.name}`;
  }

  /** A project or group `:id`: a numeric id or a URL-decoded full path (docs/gitlab-api.md §1.3). */
  findProject(idOrPath: string): ProjectRecord | undefined {
    if (/^\d+$/.test(idOrPath)) return this.projects.get(Number(idOrPath));
    return this.projectsByPath.get(idOrPath.toLowerCase());
  }

  findGroup(idOrPath: string): GroupRecord | undefined {
    if (/^\d+$/.test(idOrPath)) return this.groups.get(Number(idOrPath));
    return this.groupsByPath.get(idOrPath.toLowerCase());
  }

  /** The group and its ancestors, nearest first. */
  groupChain(groupId: number): GroupRecord[] {
    const chain: GroupRecord[] = [];
    let current = this.groups.get(groupId);
    while (current !== undefined && chain.length < 64) {
      chain.push(current);
      current = current.parentId === null ? undefined : this.groups.get(current.parentId);
    }
    return chain;
  }

  rootGroup(groupId: number): GroupRecord | undefined {
    const chain = this.groupChain(groupId);
    return chain[chain.length - 1];
  }

  /** True when `groupId` is `ancestorId` or one of its descendants. */
  isInGroupTree(groupId: number, ancestorId: number): boolean {
    return this.groupChain(groupId).some((g) => g.id === ancestorId);
  }

  runnerByToken(token: string): RunnerRecord | undefined {
    return this.runnersByToken.get(token);
  }

  allocateRunnerId(): number {
    return this.nextRunnerId++;
  }

  allocateManagerId(): number {
    return this.nextManagerId++;
  }

  addRunner(runner: RunnerRecord): void {
    this.runners.set(runner.id, runner);
    this.runnersByToken.set(runner.token, runner);
  }

  deleteRunner(runner: RunnerRecord): void {
    this.runners.delete(runner.id);
    this.runnersByToken.delete(runner.token);
  }

  setRunnerToken(runner: RunnerRecord, token: string, expiresAt: string | null): void {
    this.runnersByToken.delete(runner.token);
    runner.token = token;
    runner.tokenExpiresAt = expiresAt;
    this.runnersByToken.set(token, runner);
  }

  /**
   * `token_expires_at` for a runner token issued now: the smallest expiration interval of the
   * scopes the runner belongs to (instance setting, its groups, its projects), or null.
   */
  runnerTokenExpiry(runner: RunnerRecord, now: number): string | null {
    const intervals: number[] = [];
    const add = (seconds: number | null): void => {
      if (seconds !== null) intervals.push(seconds);
    };
    if (runner.runnerType === "instance_type") add(this.runnerTokenExpirationSeconds);
    if (runner.groupId !== null)
      for (const g of this.groupChain(runner.groupId)) add(g.runnerTokenExpirationSeconds);
    for (const pid of runner.projectIds) {
      const project = this.projects.get(pid);
      if (project === undefined) continue;
      add(project.runnerTokenExpirationSeconds);
      for (const g of this.groupChain(project.namespaceId)) add(g.runnerTokenExpirationSeconds);
    }
    if (intervals.length === 0) return null;
    return new Date(now + Math.min(...intervals) * 1000).toISOString();
  }

  /** Runners sorted by id ascending (GitLab's default `ORDER BY id`). */
  runnersSorted(): RunnerRecord[] {
    return [...this.runners.values()].sort((a, b) => a.id - b.id);
  }
}

const settingsSchema = z
  .object({
    registrationTokensAllowed: z.boolean(),
    validRunnerRegistrars: z.array(runnerRegistrarSchema),
    planLimits: planLimitsUpdateSchema,
    runnerMigrationBackoff: z.boolean(),
  })
  .partial()
  .strict();

function uniqueIds(items: { id: number }[], what: string): void {
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.id)) throw new FixtureError(`duplicate ${what} id ${item.id}`);
    seen.add(item.id);
  }
}

interface NormalizedFixture extends Omit<ParsedFixture, "registrationTokensAllowed"> {
  registrationTokensAllowed: boolean;
}

/** Parses a fixture (docs/emulator.md): defaults filled in, ids unique and resolvable. */
export function normalizeFixture(input: unknown, features: VersionFeatures): NormalizedFixture {
  const parsed = fixtureSchema.safeParse(input);
  if (!parsed.success) throw new FixtureError(`invalid fixture: ${describeIssues(parsed.error)}`);
  const fixture = parsed.data;
  uniqueIds(fixture.users, "user");
  uniqueIds(fixture.groups, "group");
  uniqueIds(fixture.projects, "project");
  uniqueIds(fixture.runners, "runner");
  uniqueIds(fixture.jobs, "job");
  checkReferences(fixture.groups, fixture.projects, fixture.runners);
  return {
    ...fixture,
    registrationTokensAllowed: fixture.registrationTokensAllowed ?? features.registrationAllowedByDefault,
  };
}

/** Every id a fixture refers to must exist, so load() never fails halfway through. */
function checkReferences(groups: GroupRecord[], projects: ProjectRecord[], runners: RunnerRecord[]): void {
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const projectIds = new Set(projects.map((p) => p.id));
  for (const group of groups) {
    const seen = new Set<number>();
    let current: GroupRecord | undefined = group;
    while (current !== undefined && current.parentId !== null) {
      if (seen.has(current.id)) throw new FixtureError(`group ${group.id}: parent cycle`);
      seen.add(current.id);
      const parent = groupById.get(current.parentId);
      if (parent === undefined)
        throw new FixtureError(`group ${current.id}: parent ${current.parentId} not found`);
      current = parent;
    }
  }
  for (const project of projects) {
    if (!groupById.has(project.namespaceId))
      throw new FixtureError(`project ${project.id}: namespace ${project.namespaceId} not found`);
  }
  for (const runner of runners) {
    if (runner.groupId !== null && !groupById.has(runner.groupId))
      throw new FixtureError(`runner ${runner.id}: group ${runner.groupId} not found`);
    for (const pid of runner.projectIds)
      if (!projectIds.has(pid)) throw new FixtureError(`runner ${runner.id}: project ${pid} not found`);
  }
}
