/**
 * The Runner resource's operations (Pulumi's `ResourceProvider` contract), for any front door:
 * the dynamic shim calls them through `provider/index.ts`, the plugin server with its own
 * context.
 */
import type * as pulumi from "@pulumi/pulumi";

type CheckFailure = pulumi.dynamic.CheckFailure;

import type { GitLabClient, RunnerDetails } from "../gitlab";
import type { Bag } from "../resource/check";
import type { ResourceContext } from "../resource/context";
import { type PlannedDiff, setChange } from "../resource/diff";
import { isNotFound } from "../resource/errors";
import { isUnknown } from "../resource/host-values";
import { lookUpRunner, rememberingRunners } from "../resource/lookups";
import { type NamedNamespace, onlineFailures } from "../resource/online-checks";
import { originOf, type ResourceOrigin } from "../resource/origin";
import { creationHistory, everyCreationLooks, mayHaveBeenCreated } from "../stack-state";
import { planWords } from "./assigned-projects";
import { checkRunnerInputs } from "./check";
import { adoptionVerdict, createRunner } from "./create";
import { markFor } from "./creation-mark";
import { deleteRunner } from "./delete";
import { diffRunner } from "./diff";
import {
  adoptedAssignable,
  assignAfterCreate,
  assignedNamespaces,
  deleteWithProjects,
  ownerKept,
  projectsDiff,
  readProjects,
  updateProjects,
  withProjectsDiff,
} from "./link-projects";
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

/**
 * The runner `adoptRunnerId` names must exist, be visible to this token, and not be managed by
 * another stack's resource (its creation mark says so: `adoptionVerdict`).
 */
async function adoptedChecked(
  client: GitLabClient,
  adoptRunnerId: unknown,
  origin: ResourceOrigin | undefined,
): Promise<CheckFailure[]> {
  if (typeof adoptRunnerId !== "number") return [];
  try {
    const live = await lookUpRunner(client, adoptRunnerId);
    const { refused } = adoptionVerdict(adoptRunnerId, live, origin ? markFor(origin) : undefined);
    return refused === undefined ? [] : [{ property: "adoptRunnerId", reason: refused }];
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

/**
 * The Runner's operations, with the client and log of `ctx`. Create, update and refresh read the
 * runner's details anyway: they are remembered (`rememberingRunners`), so an assignment of the
 * runner in the same process needs no `GET /runners/:id` of its own. Each runner operation is
 * followed by the step for its `assignedProjects` (`link-projects.ts`).
 */
export function runnerOperations(ctx: () => ResourceContext) {
  const api = () => rememberingRunners(ctx().client());
  const warn = (message: string) => ctx().log.warn(message);
  // When every creation looks in GitLab (the state cannot tell, or the last up failed), the log
  // says why once per process; a resource with an unfinished creation of its own says so itself.
  let toldUnknown = false;
  const mayExist = async (origin: ResourceOrigin) => {
    const history = await creationHistory(origin);
    const answer = mayHaveBeenCreated(history, origin);
    if (!answer.may || !everyCreationLooks(history)) return answer;
    if (toldUnknown) return { ...answer, why: "" };
    toldUnknown = true;
    return answer;
  };
  return {
    /**
     * Validates the inputs before any HTTP. For a new runner, also waits until the stack's
     * unfinished creations are known (`provider/stack-state.ts`): read before the engine can
     * begin this process's first creation, they are the earlier runs' only.
     */
    async check(olds: Bag, news: Bag) {
      const checked = checkRunnerInputs(news, olds);
      if (checked.failures.length > 0) return checked;
      const named = [...namespacesOf(checked.inputs), ...assignedNamespaces(checked.inputs)];
      const origin = originOf(news);
      const [failures] = await Promise.all([
        onlineFailures(ctx(), named, async (client) => [
          ...(await adoptedChecked(client, checked.inputs.adoptRunnerId, origin)),
          ...(await adoptedAssignable(client, checked.inputs)),
        ]),
        origin !== undefined && Object.keys(olds).length === 0 && checked.inputs.adoptRunnerId === undefined
          ? creationHistory(origin)
          : undefined,
      ]);
      return failures.length > 0 ? { inputs: news, failures } : checked;
    },
    /** Compares old outputs with new inputs; replaces only for how the runner came to exist. */
    async diff(id: string, olds: Bag, news: Bag): Promise<PlannedDiff> {
      const { fields: _fields, rotate: _rotate, ...planned } = diffRunner(id, olds, news);
      // The CLI shows a list input by position; say what the set of tags gains and loses.
      const tags = setChange(olds.tagList, news.tagList);
      if (planned.detailedDiff.tagList && tags) ctx().log.info(`runner ${id}: tagList ${tags}`);
      const projects = await projectsDiff(() => ctx().client(), id, olds, news);
      if (projects === undefined) return planned;
      const words = projects.plan ? planWords(projects.plan) : "";
      if (words) ctx().log.info(`runner ${id}: assignedProjects ${words}`);
      if (projects.plan?.ownerDropped) warn(ownerKept(id, projects.plan.ownerDropped));
      return withProjectsDiff(planned, olds, news);
    },
    /** Registers, creates or adopts the runner, then assigns it to its projects. */
    async create(inputs: Bag) {
      const client = api();
      return assignAfterCreate(
        client,
        await createRunner(client, inputs, ctx().log, { mayExist }),
        inputs,
        warn,
      );
    },
    /** Reads the live runner and its projects; no id when it is gone. */
    async read(id: string, props?: Bag) {
      const client = api();
      let details: RunnerDetails | undefined;
      const reading = {
        getRunner: async (runnerId: number) => {
          details = await client.getRunner(runnerId);
          return details;
        },
      };
      return readProjects(client, await readRunner(reading, id, props), details, props ?? {});
    },
    /** Updates changed settings in place, rotates the token when asked, then the runner's projects. */
    async update(id: string, olds: Bag, news: Bag) {
      const client = api();
      const { outs } = await updateRunner(client, id, olds, news);
      return updateProjects(client, id, olds, news, outs, warn);
    },
    /** Deletes the runner; already gone is success. */
    async delete(id: string, props: Bag) {
      const client = api();
      return deleteWithProjects(client, id, props, () => deleteRunner(client, id, props), warn);
    },
  } satisfies pulumi.dynamic.ResourceProvider<Bag, Bag>;
}

export type { RunnerInputs } from "./check";
export { runnerDescription } from "./description";
export type { RunnerOutputs } from "./outputs";
