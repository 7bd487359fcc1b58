/**
 * The ProjectRunnerAssignment resource, field by field: the one description its check, diff,
 * outputs, sdk output list, README table and package schema are derived from
 * (`provider/resource/description.ts` says how).
 */
import type { ResourceDescription } from "../resource/description";

export const assignmentDescription = {
  name: "ProjectRunnerAssignment",
  dynamicType: "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment",
  pluginType: "gitlab-runners:index:ProjectRunnerAssignment",
  docs:
    'Enables ("assigns") a project runner on a project: GitLab\'s `POST /projects/:id/runners`, undone by ' +
    "`DELETE /projects/:id/runners/:runner_id`. The resource id is `<projectId>:<runnerId>`.",
  fields: {
    project: {
      role: "identity",
      type: { kind: "id-or-path" },
      gitlab: ":id",
      required: true,
      computedToo: true,
      docs:
        'The project to enable the runner on: its numeric id (`100`) or its full path with every namespace (`"acme/platform/deploy"`, ' +
        "case-insensitive). Switching between the path and the id of the same project is not a change; a numeric " +
        'string such as `"100"` is taken as the id.',
      allowed: 'the project\'s id or full path (`"acme/api"`)',
    },
    runnerId: {
      role: "identity",
      type: { kind: "integer" },
      gitlab: "runner_id",
      required: true,
      computedToo: true,
      docs:
        "The runner to enable, typically `runner.runnerId` of a Runner. It must be a project runner that is not " +
        "locked, or the token must be an administrator's; group and instance runners are never assigned to " +
        "projects. A numeric string (such as a Runner's `id`) is accepted.",
      allowed: "a runner id",
    },
    projectId: {
      role: "computed",
      type: { kind: "integer" },
      gitlab: "id",
      docs: "The project's numeric id.",
    },
    projectPath: {
      role: "computed",
      type: { kind: "string" },
      gitlab: "path_with_namespace",
      docs: "The project's full path as GitLab reports it now, e.g. `acme/api`.",
    },
    preExisting: {
      role: "computed",
      type: { kind: "boolean" },
      docs:
        "True when GitLab already had the runner on the project when this resource was created (the link was " +
        "adopted: the runner's own project, or one enabled by hand); false when this resource enabled it.",
    },
  },
} as const satisfies ResourceDescription;

/** The ProjectRunnerAssignment's description, as its type. */
export type AssignmentDescription = typeof assignmentDescription;
