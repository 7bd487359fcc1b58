import { describe, expect, it } from "vitest";
import { frontDoorText, resources } from "../../plugin/adapter";
import { checkConfig, detailedDiff, typeOf } from "../../plugin/server";
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

describe("detailed diff", () => {
  it("lists changed inputs against the old outputs, tags as a set, and replacements", () => {
    const olds = { description: "a", tagList: ["docker", "linux"], runnerType: "group_type", groupId: 10 };
    const news = { description: "b", tagList: ["linux", "docker"], runnerType: "group_type", groupId: 11 };
    expect(detailedDiff(olds, news, olds, ["groupId"])).toEqual({
      description: KIND.UPDATE,
      groupId: KIND.UPDATE_REPLACE,
    });
  });

  it("counts an unknown value as a change and a new property as an addition", () => {
    expect(detailedDiff({}, { maximumTimeout: 3600, description: UNKNOWN }, {}, [])).toEqual({
      maximumTimeout: KIND.ADD,
      description: KIND.ADD,
    });
  });

  it("does not list a property the program stopped managing, unless it replaces", () => {
    const olds = { description: "a", registrationToken: "t" };
    expect(detailedDiff(olds, {}, olds, [])).toEqual({});
    expect(detailedDiff(olds, { adoptRunnerId: 4 }, olds, ["adoptRunnerId", "registrationToken"])).toEqual({
      adoptRunnerId: KIND.ADD_REPLACE,
      registrationToken: KIND.DELETE_REPLACE,
    });
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

  it("rewrites the implementation's gitlab: keys into the plugin's", () => {
    expect(frontDoorText("gitlab:baseUrl is not set. Set it with `pulumi config set gitlab:baseUrl …`")).toBe(
      "gitlab-runners:baseUrl is not set. Set it with `pulumi config set gitlab-runners:baseUrl …`",
    );
    expect(frontDoorText("see gitlab:Runner docs")).toBe("see gitlab:Runner docs");
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

  it("knows a new runner's given settings and leaves the rest unknown", () => {
    const out = runner.previewCreate({ runnerType: "group_type", groupId: "acme", tagList: ["b", "a"] });
    expect(out.tagList).toEqual(["a", "b"]);
    expect(out.runnerType).toBe("group_type");
    expect(out.runnerId).toBe(UNKNOWN);
    expect(out.authenticationToken).toBe(UNKNOWN);
  });

  it("keeps the token through an update unless tokenRotation changes", () => {
    const olds = { runnerId: 4, authenticationToken: "glrt-x", description: "a", tokenRotation: "1" };
    expect(runner.previewUpdate?.(olds, { description: "b", tokenRotation: "1" })).toMatchObject({
      runnerId: 4,
      authenticationToken: "glrt-x",
      description: "b",
    });
    expect(runner.previewUpdate?.(olds, { tokenRotation: "2" })).toMatchObject({
      authenticationToken: UNKNOWN,
    });
    expect(runner.stables(olds, { tokenRotation: "1" })).toContain("authenticationToken");
    expect(runner.stables(olds, { tokenRotation: "2" })).not.toContain("authenticationToken");
  });
});
