/**
 * The provider implementation the serialized shims load at call time
 * (`require("pulumi-gitlab-runners/provider")`): one object per resource type, plus
 * `configure`, shared by all of them.
 *
 * @packageDocumentation
 */

export type { AssignmentInputs, AssignmentOutputs } from "./assignment";
export { assignment } from "./assignment";
export { configure, getClient, setClient } from "./configure";
export type { FunctionContext, FunctionsApi, VerifyRunnerTokenResult } from "./functions";
export { FunctionArgumentError, functions } from "./functions";
export type { RunnerInputs, RunnerOutputs } from "./runner";
export { runner } from "./runner";
