import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { assignment, configure, PartialStateError, runner, setClient } from "../../provider";
import { closeSharedDispatchers, GitLabClient } from "../../provider/gitlab";
import type { RunnerOutputs } from "../../provider/runner";

// A Runner's `assignedProjects` against the emulator over real HTTP, called as the
// dynamic-provider host calls the provider: created with POST /projects/:id/runners after the
// runner, read back from the one GET /runners/:id of a refresh (drift included), changed and
// removed on update, refused as a ProjectRunnerAssignment is refused, and recorded when it fails
// part-way. 13.12 registers with a registration token; the others create with runnerType.

type Bag = Record<string, unknown>;
const PROVIDER = { __provider: "serialized-provider-text" };
const { projects, runners, groups } = FIXTURE_IDS;

async function configureFor(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin): Promise<void> {
  const config: Record<string, string> = { "gitlab:baseUrl": em.url, "gitlab:token": token };
  setClient(undefined);
  await configure({ config: { get: (key: string) => config[key] } });
}

async function failures(news: Bag): Promise<Record<string, string>> {
  const { failures } = await runner.check({}, { ...news, ...PROVIDER });
  return Object.fromEntries(failures.map((f) => [f.property, f.reason]));
}

async function create(news: Bag): Promise<{ id: string; outs: RunnerOutputs }> {
  const checked = await runner.check({}, { ...news, ...PROVIDER });
  expect(checked.failures).toEqual([]);
  return runner.create(checked.inputs);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function clientFor(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin): GitLabClient {
  return new GitLabClient({ baseUrl: em.url, token, httpProxy: "", httpsProxy: "", noProxy: "" });
}

const linked = (em: RunningEmulator, id: number | string) =>
  em.state().runners.find((r) => r.id === Number(id))?.projectIds;

/** The requests since the log was last cleared, as "METHOD route". */
const routes = (em: RunningEmulator) => em.requests().map((r) => `${r.method} ${r.route}`);

afterAll(async () => {
  setClient(undefined);
  await closeSharedDispatchers();
});

describe.each(["13.12", "17.11", "18.6"] as GitlabVersion[])(
  "Runner.assignedProjects on GitLab %s",
  (version) => {
    const legacy = version === "13.12";
    const newest = version === "18.6";
    let em: RunningEmulator;

    /** A project runner owned by acme/api: registered on 13.12, created with runnerType elsewhere. */
    const owned = (more: Bag = {}): Bag =>
      legacy
        ? { registrationToken: FIXTURE_REGISTRATION_TOKENS.project, ...more }
        : { runnerType: "project_type", projectId: "acme/api", ...more };

    beforeAll(async () => {
      em = await startEmulator({ gitlabVersion: version });
    });
    afterAll(async () => {
      await em?.stop();
    });
    beforeEach(async () => {
      em.reset();
      await configureFor(em);
    });

    it("creates the runner, then enables it on each project: one POST per project, nothing more", async () => {
      const { id, outs } = await create(
        owned({ description: "fan", assignedProjects: ["acme/web", projects.deploy] }),
      );
      expect(linked(em, id)).toEqual([projects.api, projects.web, projects.deploy]);
      expect(outs.assignedProjects).toEqual(["acme/web", projects.deploy]);
      expect(outs.projects.map((p) => p.id)).toEqual([projects.api, projects.web, projects.deploy]);
      const assigned = routes(em).filter((r) => r === "POST /api/v4/projects/:id/runners");
      expect(assigned).toHaveLength(2);
      // The runner's own GET, and no other: the projects were looked up by the check.
      expect(routes(em).filter((r) => r === "GET /api/v4/runners/:id")).toHaveLength(1);
    });

    it("the owner project may be listed: nothing to do for it", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["ACME/API", "acme/web"] }));
      expect(linked(em, id)).toEqual([projects.api, projects.web]);
      expect(routes(em).filter((r) => r === "POST /api/v4/projects/:id/runners")).toHaveLength(1);
      expect(outs.assignedProjects).toEqual(["ACME/API", "acme/web"]);
    });

    it("refresh reads the projects from the one GET /runners/:id: drift included, in the program's words", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["acme/web"] }));
      const admin = clientFor(em);
      await admin.disableProjectRunner(projects.web, Number(id));
      await admin.enableProjectRunner(projects.deploy, Number(id));
      const before = em.requests().length;
      const read = await runner.read(id, { ...outs, ...PROVIDER });
      expect(em.requests().length - before).toBe(1);
      expect(read.props?.assignedProjects).toEqual(["acme/platform/deploy"]);
      expect(read.inputs?.assignedProjects).toEqual(["acme/platform/deploy"]);
      // The program's set against the read state: the diff puts it back.
      const diff = await runner.diff(id, read.props ?? {}, {
        ...owned({ assignedProjects: ["acme/web"] }),
        ...PROVIDER,
      });
      expect(diff.changes).toBe(true);
      expect(diff.replaces).toEqual([]);
      expect(diff.detailedDiff?.assignedProjects).toBeDefined();
    });

    it("diff: a path and the same project's id are no change; the order never matters", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["acme/web", "acme/platform/deploy"] }));
      const same = await runner.diff(
        id,
        { ...outs },
        {
          ...owned({ assignedProjects: [projects.deploy, String(projects.web)] }),
          ...PROVIDER,
        },
      );
      expect(same.changes).toBe(false);
      const fewer = await runner.diff(
        id,
        { ...outs },
        { ...owned({ assignedProjects: ["acme/web"] }), ...PROVIDER },
      );
      expect(fewer.changes).toBe(true);
    });

    it("update adds and removes projects (and only those); the owner stays", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["acme/web"] }));
      const news = { ...owned({ assignedProjects: ["acme/platform/deploy"] }), ...PROVIDER };
      const checked = await runner.check({}, news);
      expect(checked.failures).toEqual([]);
      const { outs: after } = await runner.update(id, { ...outs }, checked.inputs);
      expect(linked(em, id)).toEqual([projects.api, projects.deploy]);
      expect(after.assignedProjects).toEqual(["acme/platform/deploy"]);
      expect(after.projects.map((p) => p.id)).toEqual([projects.api, projects.deploy]);
      const { outs: none } = await runner.update(
        id,
        { ...after },
        { ...owned({ assignedProjects: [] }), ...PROVIDER },
      );
      expect(linked(em, id)).toEqual([projects.api]);
      expect(none.assignedProjects).toEqual([]);
    });

    it("no longer listing the owner project: a warning, and nothing changes in GitLab", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["acme/api", "acme/web"] }));
      const news = { ...owned({ assignedProjects: ["acme/web"] }), ...PROVIDER };
      const diff = await runner.diff(id, { ...outs }, news);
      expect(diff.changes).toBe(true);
      const { outs: after } = await runner.update(id, { ...outs }, news);
      expect(after.assignedProjects).toEqual(["acme/web"]);
      expect(linked(em, id)).toEqual([projects.api, projects.web]);
      expect((await runner.diff(id, { ...after }, news)).changes).toBe(false);
    });

    it("check: a group runner with assignedProjects, and projects that do not exist, stop the preview", async () => {
      const group = await failures({
        runnerType: "group_type",
        groupId: groups.acme,
        assignedProjects: ["acme/web"],
      });
      expect(group.assignedProjects).toMatch(/only for project runners: GitLab never assigns a group runner/);
      const adopted = await failures({ adoptRunnerId: runners.group, assignedProjects: ["acme/web"] });
      expect(adopted.assignedProjects).toMatch(/runner 2 is a group runner/);
      expect(adopted.assignedProjects).toMatch(/leave assignedProjects out/);
      const missing = await failures(owned({ assignedProjects: ["acme/nope"] }));
      expect(missing.assignedProjects).toMatch(/GitLab has no project "acme\/nope" visible to this token/);
    });

    if (!legacy)
      it("a plan limit on one project: the runner and the projects that worked are recorded, the refusal explained as for an assignment", async () => {
        // acme/api is at the limit (its fixture runner); acme/web and the owner, acme/platform/deploy, are not.
        const count = (project: number) =>
          em.state().runners.filter((r) => r.projectIds.includes(project)).length;
        const limit = count(projects.api);
        expect(count(projects.web)).toBeLessThan(limit);
        expect(count(projects.deploy)).toBeLessThan(limit);
        em.updateSettings({ planLimits: { ciRegisteredProjectRunners: limit } });
        try {
          const news = {
            runnerType: "project_type",
            projectId: "acme/platform/deploy",
            description: "capped",
            assignedProjects: ["acme/api", "acme/web"],
          };
          const checked = await runner.check({}, { ...news, ...PROVIDER });
          expect(checked.failures).toEqual([]);
          const error = await failure(runner.create(checked.inputs));
          expect(error).toBeInstanceOf(PartialStateError);
          const partial = error as PartialStateError;
          expect(partial.message).toMatch(/was created, but assigning it to its projects failed/);
          expect(partial.message).toMatch(
            new RegExp(
              `GitLab refused to assign runner ${partial.id} to project acme/api \\(id 100\\): the project already has ${limit} registered runners as GitLab's plan limit ci_registered_project_runners \\(${limit}\\) allows`,
            ),
          );
          expect(partial.properties.assignedProjects).toEqual(["acme/web"]);
          expect(partial.properties.authenticationToken).toMatch(/^glrt-/);
          expect(linked(em, partial.id)).toEqual([projects.deploy, projects.web]);
          // The next up plans what is left: acme/api.
          const diff = await runner.diff(partial.id, { ...partial.properties }, { ...news, ...PROVIDER });
          expect(diff.changes).toBe(true);
        } finally {
          em.updateSettings({ planLimits: { ciRegisteredProjectRunners: 1000 } });
        }
      });

    it("a locked runner and a token that is not an administrator's: unlocked for the change, locked again", async () => {
      await configureFor(em, FIXTURE_TOKENS.maintainer);
      const { id, outs } = await create(owned({ locked: true, assignedProjects: ["acme/web"] }));
      const live = em.state().runners.find((r) => r.id === Number(id));
      expect(live?.locked).toBe(true);
      expect(live?.projectIds).toEqual([projects.api, projects.web]);
      expect(outs).toMatchObject({ locked: true, assignedProjects: ["acme/web"] });
      // PUT locked: false, the POST, PUT locked: true.
      const changes = routes(em).filter(
        (r) => r === "PUT /api/v4/runners/:id" || r.startsWith("POST /api/v4/projects"),
      );
      expect(changes).toEqual([
        "PUT /api/v4/runners/:id",
        "POST /api/v4/projects/:id/runners",
        "PUT /api/v4/runners/:id",
      ]);
      const { outs: after } = await runner.update(
        id,
        { ...outs },
        { ...owned({ locked: true, assignedProjects: [] }), ...PROVIDER },
      );
      expect(linked(em, id)).toEqual([projects.api]);
      expect(after.locked).toBe(true);
      expect(em.state().runners.find((r) => r.id === Number(id))?.locked).toBe(true);
    });

    it("a runner on several projects is taken off them before it is deleted when only that works", async () => {
      const { id, outs } = await create(owned({ assignedProjects: ["acme/web"] }));
      await configureFor(em, FIXTURE_TOKENS.maintainer);
      // Without its own token (an adopted runner): GitLab refuses a non-administrator by id.
      const { authenticationToken: _token, ...withoutToken } = outs;
      await runner.delete(id, { ...withoutToken });
      expect(em.state().runners.some((r) => r.id === Number(id))).toBe(false);
    });

    if (newest)
      it("reads projects with GET /runners/:id/projects when the details leave them out", async () => {
        const { id, outs } = await create(owned({ assignedProjects: ["acme/web"] }));
        const real = clientFor(em);
        // The real client, except that the runner's details come without `projects`.
        const hidden = new Proxy(real, {
          get(target, property) {
            if (property === "getRunner") {
              return async (runnerId: number) => {
                const { projects: _p, ...rest } = await target.getRunner(runnerId);
                return rest;
              };
            }
            const value: unknown = Reflect.get(target, property);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        setClient(hidden);
        try {
          const read = await runner.read(id, { ...outs, ...PROVIDER });
          expect(read.props?.assignedProjects).toEqual(["acme/web"]);
          expect(routes(em)).toContain("GET /api/v4/runners/:id/projects");
        } finally {
          setClient(undefined);
        }
      });

    it("moving links from ProjectRunnerAssignments to assignedProjects in one up never removes them", async () => {
      const { id, outs } = await create(owned({ description: "moved" }));
      const web = await assignment.create({ project: "acme/web", runnerId: Number(id), ...PROVIDER });
      // The program now lists acme/web in the Runner and has no assignment: the engine diffs and
      // updates the Runner, then deletes the assignment.
      const news = { ...owned({ description: "moved", assignedProjects: ["acme/web"] }), ...PROVIDER };
      const diff = await runner.diff(
        id,
        { ...outs, projects: [...outs.projects, { id: projects.web, pathWithNamespace: "acme/web" }] },
        news,
      );
      expect(diff.changes).toBe(true); // the stack starts managing the runner's projects
      const { outs: after } = await runner.update(id, { ...outs }, news);
      expect(after.assignedProjects).toEqual(["acme/web"]);
      await assignment.delete(web.id, { ...web.outs });
      expect(linked(em, id)).toEqual([projects.api, projects.web]);
      expect(routes(em)).not.toContain("DELETE /api/v4/projects/:id/runners/:runner_id");
    });

    it("an assignment of a runner this process created or read needs one request: the POST", async () => {
      const { id } = await create(owned({ description: "seeded" }));
      const before = routes(em).length;
      const checked = await assignment.check({}, { project: "acme/web", runnerId: Number(id), ...PROVIDER });
      expect(checked.failures).toEqual([]);
      const { outs } = await assignment.create(checked.inputs);
      expect(outs.preExisting).toBe(false);
      // The project is looked up once (for the check, remembered for the create); the runner not at all.
      expect(routes(em).slice(before)).toEqual([
        "GET /api/v4/projects/:id",
        "POST /api/v4/projects/:id/runners",
      ]);
    });
  },
);
