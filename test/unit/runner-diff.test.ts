import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE as UNKNOWN } from "../../provider/resource/host-values";
import { diffRunner } from "../../provider/runner/diff";
import type { RunnerOutputs } from "../../provider/runner/outputs";

/** Old outputs of a project runner created with runnerType. */
const created: RunnerOutputs = {
  runnerId: 5,
  authenticationToken: "glrt-x",
  tokenExpiresAt: null,
  runnerType: "project_type",
  isShared: false,
  status: "never_contacted",
  online: null,
  contactedAt: null,
  projects: [{ id: 100, pathWithNamespace: "acme/api" }],
  groups: [],
  description: "build",
  paused: false,
  locked: true,
  runUntagged: true,
  tagList: ["docker", "linux"],
  accessLevel: "not_protected",
  maximumTimeout: 3600,
  maintenanceNote: "note",
  projectId: 100,
};
const createdInputs = {
  runnerType: "project_type",
  projectId: 100,
  description: "build",
  locked: true,
  tagList: ["linux", "docker"],
  maximumTimeout: 3600,
  maintenanceNote: "note",
};

const { projectId: _p, ...noProject } = created;
const registered: RunnerOutputs = { ...noProject, registrationToken: "GR1" };
const adopted: RunnerOutputs = { ...noProject, adoptRunnerId: 5 };

type Row = [
  string,
  RunnerOutputs,
  Record<string, unknown>,
  { changes: boolean; replaces?: string[]; fields?: string[]; rotate?: boolean },
];

const rows: Row[] = [
  ["same program: no changes (tags in another order)", created, createdInputs, { changes: false }],
  [
    "unset fields are not managed",
    created,
    { runnerType: "project_type", projectId: 100 },
    { changes: false },
  ],
  [
    "description changed: update",
    created,
    { ...createdInputs, description: "other" },
    { changes: true, fields: ["description"] },
  ],
  [
    "description cleared: update",
    created,
    { ...createdInputs, description: "" },
    { changes: true, fields: ["description"] },
  ],
  [
    "tag added: update",
    created,
    { ...createdInputs, tagList: ["docker", "linux", "arm"] },
    { changes: true, fields: ["tagList"] },
  ],
  [
    "tags cleared: update",
    created,
    { ...createdInputs, tagList: [] },
    { changes: true, fields: ["tagList"] },
  ],
  ["paused: update", created, { ...createdInputs, paused: true }, { changes: true, fields: ["paused"] }],
  [
    "accessLevel: update",
    created,
    { ...createdInputs, accessLevel: "ref_protected" },
    { changes: true, fields: ["accessLevel"] },
  ],
  [
    "maximumTimeout: update",
    created,
    { ...createdInputs, maximumTimeout: 7200 },
    { changes: true, fields: ["maximumTimeout"] },
  ],
  [
    "hidden note (null) is no difference",
    { ...created, maintenanceNote: null },
    { ...createdInputs, maintenanceNote: "" },
    { changes: false },
  ],
  [
    "out-of-band change recorded by refresh: update restores",
    { ...created, locked: false },
    createdInputs,
    { changes: true, fields: ["locked"] },
  ],
  [
    "tokenRotation set: update with rotation",
    created,
    { ...createdInputs, tokenRotation: "1" },
    { changes: true, rotate: true, fields: [] },
  ],
  [
    "tokenRotation same: nothing",
    { ...created, tokenRotation: "1" },
    { ...createdInputs, tokenRotation: "1" },
    { changes: false },
  ],
  [
    "tokenRotation changed: rotation, no replace",
    { ...created, tokenRotation: "1" },
    { ...createdInputs, tokenRotation: "2" },
    { changes: true, rotate: true, replaces: [] },
  ],
  [
    "tokenRotation dropped: recorded, no rotation",
    { ...created, tokenRotation: "1" },
    createdInputs,
    { changes: true, rotate: false },
  ],
  [
    "projectId changed: replace",
    created,
    { ...createdInputs, projectId: 101 },
    { changes: true, replaces: ["projectId"] },
  ],
  [
    "projectId unknown: replace",
    created,
    { ...createdInputs, projectId: UNKNOWN },
    { changes: true, replaces: ["projectId"] },
  ],
  [
    "runnerType changed: replace",
    created,
    { runnerType: "instance_type" },
    { changes: true, replaces: ["runnerType", "projectId"] },
  ],
  [
    "registration → runnerType: replace",
    registered,
    { runnerType: "project_type", projectId: 100 },
    { changes: true, replaces: ["runnerType"] },
  ],
  [
    "registration token same: nothing",
    registered,
    { registrationToken: "GR1", description: "build" },
    { changes: false },
  ],
  [
    "registration token changed: replace",
    registered,
    { registrationToken: "GR2" },
    { changes: true, replaces: ["registrationToken"] },
  ],
  [
    "registration token unknown: replace",
    registered,
    { registrationToken: UNKNOWN },
    { changes: true, replaces: ["registrationToken"] },
  ],
  [
    "runnerType → registration: replace",
    created,
    { registrationToken: "GR1" },
    { changes: true, replaces: ["registrationToken"] },
  ],
  ["adopted, same id: nothing", adopted, { adoptRunnerId: 5 }, { changes: false }],
  [
    "adopted, other id: replace",
    adopted,
    { adoptRunnerId: 6 },
    { changes: true, replaces: ["adoptRunnerId"] },
  ],
  [
    "registered runner now adopted by its own id: no replace",
    registered,
    { adoptRunnerId: 5 },
    { changes: true, replaces: [] },
  ],
  [
    "created runner now adopted by another id: replace",
    created,
    { adoptRunnerId: 9 },
    { changes: true, replaces: ["adoptRunnerId"] },
  ],
  [
    "unknown description: update",
    created,
    { ...createdInputs, description: UNKNOWN },
    { changes: true, fields: ["description"] },
  ],
];

describe("Runner diff", () => {
  it.each(rows)("%s", (_name, olds, news, expected) => {
    const d = diffRunner("5", olds as unknown as Record<string, unknown>, news);
    expect(d.changes).toBe(expected.changes);
    expect(d.replaces).toEqual(expected.replaces ?? []);
    if (expected.fields) expect(d.fields).toEqual(expected.fields);
    if (expected.rotate !== undefined) expect(d.rotate).toBe(expected.rotate);
    // Always delete-first: the creation mark of the replacement is the old runner's too.
    expect(d.deleteBeforeReplace).toBe(true);
  });
});

describe("Runner diff: what stays and what changes, for the plan", () => {
  it("an update in place keeps the runner's id, type, links and token stable, and names each change", () => {
    const d = diffRunner("5", created as unknown as Record<string, unknown>, {
      ...createdInputs,
      tagList: ["docker", "gpu"],
      paused: true,
    });
    expect(d.replaces).toEqual([]);
    expect(d.stables).toEqual(
      expect.arrayContaining(["runnerId", "runnerType", "projects", "authenticationToken", "tokenExpiresAt"]),
    );
    expect(d.detailedDiff).toEqual({ paused: "update", tagList: "update" });
  });

  it("a rotation changes the token, so the token is not stable", () => {
    const d = diffRunner("5", created as unknown as Record<string, unknown>, {
      ...createdInputs,
      tokenRotation: "2",
    });
    expect(d.stables).toContain("runnerId");
    expect(d.stables).not.toContain("authenticationToken");
    expect(d.stables).not.toContain("tokenExpiresAt");
    expect(d.detailedDiff).toEqual({ tokenRotation: "add" });
  });

  it("a replacement keeps nothing stable", () => {
    const d = diffRunner("5", created as unknown as Record<string, unknown>, {
      ...createdInputs,
      projectId: 101,
    });
    expect(d.replaces).toEqual(["projectId"]);
    expect(d.stables).toEqual([]);
    expect(d.detailedDiff).toEqual({ projectId: "update-replace" });
  });
});
