/**
 * `diff`: both inputs name what the assignment is, so any real change replaces it
 * (create the new link, then remove the old one).
 *
 * `project` may be given as a numeric id or a full path; the stored outputs hold both
 * (`projectId`, `projectPath`), so switching between the two forms of the same project is no
 * change. A path that matches neither (the project was renamed or moved, or the program now
 * names another project) is resolved with `GET /projects/:id`: the same project id is no
 * change. When it cannot be resolved, the assignment is replaced, and `create` explains.
 */
import type { GitLabClient } from "../gitlab";
import { changeOf, type PlannedDiff } from "../resource/diff";
import { isUnknown } from "../resource/host-values";
import { projectSchema, runnerIdSchema } from "./check";
import { samePath } from "./id";
import type { AssignmentOutputs } from "./outputs";

async function sameProject(
  api: () => Pick<GitLabClient, "resolveProject">,
  olds: Partial<AssignmentOutputs>,
  value: unknown,
): Promise<boolean> {
  const parsed = projectSchema.safeParse(value);
  if (!parsed.success) return false;
  const project = parsed.data;
  if (typeof project === "number") return project === olds.projectId;
  if (olds.projectPath !== undefined && samePath(project, olds.projectPath)) return true;
  if (typeof olds.project === "string" && samePath(project, olds.project)) return true;
  if (olds.projectId === undefined) return false;
  try {
    return (await api().resolveProject(project)).id === olds.projectId;
  } catch {
    // Not found, or GitLab unreachable during preview: treat it as another project.
    return false;
  }
}

/** Compares the old outputs with the new inputs. `api` is only called when a path must be resolved. */
export async function diffAssignment(
  api: () => Pick<GitLabClient, "resolveProject">,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<PlannedDiff> {
  const previous = olds as Partial<AssignmentOutputs>;
  const replaces: string[] = [];

  if (isUnknown(news.runnerId)) replaces.push("runnerId");
  else {
    const runnerId = runnerIdSchema.safeParse(news.runnerId);
    if (!runnerId.success || runnerId.data !== previous.runnerId) replaces.push("runnerId");
  }

  if (isUnknown(news.project)) replaces.push("project");
  else if (!(await sameProject(api, previous, news.project))) replaces.push("project");

  const detailedDiff: PlannedDiff["detailedDiff"] = {};
  for (const k of replaces) detailedDiff[k] = changeOf(previous[k as keyof AssignmentOutputs], news[k], true);
  // When the new link is not known yet it may be the old one again (the same runner on the same
  // project): creating it first would adopt the old link, and deleting the old one afterwards
  // would then remove it. Removing first is always safe.
  const deleteBeforeReplace = replaces.some((k) => isUnknown(news[k]));
  return { changes: replaces.length > 0, replaces, stables: [], deleteBeforeReplace, detailedDiff };
}
