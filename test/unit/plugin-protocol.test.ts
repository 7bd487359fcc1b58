import { describe, expect, it } from "vitest";
import { resources } from "../../plugin/adapter";
import { checkConfig, planResponse, typeOf } from "../../plugin/server";
import {
  fromStruct,
  SECRET_SIG,
  SIG_KEY,
  secret,
  toStruct,
  UNKNOWN,
  unwrap,
  wrap,
} from "../../plugin/values";

// The plugin's protocol logic, as pure functions: secrets in and out, the per-property diff, the
// provider configuration's checks, type tokens from requests.

const KIND = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 };

describe("secrets and unknowns", () => {
  it("unwraps secrets at any depth and remembers which properties held one", () => {
    const { values, secrets } = unwrap({
      registrationToken: secret("GR1348941abc"),
      tagList: ["a", secret("b")],
      description: "plain",
    });
    expect(values).toEqual({ registrationToken: "GR1348941abc", tagList: ["a", "b"], description: "plain" });
    expect([...secrets].sort()).toEqual(["registrationToken", "tagList"]);
  });

  it("wraps the named properties, drops undefined, leaves null and other values plain", () => {
    const out = wrap({ authenticationToken: "glrt-x", tokenExpiresAt: null, gone: undefined, id: 4 }, [
      "authenticationToken",
      "tokenExpiresAt",
    ]);
    expect(out).toEqual({
      authenticationToken: { [SIG_KEY]: SECRET_SIG, value: "glrt-x" },
      tokenExpiresAt: null,
      id: 4,
    });
  });

  it("round-trips through google.protobuf.Struct, unknowns included", () => {
    const bag = { a: 1, b: [true, null, "x"], c: { d: UNKNOWN }, e: undefined };
    expect(fromStruct(toStruct(bag))).toEqual({ a: 1, b: [true, null, "x"], c: { d: UNKNOWN } });
  });
});

describe("the plan forwarded to the engine", () => {
  const runner = resources["gitlab-runners:index:Runner"]!;
  const olds = {
    runnerId: 7,
    runnerType: "group_type",
    groupId: 10,
    description: "a",
    tagList: ["docker", "linux"],
    authenticationToken: "glrt-x",
  };

  it("carries the implementation's detailed diff, replaces and stables as they are", async () => {
    const plan = await runner.diff("7", olds, { runnerType: "group_type", groupId: 10, description: "b" });
    const resp = planResponse(plan);
    expect(resp.getChanges()).toBe(2); // DIFF_SOME
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getDiffsList()).toEqual(["description"]);
    expect(resp.getDetaileddiffMap().get("description")?.getKind()).toBe(KIND.UPDATE);
    expect(resp.getReplacesList()).toEqual([]);
    expect(resp.getStablesList()).toEqual(plan.stables);
    expect(resp.getStablesList()).toContain("authenticationToken");
  });

  it("names a replacement with its kind and promises no stables", async () => {
    const resp = planResponse(await runner.diff("7", olds, { runnerType: "group_type", groupId: 11 }));
    expect(resp.getReplacesList()).toEqual(["groupId"]);
    expect(resp.getDetaileddiffMap().get("groupId")?.getKind()).toBe(KIND.UPDATE_REPLACE);
    expect(resp.getStablesList()).toEqual([]);
  });

  it("says no change, with tags compared as a set", async () => {
    const resp = planResponse(
      await runner.diff("7", olds, { runnerType: "group_type", groupId: 10, tagList: ["linux", "docker"] }),
    );
    expect(resp.getChanges()).toBe(1); // DIFF_NONE
    expect(resp.getDiffsList()).toEqual([]);
  });
});

describe("provider configuration", () => {
  it("accepts the known keys and the engine's own", () => {
    expect(
      checkConfig({ baseUrl: "https://gitlab.example.com", token: secret("t"), version: "0.1.0" }),
    ).toEqual([]);
  });

  it("names an unknown key with the package prefix and lists the right ones", () => {
    const [failure] = checkConfig({ baseURL: "x" });
    expect(failure?.property).toBe("baseURL");
    expect(failure?.reason).toMatch(
      /^gitlab-runners:baseURL is not a gitlab-runners setting; .*gitlab-runners:baseUrl/,
    );
  });

  it("checks booleans and whole numbers", () => {
    expect(checkConfig({ insecure: "yes", retries: "3", timeoutMs: 1.5 })).toEqual([
      { property: "insecure", reason: 'gitlab-runners:insecure must be true or false; got "yes".' },
      { property: "timeoutMs", reason: "gitlab-runners:timeoutMs must be a whole number; got 1.5." },
    ]);
  });
});

describe("type tokens", () => {
  it("takes the request's type, else the URN's, without parent types", () => {
    expect(typeOf("gitlab-runners:index:Runner", "")).toBe("gitlab-runners:index:Runner");
    expect(typeOf("", "urn:pulumi:dev::proj::my:comp:Thing$gitlab-runners:index:Runner::build")).toBe(
      "gitlab-runners:index:Runner",
    );
  });

  it("serves both resource types", () => {
    expect(Object.keys(resources).sort()).toEqual([
      "gitlab-runners:index:ProjectRunnerAssignment",
      "gitlab-runners:index:Runner",
    ]);
  });
});

describe("previews", () => {
  const runner = resources["gitlab-runners:index:Runner"]!;
  const assignment = resources["gitlab-runners:index:ProjectRunnerAssignment"]!;

  it("knows a new runner's given inputs (tags as the set stored) and leaves the rest unknown", () => {
    const out = runner.previewCreate({ runnerType: "group_type", groupId: "acme", tagList: ["b", "a", "b"] });
    expect(out.tagList).toEqual(["a", "b"]);
    expect(out.runnerType).toBe("group_type");
    expect(out.groupId).toBe("acme");
    expect(out.runnerId).toBe(UNKNOWN);
    expect(out.authenticationToken).toBe(UNKNOWN);
    // A setting the program leaves out is whatever GitLab reports; an identity left out is absent.
    expect(out.locked).toBe(UNKNOWN);
    expect(out).not.toHaveProperty("projectId");
    expect(out).not.toHaveProperty("tokenRotation");
    const link = assignment.previewCreate({ project: "acme/api", runnerId: UNKNOWN });
    expect(link).toEqual({
      project: "acme/api",
      runnerId: UNKNOWN,
      projectId: UNKNOWN,
      projectPath: UNKNOWN,
      preExisting: UNKNOWN,
    });
  });

  const olds = {
    runnerId: 4,
    runnerType: "instance_type",
    isShared: true,
    authenticationToken: "glrt-x",
    tokenExpiresAt: null,
    status: "online",
    description: "a",
    locked: false,
    tokenRotation: "1",
  };

  it("an update keeps the old outputs, takes the changed inputs, and keeps the stables known", async () => {
    const out = await runner.previewUpdate("4", olds, {
      runnerType: "instance_type",
      description: "b",
      tokenRotation: "1",
    });
    expect(out).toMatchObject({
      runnerId: 4,
      authenticationToken: "glrt-x",
      isShared: true,
      description: "b",
      locked: false,
    });
    // What GitLab reports about the runner's life may change with any update.
    expect(out.status).toBe(UNKNOWN);
  });

  it("a rotation leaves the token unknown until the update runs", async () => {
    const out = await runner.previewUpdate("4", olds, { runnerType: "instance_type", tokenRotation: "2" });
    expect(out).toMatchObject({
      runnerId: 4,
      tokenRotation: "2",
      authenticationToken: UNKNOWN,
      tokenExpiresAt: UNKNOWN,
    });
  });

  it("an assignment is never updated in place", async () => {
    await expect(assignment.previewUpdate("1:2", {}, {})).rejects.toThrow(/never updated in place/);
  });
});
