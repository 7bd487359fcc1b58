import { describe, expect, it } from "vitest";
import type { RunnerDetails } from "../../provider/gitlab";
import {
  amendRunnerProjects,
  knownRunner,
  lookUpProject,
  lookUpRunner,
  rememberingRunners,
  rememberRunner,
} from "../../provider/resource/lookups";
import {
  entriesFor,
  type KnownProject,
  ownerOf,
  planChanges,
  planProjects,
  planWords,
} from "../../provider/runner/assigned-projects";
import { checkRunnerInputs } from "../../provider/runner/check";
import type { RunnerOutputs } from "../../provider/runner/outputs";

const api: KnownProject = { id: 100, pathWithNamespace: "acme/api" };
const web: KnownProject = { id: 101, pathWithNamespace: "acme/web" };
const deploy: KnownProject = { id: 102, pathWithNamespace: "acme/platform/deploy" };
const all = [api, web, deploy];

/** Looks entries up in `all`, as GitLab would. */
const resolve = async (entry: number | string) =>
  all.find((p) => p.id === Number(entry) || p.pathWithNamespace === String(entry).toLowerCase());

/** The state of runner outputs; a key given as `undefined` is left out. */
const state = (
  more: { [K in keyof RunnerOutputs]?: RunnerOutputs[K] | undefined },
): Partial<RunnerOutputs> => {
  const out: Record<string, unknown> = {
    runnerType: "project_type",
    projectId: "acme/api",
    projects: [api, web],
    assignedProjects: ["acme/web"],
    ...more,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as Partial<RunnerOutputs>;
};

describe("the owner project", () => {
  it("is the project projectId names, else the first GitLab lists; none for other runners", () => {
    expect(ownerOf(state({ projectId: 101 }))).toBe(101);
    expect(ownerOf(state({ projectId: "ACME/API" }))).toBe(100);
    expect(ownerOf(state({ projectId: undefined }))).toBe(100);
    expect(ownerOf(state({ runnerType: "group_type" }))).toBeUndefined();
    expect(ownerOf(state({ projects: [] }))).toBeUndefined();
  });
});

describe("planProjects", () => {
  it("a path and the same project's id are the same member; order and case never matter", async () => {
    const plan = await planProjects(state({}), [101], resolve);
    expect(planChanges(plan)).toBe(false);
    expect(planChanges(await planProjects(state({}), ["ACME/WEB"], resolve))).toBe(false);
  });

  it("adds what GitLab lacks and removes what the program does not list, never the owner", async () => {
    const plan = await planProjects(state({}), ["acme/platform/deploy"], resolve);
    expect(plan.add.map((a) => a.project.id)).toEqual([102]);
    expect(plan.remove.map((p) => p.id)).toEqual([101]);
    expect(planWords(plan)).toBe('adds "acme/platform/deploy", removes "acme/web"');
    const none = await planProjects(state({}), [], resolve);
    expect(none.remove.map((p) => p.id)).toEqual([101]);
  });

  it("listing the owner is nothing to do; no longer listing it is a state change only", async () => {
    const listed = await planProjects(state({}), ["acme/api", "acme/web"], resolve);
    expect(planChanges(listed)).toBe(false);
    const dropped = await planProjects(
      state({ assignedProjects: ["acme/api", "acme/web"] }),
      ["acme/web"],
      resolve,
    );
    expect(dropped.ownerDropped).toEqual(api);
    expect(dropped.add).toEqual([]);
    expect(dropped.remove).toEqual([]);
    expect(planChanges(dropped)).toBe(true);
  });

  it("a project not found is unresolved (a change), never a removal of what exists", async () => {
    const plan = await planProjects(state({}), ["acme/web", "acme/nope"], resolve);
    expect(plan.unresolved).toEqual(["acme/nope"]);
    expect(plan.remove).toEqual([]);
    expect(planChanges(plan)).toBe(true);
  });

  it("starting to manage the projects compares with what GitLab has", async () => {
    const plan = await planProjects(
      state({ assignedProjects: undefined, projects: [api, web, deploy] }),
      [101],
      resolve,
    );
    expect(plan.remove.map((p) => p.id)).toEqual([102]);
  });
});

describe("entriesFor (the state's assignedProjects)", () => {
  it("keeps the program's words, adds what GitLab has besides by path, and the owner only when listed", () => {
    expect(entriesFor([api, web, deploy], [101], all, 100)).toEqual([101, "acme/platform/deploy"]);
    expect(entriesFor([api, web], ["acme/api", "acme/web"], all, 100)).toEqual(["acme/api", "acme/web"]);
    expect(entriesFor([api], ["acme/web"], all, 100)).toEqual([]);
  });
});

describe("check", () => {
  const base = { runnerType: "project_type", projectId: 100 };
  it.each([
    [{ ...base, assignedProjects: ["acme/web", "ACME/web"] }, /more than once/],
    [{ ...base, assignedProjects: [101, "101"] }, /more than once/],
    [{ ...base, assignedProjects: ["web"] }, /has no namespace/],
    [{ ...base, assignedProjects: [0] }, /positive integer id or a full path/],
    [{ ...base, assignedProjects: "acme/web" }, /must be a list of project ids or full paths/],
    [{ runnerType: "group_type", groupId: 10, assignedProjects: [101] }, /only for project runners/],
    [{ runnerType: "instance_type", assignedProjects: [101] }, /never assigns an instance runner/],
  ])("%j is refused on assignedProjects", (news, reason) => {
    const { failures } = checkRunnerInputs(news);
    expect(failures).toEqual([{ property: "assignedProjects", reason: expect.stringMatching(reason) }]);
  });

  it("accepts ids, numeric strings and paths, and [] for a group runner", () => {
    expect(checkRunnerInputs({ ...base, assignedProjects: [101, "102", " acme/web "] }).failures).toEqual([]);
    expect(
      checkRunnerInputs({ runnerType: "group_type", groupId: 10, assignedProjects: [] }).failures,
    ).toEqual([]);
  });
});

describe("remembered runners", () => {
  const details = { id: 7, runnerType: "project_type", projects: [api] } as unknown as RunnerDetails;

  it("a wrapped client shares its client's memory, and remembers what it reads", async () => {
    let gets = 0;
    let lookups = 0;
    const client = {
      getRunner: async () => {
        gets++;
        return details;
      },
      resolveProject: async () => {
        lookups++;
        return { ...web, name: "web" };
      },
    };
    const wrapped = rememberingRunners(client as never) as typeof client;
    await wrapped.getRunner();
    expect(knownRunner(client, 7)).toBeDefined();
    await lookUpRunner(client as never, 7);
    expect(gets).toBe(1);
    await lookUpProject(wrapped as never, "acme/web");
    await lookUpProject(client as never, "acme/web");
    expect(lookups).toBe(1);
  });

  it("links made and removed are written into the remembered projects; a PUT without projects keeps them", async () => {
    const client = {};
    rememberRunner(client, details);
    amendRunnerProjects(client, 7, { added: web });
    expect((await knownRunner(client, 7))?.projects).toEqual([api, web]);
    amendRunnerProjects(client, 7, { removed: 100 });
    expect((await knownRunner(client, 7))?.projects).toEqual([web]);
    const { projects: _p, ...withoutProjects } = details;
    rememberRunner(client, { ...withoutProjects, locked: true } as RunnerDetails);
    expect(await knownRunner(client, 7)).toMatchObject({ locked: true, projects: [web] });
  });
});
