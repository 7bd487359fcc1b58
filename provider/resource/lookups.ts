/**
 * Look-ups GitLab has already answered in this provider process, per client: a project, a
 * group, a runner's details. A fleet names the same few projects and groups many times, and the
 * preview-time check and the creation after it ask the same questions: GitLab is asked once. A
 * failed look-up is forgotten, so the next caller asks again.
 */
import type { CurrentUser, GitLabClient, Group, Project, RunnerDetails } from "../gitlab";

const answers = new WeakMap<object, Map<string, Promise<unknown>>>();

function remembered<T>(client: object, key: string, ask: () => Promise<T>): Promise<T> {
  let known = answers.get(client);
  if (!known) {
    known = new Map();
    answers.set(client, known);
  }
  let pending = known.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = ask();
    known.set(key, pending);
    const asked = pending;
    asked.catch(() => {
      if (known.get(key) === asked) known.delete(key);
    });
  }
  return pending;
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

/**
 * `GET /runners/:id`, once per runner: for what does not change while a program runs (its type,
 * whether it is locked). A runner's projects may change; callers that need them fresh ask GitLab.
 */
export function lookUpRunner(client: Pick<GitLabClient, "getRunner">, id: number): Promise<RunnerDetails> {
  return remembered(client, `runner:${id}`, () => client.getRunner(id));
}

/** `GET /user`, once per client: whom the token belongs to (an administrator or not). */
export function lookUpUser(client: Pick<GitLabClient, "getCurrentUser">): Promise<CurrentUser> {
  return remembered(client, "user", () => client.getCurrentUser());
}
