import * as pulumi from "@pulumi/pulumi";
import type { AssignmentOutputs } from "../provider/assignment";
import { type AssignmentDescription, assignmentDescription } from "../provider/assignment/description";
import { type InputNames, outputNames, type SameNames } from "../provider/resource/description";
import { ORIGIN_KEY, originInput } from "./origin";
import { originOf, type RunnerOrigin } from "./runner-origins";
import { assignmentProvider } from "./shims";

/** Whether two ways of naming a project surely name the same one (an id and a path cannot tell). */
function sameProject(a: number | string, b: number | string): boolean {
  const id = (v: number | string) =>
    typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
  const [x, y] = [id(a), id(b)];
  if (x !== undefined || y !== undefined) return x === y;
  return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
}

/**
 * A Runner that lists its projects in `assignedProjects` manages all of them: a
 * ProjectRunnerAssignment of that runner is the same link made twice (the project is listed),
 * or a link the Runner's next refresh reads as drift and its next `up` removes (it is not). Both
 * stop the program at preview, naming the two resources — like inline and separate rules of a
 * firewall in other providers, one way per runner.
 */
function refuseBothForms(
  assignment: pulumi.Resource,
  origin: RunnerOrigin,
  project: pulumi.Input<number | string>,
): void {
  if (origin.assignedProjects === undefined) return;
  pulumi.all([origin.assignedProjects, project]).apply(([listed, target]) => {
    if (!Array.isArray(listed)) return;
    const shownTarget = JSON.stringify(target);
    const both =
      `Remove this ProjectRunnerAssignment and keep the project in the Runner's assignedProjects, or leave ` +
      `assignedProjects out of Runner "${origin.name}" and give each of its projects a ProjectRunnerAssignment.`;
    if (listed.some((entry) => sameProject(entry, target))) {
      throw new pulumi.ResourceError(
        `project: ${shownTarget} is assigned to the runner twice: Runner "${origin.name}" lists it in assignedProjects, ` +
          `and this ProjectRunnerAssignment enables it too: two resources would manage one link, and removing either would ` +
          `not remove it. ${both}`,
        assignment,
        true,
      );
    }
    throw new pulumi.ResourceError(
      `runnerId: Runner "${origin.name}" manages all its projects with assignedProjects, which does not list ` +
        `${shownTarget}: its next refresh would read the link this ProjectRunnerAssignment makes as drift, and its ` +
        `next up would remove it. ${both}`,
      assignment,
      true,
    );
  });
}

/**
 * When `runnerId` is the `runnerId` of a Runner in this program, what GitLab would refuse is
 * said at preview, before that runner exists: a group or instance runner is never assigned to a
 * project (the program stops), and a locked runner only by an administrator (a warning: the
 * token may be one).
 */
function refuseUnassignable(assignment: pulumi.Resource, runnerId: unknown): void {
  const origin = originOf(runnerId);
  if (origin === undefined) return;
  pulumi.output(origin.runnerType).apply((type) => {
    if (type === "group_type" || type === "instance_type") {
      const scope = type === "group_type" ? "a group runner" : "an instance (shared) runner";
      const use =
        type === "group_type"
          ? 'projects of its group can already use it when "Enable group runners" is on in their Settings > CI/CD > Runners'
          : 'every project can already use it when "Enable instance runners" is on in its Settings > CI/CD > Runners';
      // A ResourceError ends the program (the preview with it) with this message on the
      // resource, and no stack trace.
      throw new pulumi.ResourceError(
        `runnerId: Runner "${origin.name}" is ${scope} (runnerType "${type}"), and GitLab never assigns ${scope} to a ` +
          `project: ${use}. Remove this ProjectRunnerAssignment, or assign a project runner (runnerType "project_type") instead.`,
        assignment,
        true,
      );
    }
  });
  pulumi.output(origin.locked).apply((locked) => {
    if (locked === true) {
      void pulumi.log.warn(
        `runnerId: Runner "${origin.name}" is locked (locked: true), and GitLab lets only an administrator assign a ` +
          "locked runner to another project; with any other token this assignment fails at up. Leave the runner " +
          "unlocked to share it, or use an administrator's token.",
        assignment,
      );
    }
  });
}

/** The arguments of a {@link ProjectRunnerAssignment}. Changing either one replaces the assignment. */
export interface ProjectRunnerAssignmentArgs {
  /**
   * The project to enable the runner on: its numeric id (`100`) or its full path with every
   * namespace (`"acme/platform/deploy"`, case-insensitive) — GitLab's `:id` of
   * `POST /projects/:id/runners`. Switching between the path and the id of the same project is
   * not a change; a numeric string such as `"100"` is taken as the id.
   *
   * @default - required
   */
  project: pulumi.Input<number | string>;
  /**
   * The runner to enable: its id (GitLab's `runner_id`), typically `runner.runnerId` of a
   * {@link Runner}. It must be a project runner (`project_type`) that is not locked, or the
   * token must be an administrator's; group and instance runners are never assigned to
   * projects. A numeric string (such as a Runner's `id`) is accepted.
   *
   * @default - required
   */
  runnerId: pulumi.Input<number | string>;
}

/**
 * Enables ("assigns") a project runner on a project: GitLab's `POST /projects/:id/runners`,
 * undone by `DELETE /projects/:id/runners/:runner_id`. Type token
 * `pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment`; the resource id is
 * `<projectId>:<runnerId>`.
 *
 * - When GitLab already has the runner on the project (its own project, or enabled by hand),
 *   the link is adopted and `preExisting` is true.
 * - A locked runner, a group or instance runner, a project or runner that does not exist, or a
 *   token without the right role fails `pulumi up` with a message that says how to fix it.
 * - `pulumi refresh` drops the resource when the link, the runner or the project is gone.
 * - Destroying removes the link. GitLab never removes a runner's owner project (18.x) or its
 *   only project (earlier versions); for those, destroy succeeds with a warning, and the link
 *   goes when the runner is deleted.
 *
 * The GitLab URL and token come from `gitlab:baseUrl` / `gitlab:token` or `GITLAB_BASE_URL` /
 * `GITLAB_TOKEN`, as for {@link Runner}.
 *
 * @example
 * ```ts
 * const runner = new gitlab.Runner("build", { runnerType: "project_type", projectId: "acme/api" });
 * new gitlab.ProjectRunnerAssignment("build-web", { project: "acme/web", runnerId: runner.runnerId });
 * new gitlab.ProjectRunnerAssignment("build-deploy", { project: 102, runnerId: runner.runnerId });
 * ```
 */
export class ProjectRunnerAssignment extends pulumi.dynamic.Resource {
  /** The type token, so policies (`validateResourceOfType`) and `--target` can find assignments. */
  static readonly __pulumiType = assignmentDescription.dynamicType;

  /** Whether `obj` is a ProjectRunnerAssignment, even across copies of this package. */
  static override isInstance(obj: unknown): obj is ProjectRunnerAssignment {
    if (obj === undefined || obj === null) return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === ProjectRunnerAssignment.__pulumiType;
  }

  /** The `project` argument as the program gave it (id or path). */
  declare readonly project: pulumi.Output<number | string>;
  /** The runner's id (`runner_id`). */
  declare readonly runnerId: pulumi.Output<number>;
  /** The project's numeric id (`id`). */
  declare readonly projectId: pulumi.Output<number>;
  /** The project's full path as GitLab reports it (`path_with_namespace`), e.g. `acme/api`. */
  declare readonly projectPath: pulumi.Output<string>;
  /**
   * True when GitLab already had the runner on the project when this resource was created (the
   * link was adopted: the runner's own project, or one enabled by hand); false when this
   * resource enabled it.
   */
  declare readonly preExisting: pulumi.Output<boolean>;

  /**
   * @param name - the resource name in this program
   * @param args - the project and the runner
   * @param opts - resource options
   */
  constructor(name: string, args: ProjectRunnerAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {};
    for (const key of outputNames(assignmentDescription)) props[key] = undefined;
    // Every argument as given, so a misspelt one (from JavaScript or YAML) is refused by check
    // instead of silently dropped.
    Object.assign(props, args);
    // Hidden: which resource this is, so destroy can read the stack's configuration (sdk/origin.ts).
    props[ORIGIN_KEY] = originInput(name, assignmentDescription.dynamicType, opts?.parent);
    super(assignmentProvider, name, props, opts, "gitlab", assignmentDescription.name);
    refuseUnassignable(this, args.runnerId);
    const origin = originOf(args.runnerId);
    if (origin) refuseBothForms(this, origin, args.project);
  }
}

// The arguments and outputs declared above are the description's, no more and no less.
true satisfies SameNames<keyof ProjectRunnerAssignmentArgs, InputNames<AssignmentDescription>>;
true satisfies SameNames<
  Exclude<keyof ProjectRunnerAssignment, keyof pulumi.dynamic.Resource>,
  keyof AssignmentOutputs
>;
