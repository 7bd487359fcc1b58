/**
 * The serialized providers (DESIGN.md decision 1, pulumi-engine.md §3).
 *
 * Pulumi serializes the provider object into every resource's state as `__provider` (twice) and
 * runs *that* code on refresh and destroy. So each object here is a module-level singleton whose
 * methods only `require` the installed package's implementation at call time and delegate to it:
 * they capture nothing else (no zod schemas, which cannot be serialized, pulumi/pulumi#5294; no
 * local modules, which would be copied by value; no credentials, which would make `__provider` a
 * secret, pulumi/pulumi#8265). The text is then small (well under 1 KB), the same across releases,
 * and an upgraded package fixes the code that old state runs (pulumi/pulumi#6238).
 *
 * `require` resolves from the Pulumi program's directory, where the package is installed.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The provider for `pulumi-nodejs:dynamic/gitlab:Runner`. */
export const runnerProvider: pulumi.dynamic.ResourceProvider = {
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
