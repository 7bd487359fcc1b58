/**
 * The checks `pulumi preview` makes with GitLab, where that is safe: reads only, never a write and
 * never `POST /runners/verify` (docs/design.md decision 6). Once per provider process: the
 * configuration and the connection (`GET /version`, which also proves the token: GitLab answers
 * 401 to a bad one); then, per resource, the group and project paths it names and the runner an
 * assignment names. Each failure is a `check` failure that names the argument (or the
 * `gitlab:` key) and says what to do, so the mistake stops the preview instead of `up`.
 *
 * `gitlab:onlineChecks false` (or `GITLAB_ONLINE_CHECKS=false`) turns them off, for previews
 * without GitLab or without its token (an air-gapped preview, a merge-request pipeline whose
 * token is a protected variable); the preview then says what it did not check.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient } from "../gitlab";
import type { ResourceContext } from "./context";
import { errorText, gitlabSays, hasCode, isNotFound } from "./errors";
import { lookUpGroup, lookUpProject } from "./lookups";
import { shown } from "./shown";

type Failure = pulumi.dynamic.CheckFailure;

/** Said once per process when the checks are off. */
const OFF =
  "gitlab:onlineChecks is false: this preview did not check the connection to GitLab, the token, the group " +
  "and project paths, or the runners assigned; `pulumi up` will.";

const connections = new WeakMap<object, Promise<Failure | undefined>>();
const silenced = new WeakSet<object>();

/** The `gitlab:` key a configuration error names (`GitLab provider configuration: gitlab:token is …`). */
function configKey(err: unknown): string {
  const match = /configuration: (\S+)/.exec(errorText(err));
  return match?.[1] ?? "gitlab:baseUrl";
}

/** What `GET /version` failing says about the configuration. */
function connectionFailure(client: GitLabClient, err: unknown): Failure | undefined {
  // A token with narrow scopes (create_runner, manage_runner) may not read /version: it was
  // accepted (GitLab would answer 401 otherwise), which is what this check is for.
  if (hasCode(err, "forbidden", "insufficient_scope")) return undefined;
  if (hasCode(err, "unauthorized")) {
    return {
      property: "gitlab:token",
      reason:
        `GitLab at ${client.apiUrl} did not accept the token (401): it is invalid, expired or revoked. Create a ` +
        "new access token and set it with `pulumi config set --secret gitlab:token …` (or GITLAB_TOKEN).",
    };
  }
  if (hasCode(err, "not_found", "unsupported", "invalid_response", "http_error")) {
    return {
      property: "gitlab:baseUrl",
      reason:
        `${client.apiUrl} is not GitLab's API: to GET /version, ${gitlabSays(err)}. Give the address of the GitLab ` +
        "instance itself, as in the browser (e.g. https://gitlab.example.com, or https://example.com/gitlab for one " +
        "under a path); /api/v4 is added.",
    };
  }
  // A failure that may pass (a timeout, a 5xx, a rate limit beyond the retries, a dropped
  // connection) says nothing about the configuration: the operations will meet GitLab again.
  if (hasCode(err, "timeout", "server_error", "rate_limited")) return undefined;
  if (hasCode(err, "network") && !/\bENOTFOUND\b/.test(errorText(err))) return undefined;
  return {
    property: "gitlab:baseUrl",
    reason: `cannot reach GitLab at ${client.apiUrl}: ${errorText(err)}`,
  };
}

/**
 * The process-wide part: the configuration builds a client, and GitLab answers at that address
 * and accepts the token. `undefined` when all is well, or when the checks are off.
 */
export async function connectionChecked(ctx: ResourceContext): Promise<Failure | undefined> {
  if (!ctx.onlineChecks()) {
    if (!silenced.has(ctx)) {
      silenced.add(ctx);
      ctx.log.info(OFF);
    }
    return undefined;
  }
  let client: GitLabClient;
  try {
    client = ctx.client();
  } catch (err) {
    const key = configKey(err);
    const offline = /is not set/.test(errorText(err))
      ? " For a preview without GitLab, set gitlab:onlineChecks false (or GITLAB_ONLINE_CHECKS=false)."
      : "";
    return { property: key, reason: `${errorText(err)}${offline}` };
  }
  let pending = connections.get(client);
  if (!pending) {
    pending = client.getVersion().then(
      () => undefined,
      (err: unknown) => connectionFailure(client, err),
    );
    connections.set(client, pending);
  }
  return pending;
}

/**
 * A group or project the program names by path or id, looked up (and remembered for the
 * creation that follows): a failure on `property` when GitLab has no such group or project
 * visible to this token.
 */
export async function namespaceChecked(
  client: GitLabClient,
  kind: "group" | "project",
  idOrPath: number | string,
  property: string,
): Promise<Failure | undefined> {
  try {
    if (kind === "group") await lookUpGroup(client, idOrPath);
    else await lookUpProject(client, idOrPath);
    return undefined;
  } catch (err) {
    if (!isNotFound(err)) return undefined; // Not this check's to judge; the operation will say.
    const how =
      typeof idOrPath === "number" || /^\d+$/.test(String(idOrPath))
        ? `Check the id (GitLab shows it on the ${kind}'s page), or give the full path.`
        : `Check the path: it is the ${kind}'s URL path with every parent group${kind === "project" ? ', e.g. "acme/platform/deploy"' : ""} (case does not matter).`;
    return {
      property,
      reason:
        `GitLab has no ${kind} ${shown(idOrPath)} visible to this token. ${how} If the ${kind} exists, give the ` +
        "token's user a role on it.",
    };
  }
}

/** A group or project a resource names, to look up. */
export interface NamedNamespace {
  kind: "group" | "project";
  idOrPath: number | string;
  /** The argument that names it. */
  property: string;
}

/**
 * Every online check of one resource: the connection (once per process), then each group or
 * project it names. Empty when all is well or the checks are off.
 */
export async function onlineFailures(
  ctx: ResourceContext,
  namespaces: readonly NamedNamespace[],
  more: (client: GitLabClient) => Promise<Failure[]> = async () => [],
): Promise<Failure[]> {
  const connection = await connectionChecked(ctx);
  if (connection) return [connection];
  if (!ctx.onlineChecks()) return [];
  const client = ctx.client();
  const found = await Promise.all([
    ...namespaces.map((n) => namespaceChecked(client, n.kind, n.idOrPath, n.property)),
    more(client),
  ]);
  return found.flat().filter((f): f is Failure => f !== undefined);
}
