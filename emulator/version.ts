import type { GitlabVersion } from "./types";

/**
 * The version-dependent behaviours of docs/gitlab-api.md §11, resolved once per emulator so handlers
 * test a flag instead of comparing version strings.
 */
export interface VersionFeatures {
  version: GitlabVersion;
  /** Full version string for GET /version. */
  fullVersion: string;
  /** 13.x: `active` only, `not_connected`, verify answers text "200", real ip_address. */
  legacy: boolean;
  /** 18.x: include_projects, GET /runners/:id/projects, owner-project unassign rule. */
  newest: boolean;
  /** `paused` field, param and filter (14.8+). */
  paused: boolean;
  /** `maintenance_note` field and param. */
  maintenanceNote: boolean;
  /** `ip_address` is always null from 17.0. */
  ipAddressHidden: boolean;
  /** `token_expires_at` in registration and reset responses (≈15.3+). */
  tokenExpiresAt: boolean;
  /** Runner managers and version fields taken from them (16.x+). */
  managers: boolean;
  /** POST /user/runners (15.11+). */
  userRunners: boolean;
  /** POST …/reset_registration_token endpoints (14.3+). */
  registrationResets: boolean;
  /** Default of the instance setting allow_runner_registration_token. */
  registrationAllowedByDefault: boolean;
  /** New registration-token runner tokens carry the t1_/t2_/t3_ partition prefix. */
  tokenPartitionPrefix: boolean;
  /**
   * Plan limits `ci_registered_project_runners`/`ci_registered_group_runners` are enforced
   * (13.12 had them behind the `ci_runner_limits` feature flag, off by default).
   */
  planLimits: boolean;
  /**
   * The instance setting `valid_runner_registrars` is honoured (13.12 had it behind the
   * `runner_registration_control` feature flag, off by default).
   */
  runnerRegistrars: boolean;
  /** Runner-token endpoints back off (429) while a migration asks them to (16.0+). */
  runnerMigrationBackoff: boolean;
  onlineTimeoutMs: number;
  staleTimeoutMs: number;
  /** Body of 404 for an unknown runner id on /runners/:id (docs/gitlab-api.md §11.1). */
  runnerNotFoundMessage: string;
  /** Body of 403 for an invalid registration token (docs/gitlab-api.md §11.2). */
  invalidRegistrationTokenMessage: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function versionFeatures(version: GitlabVersion): VersionFeatures {
  const legacy = version === "13.12";
  const newest = version === "18.6";
  const modern17 = version === "17.11" || newest;
  return {
    version,
    fullVersion: `${version}.0`,
    legacy,
    newest,
    paused: !legacy,
    maintenanceNote: !legacy,
    ipAddressHidden: modern17,
    tokenExpiresAt: !legacy,
    managers: !legacy,
    userRunners: !legacy,
    registrationResets: !legacy,
    registrationAllowedByDefault: !modern17,
    tokenPartitionPrefix: modern17,
    planLimits: !legacy,
    runnerRegistrars: !legacy,
    runnerMigrationBackoff: !legacy,
    onlineTimeoutMs: legacy ? HOUR : 2 * HOUR,
    // Stale was 3 months when introduced (14.6) and is 7 days in current source (docs/gitlab-api.md §2.1).
    staleTimeoutMs: modern17 ? 7 * DAY : 90 * DAY,
    runnerNotFoundMessage: newest ? "404 Runner Not Found" : "404 Not found",
    invalidRegistrationTokenMessage: legacy ? "403 Forbidden" : "403 Forbidden - invalid token supplied",
  };
}

export const GITLAB_VERSIONS: readonly GitlabVersion[] = ["13.12", "16.11", "17.11", "18.6"];

export function isGitlabVersion(value: unknown): value is GitlabVersion {
  return typeof value === "string" && (GITLAB_VERSIONS as readonly string[]).includes(value);
}
