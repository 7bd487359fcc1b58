/**
 * Public types of the GitLab Runners API emulator: the fixture format (JSON, documented in
 * docs/emulator.md), the state snapshot, fault rules and the request log.
 */

import type { z } from "zod";
import type { faultConfigSchema, faultRuleSchema } from "./faults/faults";

/** GitLab versions whose runner API the emulator reproduces (docs/gitlab-api.md §10–§12). */
export type GitlabVersion = "13.12" | "16.11" | "17.11" | "18.6";

export type {
  AccessLevel,
  Fixture,
  FixtureGroup,
  FixtureJob,
  FixtureMember,
  FixtureProject,
  FixtureRunner,
  FixtureRunnerManager,
  FixtureToken,
  FixtureUser,
  GroupRecord,
  JobRecord,
  JobStatus,
  ManagerRecord,
  MemberRecord,
  PlanLimits,
  ProjectRecord,
  Role,
  RunnerRecord,
  RunnerRegistrar,
  RunnerType,
  TokenRecord,
  TokenScope,
  UserRecord,
  Visibility,
} from "./state/fixture-schema";

import type {
  GroupRecord,
  JobRecord,
  PlanLimits,
  ProjectRecord,
  RunnerRecord,
  RunnerRegistrar,
  UserRecord,
} from "./state/fixture-schema";

/**
 * The whole state, as returned by GET /-/emulator/state. It is itself a valid fixture (every
 * optional field filled in), so it can be saved and loaded back.
 */
export interface EmulatorState {
  gitlabVersion: GitlabVersion;
  registrationTokensAllowed: boolean;
  instanceRegistrationToken: string | null;
  runnerTokenExpirationSeconds: number | null;
  validRunnerRegistrars: RunnerRegistrar[];
  planLimits: PlanLimits;
  runnerMigrationBackoff: boolean;
  users: UserRecord[];
  groups: GroupRecord[];
  projects: ProjectRecord[];
  runners: RunnerRecord[];
  jobs: JobRecord[];
}

export type FaultKind = FaultRule["kind"];

/**
 * One fault rule (docs/emulator.md "Faults"): `method` (default any), `path` (a RegExp source
 * tested against the path without query), `rate` 0..1 (default 1), `count` (default
 * unlimited), `kind`, and the kind's own settings — `latencyMs`/`jitterMs`, `status`
 * (500/502/503/504, default 500), `retryAfterSeconds` (default 60), `stallMs` (default 30000).
 */
export type FaultRule = z.input<typeof faultRuleSchema>;

/** Fault rules plus an optional per-caller Rack::Attack-like throttle (docs/gitlab-api.md §1.5). */
export type FaultConfig = z.input<typeof faultConfigSchema>;

/**
 * The instance settings that can change while the emulator runs (PUT /-/emulator/settings,
 * `RunningEmulator.updateSettings`); each is optional, those left out keep their value.
 */
export interface InstanceSettings {
  registrationTokensAllowed?: boolean;
  validRunnerRegistrars?: RunnerRegistrar[];
  planLimits?: Partial<PlanLimits>;
  runnerMigrationBackoff?: boolean;
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
