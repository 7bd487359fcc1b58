import type { RunnerRecord } from "../types";
import type { VersionFeatures } from "../version";

/**
 * Runner status derivation (docs/gitlab-api.md §2.1, app/models/ci/runner.rb and
 * app/models/concerns/ci/has_runner_status.rb).
 */

/** `online?`: null (not false) when the runner never contacted GitLab. */
export function isOnline(runner: RunnerRecord, now: number, features: VersionFeatures): boolean | null {
  if (runner.contactedAt === null) return null;
  return Date.parse(runner.contactedAt) > now - features.onlineTimeoutMs;
}

export function isStale(runner: RunnerRecord, now: number, features: VersionFeatures): boolean {
  const created = Date.parse(runner.createdAt);
  const contacted = runner.contactedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(runner.contactedAt);
  return Math.max(created, contacted) <= now - features.staleTimeoutMs;
}

/** The REST `status` field (`deprecated_rest_status`; 13.x used `not_connected`, no `stale`). */
export function runnerStatus(runner: RunnerRecord, now: number, features: VersionFeatures): string {
  if (features.legacy) {
    if (runner.contactedAt === null) return "not_connected";
    if (!runner.active) return "paused";
    return isOnline(runner, now, features) ? "online" : "offline";
  }
  if (isStale(runner, now, features)) return "stale";
  if (runner.contactedAt === null) return "never_contacted";
  if (runner.active) return isOnline(runner, now, features) ? "online" : "offline";
  return "paused";
}

/** Status-like scopes/filters (`online`, `offline`, `never_contacted`, `stale`, `active`, `paused`). */
export function matchesStatus(
  runner: RunnerRecord,
  status: string,
  now: number,
  features: VersionFeatures,
): boolean {
  switch (status) {
    case "active":
      return runner.active;
    case "paused":
      return !runner.active;
    case "online":
      return isOnline(runner, now, features) === true;
    case "offline":
      // 13.x: "not online", including never-contacted runners; modern: contacted but not recently.
      return features.legacy
        ? isOnline(runner, now, features) !== true
        : isOnline(runner, now, features) === false;
    case "never_contacted":
    case "not_connected":
      return runner.contactedAt === null;
    case "stale":
      return isStale(runner, now, features);
    default:
      return false;
  }
}

/** Type-like scopes, including the legacy `specific`/`shared`. */
export function matchesType(runner: RunnerRecord, type: string): boolean {
  switch (type) {
    case "shared":
      return runner.runnerType === "instance_type";
    case "specific":
      return runner.runnerType !== "instance_type";
    default:
      return runner.runnerType === type;
  }
}
