/**
 * The Runner resource's operations (Pulumi's `ResourceProvider` contract), for any front door:
 * the dynamic shim calls them through `provider/index.ts`, the plugin server with its own
 * context.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Bag } from "../resource/check";
import type { ResourceContext } from "../resource/context";
import { checkRunnerInputs } from "./check";
import { createRunner } from "./create";
import { deleteRunner } from "./delete";
import { diffRunner } from "./diff";
import { readRunner } from "./read";
import { updateRunner } from "./update";

/** The Runner's operations, with the client and log of `ctx`. */
export function runnerOperations(ctx: () => ResourceContext) {
  return {
    /** Validates the inputs before any HTTP. */
    async check(_olds: Bag, news: Bag) {
      return checkRunnerInputs(news);
    },
    /** Compares old outputs with new inputs; replaces only for how the runner came to exist. */
    async diff(id: string, olds: Bag, news: Bag) {
      const { changes, replaces, deleteBeforeReplace } = diffRunner(id, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    /** Registers, creates or adopts the runner. */
    async create(inputs: Bag) {
      const { client, log } = ctx();
      return createRunner(client(), inputs, log);
    },
    /** Reads the live runner; no id when it is gone. */
    async read(id: string, props?: Bag) {
      return readRunner(ctx().client(), id, props);
    },
    /** Updates changed settings in place and rotates the token when asked. */
    async update(id: string, olds: Bag, news: Bag) {
      return updateRunner(ctx().client(), id, olds, news);
    },
    /** Deletes the runner; already gone is success. */
    async delete(id: string, props: Bag) {
      return deleteRunner(ctx().client(), id, props);
    },
  } satisfies pulumi.dynamic.ResourceProvider<Bag, Bag>;
}

export type { RunnerInputs } from "./check";
export { runnerDescription } from "./description";
export type { RunnerOutputs } from "./outputs";
