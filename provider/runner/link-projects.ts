/**
 * A Runner's `assignedProjects` against GitLab: enabled with `POST /projects/:id/runners` and
 * removed with `DELETE /projects/:id/runners/:runner_id` (docs/gitlab-api.md §8), with the same
 * adoption of an existing link and the same explained refusals as a `ProjectRunnerAssignment`
 * (`provider/runner-projects/`), and read back from the runner's details — so a runner and all
 * its projects are one resource and one `GET /runners/:id` on refresh.
 *
 * Each step runs after the Runner's own operation (`create.ts`, `update.ts`, `read.ts`,
 * `delete.ts`), which it leaves as it is: `index.ts` chains them. A runner created or updated
 * whose links then fail is recorded with the links that did succeed (a
 * {@link PartialStateError}); the next `pulumi up` makes the rest.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient, RunnerDetails } from "../gitlab";
import type { Bag } from "../resource/check";
import { changeOf, type PlannedDiff } from "../resource/diff";
import {
  errorText,
  gitlabMessageText,
  hasCode,
  isNotFound,
  PartialStateError,
  ProviderError,
} from "../resource/errors";
import { isUnknown } from "../resource/host-values";
import { claimProjects, forgetRunner, lookUpProject, lookUpRunner, lookUpUser } from "../resource/lookups";
import type { NamedNamespace } from "../resource/online-checks";
import { disableOnProject } from "../runner-projects/disable";
import { enableOnProject } from "../runner-projects/enable";
import { describeProject, unassignableType } from "../runner-projects/explain";
import {
  entriesFor,
  type KnownProject,
  ownerOf,
  type ProjectEntry,
  type ProjectsPlan,
  planChanges,
  planProjects,
  type Resolve,
} from "./assigned-projects";
import { assignedProjectsSchema } from "./check";
import type { CreateResult } from "./create";
import type { RunnerOutputs } from "./outputs";

/** The GitLab operations a runner's projects need. */
export type LinkClient = Pick<
  GitLabClient,
  | "resolveProject"
  | "enableProjectRunner"
  | "disableProjectRunner"
  | "getRunner"
  | "updateRunner"
  | "getCurrentUser"
  | "listRunnerProjects"
>;

type Warn = (message: string) => void;

/** The entries `assignedProjects` names, when the program gives it (and it is known). */
function desiredOf(news: Bag): ProjectEntry[] | undefined {
  const value = news.assignedProjects;
  if (value === undefined || value === null || isUnknown(value)) return undefined;
  const parsed = assignedProjectsSchema.safeParse(value);
  if (!parsed.success)
    throw new ProviderError(
      `invalid Runner inputs: assignedProjects: ${parsed.error.issues[0]?.message ?? ""}`,
      {
        code: "invalid_input",
      },
    );
  return parsed.data;
}

/** Looks an entry up (remembered); a project that does not exist is `undefined`. */
function resolver(api: Pick<GitLabClient, "resolveProject">): Resolve {
  return async (entry) => {
    try {
      const project = await lookUpProject(api, entry);
      return { id: project.id, pathWithNamespace: project.pathWithNamespace };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

// ---- preview ----------------------------------------------------------------------------

/** The projects `assignedProjects` names, for the preview-time check that they exist. */
export function assignedNamespaces(inputs: Bag): NamedNamespace[] {
  const list = inputs.assignedProjects;
  if (!Array.isArray(list)) return [];
  return list
    .filter((p): p is number | string => (typeof p === "number" || typeof p === "string") && !isUnknown(p))
    .map((idOrPath) => ({ kind: "project" as const, idOrPath, property: "assignedProjects" }));
}

/** An adopted runner given `assignedProjects` must be a project runner (looked up, remembered). */
export async function adoptedAssignable(
  client: Pick<GitLabClient, "getRunner">,
  inputs: Bag,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const { adoptRunnerId, assignedProjects } = inputs;
  if (typeof adoptRunnerId !== "number" || !Array.isArray(assignedProjects) || assignedProjects.length === 0)
    return [];
  try {
    const details = await lookUpRunner(client, adoptRunnerId);
    const refused = unassignableType(details, adoptRunnerId, "the projects of assignedProjects", "runner");
    return refused ? [{ property: "assignedProjects", reason: refused.message }] : [];
  } catch {
    return []; // adoptRunnerId's own check says what is wrong with the runner.
  }
}

/**
 * The diff of `assignedProjects` against the state's projects: `undefined` when the program
 * does not give it or nothing changes. Paths the state does not explain are looked up (the
 * preview-time check has usually asked already); one that cannot be is counted as a change.
 */
export async function projectsDiff(
  api: () => Pick<GitLabClient, "resolveProject">,
  id: string,
  olds: Bag,
  news: Bag,
): Promise<{ plan?: ProjectsPlan } | undefined> {
  const value = news.assignedProjects;
  if (value === undefined || value === null) return undefined;
  if (isUnknown(value)) return {};
  const desired = desiredOf(news) ?? [];
  const lenient: Resolve = async (entry) => {
    try {
      return await resolver(api())(entry);
    } catch {
      return undefined; // GitLab unreachable, or no credentials in this preview.
    }
  };
  const previous = olds as Partial<RunnerOutputs>;
  const plan = await planProjects(previous, desired, lenient);
  // Said before any delete of this run: a ProjectRunnerAssignment of the same link that the
  // program no longer has leaves the link to this Runner (a move between the two forms).
  claimOf(api, id, plan);
  // Starting to manage the projects is recorded even when GitLab already matches.
  return planChanges(plan) || previous.assignedProjects === undefined ? { plan } : undefined;
}

/** Records the projects the Runner `id` lists, when a client can be had (not in an offline preview). */
function claimOf(api: () => object, id: string, plan: ProjectsPlan): void {
  try {
    claimProjects(api(), Number(id), plan.wanted);
  } catch {
    // No client: nothing can be deleted in this process either.
  }
}

/** `planned` with the change of `assignedProjects` (an update in place, which changes `projects`). */
export function withProjectsDiff(planned: PlannedDiff, olds: Bag, news: Bag): PlannedDiff {
  return {
    ...planned,
    changes: true,
    stables: planned.stables.filter((name) => name !== "projects"),
    detailedDiff: {
      ...planned.detailedDiff,
      assignedProjects: changeOf(olds.assignedProjects, news.assignedProjects, planned.replaces.length > 0),
    },
  };
}

/** The warning for an owner project the program no longer lists. */
export function ownerKept(runnerId: string, owner: KnownProject): string {
  return (
    `runner ${runnerId}: assignedProjects no longer lists ${describeProject(owner.id, owner)}, the runner's owner ` +
    "project (the one it was created in). GitLab keeps a runner on its owner project until the runner is deleted, " +
    "so nothing changes in GitLab; the stack stops listing it."
  );
}

// ---- create, update ---------------------------------------------------------------------

/** Whether the token's user is an administrator (who may assign and unassign a locked runner). */
async function isAdministrator(api: Pick<GitLabClient, "getCurrentUser">): Promise<boolean> {
  try {
    return (await lookUpUser(api)).isAdmin === true;
  } catch {
    return false;
  }
}

interface Applied {
  /** The runner's projects afterwards. */
  projects: KnownProject[];
  /** Whether the runner is left unlocked although the program locks it. */
  leftUnlocked: boolean;
  /** What failed, explained. */
  failures: unknown[];
}

/**
 * Makes the links `plan` asks for on runner `state` (its outputs now). GitLab lets only an
 * administrator assign or unassign a locked runner, so for anyone else a locked runner is
 * unlocked for the changes and locked again after them (two `PUT /runners/:id`).
 */
async function applyPlan(
  api: LinkClient,
  state: RunnerOutputs,
  plan: ProjectsPlan,
  warn: Warn,
): Promise<Applied> {
  const runnerId = state.runnerId;
  let projects: KnownProject[] = state.projects.map((p) => ({
    id: p.id,
    pathWithNamespace: p.pathWithNamespace,
  }));
  const failures: unknown[] = [];
  const first = plan.add[0];
  if (first) {
    // A group or instance runner is never assigned (13.x would turn an instance runner into a project runner).
    const refused = unassignableType(state, runnerId, describeProject(first.entry, first.project), "runner");
    if (refused) return { projects, leftUnlocked: false, failures: [refused] };
  }
  if (plan.add.length === 0 && plan.remove.length === 0) return { projects, leftUnlocked: false, failures };

  const relock = state.locked === true && !(await isAdministrator(api));
  if (relock) await api.updateRunner(runnerId, { locked: false });
  const details = { runnerType: state.runnerType, isShared: state.isShared };
  const adds = plan.add.map(async ({ entry, project }) => {
    await enableOnProject(api, runnerId, entry, project, details, "runner");
    return project;
  });
  const removes = plan.remove.map(async (project) => {
    const where = describeProject(project.id, project);
    const done = await disableOnProject(api, { projectId: project.id, runnerId }, where, warn, "runner");
    return done === "kept" ? undefined : project;
  });
  const [added, removed] = await Promise.all([Promise.allSettled(adds), Promise.allSettled(removes)]);
  for (const result of added) {
    if (result.status === "fulfilled") projects = [...projects, result.value];
    else failures.push(result.reason);
  }
  for (const result of removed) {
    if (result.status === "fulfilled") {
      const gone = result.value;
      if (gone) projects = projects.filter((p) => p.id !== gone.id);
    } else failures.push(result.reason);
  }
  let leftUnlocked = false;
  if (relock) {
    try {
      await api.updateRunner(runnerId, { locked: true });
    } catch (err) {
      leftUnlocked = true;
      failures.push(err);
    }
  }
  return { projects, leftUnlocked, failures };
}

/** `outs` with the runner's projects as applied and `assignedProjects` in the program's words. */
function outputsAfter(
  outs: RunnerOutputs,
  applied: Pick<Applied, "projects" | "leftUnlocked">,
  plan: ProjectsPlan,
  named: readonly ProjectEntry[],
): RunnerOutputs {
  const known = [...plan.known, ...applied.projects];
  return {
    ...outs,
    projects: applied.projects.map((p) => ({ id: p.id, pathWithNamespace: p.pathWithNamespace })),
    assignedProjects: entriesFor(applied.projects, named, known, plan.owner),
    ...(applied.leftUnlocked ? { locked: false } : {}),
  };
}

function failureText(failures: readonly unknown[]): string {
  return failures.map(errorText).join("; ");
}

/**
 * After the runner's own update (`outs`): makes its projects match `assignedProjects`, as the
 * diff planned it from the state (`olds`), so `up` does what the preview showed. Left out, the
 * projects are not managed and `outs` has no `assignedProjects`.
 */
export async function updateProjects(
  api: LinkClient,
  id: string,
  olds: Bag,
  news: Bag,
  outs: RunnerOutputs,
  warn: Warn,
): Promise<{ outs: RunnerOutputs }> {
  const desired = desiredOf(news);
  if (desired === undefined) return { outs };
  const previous = olds as Partial<RunnerOutputs>;
  // Recorded as it was, should a look-up fail: the next `up` plans again.
  const kept = (): RunnerOutputs => ({
    ...outs,
    ...(previous.assignedProjects === undefined ? {} : { assignedProjects: previous.assignedProjects }),
  });
  let plan: ProjectsPlan;
  try {
    plan = await planProjects(previous, desired, resolver(api));
  } catch (err) {
    throw new PartialStateError(
      `runner ${id}: looking up the projects of assignedProjects failed: ${errorText(err)}`,
      {
        id,
        properties: kept(),
        cause: err,
      },
    );
  }
  if (plan.ownerDropped) warn(ownerKept(id, plan.ownerDropped));
  claimProjects(api, Number(id), plan.wanted);
  const unresolved = notFound(plan);
  const applied = await applyPlanOrRecord(api, id, outs, plan, warn, kept);
  const next = outputsAfter(outs, applied, plan, desired);
  const failures = [...unresolved, ...applied.failures];
  if (failures.length > 0) {
    throw new PartialStateError(
      `runner ${id}: changing its projects failed: ${failureText(failures)}. The projects it has now are recorded; ` +
        "fix the cause and run `pulumi up` again for the rest.",
      { id, properties: next, cause: failures[0] },
    );
  }
  return { outs: next };
}

/** The entries that name no project, as errors. */
function notFound(plan: ProjectsPlan): Error[] {
  return plan.unresolved.map(
    (entry) =>
      new Error(
        `assignedProjects: GitLab has no ${describeProject(entry)} visible to this token (check the id or full path, ` +
          "and that the token's user has a role on it)",
      ),
  );
}

/** {@link applyPlan}; a failure to unlock the runner first is recorded with the state as it was. */
async function applyPlanOrRecord(
  api: LinkClient,
  id: string,
  outs: RunnerOutputs,
  plan: ProjectsPlan,
  warn: Warn,
  kept: () => RunnerOutputs,
): Promise<Applied> {
  try {
    return await applyPlan(api, outs, plan, warn);
  } catch (err) {
    throw new PartialStateError(
      `runner ${id}: unlocking it to change its projects failed: ${errorText(err)}. Nothing else was changed.`,
      { id, properties: kept(), cause: err },
    );
  }
}

/**
 * After the runner was created (or adopted): enables it on the projects of `assignedProjects`.
 * The runner exists whatever happens here, so a failure is a {@link PartialStateError} that
 * records it with the projects it has.
 */
export async function assignAfterCreate(
  api: LinkClient,
  created: CreateResult,
  news: Bag,
  warn: Warn,
): Promise<CreateResult> {
  const desired = desiredOf(news);
  if (desired === undefined) return created;
  const { id, outs } = created;
  const recorded = (): RunnerOutputs => ({
    ...outs,
    assignedProjects: entriesFor(outs.projects, desired, outs.projects, ownerOf(outs)),
  });
  let plan: ProjectsPlan;
  try {
    plan = await planProjects(outs, desired, resolver(api));
  } catch (err) {
    throw new PartialStateError(
      `runner ${id} was created, but looking up the projects of assignedProjects failed: ${errorText(err)}. ` +
        "It is recorded in the stack; the next `pulumi up` assigns its projects.",
      { id, properties: recorded(), cause: err },
    );
  }
  claimProjects(api, Number(id), plan.wanted);
  const unresolved = notFound(plan);
  const applied = await applyPlanOrRecord(api, id, outs, plan, warn, recorded);
  const next = outputsAfter(outs, applied, plan, desired);
  const failures = [...unresolved, ...applied.failures];
  if (failures.length > 0) {
    throw new PartialStateError(
      `runner ${id} was created, but assigning it to its projects failed: ${failureText(failures)}. It is recorded ` +
        "in the stack with the projects it has; fix the cause and run `pulumi up` again for the rest.",
      { id, properties: next, cause: failures[0] },
    );
  }
  return { id, outs: next };
}

// ---- read, delete -----------------------------------------------------------------------

/**
 * Refresh, after the runner's own read (`result`, from the details in `details`): the runner's
 * projects as GitLab reports them now, in the program's words — drift included. The details'
 * `projects` serve, so a runner and all its projects cost one `GET /runners/:id`; where a GitLab
 * or a token's view leaves them out, `GET /runners/:id/projects` (docs/gitlab-api.md §5.5).
 */
export async function readProjects(
  api: Pick<GitLabClient, "listRunnerProjects">,
  result: pulumi.dynamic.ReadResult,
  details: RunnerDetails | undefined,
  previous: Bag,
): Promise<pulumi.dynamic.ReadResult> {
  const named = (previous as Partial<RunnerOutputs>).assignedProjects;
  if (named === undefined || result.id === undefined || result.props === undefined) return result;
  const outs = result.props as RunnerOutputs;
  const live: KnownProject[] =
    details?.projects ?? (await api.listRunnerProjects(outs.runnerId)).map((p) => ({ ...p }));
  const projects = live.map((p) => ({ id: p.id, pathWithNamespace: p.pathWithNamespace }));
  const known = [...projects, ...((previous as Partial<RunnerOutputs>).projects ?? [])];
  const withProjects = { ...outs, projects };
  const assignedProjects = entriesFor(projects, named, known, ownerOf(withProjects));
  return {
    ...result,
    props: { ...withProjects, assignedProjects },
    inputs: { ...result.inputs, assignedProjects },
  };
}

/**
 * GitLab lets only an administrator delete by id a runner on more than one project (403 "Runner
 * associated with more than one project", docs/gitlab-api.md §6.3). A runner whose program
 * manages its projects is taken off them (all but the owner) and deleted again.
 */
export async function deleteWithProjects(
  api: LinkClient,
  id: string,
  props: Bag,
  remove: () => Promise<void>,
  warn: Warn,
): Promise<void> {
  const outs = props as Partial<RunnerOutputs>;
  try {
    await remove();
  } catch (err) {
    const multiProject =
      outs.assignedProjects !== undefined &&
      hasCode(err, "forbidden") &&
      /more than one project/i.test(gitlabMessageText((err as { cause?: unknown }).cause));
    if (!multiProject) throw err;
    const owner = ownerOf(outs);
    const others = (outs.projects ?? []).filter((p) => p.id !== owner);
    for (const project of others) {
      const where = describeProject(project.id, project);
      await disableOnProject(api, { projectId: project.id, runnerId: Number(id) }, where, warn, "runner");
    }
    await remove();
  }
  forgetRunner(api, Number(id));
}
