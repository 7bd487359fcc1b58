/**
 * The Runner's provider object as a module: `module.exports` of this file *is* the
 * `dynamic.ResourceProvider` the SDK hands to Pulumi.
 *
 * Why a whole module: Pulumi's closure serializer writes a module that lives in `node_modules`
 * as `require("<package export>")` instead of copying it (pulumi-engine.md §3), so `__provider`
 * becomes about 290 bytes that name this file and nothing else — no schema, no secret, the same
 * text across releases — and old state runs the installed package's code (pulumi/pulumi#6238).
 * An object literal with seven delegating methods serializes each method with its wrapper
 * (2,490 bytes). Each method loads the implementation at call time, so the program process that
 * constructs resources never loads zod or undici.
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
  return impl().runner.check(olds, news);
}
export async function diff(id: string, olds: Bag, news: Bag) {
  return impl().runner.diff(id, olds, news);
}
export async function create(inputs: Bag) {
  return impl().runner.create(inputs);
}
export async function read(id: string, props?: Bag) {
  return impl().runner.read(id, props);
}
export async function update(id: string, olds: Bag, news: Bag) {
  return impl().runner.update(id, olds, news);
}
// `delete` is a reserved word for a function name; export it under that name all the same.
async function remove(id: string, props: Bag) {
  return impl().runner.delete(id, props);
}

export { remove as delete };
