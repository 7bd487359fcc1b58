/**
 * The provider object the sdk hands to Pulumi for each dynamic resource.
 *
 * Pulumi serializes that object into every resource's state as `__provider` (twice) and runs
 * *that* code on refresh and destroy (docs/design.md decision 1, docs/pulumi-engine.md §3). So it holds
 * nothing but a way to load the installed package at call time: no zod schemas (they cannot be
 * serialized, pulumi/pulumi#5294), no local modules (copied by value), no credentials (they would
 * make `__provider` a secret, pulumi/pulumi#8265). Each resource's `shim.ts` makes this object its
 * whole `module.exports`; Pulumi's closure serializer writes a module that lives in
 * `node_modules` as `require("<package export>")` instead of copying it, so `__provider` is a few
 * hundred bytes that name the export and nothing else, the same across releases, and old state
 * runs the installed package's code (pulumi/pulumi#6238). The program process that constructs
 * resources never loads zod or undici.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The resources of the dynamic front door, by their key in `provider/index.ts`. */
export type DynamicKind = "runner" | "assignment";

type Implementation = typeof import("../index");

function implementation(): Implementation {
  // By package name, not a relative path: where the package is linked rather than installed
  // (npm link, a file: dependency), the serializer copies these functions by value into the
  // state, and a relative require would then resolve from the dynamic-provider host's folder.
  return require("pulumi-gitlab-runners/provider");
}

/** The delegating provider object of resource `kind`. */
export function dynamicShim(kind: DynamicKind): pulumi.dynamic.ResourceProvider {
  const shim: pulumi.dynamic.ResourceProvider = {
    configure: (req) => implementation().configure(req),
    check: (olds, news) => implementation()[kind].check(olds, news),
    diff: (id, olds, news) => implementation()[kind].diff(id, olds, news),
    create: (inputs) => implementation()[kind].create(inputs),
    read: (id, props) => implementation()[kind].read(id, props),
    delete: (id, props) => implementation()[kind].delete(id, props),
  };
  // Only the Runner updates in place; every change of an assignment replaces it.
  if (kind === "runner") shim.update = (id, olds, news) => implementation().runner.update(id, olds, news);
  return shim;
}
