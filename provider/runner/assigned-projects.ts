/**
 * `assignedProjects`: the projects a runner is assigned to besides its owner project, as a set
 * the program gives in its own words (ids or full paths). This file is the pure part — which
 * project an entry names, which project is the owner, what an update adds and removes, and how
 * the state words the live set; `link-projects.ts` asks GitLab.
 *
 * The set is the whole truth about the runner's projects (as far as the token sees them): a
 * project GitLab lists that the program does not is removed, like a tag added by hand to a
 * managed `tagList`. The owner project is never added or removed: GitLab made it with the
 * runner and keeps it until the runner goes (docs/gitlab-api.md §2 "owner", §8.2), so listing
 * it is allowed and changes nothing.
 */
import type { ProjectRef } from "../gitlab";
import { samePath } from "../resource/paths";
import type { RunnerOutputs } from "./outputs";

/** A project as the program names it: an id, a numeric string, or a full path. */
export type ProjectEntry = number | string;

/** A project GitLab reported: its id and full path. */
export type KnownProject = Pick<ProjectRef, "id" | "pathWithNamespace">;

/** Whether `entry` names project `project`. Paths compare case-insensitively, as GitLab looks them up. */
export function names(entry: ProjectEntry, project: KnownProject): boolean {
  const id = entryId(entry);
  if (id !== undefined) return id === project.id;
  return samePath(String(entry), project.pathWithNamespace);
}

/** The id an entry gives outright (a number or a numeric string), else `undefined` (a path). */
export function entryId(entry: ProjectEntry): number | undefined {
  if (typeof entry === "number") return entry;
  const trimmed = entry.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** The id of the project `entry` names, as far as the projects in `known` show; else `undefined`. */
export function idOf(entry: ProjectEntry, known: readonly KnownProject[]): number | undefined {
  return entryId(entry) ?? known.find((p) => names(entry, p))?.id;
}

/**
 * The runner's owner project, for a project runner: the project `projectId` names when it is
 * among the runner's projects, else the first one GitLab lists (it lists them in the order they
 * were linked, the owner first). `undefined` for other runners, or when no project is known.
 */
export function ownerOf(outs: Partial<RunnerOutputs>): number | undefined {
  if (outs.runnerType !== "project_type") return undefined;
  const projects = outs.projects ?? [];
  if (outs.projectId !== undefined) {
    const named = idOf(outs.projectId, projects);
    if (named !== undefined && projects.some((p) => p.id === named)) return named;
  }
  return projects[0]?.id;
}

/** What making the runner's projects match the program takes. */
export interface ProjectsPlan {
  /** The projects to enable the runner on, with the entry that names each. */
  add: { entry: ProjectEntry; project: KnownProject }[];
  /** The projects to remove it from. */
  remove: KnownProject[];
  /** Entries that name no project GitLab knows (or that could not be looked up). */
  unresolved: ProjectEntry[];
  /** The owner project, when the state lists it and the program no longer does. */
  ownerDropped?: KnownProject;
  /** The owner project's id, if known. */
  owner?: number;
  /** The ids of every project the program lists (the owner too, when listed). */
  wanted: number[];
  /** Every project named or linked, by id: to word the state (`entriesFor`). */
  known: KnownProject[];
}

/** Looks up the project an entry names; `undefined` when it cannot be found. */
export type Resolve = (entry: ProjectEntry) => Promise<KnownProject | undefined>;

/**
 * What an update must add and remove so that the runner's projects in `state` (the outputs:
 * `projects` as GitLab last reported them) become `desired` besides the owner project. Entries
 * the state's projects do not explain are looked up with `resolve`.
 */
export async function planProjects(
  state: Partial<RunnerOutputs>,
  desired: readonly ProjectEntry[],
  resolve: Resolve,
): Promise<ProjectsPlan> {
  const live = state.projects ?? [];
  const owner = ownerOf(state);
  const known: KnownProject[] = [...live];
  const wanted = new Map<number, ProjectEntry>();
  const unresolved: ProjectEntry[] = [];
  const found = await Promise.all(
    desired.map(async (entry) => {
      const listed = live.find((p) => names(entry, p));
      return { entry, project: listed ?? (await resolve(entry)) };
    }),
  );
  for (const { entry, project } of found) {
    if (project === undefined) {
      unresolved.push(entry);
      continue;
    }
    if (!known.some((p) => p.id === project.id)) known.push(project);
    if (!wanted.has(project.id)) wanted.set(project.id, entry);
  }
  const add = [...wanted]
    .filter(([id]) => id !== owner && !live.some((p) => p.id === id))
    .map(([id, entry]) => ({ entry, project: known.find((p) => p.id === id) as KnownProject }));
  const remove = live.filter((p) => p.id !== owner && !wanted.has(p.id));
  const ownerProject = live.find((p) => p.id === owner);
  const ownerListed = (state.assignedProjects ?? []).some(
    (entry) => ownerProject !== undefined && names(entry, ownerProject),
  );
  return {
    add,
    remove,
    unresolved,
    ...(ownerProject && ownerListed && !wanted.has(ownerProject.id) ? { ownerDropped: ownerProject } : {}),
    ...(owner === undefined ? {} : { owner }),
    wanted: [...wanted.keys()],
    known,
  };
}

/** Whether a plan changes anything: in GitLab, or in the state only (the owner no longer listed). */
export function planChanges(plan: ProjectsPlan): boolean {
  return (
    plan.add.length > 0 ||
    plan.remove.length > 0 ||
    plan.unresolved.length > 0 ||
    plan.ownerDropped !== undefined
  );
}

/** What a plan adds and removes, in words (`adds "acme/web", removes "acme/x"`). */
export function planWords(plan: ProjectsPlan): string {
  const list = (projects: readonly (KnownProject | ProjectEntry)[]) =>
    projects.map((p) => JSON.stringify(typeof p === "object" ? p.pathWithNamespace : p)).join(", ");
  const words = [
    ...(plan.add.length > 0 ? [`adds ${list(plan.add.map((a) => a.project))}`] : []),
    ...(plan.unresolved.length > 0 ? [`adds ${list(plan.unresolved)} (not looked up yet)`] : []),
    ...(plan.remove.length > 0 ? [`removes ${list(plan.remove)}`] : []),
  ];
  return words.join(", ");
}

/**
 * The state's `assignedProjects`: the runner's projects in `linked` besides the owner, in the
 * program's words where `named` (the program's entries, or the state's last ones) names them,
 * else by full path; the owner's entry only when `named` lists it. `known` maps names to ids.
 */
export function entriesFor(
  linked: readonly KnownProject[],
  named: readonly ProjectEntry[],
  known: readonly KnownProject[],
  owner: number | undefined,
): ProjectEntry[] {
  const out: ProjectEntry[] = [];
  const covered = new Set<number>();
  for (const entry of named) {
    const id = idOf(entry, known);
    if (id === undefined || covered.has(id) || !linked.some((p) => p.id === id)) continue;
    out.push(entry);
    covered.add(id);
  }
  for (const project of linked) {
    if (project.id === owner || covered.has(project.id)) continue;
    out.push(project.pathWithNamespace);
    covered.add(project.id);
  }
  return out;
}
