/**
 * The read functions behind `sdk/functions.ts`. They run in the Pulumi *program* process (not
 * the dynamic-provider process): the sdk reads the `gitlab:*` stack config there and passes it
 * in; the environment (`GITLAB_BASE_URL`, `GITLAB_TOKEN`, proxies) fills the gaps, as for the
 * resources (docs/design.md decision 2). Arguments are validated first (`./schemas`); results are the
 * transport's camelCase types, every page fetched, and never carry a token.
 */
import {
  GitLabClient,
  type GitLabLogger,
  loadClientConfig,
  type RunnerDetails,
  type RunnerFilters,
  type RunnerJob,
  type RunnerManager,
  type RunnerSummary,
  type ServerVersion,
  type VerifyResult,
} from "../gitlab";
import { hasCode } from "../resource/errors";
import {
  FunctionArgumentError,
  getRunnerArgsSchema,
  listGroupRunnersArgsSchema,
  listProjectRunnersArgsSchema,
  listRunnerJobsArgsSchema,
  listRunnerManagersArgsSchema,
  listRunnersArgsSchema,
  parseArgs,
  verifyRunnerTokenArgsSchema,
} from "./args";

/** The transport operations the functions use (the real `GitLabClient` has them). */
export type FunctionsApi = Pick<
  GitLabClient,
  | "getVersion"
  | "getRunner"
  | "listRunners"
  | "listProjectRunners"
  | "listGroupRunners"
  | "listRunnerJobs"
  | "listRunnerManagers"
  | "verifyRunner"
>;

/** Where a function gets its GitLab connection. */
export interface FunctionContext {
  /** The program's `gitlab:*` stack config, keyed `gitlab:baseUrl`, `gitlab:token`, … */
  config?: Record<string, string | undefined>;
  /** Environment for what config leaves out. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where retries and rate-limit waits are reported (the program's `pulumi.log`). @default discard */
  log?: GitLabLogger;
  /** A client to use instead of one built from config (tests). */
  client?: FunctionsApi;
}

/** One client per distinct configuration per process, like the provider's (docs/design.md decision 11). */
const clients = new Map<string, GitLabClient>();

function clientFor(ctx: FunctionContext): FunctionsApi {
  if (ctx.client) return ctx.client;
  const config = loadClientConfig({ config: ctx.config ?? {}, env: ctx.env ?? process.env });
  // The key holds the token, but only in this process's memory, like the client itself.
  const key = JSON.stringify(config);
  let client = clients.get(key);
  if (client === undefined) {
    client = new GitLabClient({ ...config, ...(ctx.log ? { logger: ctx.log } : {}) });
    clients.set(key, client);
  }
  return client;
}

/** The result of {@link functions.verifyRunnerToken}. */
export interface VerifyRunnerTokenResult {
  /** False when GitLab refused the token (unknown, expired or reset). */
  valid: boolean;
  /** The runner's id; null when the token is invalid or GitLab (13.x) does not say. */
  id: number | null;
  /** When the token expires; null when it does not, or GitLab does not say. */
  tokenExpiresAt: string | null;
}

/**
 * The status filter in the server's vocabulary: GitLab renamed `not_connected` to
 * `never_contacted` (REST from 15.0, gitlab-org/gitlab#347305) and added `stale` (14.6,
 * #347303). Either name works here; the one the server knows is sent.
 */
async function statusFor(
  api: FunctionsApi,
  fn: string,
  status: string | undefined,
): Promise<string | undefined> {
  if (status !== "never_contacted" && status !== "not_connected" && status !== "stale") return status;
  let version: ServerVersion;
  try {
    version = await api.getVersion();
  } catch {
    return status;
  }
  if (version.major < 14) {
    if (status === "stale") {
      throw new FunctionArgumentError(
        `${fn}: status "stale" does not exist on GitLab ${version.version} (it arrived in 14.6); use "offline".`,
      );
    }
    return "not_connected";
  }
  if (version.major >= 15 && status === "not_connected") return "never_contacted";
  return status;
}

function filters(args: {
  type?: RunnerFilters["type"] | undefined;
  paused?: boolean | undefined;
  tagList?: string[] | undefined;
}): RunnerFilters {
  const out: RunnerFilters = {};
  if (args.type !== undefined) out.type = args.type;
  if (args.paused !== undefined) out.paused = args.paused;
  if (args.tagList !== undefined && args.tagList.length > 0) out.tagList = args.tagList;
  return out;
}

export const functions = {
  /** `GET /runners/:id`. */
  async getRunner(args: unknown, ctx: FunctionContext = {}): Promise<RunnerDetails> {
    const { id } = parseArgs("getRunner", getRunnerArgsSchema, args);
    return clientFor(ctx).getRunner(id);
  },

  /** `GET /runners` (owned) or `GET /runners/all` (administrators), every page. */
  async listRunners(args: unknown, ctx: FunctionContext = {}): Promise<RunnerSummary[]> {
    const a = parseArgs("listRunners", listRunnersArgsSchema, args);
    const api = clientFor(ctx);
    const status = await statusFor(api, "listRunners", a.status);
    return api.listRunners({
      scope: a.scope,
      ...filters(a),
      ...(status === undefined ? {} : { status }),
      ...(a.versionPrefix === undefined ? {} : { versionPrefix: a.versionPrefix }),
    });
  },

  /** `GET /projects/:id/runners`, every page. */
  async listProjectRunners(args: unknown, ctx: FunctionContext = {}): Promise<RunnerSummary[]> {
    const a = parseArgs("listProjectRunners", listProjectRunnersArgsSchema, args);
    const api = clientFor(ctx);
    const status = await statusFor(api, "listProjectRunners", a.status);
    return api.listProjectRunners(a.project, { ...filters(a), ...(status === undefined ? {} : { status }) });
  },

  /** `GET /groups/:id/runners`, every page. */
  async listGroupRunners(args: unknown, ctx: FunctionContext = {}): Promise<RunnerSummary[]> {
    const a = parseArgs("listGroupRunners", listGroupRunnersArgsSchema, args);
    const api = clientFor(ctx);
    const status = await statusFor(api, "listGroupRunners", a.status);
    return api.listGroupRunners(a.group, { ...filters(a), ...(status === undefined ? {} : { status }) });
  },

  /** `GET /runners/:id/jobs`, every page. */
  async listRunnerJobs(args: unknown, ctx: FunctionContext = {}): Promise<RunnerJob[]> {
    const a = parseArgs("listRunnerJobs", listRunnerJobsArgsSchema, args);
    return clientFor(ctx).listRunnerJobs(a.runnerId, {
      ...(a.status === undefined ? {} : { status: a.status }),
      ...(a.orderBy === undefined ? {} : { orderBy: a.orderBy }),
      ...(a.sort === undefined ? {} : { sort: a.sort }),
    });
  },

  /** `GET /runners/:id/managers` (GitLab 15.11+). */
  async listRunnerManagers(args: unknown, ctx: FunctionContext = {}): Promise<RunnerManager[]> {
    const { runnerId } = parseArgs("listRunnerManagers", listRunnerManagersArgsSchema, args);
    try {
      return await clientFor(ctx).listRunnerManagers(runnerId);
    } catch (err) {
      if (!hasCode(err, "unsupported")) throw err;
      throw new FunctionArgumentError(
        "listRunnerManagers: this GitLab has no runner managers (GET /runners/:id/managers arrived in 15.11); " +
          "use getRunner, whose version, platform and contactedAt describe the runner's host on older servers.",
      );
    }
  },

  /**
   * `POST /runners/verify`. Side effect (GitLab's, not ours): the runner is marked as contacted
   * (`contacted_at`, so it shows online) and, with `systemId`, a runner manager is created
   * (docs/gitlab-api.md §7.3). A refused token is `{ valid: false }`, not an error.
   */
  async verifyRunnerToken(args: unknown, ctx: FunctionContext = {}): Promise<VerifyRunnerTokenResult> {
    const { token, systemId } = parseArgs("verifyRunnerToken", verifyRunnerTokenArgsSchema, args);
    let result: VerifyResult;
    try {
      result = await clientFor(ctx).verifyRunner(token, systemId);
    } catch (err) {
      // Runner-token endpoints answer 403 for an unknown, expired or reset token (docs/gitlab-api.md §1.1).
      if (hasCode(err, "forbidden")) return { valid: false, id: null, tokenExpiresAt: null };
      throw err;
    }
    return { valid: result.valid, id: result.id, tokenExpiresAt: result.tokenExpiresAt };
  },
};

export { FunctionArgumentError } from "./args";
