/**
 * The Runner resource's provider methods, as the serialized shim calls them
 * (`require("pulumi-gitlab-runners/provider").runner.create(inputs)`).
 */
import { getClient } from "../configure";
import { createRunner } from "./create";
import { deleteRunner } from "./delete";
import { diffRunner } from "./diff";
import { readRunner } from "./read";
import { checkRunnerInputs } from "./schema";
import { updateRunner } from "./update";

type Bag = Record<string, unknown>;

export const runner = {
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
    return createRunner(getClient(), inputs);
  },
  /** Reads the live runner; no id when it is gone. */
  async read(id: string, props?: Bag) {
    return readRunner(getClient(), id, props);
  },
  /** Updates changed fields in place and rotates the token when asked. */
  async update(id: string, olds: Bag, news: Bag) {
    return updateRunner(getClient(), id, olds, news);
  },
  /** Deletes the runner; already gone is success. */
  async delete(id: string, props: Bag) {
    return deleteRunner(getClient(), id, props);
  },
};

export type { RunnerOutputs } from "./outputs";
export type { RunnerInputs } from "./schema";
