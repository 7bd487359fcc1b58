/**
 * The ProjectRunnerAssignment's provider object as a module: `module.exports` of this file *is*
 * the `dynamic.ResourceProvider` the SDK hands to Pulumi (the same pattern as the Runner's,
 * `provider/runner/shim.ts`).
 *
 * Pulumi's closure serializer writes a module that lives in `node_modules` as
 * `require("<package export>")` instead of copying it (pulumi-engine.md §3), so `__provider`
 * is a few hundred bytes that name this file and nothing else (no schema, no secret, the same
 * text across releases), and refresh and destroy of old state run the installed package's code
 * (pulumi/pulumi#6238). Each method loads the implementation at call time, so the program
 * process never loads zod or undici for it.
 */
import type { ProviderConfig } from "../configure";

type Bag = Record<string, unknown>;

function impl(): typeof import("../index") {
  // By package name, not a relative path: where the package is linked rather than installed
  // (npm link, a file: dependency), the serializer copies these functions by value into the
  // state, and a relative require would then resolve from the dynamic-provider host's folder.
  return require("pulumi-gitlab-runners/provider");
}

export async function configure(req: { config: ProviderConfig }): Promise<void> {
  return impl().configure(req);
}
export async function check(olds: Bag, news: Bag) {
  return impl().assignment.check(olds, news);
}
export async function diff(id: string, olds: Bag, news: Bag) {
  return impl().assignment.diff(id, olds, news);
}
export async function create(inputs: Bag) {
  return impl().assignment.create(inputs);
}
export async function read(id: string, props?: Bag) {
  return impl().assignment.read(id, props);
}
// `delete` is a reserved word for a function name; export it under that name all the same.
async function remove(id: string, props: Bag) {
  return impl().assignment.delete(id, props);
}

export { remove as delete };
