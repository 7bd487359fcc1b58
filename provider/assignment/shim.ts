/**
 * The ProjectRunnerAssignment's provider object as a module: `module.exports` of this file *is*
 * the `dynamic.ResourceProvider` the sdk hands to Pulumi (`provider/resource/shim.ts` says why).
 */
import { dynamicShim } from "../resource/shim";

export = dynamicShim("assignment");
