import { describe, expect, it } from "vitest";
import type { RunnerDetails } from "../../provider/gitlab";
import { buildOutputs, impliedInputs } from "../../provider/runner/outputs";
import { type CreationRequest, matchesRequest } from "../../provider/runner/reconcile";

const details: RunnerDetails = {
  id: 7,
  description: "build",
  paused: false,
  active: true,
  isShared: false,
  runnerType: "project_type",
  name: null,
  online: null,
  status: "never_contacted",
  ipAddress: null,
  createdAt: "2026-11-25T12:00:00.000Z",
  jobExecutionStatus: null,
  tagList: ["linux", "docker"],
  runUntagged: true,
  locked: false,
  accessLevel: "not_protected",
  maximumTimeout: null,
  maintenanceNote: null,
  contactedAt: null,
  version: null,
  revision: null,
  platform: null,
  architecture: null,
  projects: [{ id: 100, pathWithNamespace: "acme/api" }],
  groups: [],
};

describe("Runner outputs", () => {
  it("keeps the token, sorts tags and records how the runner came to exist", () => {
    const outs = buildOutputs(details, {
      inputs: { runnerType: "project_type", projectId: "acme/api", tokenRotation: "1" },
      token: { token: "glrt-t", tokenExpiresAt: null },
    });
    expect(outs).toMatchObject({
      runnerId: 7,
      authenticationToken: "glrt-t",
      tagList: ["docker", "linux"],
      projectId: "acme/api",
      tokenRotation: "1",
    });
    expect(outs).not.toHaveProperty("registrationToken");
  });

  it.each([
    ["a hidden note keeps the value we set", null, { inputs: { maintenanceNote: "mine" } }, "mine"],
    [
      "a hidden note keeps the previous output on read",
      null,
      { previous: { maintenanceNote: "old" } },
      "old",
    ],
    ["a visible note wins", "live", { previous: { maintenanceNote: "old" } }, "live"],
    ["no note at all is null", null, {}, null],
  ])("%s", (_name, live, ctx, expected) => {
    expect(buildOutputs({ ...details, maintenanceNote: live }, ctx).maintenanceNote).toBe(expected);
  });

  it("keeps the previous projects when a PUT answer omits them (newest GitLab)", () => {
    const { projects: _p, ...noProjects } = details;
    const outs = buildOutputs(noProjects, { previous: { projects: [{ id: 1, pathWithNamespace: "a/b" }] } });
    expect(outs.projects).toEqual([{ id: 1, pathWithNamespace: "a/b" }]);
  });

  it("read keeps the token and creation inputs from the previous state", () => {
    const outs = buildOutputs(details, {
      previous: { authenticationToken: "glrt-old", registrationToken: "GR1", tokenRotation: "x" },
    });
    expect(outs).toMatchObject({
      authenticationToken: "glrt-old",
      registrationToken: "GR1",
      tokenRotation: "x",
    });
    const inputs = impliedInputs(outs);
    expect(inputs).toMatchObject({ registrationToken: "GR1", tokenRotation: "x", description: "build" });
    expect(inputs).not.toHaveProperty("runnerType");
    expect(inputs).not.toHaveProperty("authenticationToken");
    expect(inputs).not.toHaveProperty("maximumTimeout");
  });

  it("implied inputs of a created runner name its runnerType and the settings the program gives", () => {
    const inputs = impliedInputs(
      buildOutputs(details, { inputs: { runnerType: "project_type", projectId: 100, tagList: ["docker"] } }),
    );
    expect(inputs).toMatchObject({
      runnerType: "project_type",
      projectId: 100,
      tagList: ["docker", "linux"],
    });
  });

  it("a setting the program leaves out is not implied: GitLab's value of it is no difference", () => {
    const outs = buildOutputs(details, {
      inputs: { runnerType: "project_type", projectId: 100, locked: false },
    });
    expect(outs.managedSettings).toEqual(["locked"]);
    // A refresh keeps the program's choice of settings.
    const refreshed = buildOutputs({ ...details, paused: true }, { previous: outs });
    expect(refreshed.managedSettings).toEqual(["locked"]);
    const inputs = impliedInputs(refreshed);
    expect(inputs).toEqual({ runnerType: "project_type", projectId: 100, locked: false });
  });

  it("state written before managedSettings existed implies every setting, as it did", () => {
    const { managedSettings: _none, ...old } = buildOutputs(details, {
      inputs: { runnerType: "project_type" },
    });
    expect(impliedInputs(old)).toMatchObject({ tagList: ["docker", "linux"], paused: false, locked: false });
  });
});

describe("reconciling a lost creation answer: which runner matches the request", () => {
  const req: CreationRequest = {
    runnerType: "project_type",
    projectId: 100,
    fields: { description: "build", tagList: ["docker", "linux"] },
    startedAt: Date.parse("2026-11-25T12:00:00.000Z"),
  };
  it.each([
    ["the runner the request would create", {}, true],
    ["tags in another order", { tagList: ["linux", "docker"] }, true],
    ["a hidden note matches", { maintenanceNote: null }, true],
    ["another description", { description: "other" }, false],
    ["other tags", { tagList: ["docker"] }, false],
    ["another type", { runnerType: "group_type" as const }, false],
    ["already contacted by a runner process", { contactedAt: "2026-11-25T12:00:01.000Z" }, false],
    ["created long before the request", { createdAt: "2026-11-25T11:00:00.000Z" }, false],
    ["no created_at (older GitLab)", { createdAt: null }, true],
    ["another project", { projects: [{ id: 101, pathWithNamespace: "acme/web" }] }, false],
  ])("%s", (_name, change, expected) => {
    expect(matchesRequest({ ...details, ...change }, req)).toBe(expected);
  });
  it("checks every field that was sent", () => {
    expect(matchesRequest(details, { ...req, fields: { ...req.fields, paused: true } })).toBe(false);
    expect(matchesRequest(details, { ...req, fields: { ...req.fields, maximumTimeout: 600 } })).toBe(false);
    expect(
      matchesRequest(
        { ...details, maintenanceNote: "x" },
        { ...req, fields: { ...req.fields, maintenanceNote: "y" } },
      ),
    ).toBe(false);
  });
});
