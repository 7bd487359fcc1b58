/**
 * The provider implementation the serialized shims load at call time
 * (`require("pulumi-gitlab-runners/provider")`): each resource's operations with this process's
 * context (`configure.ts`), as the dynamic-provider host calls them, plus the read functions.
 * The factories (`runnerOperations`, `assignmentOperations`) serve other front doors with
 * contexts of their own.
 *
 * @packageDocumentation
 */
import { assignmentOperations } from "./assignment";
import { preferCurrentConfig, processContext, programIsRunning } from "./configure";
import { forDynamicHost } from "./resource/dynamic";
import { runnerOperations } from "./runner";

export type { AssignmentInputs, AssignmentOutputs } from "./assignment";
export { assignmentDescription, assignmentOperations } from "./assignment";
export { configure, getClient, processContext, setClient } from "./configure";
export type { FunctionContext, FunctionsApi, VerifyRunnerTokenResult } from "./functions";
export { FunctionArgumentError, functions } from "./functions";
export type { ResourceContext } from "./resource/context";
export { PartialStateError, ProviderError } from "./resource/errors";
export type { RunnerInputs, RunnerOutputs } from "./runner";
export { runnerDescription, runnerOperations } from "./runner";

/** On refresh and destroy, the stack's current configuration rather than the state's record. */
const hooks = { programIsRunning, beforeStoredOperation: preferCurrentConfig };

/** The Runner's operations for the dynamic-provider host. */
export const runner = forDynamicHost(processContext, runnerOperations(processContext), hooks);

/** The ProjectRunnerAssignment's operations for the dynamic-provider host. */
export const assignment = forDynamicHost(processContext, assignmentOperations(processContext), hooks);
