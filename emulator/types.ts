/**
 * Public types of the GitLab Runners API emulator: the fixture format (JSON, documented in
 * docs/emulator.md), the state snapshot, fault rules and the request log.
 */

/** GitLab versions whose runner API the emulator reproduces (reference §10–§12). */
export type GitlabVersion = "13.12" | "16.11" | "17.11" | "18.6";

/** Membership roles, GitLab's access levels 10..50. */
export type Role = "guest" | "reporter" | "developer" | "maintainer" | "owner";

/** Personal access token scopes that matter to the runner API (reference §1.1). */
export type TokenScope = "api" | "read_api" | "read_user" | "create_runner" | "manage_runner";

export type RunnerType = "instance_type" | "group_type" | "project_type";
export type AccessLevel = "not_protected" | "ref_protected";
export type Visibility = "private" | "internal" | "public";

export interface FixtureToken {
  /** The PAT value, e.g. `glpat-…`. */
  token: string;
  name?: string;
  scopes: TokenScope[];
  /** ISO-8601; a token whose expiry is in the past answers 401 invalid_token. Default: never. */
  expiresAt?: string | null;
  /** Revoked tokens answer 401 invalid_token. Default false. */
  revoked?: boolean;
}

export interface FixtureUser {
  id: number;
  username: string;
  name?: string;
  /** Instance administrator. Default false. */
  admin?: boolean;
  tokens?: FixtureToken[];
}

export interface FixtureMember {
  userId: number;
  role: Role;
}

export interface FixtureGroup {
  id: number;
  path: string;
  name?: string;
  /** Parent group id for subgroups; null/absent for a top-level group. */
  parentId?: number | null;
  members?: FixtureMember[];
  /** The group's runner registration token (`GR1348941…`). */
  runnersToken?: string | null;
  /**
   * `runner_token_expiration_interval` in seconds for runners of this scope; runner tokens
   * created or reset get `token_expires_at = now + interval` (minimum over the scopes that
   * apply, reference §2). Default none.
   */
  runnerTokenExpirationSeconds?: number | null;
  /** Top-level group setting `allow_runner_registration_token`. Default true. */
  allowRunnerRegistrationToken?: boolean;
  /** Whether projects/subgroups may use instance runners. Default true. */
  sharedRunnersEnabled?: boolean;
  visibility?: Visibility;
  createdAt?: string;
}

export interface FixtureProject {
  id: number;
  path: string;
  name?: string;
  /** The id of the group the project lives in. */
  namespaceId: number;
  description?: string | null;
  members?: FixtureMember[];
  runnersToken?: string | null;
  /**
   * `runner_token_expiration_interval` in seconds for runners of this scope; runner tokens
   * created or reset get `token_expires_at = now + interval` (minimum over the scopes that
   * apply, reference §2). Default none.
   */
  runnerTokenExpirationSeconds?: number | null;
  /** Default true. */
  sharedRunnersEnabled?: boolean;
  /** Default true. */
  groupRunnersEnabled?: boolean;
  visibility?: Visibility;
  createdAt?: string;
}

export interface FixtureRunnerManager {
  id: number;
  systemId: string;
  version?: string | null;
  revision?: string | null;
  platform?: string | null;
  architecture?: string | null;
  ipAddress?: string | null;
  createdAt?: string;
  contactedAt?: string | null;
}

export interface FixtureRunner {
  id: number;
  runnerType: RunnerType;
  /** Authentication token (`glrt-…` for runners created with POST /user/runners). */
  token: string;
  tokenExpiresAt?: string | null;
  description?: string | null;
  name?: string | null;
  /** Default true (not paused). */
  active?: boolean;
  locked?: boolean;
  runUntagged?: boolean;
  accessLevel?: AccessLevel;
  maximumTimeout?: number | null;
  tagList?: string[];
  maintenanceNote?: string | null;
  ipAddress?: string | null;
  contactedAt?: string | null;
  createdAt?: string;
  updatedAt?: string;
  creatorId?: number | null;
  registrationType?: "registration_token" | "authenticated_user";
  /** Owning group of a group runner. */
  groupId?: number | null;
  /** Projects of a project runner; the first is the owner unless ownerProjectId says otherwise. */
  projectIds?: number[];
  ownerProjectId?: number | null;
  /** Runner columns used by 13.12 (modern versions read these from managers). */
  version?: string | null;
  revision?: string | null;
  platform?: string | null;
  architecture?: string | null;
  managers?: FixtureRunnerManager[];
}

export type JobStatus =
  | "created"
  | "waiting_for_resource"
  | "preparing"
  | "pending"
  | "running"
  | "success"
  | "failed"
  | "canceling"
  | "canceled"
  | "skipped"
  | "manual"
  | "scheduled";

export interface FixtureJob {
  id: number;
  runnerId: number;
  projectId: number;
  status: JobStatus;
  name?: string;
  stage?: string;
  ref?: string;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  runnerManagerId?: number | null;
  userId?: number | null;
}

/** The fixture: everything the emulated GitLab knows. All lists may be empty. */
export interface Fixture {
  /**
   * Instance setting `allow_runner_registration_token`. Default: true before 17.0, false from
   * 17.0 (then POST /runners answers 410, reference §7.1).
   */
  registrationTokensAllowed?: boolean;
  instanceRegistrationToken?: string | null;
  /** Instance-wide `runner_token_expiration_interval` in seconds (instance runners). Default none. */
  runnerTokenExpirationSeconds?: number | null;
  users: FixtureUser[];
  groups: FixtureGroup[];
  projects: FixtureProject[];
  runners: FixtureRunner[];
  jobs?: FixtureJob[];
}

export interface TokenRecord {
  token: string;
  name: string;
  scopes: TokenScope[];
  expiresAt: string | null;
  revoked: boolean;
}

export interface UserRecord {
  id: number;
  username: string;
  name: string;
  admin: boolean;
  tokens: TokenRecord[];
}

export interface MemberRecord {
  userId: number;
  role: Role;
}

export interface GroupRecord {
  id: number;
  path: string;
  name: string;
  parentId: number | null;
  members: MemberRecord[];
  runnersToken: string | null;
  runnerTokenExpirationSeconds: number | null;
  allowRunnerRegistrationToken: boolean;
  sharedRunnersEnabled: boolean;
  visibility: Visibility;
  createdAt: string;
}

export interface ProjectRecord {
  id: number;
  path: string;
  name: string;
  namespaceId: number;
  description: string | null;
  members: MemberRecord[];
  runnersToken: string | null;
  runnerTokenExpirationSeconds: number | null;
  sharedRunnersEnabled: boolean;
  groupRunnersEnabled: boolean;
  visibility: Visibility;
  createdAt: string;
}

export interface ManagerRecord {
  id: number;
  systemId: string;
  version: string | null;
  revision: string | null;
  platform: string | null;
  architecture: string | null;
  ipAddress: string | null;
  createdAt: string;
  contactedAt: string | null;
}

export interface RunnerRecord {
  id: number;
  runnerType: RunnerType;
  token: string;
  tokenExpiresAt: string | null;
  description: string | null;
  name: string | null;
  active: boolean;
  locked: boolean;
  runUntagged: boolean;
  accessLevel: AccessLevel;
  maximumTimeout: number | null;
  tagList: string[];
  maintenanceNote: string | null;
  ipAddress: string | null;
  contactedAt: string | null;
  createdAt: string;
  updatedAt: string;
  creatorId: number | null;
  registrationType: "registration_token" | "authenticated_user";
  groupId: number | null;
  projectIds: number[];
  ownerProjectId: number | null;
  version: string | null;
  revision: string | null;
  platform: string | null;
  architecture: string | null;
  managers: ManagerRecord[];
}

export interface JobRecord {
  id: number;
  runnerId: number;
  projectId: number;
  status: JobStatus;
  name: string;
  stage: string;
  ref: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  runnerManagerId: number | null;
  userId: number | null;
}

/**
 * The whole state, as returned by GET /-/emulator/state. It is itself a valid fixture (every
 * optional field filled in), so it can be saved and loaded back.
 */
export interface EmulatorState {
  gitlabVersion: GitlabVersion;
  registrationTokensAllowed: boolean;
  instanceRegistrationToken: string | null;
  runnerTokenExpirationSeconds: number | null;
  users: UserRecord[];
  groups: GroupRecord[];
  projects: ProjectRecord[];
  runners: RunnerRecord[];
  jobs: JobRecord[];
}

export type FaultKind =
  | "latency"
  | "rate_limit"
  | "rate_limit_bare"
  | "status"
  | "reset"
  | "drop_after_apply"
  | "stall_headers"
  | "truncate_json";

export interface FaultRule {
  /** HTTP method, e.g. "POST". Default: any. */
  method?: string;
  /** JS regular expression source tested against the URL path without query. Default: any. */
  path?: string;
  /** Probability 0..1, drawn from the seeded PRNG. Default 1. */
  rate?: number;
  /** Apply at most this many times. Default unlimited. */
  count?: number;
  kind: FaultKind;
  /** latency: fixed delay before handling. */
  latencyMs?: number;
  /** latency: extra uniformly random delay 0..jitterMs. */
  jitterMs?: number;
  /** status: answer this error without handling; 502 has an HTML body. Default 500. */
  status?: 500 | 502 | 503 | 504;
  /** rate_limit: Retry-After seconds. Default 60. */
  retryAfterSeconds?: number;
  /** stall_headers: hold the response this long before answering normally. Default 30000. */
  stallMs?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
  /** Per-caller throttle answering like GitLab's Rack::Attack (reference §1.5). */
  rateLimit?: { requests: number; windowSeconds: number };
}

export interface RequestLogEntry {
  method: string;
  /** URL path with token-bearing query params redacted. */
  path: string;
  /** Templated route, e.g. "/api/v4/runners/:id"; "*" for unknown routes. */
  route: string;
  /** 0 when no response was sent (reset, drop_after_apply). */
  status: number;
  callerId: number | null;
  durationMs: number;
  fault?: string;
}
