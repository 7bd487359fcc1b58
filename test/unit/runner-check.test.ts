import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE as UNKNOWN } from "../../provider/resource/host-values";
import { checkRunnerInputs } from "../../provider/runner/check";

const base = { runnerType: "project_type", projectId: 100 };

describe("Runner check: valid inputs pass unchanged (tags trimmed)", () => {
  it.each([
    ["registration token", { registrationToken: "GR1348941abc" }],
    ["instance runner", { runnerType: "instance_type" }],
    ["group runner by id", { runnerType: "group_type", groupId: 10 }],
    ["group runner by path", { runnerType: "group_type", groupId: "acme" }],
    ["project runner by path", { runnerType: "project_type", projectId: "acme/api" }],
    ["adopt", { adoptRunnerId: 7 }],
    [
      "every field",
      {
        ...base,
        description: "d",
        paused: true,
        locked: false,
        runUntagged: false,
        tagList: ["docker", "linux"],
        accessLevel: "ref_protected",
        maximumTimeout: 600,
        maintenanceNote: "n",
        tokenRotation: "2026-11",
      },
    ],
    ["empty tag list clears", { ...base, tagList: [] }],
    ["empty description clears", { ...base, description: "" }],
  ])("%s", (_name, news) => {
    const result = checkRunnerInputs({ ...news, __provider: "x" });
    expect(result.failures).toEqual([]);
    expect(result.inputs.__provider).toBe("x");
  });

  it("trims tags", () => {
    expect(checkRunnerInputs({ ...base, tagList: [" docker ", "linux"] }).inputs.tagList).toEqual([
      "docker",
      "linux",
    ]);
  });

  it("stores tags as a sorted set, so their order never reads as a change", () => {
    expect(checkRunnerInputs({ ...base, tagList: ["linux", "docker", "arm64"] }).inputs.tagList).toEqual([
      "arm64",
      "docker",
      "linux",
    ]);
  });
});

describe("Runner check: each failure names the property and what is allowed", () => {
  it.each([
    ["no way to exist", {}, "runnerType", /exactly one of registrationToken .* runnerType .* adoptRunnerId/],
    [
      "two ways",
      { registrationToken: "t", runnerType: "instance_type" },
      "runnerType",
      /got registrationToken and runnerType/,
    ],
    ["adopt and register", { registrationToken: "t", adoptRunnerId: 3 }, "adoptRunnerId", /exactly one/],
    [
      "groupId without group_type",
      { runnerType: "project_type", projectId: 1, groupId: 2 },
      "groupId",
      /only allowed with runnerType "group_type", not "project_type"/,
    ],
    [
      "projectId with registration",
      { registrationToken: "t", projectId: 2 },
      "projectId",
      /only allowed with runnerType "project_type"/,
    ],
    ["group_type without groupId", { runnerType: "group_type" }, "groupId", /required/],
    ["project_type without projectId", { runnerType: "project_type" }, "projectId", /required/],
    [
      "unknown runnerType",
      { runnerType: "shared" },
      "runnerType",
      /"instance_type" or "group_type" or "project_type"/,
    ],
    [
      "camelCase runnerType",
      { runnerType: "projectType", projectId: 1 },
      "runnerType",
      /did you mean "project_type"/,
    ],
    [
      "camelCase accessLevel",
      { ...base, accessLevel: "notProtected" },
      "accessLevel",
      /did you mean "not_protected"/,
    ],
    [
      "camelCase refProtected",
      { ...base, accessLevel: "refProtected" },
      "accessLevel",
      /did you mean "ref_protected"/,
    ],
    [
      "bad accessLevel",
      { ...base, accessLevel: "protected" },
      "accessLevel",
      /"not_protected" or "ref_protected"/,
    ],
    ["empty tag", { ...base, tagList: ["a", " "] }, "tagList", /must not be empty/],
    ["comma in tag", { ...base, tagList: ["a,b"] }, "tagList", /must not contain commas/],
    ["duplicate after trim", { ...base, tagList: ["a", " a"] }, "tagList", /more than once/],
    [
      "too many tags",
      { ...base, tagList: Array.from({ length: 51 }, (_, i) => `t${i}`) },
      "tagList",
      /at most 50/,
    ],
    [
      "untagged not allowed without tags",
      { ...base, runUntagged: false, tagList: [] },
      "tagList",
      /at least one tag/,
    ],
    ["timeout too small", { ...base, maximumTimeout: 599 }, "maximumTimeout", /at least 600 seconds/],
    ["timeout not integer", { ...base, maximumTimeout: 600.5 }, "maximumTimeout", /whole number/],
    ["description too long", { ...base, description: "x".repeat(1025) }, "description", /at most 1024/],
    [
      "note too long",
      { ...base, maintenanceNote: "x".repeat(949) },
      "maintenanceNote",
      /at most 948 .*creation mark/,
    ],
    ["paused not boolean", { ...base, paused: "yes" }, "paused", /true or false/],
    ["adoptRunnerId not integer", { adoptRunnerId: 1.5 }, "adoptRunnerId", /positive integer/],
    [
      "projectId zero",
      { runnerType: "project_type", projectId: 0 },
      "projectId",
      /positive integer id or a full path/,
    ],
    ["empty registration token", { registrationToken: "" }, "registrationToken", /must not be empty/],
  ])("%s", (_name, news, property, reason) => {
    const { failures } = checkRunnerInputs(news);
    const failure = failures.find((f) => f.property === property);
    expect(failure, JSON.stringify(failures)).toBeDefined();
    expect(failure?.reason).toMatch(reason);
  });
});

describe("Runner check: values unknown during preview", () => {
  it("does not fail on an unknown projectId or tag list", () => {
    const result = checkRunnerInputs({ runnerType: "project_type", projectId: UNKNOWN, tagList: [UNKNOWN] });
    expect(result.failures).toEqual([]);
    expect(result.inputs.projectId).toBe(UNKNOWN);
  });
  it("counts an unknown registrationToken as the way to exist", () => {
    expect(checkRunnerInputs({ registrationToken: UNKNOWN }).failures).toEqual([]);
    expect(
      checkRunnerInputs({ registrationToken: UNKNOWN, runnerType: "instance_type" }).failures,
    ).not.toEqual([]);
  });
  it("still checks the known fields", () => {
    const { failures } = checkRunnerInputs({ adoptRunnerId: UNKNOWN, maximumTimeout: 10 });
    expect(failures.map((f) => f.property)).toEqual(["maximumTimeout"]);
  });
});

describe("Runner check: mistakes a preview must catch", () => {
  it("refuses an argument the Runner does not have, naming the closest one", () => {
    const { failures } = checkRunnerInputs({ ...base, maximumTimout: 600 });
    expect(failures).toEqual([
      {
        property: "maximumTimout",
        reason: expect.stringMatching(/not an argument.*did you mean "maximumTimeout"\?/),
      },
    ]);
    expect(checkRunnerInputs({ ...base, colour: "red" }).failures[0]?.reason).toMatch(
      /"colour" is not an argument of this resource\. Its arguments are registrationToken, /,
    );
  });

  it("a new runner that may not run untagged jobs needs tags; an existing one is not judged", () => {
    const { failures } = checkRunnerInputs({ ...base, runUntagged: false });
    expect(failures).toEqual([{ property: "tagList", reason: expect.stringMatching(/tagList is needed/) }]);
    expect(
      checkRunnerInputs({ ...base, runUntagged: false }, { ...base, tagList: ["docker"] }).failures,
    ).toEqual([]);
    expect(checkRunnerInputs({ adoptRunnerId: 7, runUntagged: false }).failures).toEqual([]);
  });

  it.each([
    ["a URL", "https://gitlab.example.com/acme/api", /without the host: "acme\/api"/],
    ["a NUL", "acme/a\u0000pi", /has characters GitLab does not allow/],
    ["no namespace", "api", /no namespace/],
    ["a segment starting with -", "acme/-api", /starts with "-"/],
    ["20 000 characters", `acme/${"a".repeat(20_000)}`, /at most 255/],
  ])("projectId: refuses %s by GitLab's path rules, showing an excerpt", (_what, projectId, message) => {
    const { failures } = checkRunnerInputs({ ...base, projectId });
    expect(failures).toHaveLength(1);
    // A value too large for the engine to print beside the failure is named in the reason only.
    expect(failures[0]!.property).toBe(projectId.length > 4096 ? "" : "projectId");
    expect(failures[0]!.reason).toMatch(/^projectId /);
    expect(failures[0]!.reason).toMatch(message);
    expect(failures[0]!.reason.length).toBeLessThan(400);
  });

  it("a 10 MB value is shown as a short excerpt", () => {
    const { failures } = checkRunnerInputs({ ...base, accessLevel: "x".repeat(10_000_000) });
    expect(failures[0]!.reason).toMatch(/\(10000002 characters\)/);
    expect(failures[0]!.reason.length).toBeLessThan(300);
  });
});

describe("Runner check: lengths as GitLab counts them", () => {
  it("counts characters, not UTF-16 units: 600 emoji are 600 characters", () => {
    expect(checkRunnerInputs({ ...base, description: "🚀".repeat(600) }).failures).toEqual([]);
    expect(
      checkRunnerInputs({ ...base, description: "🚀".repeat(1025) }).failures.map((f) => f.property),
    ).toEqual(["description"]);
  });
});
