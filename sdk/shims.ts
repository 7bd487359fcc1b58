/**
 * The serialized providers (docs/design.md decision 1, docs/pulumi-engine.md §3): each is the whole
 * `module.exports` of a package export (`pulumi-gitlab-runners/provider/runner`,
 * `…/provider/assignment`), so Pulumi's closure serializer writes just a `require` of it into
 * `__provider` (`provider/resource/shim.ts` says why). `require` resolves from the program's
 * directory, where the package is installed (or from the package itself, by its own name).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The one provider instance for `pulumi-nodejs:dynamic/gitlab:Runner` (Pulumi caches by identity, pulumi/pulumi#6645). */
export const runnerProvider: pulumi.dynamic.ResourceProvider = require("pulumi-gitlab-runners/provider/runner");

/** The one provider instance for `pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment`. */
export const assignmentProvider: pulumi.dynamic.ResourceProvider = require("pulumi-gitlab-runners/provider/assignment");
