import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type Fixture,
  type GitlabVersion,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { type FunctionContext, functions } from "../../provider/functions";
import { closeSharedDispatchers } from "../../provider/gitlab";
import * as sdk from "../../sdk/functions";

// The read functions against the emulator over real HTTP, for a legacy and two modern GitLab
// versions: filters, every page, version differences, validation, and no token in any result.

const { runners, projects } = FIXTURE_IDS;

/** The default world plus 130 tagged project runners on acme/web, so lists span several pages. */
function fixture(): Fixture {
  const base = defaultFixture();
  const extra = Array.from({ length: 130 }, (_, i) => ({
    id: 1000 + i,
    runnerType: "project_type" as const,
    token: `glrt-emuBulkRunner${String(i).padStart(7, "0")}`,
    description: `bulk-${i}`,
    tagList: i % 2 === 0 ? ["bulk", "even"] : ["bulk"],
    active: i % 10 !== 0,
    projectIds: [projects.web],
    createdAt: new Date().toISOString(),
  }));
  return { ...base, runners: [...base.runners, ...extra] };
}

function ctx(em: RunningEmulator, token: string = FIXTURE_TOKENS.admin): FunctionContext {
  return { config: { "gitlab:baseUrl": em.url, "gitlab:token": token }, env: {} };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/** The value of an Output outside a Pulumi run. */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

afterAll(async () => {
  await closeSharedDispatchers();
});

describe.each(["13.12", "17.11", "18.6"] as GitlabVersion[])("read functions on GitLab %s", (version) => {
  const legacy = version === "13.12";
  let em: RunningEmulator;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: version, fixture: fixture() });
  });
  afterAll(async () => {
    await em?.stop();
  });

  it("getRunner returns camelCase details and no token", async () => {
    const runner = await functions.getRunner({ id: runners.project }, ctx(em));
    expect(runner).toMatchObject({
      id: runners.project,
      description: "api-builder",
      runnerType: "project_type",
      locked: true,
      projects: [{ id: projects.api, pathWithNamespace: "acme/api" }],
    });
    expect([...runner.tagList].sort()).toEqual(["api", "linux"]);
    expect(JSON.stringify(runner)).not.toContain("glrt-");
  });

  it("listRunners fetches every page and applies each filter", async () => {
    const all = await functions.listRunners({ scope: "all" }, ctx(em));
    expect(all).toHaveLength(3 + 130);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);

    const even = await functions.listRunners({ scope: "all", tagList: ["bulk", "even"] }, ctx(em));
    expect(even).toHaveLength(65);

    const groups = await functions.listRunners({ scope: "all", type: "group_type" }, ctx(em));
    expect(groups.map((r) => r.id)).toEqual([runners.group]);

    // `paused` is filtered here on 13.x, which ignores the parameter.
    const paused = await functions.listRunners({ scope: "all", paused: true }, ctx(em));
    expect(paused.map((r) => r.id)).toEqual(Array.from({ length: 13 }, (_, i) => 1000 + i * 10));

    const online = await functions.listRunners({ scope: "all", status: "online" }, ctx(em));
    expect(online.map((r) => r.id).sort()).toEqual([runners.instance, runners.group]);

    // Either name of "never contacted" works: the server's own word is sent.
    for (const status of ["never_contacted", "not_connected"] as const) {
      const never = await functions.listRunners({ scope: "all", status, tagList: ["api"] }, ctx(em));
      expect(never.map((r) => r.id)).toEqual([runners.project]);
    }
  });

  it("listRunners scope owned: the runners of the caller's projects", async () => {
    const owned = await functions.listRunners(
      { scope: "owned", tagList: ["api"] },
      ctx(em, FIXTURE_TOKENS.maintainer),
    );
    expect(owned.map((r) => r.id)).toEqual([runners.project]);
    const error = await failure(functions.listRunners({ scope: "all" }, ctx(em, FIXTURE_TOKENS.maintainer)));
    expect(error.message).toMatch(/403/);
  });

  if (!legacy)
    it("versionPrefix selects runners by their managers' version", async () => {
      const r17 = await functions.listRunners({ scope: "all", versionPrefix: "17.11" }, ctx(em));
      expect(r17.map((r) => r.id)).toEqual([runners.instance]);
    });

  if (legacy)
    it("versionPrefix is refused on 13.x rather than silently ignored", async () => {
      const error = await failure(functions.listRunners({ scope: "all", versionPrefix: "17." }, ctx(em)));
      expect(error.message).toMatch(/versionPrefix is not supported by GitLab 13\.12/);
    });

  if (legacy)
    it("status stale is explained on 13.x", async () => {
      const error = await failure(functions.listRunners({ scope: "all", status: "stale" }, ctx(em)));
      expect(error.message).toMatch(/"stale" does not exist on GitLab 13\.12/);
    });

  it("listProjectRunners: the project's, its groups' and instance runners, by path or id", async () => {
    const byPath = await functions.listProjectRunners({ project: "acme/api" }, ctx(em));
    expect(byPath.map((r) => r.id)).toEqual([runners.instance, runners.group, runners.project]);
    const byId = await functions.listProjectRunners({ project: projects.api, type: "project_type" }, ctx(em));
    expect(byId.map((r) => r.id)).toEqual([runners.project]);
    const web = await functions.listProjectRunners({ project: "acme/web", tagList: ["bulk"] }, ctx(em));
    expect(web).toHaveLength(130);
  });

  it("listGroupRunners: the group's runners", async () => {
    const mine = await functions.listGroupRunners(
      { group: "acme", type: "group_type" },
      ctx(em, FIXTURE_TOKENS.owner),
    );
    expect(mine.map((r) => r.id)).toEqual([runners.group]);
    const nested = await functions.listGroupRunners({ group: "acme/platform" }, ctx(em));
    expect(nested.map((r) => r.id)).toContain(runners.group);
  });

  it("listRunnerJobs filters by status and sorts", async () => {
    const running = await functions.listRunnerJobs(
      { runnerId: runners.instance, status: "running" },
      ctx(em),
    );
    expect(running.map((j) => j.id)).toEqual([5002]);
    expect(running[0]).toMatchObject({ status: "running", name: "build", project: { id: projects.web } });
    const desc = await functions.listRunnerJobs(
      { runnerId: runners.instance, orderBy: "id", sort: "desc" },
      ctx(em),
    );
    expect(desc.map((j) => j.id)).toEqual([5002, 5001]);
    const asc = await functions.listRunnerJobs(
      { runnerId: runners.instance, orderBy: "id", sort: "asc" },
      ctx(em),
    );
    expect(asc.map((j) => j.id)).toEqual([5001, 5002]);
  });

  if (!legacy)
    it("listRunnerManagers lists the runner's hosts", async () => {
      const managers = await functions.listRunnerManagers({ runnerId: runners.instance }, ctx(em));
      expect(managers).toEqual([expect.objectContaining({ systemId: "s_0e9bd6a5f1c2", version: "17.11.0" })]);
    });

  if (legacy)
    it("listRunnerManagers explains that 13.x has no runner managers", async () => {
      const error = await failure(functions.listRunnerManagers({ runnerId: runners.instance }, ctx(em)));
      expect(error.message).toMatch(/no runner managers.*15\.11/);
    });

  it("verifyRunnerToken accepts a runner's token (marking it contacted) and reports a bad one as invalid", async () => {
    expect(em.state().runners.find((r) => r.id === runners.project)?.contactedAt).toBeNull();
    const ok = await functions.verifyRunnerToken({ token: FIXTURE_RUNNER_TOKENS.project }, ctx(em));
    expect(ok).toEqual({ valid: true, id: legacy ? null : runners.project, tokenExpiresAt: null });
    expect(JSON.stringify(ok)).not.toContain("glrt-");
    // GitLab's side effect, which the documentation states.
    expect(em.state().runners.find((r) => r.id === runners.project)?.contactedAt).not.toBeNull();
    expect(await functions.verifyRunnerToken({ token: "glrt-not-a-token" }, ctx(em))).toEqual({
      valid: false,
      id: null,
      tokenExpiresAt: null,
    });
  });
});

describe("read function arguments are validated before any request", () => {
  const none: FunctionContext = { config: {}, env: {} };
  it.each([
    ["getRunner", {}, /getRunner: id is required/],
    ["getRunner", { id: "abc" }, /id must be a runner id \(a positive integer\); got "abc"/],
    ["listRunners", {}, /listRunners: scope is required/],
    ["listRunners", { scope: "every" }, /scope must be one of "owned", "all"; got "every"/],
    ["listRunners", { scope: "all", type: "projectType" }, /did you mean "project_type"/],
    ["listRunners", { scope: "all", status: "Never-Contacted" }, /did you mean "never_contacted"/],
    ["listRunners", { scope: "all", paused: "yes" }, /paused must be true or false/],
    ["listRunners", { scope: "all", tagList: "docker" }, /tagList must be a list of tags/],
    ["listRunners", { scope: "all", tagList: ["a,b"] }, /without commas/],
    [
      "listRunners",
      { scope: "all", versionPrefix: "V17" },
      /versionPrefix must be the start of a runner version/,
    ],
    [
      "listRunners",
      { scope: "all", tags: ["docker"] },
      /unknown argument "tags"; listRunners takes .*"tagList"/,
    ],
    [
      "listProjectRunners",
      { project: "api" },
      /project must be a numeric project id or the project's full path/,
    ],
    ["listGroupRunners", { group: "acme/" }, /group must be a numeric group id or the group's full path/],
    ["listRunnerJobs", { runnerId: 1, status: "succeeded" }, /status must be one of "created", .*"success"/],
    ["listRunnerJobs", { runnerId: 1, orderBy: "created_at" }, /orderBy must be one of "id"/],
    ["listRunnerJobs", { runnerId: 1, sort: "up" }, /sort must be one of "asc", "desc"/],
    ["listRunnerManagers", { runnerId: 0 }, /runnerId must be a runner id/],
    ["verifyRunnerToken", { token: "" }, /token must be the runner's authentication token/],
  ] as const)("%s(%j)", async (fn, args, message) => {
    const call = (
      functions as unknown as Record<string, (a: unknown, c: FunctionContext) => Promise<unknown>>
    )[fn];
    const error = await failure(call!(args, none));
    expect(error.name).toBe("FunctionArgumentError");
    expect(error.message).toMatch(message);
  });

  it("says where to configure GitLab when nothing is set", async () => {
    const error = await failure(functions.getRunner({ id: 1 }, none));
    expect(error.message).toMatch(/gitlab:baseUrl/);
    expect(error.message).toMatch(/GITLAB_BASE_URL/);
  });
});

describe("the sdk functions read the program's GitLab settings", () => {
  let em: RunningEmulator;
  const saved = { url: process.env.GITLAB_BASE_URL, token: process.env.GITLAB_TOKEN };
  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    // Outside a Pulumi run there is no stack config, so the environment is what they read.
    process.env.GITLAB_BASE_URL = em.url;
    process.env.GITLAB_TOKEN = FIXTURE_TOKENS.admin;
  });
  afterEach(() => {
    em.reset();
  });
  afterAll(async () => {
    for (const [key, value] of [
      ["GITLAB_BASE_URL", saved.url],
      ["GITLAB_TOKEN", saved.token],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await em?.stop();
  });

  it("Promise and Output forms return the same", async () => {
    const direct = await sdk.listRunners({ scope: "all", tagList: ["linux"] });
    expect(direct.map((r) => r.id)).toEqual([runners.instance, runners.group, runners.project]);
    const viaOutput = await settled(
      sdk.listRunnersOutput({ scope: "all", tagList: pulumi.output(["linux"]) }),
    );
    expect(viaOutput).toEqual(direct);
    expect((await settled(sdk.getRunnerOutput({ id: pulumi.output(runners.group) }))).description).toBe(
      "acme-docker",
    );
    expect(await sdk.listProjectRunners({ project: "acme/api", type: "project_type" })).toHaveLength(1);
    expect(await sdk.listGroupRunners({ group: "acme", type: "group_type" })).toHaveLength(1);
    expect(await sdk.listRunnerJobs({ runnerId: runners.group })).toHaveLength(1);
    expect(await sdk.listRunnerManagers({ runnerId: runners.group })).toHaveLength(1);
  });

  it("verifyRunnerTokenOutput is a secret", async () => {
    const out = sdk.verifyRunnerTokenOutput({ token: pulumi.secret(FIXTURE_RUNNER_TOKENS.group) });
    expect(await pulumi.isSecret(out)).toBe(true);
    expect(await settled(out)).toEqual({ valid: true, id: runners.group, tokenExpiresAt: null });
  });
});
