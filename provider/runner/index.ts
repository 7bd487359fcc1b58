/**
 * The Runner resource's operations (Pulumi's `ResourceProvider` contract), for any front door:
 * the dynamic shim calls them through `provider/index.ts`, the plugin server with its own
 * context.
 */
import type * as pulumi from "@pulumi/pulumi";

type CheckFailure = pulumi.dynamic.CheckFailure;

import type { GitLabClient } from "../gitlab";
import type { Bag } from "../resource/check";
import type { ResourceContext } from "../resource/context";
import { type PlannedDiff, setChange } from "../resource/diff";
import { isNotFound } from "../resource/errors";
import { isUnknown } from "../resource/host-values";
import { lookUpRunner } from "../resource/lookups";
import { type NamedNamespace, onlineFailures } from "../resource/online-checks";
import { checkRunnerInputs } from "./check";
import { createRunner } from "./create";
import { deleteRunner } from "./delete";
import { diffRunner } from "./diff";
import { readRunner } from "./read";
import { updateRunner } from "./update";

/** The group or project a runner created with `runnerType` names, for the online check. */
function namespacesOf(inputs: Bag): NamedNamespace[] {
  const named: NamedNamespace[] = [];
  for (const [property, kind] of [
    ["groupId", "group"],
    ["projectId", "project"],
  ] as const) {
    const value = inputs[property];
    if ((typeof value === "number" || typeof value === "string") && !isUnknown(value))
      named.push({ kind, idOrPath: value, property });
  }
  return named;
}

/** The runner `adoptRunnerId` names must exist and be visible to this token. */
async function adoptedChecked(client: GitLabClient, adoptRunnerId: unknown): Promise<CheckFailure[]> {
  if (typeof adoptRunnerId !== "number") return [];
  try {
    await lookUpRunner(client, adoptRunnerId);
    return [];
  } catch (err) {
    if (!isNotFound(err)) return [];
    return [
      {
        property: "adoptRunnerId",
        reason:
          `runner ${adoptRunnerId} does not exist, or this token's user cannot see it. Check the id (GitLab ` +
          "shows it under Settings > CI/CD > Runners), and that the token's user may manage the runner.",
      },
    ];
  }
}

/** The Runner's operations, with the client and log of `ctx`. */
export function runnerOperations(ctx: () => ResourceContext) {
  return {
    /** Validates the inputs before any HTTP. */
    async check(olds: Bag, news: Bag) {
      const checked = checkRunnerInputs(news, olds);
      if (checked.failures.length > 0) return checked;
      const failures = await onlineFailures(ctx(), namespacesOf(checked.inputs), (client) =>
        adoptedChecked(client, checked.inputs.adoptRunnerId),
      );
      return failures.length > 0 ? { inputs: news, failures } : checked;
    },
    /** Compares old outputs with new inputs; replaces only for how the runner came to exist. */
    async diff(id: string, olds: Bag, news: Bag): Promise<PlannedDiff> {
      const { fields: _fields, rotate: _rotate, ...planned } = diffRunner(id, olds, news);
      // The CLI shows a list input by position; say what the set of tags gains and loses.
      const tags = setChange(olds.tagList, news.tagList);
      if (planned.detailedDiff.tagList && tags) ctx().log.info(`runner ${id}: tagList ${tags}`);
      return planned;
    },
    /** Registers, creates or adopts the runner. */
    async create(inputs: Bag) {
      const { client, log } = ctx();
      return createRunner(client(), inputs, log);
    },
    /** Reads the live runner; no id when it is gone. */
    async read(id: string, props?: Bag) {
      return readRunner(ctx().client(), id, props);
    },
    /** Updates changed settings in place and rotates the token when asked. */
    async update(id: string, olds: Bag, news: Bag) {
      return updateRunner(ctx().client(), id, olds, news);
    },
    /** Deletes the runner; already gone is success. */
    async delete(id: string, props: Bag) {
      return deleteRunner(ctx().client(), id, props);
    },
  } satisfies pulumi.dynamic.ResourceProvider<Bag, Bag>;
}

export type { RunnerInputs } from "./check";
export { runnerDescription } from "./description";
export type { RunnerOutputs } from "./outputs";
