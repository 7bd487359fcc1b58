/**
 * Read functions: GitLab's runner listings and lookups, for use in a Pulumi program (for
 * example, to adopt every runner that carries a tag). Each comes as a Promise form
 * (`listRunners`) and an Output form (`listRunnersOutput`) that takes `pulumi.Input`s.
 *
 * They run in the program process, not in the dynamic-provider process, and call GitLab
 * directly: every run of the program (`preview` included) reads GitLab afresh. The connection
 * comes from the stack config `gitlab:baseUrl` / `gitlab:token` (the token may be a secret) or
 * the environment `GITLAB_BASE_URL` / `GITLAB_TOKEN`, as for the resources; it never appears in
 * a result. Every argument is checked before anything is sent: a mistake names the argument and
 * the allowed values. Lists contain every page. Results are camelCase.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import type { FunctionContext, VerifyRunnerTokenResult } from "../provider/functions";
import type { RunnerDetails, RunnerJob, RunnerManager, RunnerSummary } from "../provider/gitlab";
import { GITLAB_CONFIG_KEYS } from "../provider/gitlab/config-keys";
import type { JobStatus, RunnerStatus, RunnerType } from "../provider/gitlab/vocabulary";

export type { VerifyRunnerTokenResult } from "../provider/functions";
export type { RunnerDetails, RunnerJob, RunnerManager, RunnerSummary } from "../provider/gitlab";

/**
 * A runner status filter (GitLab's `status`). `never_contacted` and its 13.x name
 * `not_connected` are interchangeable: the server's own word is sent. `stale` needs GitLab 14.6.
 */
export type RunnerStatusFilter = RunnerStatus;

/** A job status (GitLab's `status` of `GET /runners/:id/jobs`). */
export type JobStatusFilter = JobStatus;

/** Filters shared by the runner listings; GitLab ANDs them. */
export interface RunnerListFilters {
  /**
   * Only runners of this scope (GitLab's `type`).
   * @default - every type
   */
  type?: RunnerType;
  /**
   * Only runners with this status (GitLab's `status`).
   * @default - any status
   */
  status?: RunnerStatusFilter;
  /**
   * Only paused (`true`) or active (`false`) runners (GitLab's `paused`; on GitLab before 14.8,
   * which ignores it, the list is filtered here).
   * @default - both
   */
  paused?: boolean;
  /**
   * Only runners that carry every one of these tags (GitLab's `tag_list`). No commas in a tag.
   * @default - no tag filter
   */
  tagList?: string[];
}

/** Arguments of {@link getRunner}. */
export interface GetRunnerArgs {
  /** The runner's id (GitLab's `:id` of `GET /runners/:id`). */
  id: number;
}

/** Arguments of {@link listRunners}. */
export interface ListRunnersArgs extends RunnerListFilters {
  /**
   * `"owned"`: the runners of the projects and groups the token's user maintains or owns
   * (`GET /runners`). `"all"`: every runner of the instance, instance runners included
   * (`GET /runners/all`, administrators only).
   */
  scope: "owned" | "all";
  /**
   * Only runners with a manager whose version starts with this, e.g. `"17."` or `"16.11"`
   * (GitLab's `version_prefix`; GitLab 15.x and later, refused on 13.x rather than ignored).
   * @default - no version filter
   */
  versionPrefix?: string;
}

/** Arguments of {@link listProjectRunners}. */
export interface ListProjectRunnersArgs extends RunnerListFilters {
  /**
   * The project: numeric id or full path such as `"acme/api"` (GitLab's `:id`). The list holds
   * the runners enabled on it, its groups' runners (when group runners are enabled) and the
   * instance runners (when shared runners are enabled). Needs the Maintainer role.
   */
  project: number | string;
}

/** Arguments of {@link listGroupRunners}. */
export interface ListGroupRunnersArgs extends RunnerListFilters {
  /**
   * The group: numeric id or full path such as `"acme/platform"` (GitLab's `:id`). The list holds
   * the group's and its ancestors' runners, and on GitLab 14+ the instance runners it may use;
   * never its projects' or subgroups' runners. Needs the Owner role (Maintainer on some versions).
   */
  group: number | string;
}

/** Arguments of {@link listRunnerJobs}. */
export interface ListRunnerJobsArgs {
  /** The runner's id (GitLab's `:id` of `GET /runners/:id/jobs`). */
  runnerId: number;
  /**
   * Only jobs in this state (GitLab's `status`).
   * @default - every state
   */
  status?: JobStatusFilter;
  /**
   * Order by job id (GitLab's `order_by`; `"id"` is its only value).
   * @default - GitLab's order (ascending job id)
   */
  orderBy?: "id";
  /**
   * Sort direction with `orderBy` (GitLab's `sort`).
   * @default "desc"
   */
  sort?: "asc" | "desc";
}

/** Arguments of {@link listRunnerManagers}. */
export interface ListRunnerManagersArgs {
  /** The runner's id (GitLab's `:id` of `GET /runners/:id/managers`, GitLab 15.11+). */
  runnerId: number;
}

/** Arguments of {@link verifyRunnerToken}. */
export interface VerifyRunnerTokenArgs {
  /** The runner's authentication token (GitLab's `token`). Pass it as a secret. */
  token: string;
  /**
   * The runner manager's system id (GitLab's `system_id`, e.g. `s_0e9bd6a5f1c2`); GitLab then
   * creates or refreshes that manager.
   * @default - none
   */
  systemId?: string;
}

/** Each argument of `T` may be a `pulumi.Input`. */
export type InputArgs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/**
 * The program's GitLab connection settings. `Config.get` returns a secret value in plain text
 * without marking anything: the token only reaches the client, never a result.
 */
function context(): FunctionContext {
  const gitlab = new pulumi.Config("gitlab");
  const config: Record<string, string | undefined> = {};
  for (const key of GITLAB_CONFIG_KEYS) {
    const value = gitlab.get(key);
    if (value !== undefined) config[`gitlab:${key}`] = value;
  }
  // Retries and rate-limit waits reach the CLI output through the program's log.
  const log = {
    debug: (m: string) => void pulumi.log.debug(m),
    info: (m: string) => void pulumi.log.info(m),
    warn: (m: string) => void pulumi.log.warn(m),
  };
  return { config, env: process.env, log };
}

/** The implementation, loaded on first use so importing the sdk never loads undici or zod. */
function impl(): Promise<typeof import("../provider/functions/index.js")> {
  return import("../provider/functions/index.js");
}

/**
 * One runner's details (`GET /runners/:id`): settings, tags, status, the projects and groups
 * this token may see, and the maintenance note when the token may update the runner.
 *
 * @example
 * ```ts
 * const runner = await gitlab.getRunner({ id: 42 });
 * ```
 */
export async function getRunner(args: GetRunnerArgs): Promise<RunnerDetails> {
  return (await impl()).functions.getRunner(args, context());
}

/** {@link getRunner} with `pulumi.Input` arguments. */
export function getRunnerOutput(args: InputArgs<GetRunnerArgs>): pulumi.Output<RunnerDetails> {
  return pulumi.output(args).apply((a) => getRunner(a as GetRunnerArgs));
}

/**
 * Runners the token's user manages (`scope: "owned"`, `GET /runners`) or every runner
 * (`scope: "all"`, `GET /runners/all`, administrators), filtered, every page.
 *
 * @example
 * ```ts
 * // Bring every runner tagged "docker" under Pulumi.
 * for (const r of await gitlab.listRunners({ scope: "all", tagList: ["docker"] })) {
 *   new gitlab.Runner(`runner-${r.id}`, { adoptRunnerId: r.id, tagList: ["docker"] });
 * }
 * ```
 */
export async function listRunners(args: ListRunnersArgs): Promise<RunnerSummary[]> {
  return (await impl()).functions.listRunners(args, context());
}

/** {@link listRunners} with `pulumi.Input` arguments. */
export function listRunnersOutput(args: InputArgs<ListRunnersArgs>): pulumi.Output<RunnerSummary[]> {
  return pulumi.output(args).apply((a) => listRunners(a as ListRunnersArgs));
}

/** The runners a project can use (`GET /projects/:id/runners`), filtered, every page. */
export async function listProjectRunners(args: ListProjectRunnersArgs): Promise<RunnerSummary[]> {
  return (await impl()).functions.listProjectRunners(args, context());
}

/** {@link listProjectRunners} with `pulumi.Input` arguments. */
export function listProjectRunnersOutput(
  args: InputArgs<ListProjectRunnersArgs>,
): pulumi.Output<RunnerSummary[]> {
  return pulumi.output(args).apply((a) => listProjectRunners(a as ListProjectRunnersArgs));
}

/** A group's runners (`GET /groups/:id/runners`), filtered, every page. */
export async function listGroupRunners(args: ListGroupRunnersArgs): Promise<RunnerSummary[]> {
  return (await impl()).functions.listGroupRunners(args, context());
}

/** {@link listGroupRunners} with `pulumi.Input` arguments. */
export function listGroupRunnersOutput(
  args: InputArgs<ListGroupRunnersArgs>,
): pulumi.Output<RunnerSummary[]> {
  return pulumi.output(args).apply((a) => listGroupRunners(a as ListGroupRunnersArgs));
}

/**
 * The jobs a runner ran or runs (`GET /runners/:id/jobs`), every page; only jobs of projects
 * where the token's user is at least Reporter (administrators: all).
 */
export async function listRunnerJobs(args: ListRunnerJobsArgs): Promise<RunnerJob[]> {
  return (await impl()).functions.listRunnerJobs(args, context());
}

/** {@link listRunnerJobs} with `pulumi.Input` arguments. */
export function listRunnerJobsOutput(args: InputArgs<ListRunnerJobsArgs>): pulumi.Output<RunnerJob[]> {
  return pulumi.output(args).apply((a) => listRunnerJobs(a as ListRunnerJobsArgs));
}

/**
 * The hosts (runner managers) that use a runner's token (`GET /runners/:id/managers`, GitLab
 * 15.11+; older servers get an error that says so).
 */
export async function listRunnerManagers(args: ListRunnerManagersArgs): Promise<RunnerManager[]> {
  return (await impl()).functions.listRunnerManagers(args, context());
}

/** {@link listRunnerManagers} with `pulumi.Input` arguments. */
export function listRunnerManagersOutput(
  args: InputArgs<ListRunnerManagersArgs>,
): pulumi.Output<RunnerManager[]> {
  return pulumi.output(args).apply((a) => listRunnerManagers(a as ListRunnerManagersArgs));
}

/**
 * Checks a runner authentication token with `POST /runners/verify`: `{ valid: true, id }` when
 * GitLab accepts it, `{ valid: false }` when it refuses it (unknown, expired or reset).
 *
 * **Side effect:** this is not a pure read. GitLab marks the runner as contacted (its
 * `contactedAt` moves to now and it shows as online), and with `systemId` it creates or
 * refreshes a runner manager. It runs on every `pulumi preview` and `pulumi up` of the program.
 * The resources never call it (their refresh reads `GET /runners/:id`).
 */
export async function verifyRunnerToken(args: VerifyRunnerTokenArgs): Promise<VerifyRunnerTokenResult> {
  return (await impl()).functions.verifyRunnerToken(args, context());
}

/**
 * {@link verifyRunnerToken} with `pulumi.Input` arguments. The result is always a secret, since
 * it is derived from the runner's token. Same side effect as {@link verifyRunnerToken}.
 */
export function verifyRunnerTokenOutput(
  args: InputArgs<VerifyRunnerTokenArgs>,
): pulumi.Output<VerifyRunnerTokenResult> {
  return pulumi.secret(pulumi.output(args).apply((a) => verifyRunnerToken(a as VerifyRunnerTokenArgs)));
}
