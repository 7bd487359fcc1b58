/**
 * The ProjectRunnerAssignment resource's operations (Pulumi's `ResourceProvider` contract), for
 * any front door: the dynamic shim calls them through `provider/index.ts`, the plugin server
 * with its own context.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Bag } from "../resource/check";
import type { ResourceContext } from "../resource/context";
import { isUnknown } from "../resource/host-values";
import { onlineFailures } from "../resource/online-checks";
import { originOf, withOrigin } from "../resource/origin";
import { checkAssignmentInputs } from "./check";
import { createAssignment, runnerChecked } from "./create";
import { deleteAssignment } from "./delete";
import { diffAssignment } from "./diff";
import { readAssignment } from "./read";

/** The assignment's operations, with the client and log of `ctx`. */
export function assignmentOperations(ctx: () => ResourceContext) {
  return {
    /** Validates and normalises the inputs before any HTTP. */
    async check(_olds: Bag, news: Bag) {
      const checked = checkAssignmentInputs(news);
      if (checked.failures.length > 0) return checked;
      const { project, runnerId } = checked.inputs;
      const named =
        (typeof project === "number" || typeof project === "string") && !isUnknown(project)
          ? [{ kind: "project" as const, idOrPath: project, property: "project" }]
          : [];
      const failures = await onlineFailures(ctx(), named, (client) =>
        runnerChecked(client, runnerId, project),
      );
      return failures.length > 0 ? { inputs: news, failures } : checked;
    },
    /** Any change replaces; a path and the same project's id are no change. */
    async diff(_id: string, olds: Bag, news: Bag) {
      return diffAssignment(() => ctx().client(), olds, news);
    },
    /** Enables the runner on the project, or adopts the link GitLab already has. */
    async create(inputs: Bag) {
      const { id, outs } = await createAssignment(ctx().client(), inputs);
      // The hidden `__origin` is kept, so destroy knows the stack (provider/resource/origin.ts).
      return { id, outs: withOrigin(outs, originOf(inputs)) };
    },
    /** Reads whether the link still exists; no id when it is gone. */
    async read(id: string, props?: Bag) {
      const result = await readAssignment(ctx().client(), id, props);
      if (result.props === undefined) return result;
      // The hidden origin is kept in the outputs and in the inputs refresh records.
      const origin = originOf(props);
      return {
        ...result,
        props: withOrigin(result.props, origin),
        ...(result.inputs ? { inputs: withOrigin(result.inputs, origin) } : {}),
      };
    },
    /** Removes the link; already gone is success, a link GitLab keeps is a warning. */
    async delete(id: string, props: Bag) {
      const { log } = ctx();
      return deleteAssignment(ctx().client(), id, props, (message) => log.warn(message));
    },
  } satisfies pulumi.dynamic.ResourceProvider<Bag, Bag>;
}

export type { AssignmentInputs } from "./check";
export { assignmentDescription } from "./description";
export type { AssignmentOutputs } from "./outputs";
