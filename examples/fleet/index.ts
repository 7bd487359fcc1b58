import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

/**
 * One pool of identical runners, from the stack config `fleet:pools` (a list of these). Jobs
 * pick a pool with `tags:`; every runner of a pool carries all of the pool's tags.
 */
interface Pool {
  /** The pool's name: lowercase letters, digits and dashes. Resource names start with it. */
  name: string;
  /** The tags of every runner in the pool (at least one). */
  tags: string[];
  /** How many runners the pool has (0 is allowed: the pool is emptied). */
  count: number;
  /** The project that owns the pool's runners (full path or id): they are created there. */
  owner: string | number;
  /** More projects (full paths or ids) each runner of the pool is enabled on. Default none. */
  projects?: (string | number)[];
  /** Longest job in seconds (at least 600). Default 3600. */
  maximumTimeout?: number;
  /** "ref_protected" for runners that deploy. Default "not_protected". */
  accessLevel?: gitlab.RunnerAccessLevel;
  /**
   * Locked runners cannot be enabled on more projects by anyone but an administrator. Default
   * true. In the `projects` form the provider unlocks a runner for the change and locks it
   * again; in the `assignments` form set false when the token is a project Maintainer's and
   * `projects` is not empty.
   */
  locked?: boolean;
  /** Pause every runner of the pool. Default false. */
  paused?: boolean;
}

/**
 * How each runner's extra projects are declared (`fleet:form`): `"assignments"` (the default),
 * one ProjectRunnerAssignment per runner and project; or `"projects"`, the runner's own
 * `assignedProjects` — one resource per runner and one GET per runner on refresh, the form for
 * large fleets (README "At scale").
 */
type Form = "projects" | "assignments";

const config = new pulumi.Config("fleet");
const pools = config.requireObject<Pool[]>("pools");
const form = (config.get("form") ?? "assignments") as Form;
if (form !== "projects" && form !== "assignments") {
  throw new Error(`fleet:form must be "projects" or "assignments", got ${JSON.stringify(form)}.`);
}
// Descriptions start with the prefix, so the fleet's runners are easy to find in GitLab.
const prefix = config.get("prefix") ?? "fleet";

checkPools(pools);

/** A resource-name-safe form of a project path or id ("acme/platform/deploy" → "acme-platform-deploy"). */
const slug = (project: string | number) => String(project).replace(/[^A-Za-z0-9-]+/g, "-");

const runnersByPool: Record<string, gitlab.Runner[]> = {};
const tokensByRunner: Record<string, pulumi.Output<string | undefined>> = {};
const assignments: gitlab.ProjectRunnerAssignment[] = [];

for (const pool of pools) {
  const runners: gitlab.Runner[] = [];
  for (let i = 0; i < pool.count; i++) {
    const name = `${pool.name}-${i}`;
    const runner = new gitlab.Runner(name, {
      runnerType: "project_type",
      projectId: pool.owner,
      description: `${prefix}-${name} ${pool.tags.join(", ")}`,
      tagList: pool.tags,
      runUntagged: false,
      locked: pool.locked ?? true,
      paused: pool.paused ?? false,
      accessLevel: pool.accessLevel ?? "not_protected",
      maximumTimeout: pool.maximumTimeout ?? 3600,
      ...(form === "projects" ? { assignedProjects: pool.projects ?? [] } : {}),
    });
    runners.push(runner);
    tokensByRunner[name] = runner.authenticationToken;
    for (const project of form === "assignments" ? (pool.projects ?? []) : []) {
      assignments.push(
        new gitlab.ProjectRunnerAssignment(`${name}-on-${slug(project)}`, {
          project,
          runnerId: runner.runnerId,
        }),
      );
    }
  }
  runnersByPool[pool.name] = runners;
}

/** The runner ids of each pool. */
export const runnerIds = Object.fromEntries(
  Object.entries(runnersByPool).map(([pool, runners]) => [pool, runners.map((r) => r.runnerId)]),
);
export const runnerCount = pools.reduce((n, pool) => n + pool.count, 0);
/** ProjectRunnerAssignment resources (the `assignments` form). */
export const assignmentCount = assignments.length;
/** Links from runners to extra projects, in either form. */
export const linkCount = pools.reduce((n, pool) => n + pool.count * (pool.projects ?? []).length, 0);
/**
 * Each runner's authentication token, by resource name, as one secret: for
 * `gitlab-runner register --token` on the machines of the pool
 * (`pulumi stack output tokens --show-secrets`).
 */
export const tokens = pulumi.secret(pulumi.all(tokensByRunner));

/** Fails the program early, with the pool and the field, when the config is not usable. */
function checkPools(list: Pool[]): void {
  if (!Array.isArray(list)) throw new Error("fleet:pools must be a list of pools.");
  const names = new Set<string>();
  for (const [i, pool] of list.entries()) {
    const where = `fleet:pools[${i}]${pool?.name ? ` (${pool.name})` : ""}`;
    if (typeof pool?.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(pool.name)) {
      throw new Error(`${where}: name must be lowercase letters, digits and dashes, e.g. "docker".`);
    }
    if (names.has(pool.name)) throw new Error(`${where}: the name "${pool.name}" is used twice.`);
    names.add(pool.name);
    if (!Array.isArray(pool.tags) || pool.tags.length === 0) {
      throw new Error(`${where}: tags must list at least one tag, e.g. ["docker", "linux"].`);
    }
    if (!Number.isInteger(pool.count) || pool.count < 0) {
      throw new Error(`${where}: count must be a whole number of runners (0 or more).`);
    }
    if (typeof pool.owner !== "string" && typeof pool.owner !== "number") {
      throw new Error(`${where}: owner must be the project that owns the runners, e.g. "acme/api".`);
    }
    if (pool.projects !== undefined && !Array.isArray(pool.projects)) {
      throw new Error(`${where}: projects must be a list of project paths or ids.`);
    }
  }
}
