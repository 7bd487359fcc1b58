/**
 * The ProjectRunnerAssignment resource's provider methods, as the serialized shim calls them
 * (`require("pulumi-gitlab-runners/provider").assignment.create(inputs)`).
 */
import { getClient } from "../configure";
import type { GitLabClient } from "../gitlab";
import type { AssignmentApi } from "./api";
import { createAssignment } from "./create";
import { deleteAssignment } from "./delete";
import { diffAssignment } from "./diff";
import { readAssignment } from "./read";
import { checkAssignmentInputs } from "./schema";

type Bag = Record<string, unknown>;

// The provider's client is a `GitLabClient`; this fails to compile if its operations drift
// from what the assignment needs.
const clientFits: GitLabClient extends AssignmentApi ? true : never = true;
void clientFits;

/** The process's transport client (built by `configure` from the stack config or environment). */
function api(): AssignmentApi {
  return getClient() as unknown as AssignmentApi;
}

export const assignment = {
  /** Validates and normalises the inputs before any HTTP. */
  async check(_olds: Bag, news: Bag) {
    return checkAssignmentInputs(news);
  },
  /** Any change replaces; a path and the same project's id are no change. */
  async diff(_id: string, olds: Bag, news: Bag) {
    return diffAssignment(api, olds, news);
  },
  /** Enables the runner on the project, or adopts the link GitLab already has. */
  async create(inputs: Bag) {
    return createAssignment(api(), inputs);
  },
  /** Reads whether the link still exists; no id when it is gone. */
  async read(id: string, props?: Bag) {
    return readAssignment(api(), id, props);
  },
  /** Removes the link; already gone is success, a link GitLab keeps is a warning. */
  async delete(id: string, props: Bag) {
    return deleteAssignment(api(), id, props);
  },
};

export type { AssignmentOutputs } from "./outputs";
export type { AssignmentInputs } from "./schema";
