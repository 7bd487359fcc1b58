import {
  type ClientConfigSource,
  type GitLabClientConfig,
  loadClientConfig,
  normaliseBaseUrl,
  resolveClientConfig,
} from "./config";
import { GitLabError } from "./errors/gitlab-error";
import { type GitLabLogger, redactingLogger, silentLogger } from "./logger";
import { assignments, listing, lookup, runners, runnerTokens } from "./operations";
import type { OperationContext } from "./operations/context";
import type { ListRunnersFilters, RunnerFilters } from "./operations/listing";
import type { CreateUserRunnerInput, RegisterRunnerInput } from "./operations/runner-tokens";
import type { RunnerChanges, RunnerJobFilters } from "./operations/runners";
import { Redactor } from "./redact";
import { Governor, sharedGovernor } from "./resilience/governor";
import type { CurrentUser, Group, Project, ServerVersion } from "./schemas/meta";
import type {
  ProjectRef,
  ResetTokenResult,
  RunnerCredentials,
  RunnerDetails,
  RunnerJob,
  RunnerManager,
  RunnerSummary,
  VerifyResult,
} from "./schemas/runner";
import { sharedDispatcher } from "./transport/dispatcher";
import { Requester } from "./transport/requester";

/**
 * Typed access to GitLab's runner API: one method per operation, GitLab JSON parsed once into
 * camelCase domain types, method-aware retries, a shared concurrency governor and redacted
 * `GitLabError`s. Safe to share; every method is independent.
 */
export class GitLabClient {
  readonly #ctx: OperationContext;
  readonly #logger: GitLabLogger;
  #version: Promise<ServerVersion> | undefined;

  /** @param config See {@link GitLabClientConfig}; invalid values throw `GitLabError` code `config`. */
  constructor(config: GitLabClientConfig) {
    const c = resolveClientConfig(config);
    const apiUrl = normaliseBaseUrl(c.baseUrl);
    const redactor = new Redactor();
    redactor.add(c.token);
    this.#logger = redactingLogger(c.logger ?? silentLogger, redactor);
    const dispatcher =
      c.dispatcher ??
      sharedDispatcher({
        caCertFile: c.caCertFile,
        insecure: c.insecure,
        clientCert: c.clientCert,
        clientKey: c.clientKey,
        httpProxy: c.httpProxy === "" ? undefined : c.httpProxy,
        httpsProxy: c.httpsProxy === "" ? undefined : c.httpsProxy,
        noProxy: c.noProxy === "" ? undefined : c.noProxy,
        connections: c.maxConcurrency,
        connectTimeoutMs: c.connectTimeoutMs,
        namespace: c.configNamespace,
      });
    // An injected dispatcher (a test's MockAgent) gets its own governor, so that one test's
    // rate-limit pause cannot leak into the next.
    const governor =
      c.dispatcher === undefined
        ? sharedGovernor(apiUrl, c.maxConcurrency, c.maxRetryWaitMs)
        : new Governor({ maxConcurrency: c.maxConcurrency, maxDelayMs: c.maxRetryWaitMs });
    const requester = new Requester({
      apiUrl,
      token: c.token,
      authHeader: c.authHeader,
      dispatcher,
      governor,
      logger: this.#logger,
      redactor,
      retries: c.retries,
      timeoutMs: c.timeoutMs,
      headersTimeoutMs: c.headersTimeoutMs,
      bodyTimeoutMs: c.bodyTimeoutMs,
      maxRetryWaitMs: c.maxRetryWaitMs,
      maxTotalRetryWaitMs: c.maxTotalRetryWaitMs,
      retryBaseDelayMs: c.retryBaseDelayMs,
      random: c.random,
    });
    this.#ctx = {
      requester,
      redactor,
      logger: this.#logger,
      serverVersion: () => this.#serverVersionOrUndefined(),
    };
  }

  /**
   * A client configured from stack config and environment ({@link loadClientConfig}).
   * @param source config (`gitlab:baseUrl`, `gitlab:token`, …) and env (`GITLAB_BASE_URL`,
   *   `GITLAB_TOKEN`, proxies). @default `{ env: process.env }`
   * @param overrides Options that cannot come from config, such as `logger`.
   */
  static fromEnvironment(
    source: ClientConfigSource = {},
    overrides: Partial<GitLabClientConfig> = {},
  ): GitLabClient {
    return new GitLabClient({ ...loadClientConfig(source), ...overrides });
  }

  /** The normalised API root, e.g. `https://gitlab.example.com/api/v4`. */
  get apiUrl(): string {
    return this.#ctx.requester.apiUrl;
  }

  /** `GET /version`, cached for the client's lifetime (a failure is not cached). */
  getVersion(): Promise<ServerVersion> {
    if (this.#version === undefined) {
      const pending = lookup.fetchVersion(this.#ctx);
      this.#version = pending;
      pending.catch(() => {
        if (this.#version === pending) this.#version = undefined;
      });
    }
    return this.#version;
  }

  async #serverVersionOrUndefined(): Promise<ServerVersion | undefined> {
    try {
      return await this.getVersion();
    } catch (error) {
      // A token limited to e.g. `create_runner` may not read /version; fall back to the
      // parameters every version accepts instead of failing the operation.
      if (GitLabError.is(error) && (error.code === "insufficient_scope" || error.code === "forbidden")) {
        this.#logger.debug(
          `GET /version not allowed for this token (${error.code}); using parameters every GitLab version accepts`,
        );
        return undefined;
      }
      throw error;
    }
  }

  /** `GET /user`: the token's user. */
  async getCurrentUser(): Promise<CurrentUser> {
    return lookup.getCurrentUser(this.#ctx);
  }

  /**
   * `POST /runners`: registers a runner with a registration token (410 `registration_disallowed`
   * where GitLab disabled them). Never retried after it was sent.
   * @param input The registration token (GitLab `token`) plus settings; see {@link RegisterRunnerInput}.
   */
  async registerRunner(input: RegisterRunnerInput): Promise<RunnerCredentials> {
    return runnerTokens.registerRunner(this.#ctx, input);
  }

  /**
   * `POST /user/runners`: creates a runner (GitLab 15.10+). Never retried after it was sent.
   * @param input `runnerType` with `groupId`/`projectId`, plus settings; see {@link CreateUserRunnerInput}.
   */
  async createUserRunner(input: CreateUserRunnerInput): Promise<RunnerCredentials> {
    return runnerTokens.createUserRunner(this.#ctx, input);
  }

  /**
   * `GET /runners/:id`; 404 throws `GitLabError` code `not_found`.
   * @param id The runner id. GitLab `:id`.
   */
  async getRunner(id: number): Promise<RunnerDetails> {
    return runners.getRunner(this.#ctx, id);
  }

  /**
   * `PUT /runners/:id` with only the given changes; `paused` becomes `active` on GitLab < 14.8.
   * @param id The runner id. GitLab `:id`.
   * @param changes At least one setting; see {@link RunnerChanges}.
   */
  async updateRunner(id: number, changes: RunnerChanges): Promise<RunnerDetails> {
    return runners.updateRunner(this.#ctx, id, changes);
  }

  /**
   * `DELETE /runners/:id`; 404 throws `not_found` (a deleting caller treats it as done).
   * @param id The runner id. GitLab `:id`.
   */
  async deleteRunner(id: number): Promise<void> {
    return runners.deleteRunner(this.#ctx, id);
  }

  /**
   * `DELETE /runners` with the runner's authentication token.
   * @param token The runner's authentication token (`glrt-…` or a legacy token). GitLab `token`; sent in the body, never the URL.
   */
  async deleteRunnerByToken(token: string): Promise<void> {
    return runnerTokens.deleteRunnerByToken(this.#ctx, token);
  }

  /**
   * `POST /runners/verify`. Has side effects (contact time, runner manager): call it explicitly only.
   * @param token The runner's authentication token (`glrt-…` or a legacy token). GitLab `token`; sent in the body, never the URL.
   * @param systemId The runner host's system id. GitLab `system_id`. @default none
   */
  async verifyRunner(token: string, systemId?: string): Promise<VerifyResult> {
    return runnerTokens.verifyRunner(this.#ctx, token, systemId);
  }

  /**
   * `POST /runners/:id/reset_authentication_token` with the user token. Never retried once sent.
   * @param id The runner id. GitLab `:id`.
   */
  async resetRunnerToken(id: number): Promise<ResetTokenResult> {
    return runners.resetRunnerToken(this.#ctx, id);
  }

  /**
   * `POST /runners/reset_authentication_token` with the runner's current token. Never retried once sent.
   * @param token The runner's authentication token (`glrt-…` or a legacy token). GitLab `token`; sent in the body, never the URL.
   */
  async resetRunnerTokenByToken(token: string): Promise<ResetTokenResult> {
    return runnerTokens.resetRunnerTokenByToken(this.#ctx, token);
  }

  /**
   * `GET /runners` (`scope: "owned"`) or `GET /runners/all` (`scope: "all"`), every page.
   * @param filters `scope` plus optional filters; see {@link ListRunnersFilters}.
   */
  async listRunners(filters: ListRunnersFilters): Promise<RunnerSummary[]> {
    return listing.listRunners(this.#ctx, filters);
  }

  /**
   * `GET /runners/:id/jobs`, every page.
   * @param id The runner id. GitLab `:id`.
   * @param filters See {@link RunnerJobFilters}. @default no filter
   */
  async listRunnerJobs(id: number, filters: RunnerJobFilters = {}): Promise<RunnerJob[]> {
    return runners.listRunnerJobs(this.#ctx, id, filters);
  }

  /**
   * `GET /runners/:id/managers` (15.11+; `unsupported` before).
   * @param id The runner id. GitLab `:id`.
   */
  async listRunnerManagers(id: number): Promise<RunnerManager[]> {
    return runners.listRunnerManagers(this.#ctx, id);
  }

  /**
   * The runner's projects (`GET /runners/:id/projects`, or the details on older GitLab).
   * @param id The runner id. GitLab `:id`.
   */
  async listRunnerProjects(id: number): Promise<ProjectRef[]> {
    return runners.listRunnerProjects(this.#ctx, id);
  }

  /**
   * `GET /projects/:id/runners`, every page.
   * @param project Project id or full path (`group/subgroup/project`). GitLab `:id`.
   * @param filters See {@link RunnerFilters}. @default no filter
   */
  async listProjectRunners(project: number | string, filters: RunnerFilters = {}): Promise<RunnerSummary[]> {
    return listing.listProjectRunners(this.#ctx, project, filters);
  }

  /**
   * `POST /projects/:id/runners`; an existing assignment throws `already_assigned`.
   * @param project Project id or full path (`group/subgroup/project`). GitLab `:id`.
   * @param runnerId The runner id. GitLab `runner_id`.
   */
  async enableProjectRunner(project: number | string, runnerId: number): Promise<RunnerSummary> {
    return assignments.enableProjectRunner(this.#ctx, project, runnerId);
  }

  /**
   * `DELETE /projects/:id/runners/:runner_id`.
   * @param project Project id or full path (`group/subgroup/project`). GitLab `:id`.
   * @param runnerId The runner id. GitLab `:runner_id`.
   */
  async disableProjectRunner(project: number | string, runnerId: number): Promise<void> {
    return assignments.disableProjectRunner(this.#ctx, project, runnerId);
  }

  /**
   * `GET /groups/:id/runners`, every page.
   * @param group Group id or full path (`group/subgroup`). GitLab `:id`.
   * @param filters See {@link RunnerFilters}. @default no filter
   */
  async listGroupRunners(group: number | string, filters: RunnerFilters = {}): Promise<RunnerSummary[]> {
    return listing.listGroupRunners(this.#ctx, group, filters);
  }

  /**
   * `GET /projects/:id`.
   * @param idOrPath Project id or full path (`acme/platform/deploy`). GitLab `:id`.
   */
  async resolveProject(idOrPath: number | string): Promise<Project> {
    return lookup.resolveProject(this.#ctx, idOrPath);
  }

  /**
   * `GET /groups/:id`.
   * @param idOrPath Group id or full path (`acme/platform`). GitLab `:id`.
   */
  async resolveGroup(idOrPath: number | string): Promise<Group> {
    return lookup.resolveGroup(this.#ctx, idOrPath);
  }
}
