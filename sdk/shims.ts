/**
 * The serialized providers (DESIGN.md decision 1, pulumi-engine.md §3).
 *
 * Pulumi serializes the provider object into every resource's state as `__provider` (twice) and
 * runs *that* code on refresh and destroy. So the object must capture nothing but a way to load
 * the installed package at call time: no zod schemas (they cannot be serialized,
 * pulumi/pulumi#5294), no local modules (copied by value), no credentials (they would make
 * `__provider` a secret, pulumi/pulumi#8265). Then the text is small, the same across
 * releases, and an upgraded package fixes the code that old state runs (pulumi/pulumi#6238).
 *
 * Preferred: the provider is the `module.exports` of `provider/runner/shim`, published as the
 * package export `pulumi-gitlab-runners/provider/runner`; the serializer then writes just
 * `require("pulumi-gitlab-runners/provider/runner")` (≈290 bytes measured). Where that export does not
 * exist (a package.json without it), fall back to one module-level object whose methods
 * `require("pulumi-gitlab-runners/provider")` at call time (2,490 bytes measured, as each method is written
 * out with its wrapper). `require` resolves from the program's directory, where the package is
 * installed.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The delegating object, used when the package has no `./provider/runner` export. */
const runnerDelegate: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    return require("pulumi-gitlab-runners/provider").configure(req);
  },
  async check(olds, news) {
    return require("pulumi-gitlab-runners/provider").runner.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-gitlab-runners/provider").runner.diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-gitlab-runners/provider").runner.create(inputs);
  },
  async read(id, props) {
    return require("pulumi-gitlab-runners/provider").runner.read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-gitlab-runners/provider").runner.update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-gitlab-runners/provider").runner.delete(id, props);
  },
};

function loadRunnerShim(): pulumi.dynamic.ResourceProvider {
  try {
    // Resolvable only when package.json exports "./provider/runner" (and the package is
    // installed or self-referenced): then the serializer can name it.
    return require("pulumi-gitlab-runners/provider/runner") as pulumi.dynamic.ResourceProvider;
  } catch {
    return runnerDelegate;
  }
}

/** The one provider instance for `pulumi-nodejs:dynamic/gitlab:Runner` (Pulumi caches by identity). */
export const runnerProvider: pulumi.dynamic.ResourceProvider = loadRunnerShim();
