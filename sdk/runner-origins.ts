/**
 * What the program says about the runner behind a `runnerId` output: a ProjectRunnerAssignment
 * given `runner.runnerId` (or `runner.id`) of a Runner in the same program knows that runner's
 * `runnerType`, `locked` and `assignedProjects` before the runner exists, so a preview can stop
 * an assignment GitLab would refuse, or one the Runner's own `assignedProjects` would undo.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A Runner's arguments that decide whether it can be assigned to a project. */
export interface RunnerOrigin {
  /** The Runner's resource name in the program. */
  name: string;
  runnerType: pulumi.Input<string> | undefined;
  locked: pulumi.Input<boolean> | undefined;
  /** The Runner's `assignedProjects`: when given, the Runner manages all its projects. */
  assignedProjects: pulumi.Input<pulumi.Input<number | string>[]> | undefined;
}

const origins = new WeakMap<object, RunnerOrigin>();

/** Records that `runnerId` is an id output (`runnerId` or `id`) of the Runner described by `origin`. */
export function rememberOrigin(runnerId: pulumi.Output<number | string>, origin: RunnerOrigin): void {
  origins.set(runnerId, origin);
}

/** The Runner behind `runnerId`, when it is a Runner's own `runnerId` output in this program. */
export function originOf(runnerId: unknown): RunnerOrigin | undefined {
  return typeof runnerId === "object" && runnerId !== null ? origins.get(runnerId) : undefined;
}
