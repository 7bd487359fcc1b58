import {
  type CurrentUser,
  currentUserSchema,
  type Group,
  groupSchema,
  type Project,
  projectSchema,
  type ServerVersion,
  serverVersionSchema,
} from "../schemas/meta";
import { call, namespaceSegment, type OperationContext } from "./context";

/** `GET /version`. */
export function fetchVersion(ctx: OperationContext): Promise<ServerVersion> {
  return call(ctx, { method: "GET", template: "/version", path: "/version" }, serverVersionSchema);
}

/** `GET /user`: whom the token belongs to. */
export function getCurrentUser(ctx: OperationContext): Promise<CurrentUser> {
  return call(ctx, { method: "GET", template: "/user", path: "/user" }, currentUserSchema);
}

/** `GET /projects/:id` with an id or a full path such as `acme/platform/deploy`. */
export function resolveProject(ctx: OperationContext, idOrPath: number | string): Promise<Project> {
  const template = "/projects/:id";
  return call(
    ctx,
    // Statistics and license lookups are expensive on big instances and not needed.
    {
      method: "GET",
      template,
      path: `/projects/${namespaceSegment(idOrPath, "GET", template, "project")}`,
      query: { statistics: false, license: false },
    },
    projectSchema,
  );
}

/** `GET /groups/:id` with an id or a full path such as `acme/platform`. */
export function resolveGroup(ctx: OperationContext, idOrPath: number | string): Promise<Group> {
  const template = "/groups/:id";
  return call(
    ctx,
    // Without `with_projects=false` GitLab embeds up to 100 projects (deprecated default).
    {
      method: "GET",
      template,
      path: `/groups/${namespaceSegment(idOrPath, "GET", template, "group")}`,
      query: { with_projects: false },
    },
    groupSchema,
  );
}
