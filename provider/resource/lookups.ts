/**
 * Look-ups GitLab has already answered in this provider process, per client: a project, a
 * group, a runner's details. A fleet names the same few projects and groups many times, and the
 * preview-time check and the creation after it ask the same questions: GitLab is asked once. A
 * failed look-up is forgotten, so the next caller asks again.
 *
 * A runner's details are also remembered when an operation gets them anyway — the Runner's
 * create, update and refresh read them — so an assignment of that runner in the same process
 * (its preview-time check, its create) needs no `GET /runners/:id` of its own. Links made or
 * removed in this process are written into the remembered `projects`, so they stay current.
 */
import type { CurrentUser, GitLabClient, Group, Project, ProjectRef, RunnerDetails } from "../gitlab";

const answers = new WeakMap<object, Map<string, Promise<unknown>>>();
/** A client wrapped by {@link rememberingRunners}, to the client it wraps: both share one memory. */
const wrapped = new WeakMap<object, object>();

function memoryOf(client: object): Map<string, Promise<unknown>> {
  const owner = wrapped.get(client) ?? client;
  let known = answers.get(owner);
  if (!known) {
    known = new Map();
    answers.set(owner, known);
  }
  return known;
}

/** Keeps `pending` as the answer to `key` until it fails. */
function keep<T>(known: Map<string, Promise<unknown>>, key: string, pending: Promise<T>): Promise<T> {
  known.set(key, pending);
  pending.catch(() => {
    if (known.get(key) === pending) known.delete(key);
  });
  return pending;
}

function remembered<T>(client: object, key: string, ask: () => Promise<T>): Promise<T> {
  const known = memoryOf(client);
  const pending = known.get(key) as Promise<T> | undefined;
  return pending ?? keep(known, key, ask());
}

function keyOf(kind: string, idOrPath: number | string): string {
  return typeof idOrPath === "number" || /^\d+$/.test(idOrPath)
    ? `${kind}:id:${String(idOrPath).trim()}`
    : `${kind}:path:${idOrPath.trim().toLowerCase()}`;
}

/** `GET /projects/:id`, once per project (GitLab looks paths up case-insensitively). */
export function lookUpProject(
  client: Pick<GitLabClient, "resolveProject">,
  idOrPath: number | string,
): Promise<Project> {
  return remembered(client, keyOf("project", idOrPath), () => client.resolveProject(idOrPath));
}

/** `GET /groups/:id`, once per group. */
export function lookUpGroup(
  client: Pick<GitLabClient, "resolveGroup">,
  idOrPath: number | string,
): Promise<Group> {
  return remembered(client, keyOf("group", idOrPath), () => client.resolveGroup(idOrPath));
}

const runnerKey = (id: number) => `runner:${id}`;

/**
 * `GET /runners/:id`, once per runner: for what does not change while a program runs (its type,
 * whether it is locked), and its projects as far as this process has seen or changed them.
 * A runner's projects may be changed by others; callers that need them fresh ask GitLab.
 */
export function lookUpRunner(client: Pick<GitLabClient, "getRunner">, id: number): Promise<RunnerDetails> {
  return remembered(client, runnerKey(id), () => client.getRunner(id));
}

/** The runner's details when this process already has them, without asking GitLab; else `undefined`. */
export function knownRunner(client: object, id: number): Promise<RunnerDetails> | undefined {
  return memoryOf(client).get(runnerKey(id)) as Promise<RunnerDetails> | undefined;
}

/**
 * Remembers details GitLab just gave for a runner. Newest GitLab leaves `projects` out of a PUT's
 * answer (docs/gitlab-api.md §3.2): then the projects already remembered are kept.
 */
export function rememberRunner(client: object, details: RunnerDetails): void {
  const known = memoryOf(client);
  const key = runnerKey(details.id);
  const before = known.get(key) as Promise<RunnerDetails> | undefined;
  const next =
    details.projects !== undefined || before === undefined
      ? Promise.resolve(details)
      : before.then(
          (old) => (old.projects === undefined ? details : { ...details, projects: old.projects }),
          () => details,
        );
  keep(known, key, next);
}

/**
 * Writes a link this process made (`added`) or removed (`removed`, a project id) into the
 * remembered details of runner `id`, when there are any and they list projects.
 */
export function amendRunnerProjects(
  client: object,
  id: number,
  change: { added?: ProjectRef; removed?: number },
): void {
  const known = memoryOf(client);
  const key = runnerKey(id);
  const before = known.get(key) as Promise<RunnerDetails> | undefined;
  if (before === undefined) return;
  keep(
    known,
    key,
    before.then((old) => {
      if (old.projects === undefined) return old;
      let projects = old.projects.filter((p) => p.id !== change.removed);
      if (change.added && !projects.some((p) => p.id === change.added?.id))
        projects = [...projects, change.added];
      return { ...old, projects };
    }),
  );
}

/** Forgets runner `id` (it was deleted). */
export function forgetRunner(client: object, id: number): void {
  memoryOf(client).delete(runnerKey(id));
}

/**
 * `client`, except that every runner it reads (`GET /runners/:id`) or updates (the `PUT`'s
 * answer) is remembered for {@link lookUpRunner}. It shares `client`'s memory: projects and
 * groups it looks up are the same look-ups.
 */
export function rememberingRunners<C extends Pick<GitLabClient, "getRunner">>(client: C): C {
  const proxy = new Proxy(client, {
    get(target, property) {
      // Read on the client itself: its getters and methods use its private fields.
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property === "getRunner" || property === "updateRunner") {
        return async (...args: unknown[]) => {
          const details = (await value.apply(target, args)) as RunnerDetails;
          rememberRunner(target, details);
          return details;
        };
      }
      return value.bind(target);
    },
  });
  wrapped.set(proxy, wrapped.get(client) ?? client);
  return proxy;
}

/** The client behind a {@link rememberingRunners} wrapper (or `client` itself): what caches key on. */
export function clientBehind(client: object): object {
  return wrapped.get(client) ?? client;
}

const claims = new WeakMap<object, Map<number, Set<number>>>();

/**
 * Records that a Runner of this process lists these projects in its `assignedProjects` (its
 * diff, create or update said so): the Runner has taken over these links.
 */
export function claimProjects(client: object, runnerId: number, projectIds: readonly number[]): void {
  const owner = wrapped.get(client) ?? client;
  let byRunner = claims.get(owner);
  if (!byRunner) {
    byRunner = new Map();
    claims.set(owner, byRunner);
  }
  byRunner.set(runnerId, new Set(projectIds));
}

/** Whether a Runner of this process lists project `projectId` in its `assignedProjects`. */
export function claimedByRunner(client: object, runnerId: number, projectId: number): boolean {
  return (
    claims
      .get(wrapped.get(client) ?? client)
      ?.get(runnerId)
      ?.has(projectId) === true
  );
}

/** `GET /user`, once per client: whom the token belongs to (an administrator or not). */
export function lookUpUser(client: Pick<GitLabClient, "getCurrentUser">): Promise<CurrentUser> {
  return remembered(client, "user", () => client.getCurrentUser());
}
