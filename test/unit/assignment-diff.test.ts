import { describe, expect, it, vi } from "vitest";
import { diffAssignment } from "../../provider/assignment/diff";
import type { AssignmentOutputs } from "../../provider/assignment/outputs";
import type { GitLabClient, ProjectRef } from "../../provider/gitlab";
import { UNKNOWN_VALUE as UNKNOWN } from "../../provider/resource/host-values";

const olds: AssignmentOutputs = {
  project: "acme/api",
  runnerId: 5,
  projectId: 100,
  projectPath: "acme/api",
  preExisting: false,
};

/** A client whose only operation is resolving projects from `known`; counts the calls. */
function resolver(known: Record<string, ProjectRef>) {
  const resolveProject = vi.fn(async (idOrPath: number | string) => {
    const hit = known[String(idOrPath).toLowerCase()];
    if (!hit) throw Object.assign(new Error("404 Project Not Found"), { code: "not_found" });
    return hit;
  });
  const api = { resolveProject } as unknown as Pick<GitLabClient, "resolveProject">;
  return { api: () => api, resolveProject };
}

describe("ProjectRunnerAssignment diff", () => {
  it.each([
    ["the same path", { project: "acme/api", runnerId: 5 }],
    ["the path in other case", { project: "ACME/Api", runnerId: 5 }],
    ["the same project's id", { project: 100, runnerId: 5 }],
    ["the id as a string", { project: "100", runnerId: "5" }],
  ])("sees no change for %s, without HTTP", async (_what, news) => {
    const { api, resolveProject } = resolver({});
    expect(await diffAssignment(api, { ...olds }, news)).toEqual({
      changes: false,
      replaces: [],
      stables: [],
      deleteBeforeReplace: false,
      detailedDiff: {},
    });
    expect(resolveProject).not.toHaveBeenCalled();
  });

  it("sees no change going from an id back to the path", async () => {
    const { api } = resolver({});
    const fromId = { ...olds, project: 100 };
    expect((await diffAssignment(api, fromId, { project: "acme/api", runnerId: 5 })).changes).toBe(false);
  });

  it("resolves a new path: a renamed or moved project with the same id is no change", async () => {
    const { api, resolveProject } = resolver({
      "acme/new-api": { id: 100, pathWithNamespace: "acme/new-api" },
    });
    const diff = await diffAssignment(api, { ...olds }, { project: "acme/new-api", runnerId: 5 });
    expect(diff.changes).toBe(false);
    expect(resolveProject).toHaveBeenCalledWith("acme/new-api");
  });

  it("replaces for another project (by path or id)", async () => {
    const { api } = resolver({ "acme/web": { id: 101, pathWithNamespace: "acme/web" } });
    expect(await diffAssignment(api, { ...olds }, { project: "acme/web", runnerId: 5 })).toEqual({
      changes: true,
      replaces: ["project"],
      stables: [],
      deleteBeforeReplace: false,
      detailedDiff: { project: "update-replace" },
    });
    expect((await diffAssignment(api, { ...olds }, { project: 101, runnerId: 5 })).replaces).toEqual([
      "project",
    ]);
  });

  it("replaces when a new path cannot be resolved", async () => {
    const { api } = resolver({});
    expect((await diffAssignment(api, { ...olds }, { project: "acme/typo", runnerId: 5 })).replaces).toEqual([
      "project",
    ]);
  });

  it("replaces for another runner", async () => {
    const { api } = resolver({});
    expect((await diffAssignment(api, { ...olds }, { project: "acme/api", runnerId: 6 })).replaces).toEqual([
      "runnerId",
    ]);
  });

  it("replaces for values unknown during preview, removing the old link first", async () => {
    // The new link may turn out to be the old one: creating it first would adopt it, and
    // deleting the old one afterwards would remove it.
    const { api, resolveProject } = resolver({});
    const diff = await diffAssignment(api, { ...olds }, { project: UNKNOWN, runnerId: UNKNOWN });
    expect(diff).toEqual({
      changes: true,
      replaces: ["runnerId", "project"],
      stables: [],
      deleteBeforeReplace: true,
      detailedDiff: { runnerId: "update-replace", project: "update-replace" },
    });
    expect(resolveProject).not.toHaveBeenCalled();
  });
});
