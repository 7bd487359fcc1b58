import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { configure, runner, setClient } from "../../provider";
import { closeSharedDispatchers, GitLabClient, loadClientConfig } from "../../provider/gitlab";
import type { RunnerOutputs } from "../../provider/runner";
import { composeNote, markFor, splitNote } from "../../provider/runner/creation-mark";

// Creation recognised by GitLab-side evidence: the creation mark a runner carries in its
// maintenance note (provider/runner/creation-mark.ts), against the emulator over real HTTP. A
// new `configure` starts a new client, as a new provider process (a later `pulumi up`) would.

type Bag = Record<string, unknown>;
const PROVIDER = { __provider: "serialized-provider-text" };
const origin = (name: string, stack = "prod") => ({
  urn: `urn:pulumi:${stack}::fleet::pulumi-nodejs:dynamic/gitlab:Runner::${name}`,
  organization: "acme",
});

/**
 * A fresh provider process pointing at `em`: configured as the host does, with a client of its
 * own (a new process has new caches; `configure` with the same settings keeps the client).
 */
async function newProcess(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin) {
  const config: Record<string, string> = { "gitlab:baseUrl": em.url, "gitlab:token": token };
  await configure({ config: { get: (key: string) => config[key] } });
  setClient(new GitLabClient(loadClientConfig({ config })));
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

const admin = (em: RunningEmulator) =>
  new GitLabClient(
    loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
  );
const live = (em: RunningEmulator, id: number | string) =>
  em.state().runners.find((r) => r.id === Number(id));
const posts = (em: RunningEmulator) =>
  em.requests().filter((r) => r.method === "POST" && /^\/api\/v4\/(user\/)?runners$/.test(r.route));

afterAll(async () => {
  setClient(undefined);
  await closeSharedDispatchers();
});

describe.each(["16.11", "17.11", "18.6"] as GitlabVersion[])("creation mark on GitLab %s", (version) => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: version });
  });
  afterAll(async () => {
    await em?.stop();
  });
  beforeEach(async () => {
    em.reset();
    await newProcess(em);
  });

  const program = (name: string, extra: Bag = {}) => ({
    runnerType: "project_type",
    projectId: FIXTURE_IDS.projects.api,
    description: `runner ${name}`,
    tagList: ["docker"],
    __origin: origin(name),
    ...extra,
  });

  it("the POST carries the mark; outputs, refresh and diff see only the program's note", async () => {
    const { id, outs } = await create(program("a", { maintenanceNote: "owned by platform" }));
    const note = live(em, id)?.maintenanceNote ?? "";
    expect(splitNote(note)).toEqual({ programNote: "owned by platform", mark: markFor(origin("a")) });
    expect(note).toContain("Managed by Pulumi (acme/fleet/prod a) [pulumi-gitlab-runners ");
    expect(outs.maintenanceNote).toBe("owned by platform");
    expect(outs.__origin).toEqual(origin("a"));
    const read = await runner.read(id, { ...outs, ...PROVIDER });
    expect(read.props).toMatchObject({ maintenanceNote: "owned by platform", __origin: origin("a") });
    expect(read.inputs).toMatchObject({ maintenanceNote: "owned by platform", __origin: origin("a") });
    const diff = await runner.diff(id, read.props as Bag, {
      ...program("a", { maintenanceNote: "owned by platform" }),
      ...PROVIDER,
    });
    expect(diff.changes).toBe(false);
    // A new note keeps the mark.
    const updated = await runner.update(id, read.props as Bag, {
      ...program("a", { maintenanceNote: "new note" }),
      ...PROVIDER,
    });
    expect(updated.outs.maintenanceNote).toBe("new note");
    expect(splitNote(live(em, id)?.maintenanceNote).mark?.hash).toBe(markFor(origin("a")).hash);
  });

  it("a runner an interrupted up created is taken over by the next process: no second POST, a new token", async () => {
    // What a `pulumi up` killed after its POST leaves: a runner with the mark, its token lost.
    const earlier = await admin(em).createUserRunner({
      runnerType: "project_type",
      projectId: FIXTURE_IDS.projects.api,
      description: "runner b",
      maintenanceNote: composeNote(null, markFor(origin("b"))),
    });
    const before = em.state().runners.length;
    await newProcess(em);
    const { id, outs } = await create(program("b", { locked: true }));
    expect(Number(id)).toBe(earlier.id);
    expect(em.state().runners.length).toBe(before);
    expect(posts(em).filter((r) => r.route === "/api/v4/user/runners")).toHaveLength(1);
    expect(outs.authenticationToken).toBe(live(em, id)?.token);
    expect(outs.authenticationToken).not.toBe(earlier.token);
    // Settings put to the program.
    expect(live(em, id)).toMatchObject({ locked: true, tagList: ["docker"] });
  });

  it("the look-up lists each scope once per process, then reads only never-contacted runners", async () => {
    em.reset();
    await newProcess(em);
    const before = em.requests().length;
    for (const name of ["c1", "c2", "c3"]) await create(program(name));
    const made = em.requests().slice(before);
    const listings = made.filter((r) => r.route === "/api/v4/projects/:id/runners" && r.method === "GET");
    expect(listings).toHaveLength(1);
    // Three creates: one listing, the fixture's never-contacted runners of the project read once,
    // then a POST and a read each.
    expect(made.filter((r) => r.route === "/api/v4/user/runners")).toHaveLength(3);
  });

  it("a contacted runner carrying the mark is not taken over (someone holds its token)", async () => {
    const earlier = await admin(em).createUserRunner({
      runnerType: "project_type",
      projectId: FIXTURE_IDS.projects.api,
      maintenanceNote: composeNote(null, markFor(origin("d"))),
    });
    await admin(em).verifyRunner(earlier.token, "s_live");
    await newProcess(em);
    const { id } = await create(program("d"));
    expect(Number(id)).not.toBe(earlier.id);
    expect(live(em, earlier.id)?.token).toBe(earlier.token);
  });

  it("two runners carrying the mark (a late answer): one taken over, the other deleted", async () => {
    const note = composeNote(null, markFor(origin("e")));
    const first = await admin(em).createUserRunner({
      runnerType: "project_type",
      projectId: FIXTURE_IDS.projects.api,
      maintenanceNote: note,
    });
    const second = await admin(em).createUserRunner({
      runnerType: "project_type",
      projectId: FIXTURE_IDS.projects.api,
      maintenanceNote: note,
    });
    await newProcess(em);
    const { id } = await create(program("e"));
    expect(Number(id)).toBe(first.id);
    expect(live(em, second.id)).toBeUndefined();
  });

  it("a lost answer is recognised by the mark: one runner, no second POST", async () => {
    em.setFaults({
      rules: [{ method: "POST", path: "^/api/v4/user/runners$", kind: "drop_after_apply", count: 1 }],
    });
    const before = em.state().runners.length;
    const { id, outs } = await create(program("f"));
    expect(em.state().runners.length).toBe(before + 1);
    expect(posts(em)).toHaveLength(1);
    expect(live(em, id)?.token).toBe(outs.authenticationToken);
  });

  it("a project that does not exist: no look-up error, the POST's own explanation", async () => {
    // Preview's online check names it first; create (online checks off) still explains it.
    const news = { ...program("j"), projectId: 999_999, ...PROVIDER };
    const checked = await runner.check({}, news);
    expect(checked.failures).toEqual([expect.objectContaining({ property: "projectId" })]);
    const error = await failure(runner.create(news));
    expect(error.message).toMatch(/projectId 999999: GitLab has no such project/);
  });

  it("another stack's identical resource does not take this one's runner", async () => {
    const { id } = await create(program("g"));
    await newProcess(em);
    const other = await create({ ...program("g"), __origin: origin("g", "staging") });
    expect(other.id).not.toBe(id);
    expect(live(em, id)).toBeDefined();
  });

  it("adoption: refused for a runner another resource manages, marks an unmanaged one, accepts its own", async () => {
    const managed = await create(program("h"));
    const adopting = { adoptRunnerId: Number(managed.id), __origin: origin("h", "staging"), ...PROVIDER };
    // Refused at preview: the check reads the runner and finds another stack's mark.
    const checked = await runner.check({}, adopting);
    expect(checked.failures).toEqual([
      {
        property: "adoptRunnerId",
        reason: expect.stringMatching(/already managed by the Pulumi resource acme\/fleet\/prod h/),
      },
    ]);
    // And at up, should the preview's checks be off.
    const refused = await failure(runner.create(adopting));
    expect(refused.message).toMatch(/already managed by the Pulumi resource acme\/fleet\/prod h/);
    expect(refused.message).toMatch(/retainOnDelete/);
    expect((refused as Error & { code?: string }).code).toBe("adoption_refused");

    const unmanaged = FIXTURE_IDS.runners.project;
    const adopted = await create({
      adoptRunnerId: unmanaged,
      maintenanceNote: "adopted",
      __origin: origin("i"),
    });
    expect(adopted.outs.maintenanceNote).toBe("adopted");
    expect(splitNote(live(em, unmanaged)?.maintenanceNote)).toEqual({
      programNote: "adopted",
      mark: markFor(origin("i")),
    });
    // Adopting it again as the same resource (an interrupted adoption) is fine.
    const again = await create({ adoptRunnerId: unmanaged, __origin: origin("i") });
    expect(again.id).toBe(String(unmanaged));
  });

  it("adoption by another resource of the same stack (a rename, a move to the plugin) takes the mark over", async () => {
    const managed = await create(program("k"));
    const moved = await create({ adoptRunnerId: Number(managed.id), __origin: origin("k-renamed") });
    expect(moved.id).toBe(managed.id);
    expect(splitNote(live(em, Number(managed.id))?.maintenanceNote).mark).toEqual(
      markFor(origin("k-renamed")),
    );
  });
});

describe("GitLab 13.12 keeps no note: no mark, the lost answer still recognised by resemblance", () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "13.12" });
  });
  afterAll(async () => {
    await em?.stop();
  });

  it("registers without a mark and without a look-up", async () => {
    await newProcess(em);
    const before = em.requests().length;
    const { id } = await create({
      registrationToken: FIXTURE_REGISTRATION_TOKENS.project,
      description: "legacy",
      __origin: origin("legacy"),
    });
    expect(live(em, id)?.maintenanceNote).toBeNull();
    const made = em.requests().slice(before);
    expect(made.some((r) => r.method === "GET" && /\/runners(\/all)?$/.test(r.route))).toBe(false);
  });
});
