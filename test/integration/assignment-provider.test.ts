import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_TOKENS,
  type Fixture,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { assignment, configure, setClient } from "../../provider";
import { createAssignment } from "../../provider/assignment/create";
import { deleteAssignment } from "../../provider/assignment/delete";
import type { AssignmentOutputs } from "../../provider/assignment/outputs";
import { readAssignment } from "../../provider/assignment/read";
import { closeSharedDispatchers, GitLabClient, GitLabError } from "../../provider/gitlab";
import { type AssignmentClient, assignmentDouble } from "../support/assignment-double";

// The ProjectRunnerAssignment's provider methods against the emulator over real HTTP, for the
// legacy (13.12), modern (17.11) and newest (18.6) GitLab: every create, read and delete path of
// issue 6.

type Bag = Record<string, unknown>;
const PROVIDER = { __provider: "serialized-provider-text" };
const { projects, runners } = FIXTURE_IDS;

/** Unlocked project runners: FANOUT belongs to acme/api, FOREIGN to acme/platform/deploy only. */
const FANOUT = 50;
const FOREIGN = 51;

function fixture(): Fixture {
  const base = defaultFixture();
  return {
    ...base,
    runners: [
      ...base.runners,
      {
        id: FANOUT,
        runnerType: "project_type",
        token: "glrt-emuFanoutRunner00050",
        description: "fan-out",
        tagList: ["docker"],
        projectIds: [projects.api],
        createdAt: new Date().toISOString(),
      },
      {
        id: FOREIGN,
        runnerType: "project_type",
        token: "glrt-emuForeignRunner0051",
        description: "deploy-only",
        projectIds: [projects.deploy],
        createdAt: new Date().toISOString(),
      },
    ],
  };
}

function clientFor(em: RunningEmulator, token: string): GitLabClient {
  return new GitLabClient({
    baseUrl: em.url,
    token,
    httpProxy: "",
    httpsProxy: "",
    noProxy: "",
    retryBaseDelayMs: 5,
    maxRetryWaitMs: 1_000,
  });
}

async function configureFor(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin): Promise<void> {
  const config: Record<string, string> = { "gitlab:baseUrl": em.url, "gitlab:token": token };
  // A fresh client: configure keeps the client (and what it remembers) when the settings are the same.
  setClient(undefined);
  await configure({ config: { get: (key: string) => config[key] } });
}

/** check + create, as the host calls them. */
async function create(news: Bag): Promise<{ id: string; outs: AssignmentOutputs }> {
  const checked = await assignment.check({}, { ...news, ...PROVIDER });
  expect(checked.failures).toEqual([]);
  return assignment.create(checked.inputs);
}

/** The reasons `check` refuses `news` with, by property; GitLab is asked where that is safe. */
async function refusals(news: Bag): Promise<Record<string, string>> {
  const { failures } = await assignment.check({}, { ...news, ...PROVIDER });
  return Object.fromEntries(failures.map((f) => [f.property, f.reason]));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function projectIdsOf(em: RunningEmulator, runnerId: number): number[] | undefined {
  return em.state().runners.find((r) => r.id === runnerId)?.projectIds;
}

function posts(em: RunningEmulator): number {
  return em.requests().filter((r) => r.method === "POST" && r.route === "/api/v4/projects/:id/runners")
    .length;
}

/** The real client, except that this token may not read runners (as for a project-only Maintainer). */
function blindToRunners(client: GitLabClient): AssignmentClient {
  const forbidden = () =>
    new GitLabError({
      code: "forbidden",
      summary: "403 Forbidden - No access granted",
      method: "GET",
      path: "/runners/:id",
      status: 403,
      gitlabMessage: "403 Forbidden - No access granted",
    });
  return assignmentDouble({
    resolveProject: (p: number | string) => client.resolveProject(p),
    getRunner: async () => {
      throw forbidden();
    },
    listRunnerProjects: async () => {
      throw forbidden();
    },
    listProjectRunners: (p: number | string, f?: { type?: "project_type" }) =>
      client.listProjectRunners(p, f),
    enableProjectRunner: (p: number | string, r: number) => client.enableProjectRunner(p, r),
    disableProjectRunner: (p: number | string, r: number) => client.disableProjectRunner(p, r),
  });
}

afterAll(async () => {
  setClient(undefined);
  await closeSharedDispatchers();
});

describe.each(["13.12", "17.11", "18.6"] as GitlabVersion[])(
  "ProjectRunnerAssignment on GitLab %s",
  (version) => {
    const newest = version === "18.6";
    let em: RunningEmulator;
    let admin: GitLabClient;

    beforeAll(async () => {
      em = await startEmulator({ gitlabVersion: version, fixture: fixture() });
      admin = clientFor(em, FIXTURE_TOKENS.admin);
    });
    afterAll(async () => {
      await em?.stop();
    });
    beforeEach(async () => {
      em.reset();
      await configureFor(em);
    });

    describe("create", () => {
      it("enables one runner on several projects, by path and by id", async () => {
        const web = await create({ project: "acme/web", runnerId: FANOUT });
        expect(web).toEqual({
          id: `${projects.web}:${FANOUT}`,
          outs: {
            project: "acme/web",
            runnerId: FANOUT,
            projectId: projects.web,
            projectPath: "acme/web",
            preExisting: false,
          },
        });
        const deploy = await create({ project: projects.deploy, runnerId: String(FANOUT) });
        expect(deploy.outs).toMatchObject({
          project: projects.deploy,
          projectId: projects.deploy,
          projectPath: "acme/platform/deploy",
          preExisting: false,
        });
        expect(projectIdsOf(em, FANOUT)?.sort()).toEqual(
          [projects.api, projects.web, projects.deploy].sort(),
        );
      });

      if (version !== "13.12")
        it("a project at GitLab's plan limit: the error names the limit", async () => {
          await create({ project: "acme/web", runnerId: FANOUT });
          const onWeb = em.state().runners.filter((r) => r.projectIds.includes(projects.web)).length;
          em.updateSettings({ planLimits: { ciRegisteredProjectRunners: onWeb } });
          try {
            const error = await failure(create({ project: "acme/web", runnerId: FOREIGN }));
            expect(error.message).toMatch(
              new RegExp(
                `GitLab refused to assign runner ${FOREIGN} to project acme/web \\(id ${projects.web}\\): the project already has ${onWeb} registered runners as GitLab's plan limit ci_registered_project_runners \\(${onWeb}\\) allows`,
              ),
            );
            expect((error as { code?: string }).code).toBe("limit_exceeded");
            expect(projectIdsOf(em, FOREIGN)).toEqual([projects.deploy]);
          } finally {
            em.updateSettings({ planLimits: { ciRegisteredProjectRunners: 1000 } });
          }
        });

      it("adopts the runner's own project without asking GitLab to enable it", async () => {
        const { outs } = await create({ project: "ACME/API", runnerId: FANOUT });
        expect(outs).toMatchObject({ projectId: projects.api, projectPath: "acme/api", preExisting: true });
        expect(posts(em)).toBe(0);
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api]);
      });

      it(
        version === "13.12"
          ? "reads the runner before the POST when it is not known yet (13.x would convert an instance runner)"
          : "sends the POST alone when the runner is not known yet (GitLab itself refuses group and instance runners)",
        async () => {
          const { outs } = await assignment.create({ project: projects.web, runnerId: FANOUT, ...PROVIDER });
          expect(outs.preExisting).toBe(false);
          const sent = em
            .requests()
            .filter((r) => r.route !== "/api/v4/version" && r.route !== "/api/v4/projects/:id")
            .map((r) => `${r.method} ${r.route}`);
          expect(sent).toEqual(
            version === "13.12"
              ? ["GET /api/v4/runners/:id", "POST /api/v4/projects/:id/runners"]
              : ["POST /api/v4/projects/:id/runners"],
          );
          expect(projectIdsOf(em, FANOUT)).toEqual([projects.api, projects.web]);
        },
      );

      it("refuses an instance runner on every version, known or not, and never converts it", async () => {
        const error = await failure(
          assignment.create({ project: projects.web, runnerId: runners.instance, ...PROVIDER }),
        );
        expect(error.message).toMatch(/runner 1 is an instance \(shared\) runner/);
        expect(em.state().runners.find((r) => r.id === runners.instance)?.runnerType).toBe("instance_type");
        expect(em.state().runners.find((r) => r.id === runners.instance)?.projectIds).toEqual([]);
      });

      it("adopts when GitLab answers that the runner is already enabled (400 'has already been taken')", async () => {
        const { outs } = await createAssignment(blindToRunners(admin), {
          project: "acme/api",
          runnerId: FANOUT,
        });
        expect(outs.preExisting).toBe(true);
        expect(posts(em)).toBe(1);
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api]);
      });

      it("asks once more when the answer to the POST was lost, and counts the link as its own", async () => {
        em.setFaults({
          rules: [{ method: "POST", path: "/projects/.*/runners$", kind: "drop_after_apply", count: 1 }],
        });
        const { outs } = await create({ project: "acme/web", runnerId: FANOUT });
        expect(outs.preExisting).toBe(false);
        expect(posts(em)).toBe(2);
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api, projects.web]);
      });

      it("explains a locked runner to a non-administrator, and lets an administrator assign it", async () => {
        await configureFor(em, FIXTURE_TOKENS.maintainer);
        // At preview (the token's user is not an administrator), and by GitLab at create.
        expect((await refusals({ project: "acme/web", runnerId: runners.project })).runnerId).toMatch(
          /runner 3 is locked to its current projects/,
        );
        const error = await failure(
          assignment.create({ project: "acme/web", runnerId: runners.project, ...PROVIDER }),
        );
        expect(error.message).toMatch(/runner 3 is locked to its current projects/);
        expect(error.message).toMatch(/locked: false/);
        expect(error.message).toMatch(/Runner is locked/);
        expect(projectIdsOf(em, runners.project)).toEqual([projects.api]);

        await configureFor(em, FIXTURE_TOKENS.admin);
        const { outs } = await create({ project: "acme/web", runnerId: runners.project });
        expect(outs.preExisting).toBe(false);
      });

      it("refuses a group runner before asking GitLab, and says what to do: at preview, and at create", async () => {
        const atPreview = await refusals({ project: "acme/web", runnerId: runners.group });
        expect(atPreview.runnerId).toMatch(/runner 2 is a group runner/);
        expect(atPreview.runnerId).toMatch(/Enable group runners/);
        const error = await failure(
          assignment.create({ project: "acme/web", runnerId: runners.group, ...PROVIDER }),
        );
        expect(error.message).toMatch(/runner 2 is a group runner/);
        expect(error.message).toMatch(/Enable group runners/);
        expect(posts(em)).toBe(0);
      });

      it("refuses an instance runner before asking GitLab (13.x would convert it): at preview, and at create", async () => {
        const atPreview = await refusals({ project: "acme/web", runnerId: runners.instance });
        expect(atPreview.runnerId).toMatch(/runner 1 is an instance \(shared\) runner/);
        const error = await failure(
          assignment.create({ project: "acme/web", runnerId: runners.instance, ...PROVIDER }),
        );
        expect(error.message).toMatch(/runner 1 is an instance \(shared\) runner/);
        expect(posts(em)).toBe(0);
        expect(em.state().runners.find((r) => r.id === runners.instance)?.runnerType).toBe("instance_type");
      });

      it("explains GitLab's own refusal of a group runner when the runner cannot be read first", async () => {
        const error = await failure(
          createAssignment(blindToRunners(admin), { project: "acme/web", runnerId: runners.group }),
        );
        expect(error.message).toMatch(/group runner/);
        expect(error.message).toMatch(/403 "403 Forbidden - Runner is a group runner"/);
      });

      it("says how to name a project that does not exist: at preview, and at create", async () => {
        const atPreview = await refusals({ project: "acme/nope", runnerId: FANOUT });
        expect(atPreview.project).toMatch(
          /GitLab has no project "acme\/nope" visible to this token\. Check the path/,
        );
        expect((await refusals({ project: 999999, runnerId: FANOUT })).project).toMatch(
          /no project 999999.*Check the id/,
        );
        const byPath = await failure(
          assignment.create({ project: "acme/nope", runnerId: FANOUT, ...PROVIDER }),
        );
        expect(byPath.message).toMatch(/project "acme\/nope" was not found/);
        expect(byPath.message).toMatch(/full path/);
        const byId = await failure(assignment.create({ project: 999999, runnerId: FANOUT, ...PROVIDER }));
        expect(byId.message).toMatch(/project 999999 was not found/);
      });

      it("says when the runner does not exist: at preview, and at create", async () => {
        expect((await refusals({ project: "acme/web", runnerId: 9999 })).runnerId).toMatch(
          /runner 9999 does not exist/,
        );
        const error = await failure(assignment.create({ project: "acme/web", runnerId: 9999, ...PROVIDER }));
        expect(error.message).toMatch(/runner 9999 does not exist/);
      });

      it("says which role a Developer lacks", async () => {
        await configureFor(em, FIXTURE_TOKENS.developer);
        const error = await failure(create({ project: "acme/api", runnerId: FANOUT }));
        expect(error.message).toMatch(
          /may not assign runners to project acme\/api .*Maintainer role on the target project/,
        );
      });

      it("says when the user may not hand out a runner of a project they do not maintain", async () => {
        await configureFor(em, FIXTURE_TOKENS.maintainer);
        const error = await failure(create({ project: "acme/web", runnerId: FOREIGN }));
        expect(error.message).toMatch(/may not assign runner 51 to other projects/);
        expect(error.message).toMatch(/No access granted/);
        expect(projectIdsOf(em, FOREIGN)).toEqual([projects.deploy]);
      });
    });

    describe("read", () => {
      it("reads a link back with its inputs, and drops it once removed out of band", async () => {
        const { id, outs } = await create({ project: "acme/web", runnerId: FANOUT });
        const read = await assignment.read(id, { ...outs, ...PROVIDER });
        expect(read).toEqual({
          id,
          props: { ...outs },
          inputs: { project: "acme/web", runnerId: FANOUT },
        });
        await admin.disableProjectRunner(projects.web, FANOUT);
        expect(await assignment.read(id, { ...outs })).toEqual({});
      });

      it("drops the link when the runner is deleted", async () => {
        const { id, outs } = await create({ project: "acme/web", runnerId: FANOUT });
        await admin.deleteRunner(FANOUT);
        expect(await assignment.read(id, { ...outs })).toEqual({});
      });

      it("falls back to the project's runner list when the token may not read the runner", async () => {
        const { id, outs } = await create({ project: "acme/web", runnerId: FANOUT });
        const blind = blindToRunners(admin);
        expect((await readAssignment(blind, id, { ...outs })).id).toBe(id);
        await admin.disableProjectRunner(projects.web, FANOUT);
        expect(await readAssignment(blind, id, { ...outs })).toEqual({});
      });

      if (newest)
        it("uses GET /runners/:id/projects when the details leave projects out", async () => {
          const { id, outs } = await create({ project: "acme/web", runnerId: FANOUT });
          const withoutProjects = assignmentDouble(blindToRunners(admin), {
            getRunner: async (runnerId: number) => {
              const { projects: _hidden, ...rest } = await admin.getRunner(runnerId);
              return rest;
            },
            listRunnerProjects: (runnerId: number) => admin.listRunnerProjects(runnerId),
          });
          expect((await readAssignment(withoutProjects, id, { ...outs })).id).toBe(id);
          expect(em.requests().some((r) => r.route === "/api/v4/runners/:id/projects")).toBe(true);
        });
    });

    describe("delete", () => {
      it("removes the link; a link already gone is success", async () => {
        const { id, outs } = await create({ project: "acme/web", runnerId: FANOUT });
        await assignment.delete(id, { ...outs });
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api]);
        await assignment.delete(id, { ...outs });
        await admin.deleteRunner(FANOUT);
        await assignment.delete(id, { ...outs });
      });

      it("keeps the runner's last or owning project, with a warning instead of a failure", async () => {
        const { id, outs } = await create({ project: "acme/api", runnerId: FANOUT });
        expect(outs.preExisting).toBe(true);
        const warnings: string[] = [];
        await deleteAssignment(admin, id, { ...outs }, async (m) => {
          warnings.push(m);
        });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/GitLab keeps runner 50 enabled on project acme\/api \(id 100\)/);
        expect(warnings[0]).toMatch(newest ? /owner project/ : /only project/);
        expect(warnings[0]).toMatch(/goes when the runner is deleted/);
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api]);
      });

      it(
        newest
          ? "keeps the owner project for a non-administrator too (GitLab says only 'No access granted')"
          : "removes the owner project once the runner has another project",
        async () => {
          await create({ project: "acme/web", runnerId: FANOUT });
          const owner = await create({ project: "acme/api", runnerId: FANOUT });
          const maintainer = clientFor(em, FIXTURE_TOKENS.maintainer);
          const warnings: string[] = [];
          await deleteAssignment(maintainer, owner.id, { ...owner.outs }, async (m) => {
            warnings.push(m);
          });
          if (newest) {
            expect(warnings.join("\n")).toMatch(/owner project/);
            expect(projectIdsOf(em, FANOUT)).toEqual([projects.api, projects.web]);
          } else {
            expect(warnings).toEqual([]);
            expect(projectIdsOf(em, FANOUT)).toEqual([projects.web]);
          }
        },
      );

      it("fails with the role it needs when the user may not remove the link", async () => {
        await create({ project: "acme/web", runnerId: FANOUT });
        const { id, outs } = await create({ project: "acme/api", runnerId: FANOUT });
        // A Developer of acme/api: GitLab answers a bare 403 (Maintainer needed).
        const developer = clientFor(em, FIXTURE_TOKENS.developer);
        const warnings: string[] = [];
        const error = await failure(
          deleteAssignment(developer, id, { ...outs }, async (m) => {
            warnings.push(m);
          }),
        );
        expect(error.message).toMatch(/may not remove runner 50 from project acme\/api \(id 100\)/);
        expect(error.message).toMatch(/Maintainer role/);
        expect(warnings).toEqual([]);
        expect(projectIdsOf(em, FANOUT)).toEqual([projects.api, projects.web]);
      });

      if (newest)
        it("explains a locked runner that a non-administrator may not unassign", async () => {
          const { id, outs } = await create({ project: "acme/web", runnerId: runners.project });
          const maintainer = clientFor(em, FIXTURE_TOKENS.maintainer);
          const error = await failure(deleteAssignment(maintainer, id, { ...outs }, async () => {}));
          expect(error.message).toMatch(/runner 3 is locked/);
          expect(projectIdsOf(em, runners.project)).toEqual([projects.api, projects.web]);
        });
    });

    it("diff: the same project by id after a path is no change", async () => {
      const { outs } = await create({ project: "acme/web", runnerId: FANOUT });
      expect(
        await assignment.diff(
          `${projects.web}:${FANOUT}`,
          { ...outs },
          { project: projects.web, runnerId: FANOUT },
        ),
      ).toEqual({
        changes: false,
        replaces: [],
        stables: [],
        deleteBeforeReplace: false,
        detailedDiff: {},
      });
      expect(
        (
          await assignment.diff(
            `${projects.web}:${FANOUT}`,
            { ...outs },
            { project: "acme/platform/deploy", runnerId: FANOUT },
          )
        ).replaces,
      ).toEqual(["project"]);
    });
  },
);
