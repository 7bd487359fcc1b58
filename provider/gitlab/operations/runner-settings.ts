import { RUNNER_SETTING_PARAMS } from "../params";
import type { ServerVersion } from "../schemas/meta";
import type { AccessLevel } from "../vocabulary";

/** Settings of a runner that can be given at creation and changed later. */
export interface RunnerSettings {
  /**
   * Free-text description. GitLab `description`.
   * @default "" (GitLab's default)
   */
  description?: string;
  /**
   * Take no jobs. GitLab `paused` (14.8+) or `active` (inverted, older servers); the client picks.
   * @default false
   */
  paused?: boolean;
  /**
   * Lock the runner to its current projects. GitLab `locked`.
   * @default false (GitLab's default for new runners)
   */
  locked?: boolean;
  /**
   * Pick jobs without tags. GitLab `run_untagged`; false requires at least one tag.
   * @default true
   */
  runUntagged?: boolean;
  /**
   * Tags; replaces the whole list on update. GitLab `tag_list`.
   * @default []
   */
  tagList?: readonly string[];
  /**
   * Whether to run only jobs on protected refs. GitLab `access_level`.
   * @default "not_protected"
   */
  accessLevel?: AccessLevel;
  /**
   * Job timeout ceiling in seconds, at least 600. GitLab `maximum_timeout`.
   * @default none
   */
  maximumTimeout?: number;
  /**
   * Note for other maintainers (≤ 1024 characters). GitLab `maintenance_note`
   * (`maintainer_note` before ≈15.0; ignored by 13.x).
   * @default none
   */
  maintenanceNote?: string;
}

/**
 * Which parameter names the server takes: `"modern"` for endpoints that exist only on servers
 * with `paused` and `maintenance_note` (`POST /user/runners`, 15.10+); else the server's version,
 * or `undefined` when this token may not read it (then the names every version accepts).
 */
export type ParamDialect = ServerVersion | "modern" | undefined;

/**
 * The request parameters for `settings`, in GitLab's names for this server: the pause flag as
 * `paused` from 14.8 and `active` (inverted) before, never both (GitLab answers 400 "active,
 * paused are mutually exclusive"; docs/design.md decision 7); the note as `maintenance_note` from ≈15.0
 * and `maintainer_note` before (gitlab-org/gitlab#350730). Settings left `undefined` are not sent.
 */
export function settingsParams(
  settings: Omit<RunnerSettings, "maximumTimeout"> & { maximumTimeout?: number | null | undefined },
  dialect: ParamDialect,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(RUNNER_SETTING_PARAMS) as [keyof RunnerSettings, string][]) {
    const value = settings[name];
    if (value === undefined) continue;
    if (name === "paused" && dialect !== "modern" && dialect?.hasPaused !== true) {
      // When the version is unknown, `active` is the safe choice: every version up to 18.x accepts it.
      out.active = !value;
    } else if (
      name === "maintenanceNote" &&
      dialect !== "modern" &&
      dialect !== undefined &&
      !dialect.hasMaintenanceNote
    ) {
      out.maintainer_note = value;
    } else {
      out[param] = Array.isArray(value) ? [...value] : value;
    }
  }
  return out;
}

/** Whether sending `settings` needs the server's version (to pick parameter names). */
export function settingsNeedVersion(
  settings: RunnerSettings | { paused?: unknown; maintenanceNote?: unknown },
): boolean {
  return settings.paused !== undefined || settings.maintenanceNote !== undefined;
}
