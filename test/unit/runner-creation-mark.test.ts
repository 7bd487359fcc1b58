import { describe, expect, it } from "vitest";
import type { RunnerDetails, RunnerSummary } from "../../provider/gitlab";
import { originOf, stackOf } from "../../provider/resource/origin";
import { findMarkedRunners } from "../../provider/runner/creation-evidence";
import {
  composeNote,
  MARK_RESERVE,
  MIN_MARK_LENGTH,
  markFor,
  splitNote,
} from "../../provider/runner/creation-mark";
import { MAX_NOTE_LENGTH, MAX_TEXT_LENGTH, NOTE_MARK_RESERVE } from "../../provider/runner/description";

const origin = {
  urn: "urn:pulumi:prod::fleet::pulumi-nodejs:dynamic/gitlab:Runner::build-0",
  organization: "acme",
};

describe("origin (the hidden __origin input)", () => {
  it("reads a well-formed origin and its stack, and nothing else", () => {
    expect(originOf({ __origin: origin })).toEqual(origin);
    expect(stackOf(origin)).toEqual({
      organization: "acme",
      project: "fleet",
      stack: "prod",
      name: "build-0",
    });
    const child = {
      ...origin,
      urn: "urn:pulumi:prod::fleet::my:pool$pulumi-nodejs:dynamic/gitlab:Runner::a::b",
    };
    expect(stackOf(child).name).toBe("a::b");
    for (const bad of [
      undefined,
      "x",
      { urn: "nope", organization: "o" },
      { urn: origin.urn },
      { ...origin, organization: "" },
    ]) {
      expect(originOf({ __origin: bad })).toBeUndefined();
    }
  });
});

describe("creation mark", () => {
  it("is derived from the URN and organization, never the same for another resource or stack", () => {
    const mark = markFor(origin);
    expect(mark.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(mark.label).toBe("acme/fleet/prod build-0");
    expect(markFor(origin)).toEqual(mark);
    expect(markFor({ ...origin, organization: "other" }).hash).not.toBe(mark.hash);
    expect(markFor({ ...origin, urn: origin.urn.replace("prod", "dev") }).hash).not.toBe(mark.hash);
    expect(markFor({ ...origin, urn: `${origin.urn}x` }).hash).not.toBe(mark.hash);
  });

  it("is appended to the program's note and split off again, whatever the note holds", () => {
    const mark = markFor(origin);
    for (const note of [
      undefined,
      "",
      "owned by platform",
      "two\nlines",
      "ends with newline\n",
      "Managed by Pulumi",
    ]) {
      const composed = composeNote(note, mark);
      expect(composed.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      const split = splitNote(composed);
      expect(split.mark).toEqual(mark);
      expect(split.programNote).toBe(note === undefined || note === "" ? null : note.replace(/\n+$/, ""));
    }
    expect(composeNote("note", mark)).toBe(
      `note\n\nManaged by Pulumi (acme/fleet/prod build-0) [pulumi-gitlab-runners ${mark.hash}]`,
    );
  });

  it("fits GitLab's 1024 characters with the longest note a program may set", () => {
    expect(MARK_RESERVE).toBe(NOTE_MARK_RESERVE);
    expect(MAX_NOTE_LENGTH).toBe(MAX_TEXT_LENGTH - 2 - MIN_MARK_LENGTH);
    const mark = markFor({ ...origin, urn: `${origin.urn}${"n".repeat(500)}` });
    for (const length of [0, 100, 900, MAX_NOTE_LENGTH]) {
      const note = "x".repeat(length);
      const composed = composeNote(note, mark);
      expect(composed.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(splitNote(composed).mark?.hash).toBe(mark.hash);
      expect(splitNote(composed).programNote).toBe(length === 0 ? null : note);
    }
  });

  it("a note without a mark is the program's as it is; null stays null", () => {
    expect(splitNote("just a note")).toEqual({ programNote: "just a note" });
    expect(splitNote(null)).toEqual({ programNote: null });
    expect(splitNote("")).toEqual({ programNote: null });
    expect(splitNote("x [pulumi-gitlab-runners 123]").mark).toBeUndefined();
  });
});

/** A fake GitLab for the look-up: listings and details, with a request counter. */
function fakeGitLab(runners: Array<Partial<RunnerDetails> & { id: number; status: string }>) {
  const calls: string[] = [];
  const summary = (r: (typeof runners)[number]) =>
    ({
      id: r.id,
      status: r.status,
      runnerType: r.runnerType ?? "project_type",
      description: "",
    }) as unknown as RunnerSummary;
  const api = {
    calls,
    listProjectRunners: async (project: number) => {
      calls.push(`list project ${project}`);
      return runners.map(summary);
    },
    listGroupRunners: async () => [],
    listRunners: async () => [],
    getRunner: async (id: number) => {
      calls.push(`get ${id}`);
      const r = runners.find((x) => x.id === id);
      return { contactedAt: null, maintenanceNote: null, ...r } as RunnerDetails;
    },
  };
  return api;
}

describe("findMarkedRunners (looking for an earlier attempt's runner)", () => {
  const mark = markFor(origin);
  const other = markFor({ ...origin, urn: origin.urn.replace("build-0", "build-1") });

  it("finds the never-contacted runner carrying the mark; lists the scope once and reads each runner once", async () => {
    const gitlab = fakeGitLab([
      {
        id: 1,
        status: "online",
        maintenanceNote: composeNote(null, mark),
        contactedAt: "2026-01-01T00:00:00Z",
      },
      { id: 2, status: "never_contacted", maintenanceNote: composeNote("n", other) },
      { id: 3, status: "never_contacted", maintenanceNote: composeNote("n", mark) },
      {
        id: 4,
        status: "stale",
        maintenanceNote: composeNote(null, mark),
        contactedAt: "2026-01-01T00:00:00Z",
      },
    ]);
    const scope = { kind: "project", projectId: 100 } as const;
    expect((await findMarkedRunners(gitlab, scope, mark)).map((r) => r.id)).toEqual([3]);
    expect((await findMarkedRunners(gitlab, scope, other)).map((r) => r.id)).toEqual([2]);
    // One listing, and only the runners that may never have contacted GitLab read, once each.
    expect(gitlab.calls).toEqual(["list project 100", "get 2", "get 3", "get 4"]);
    await findMarkedRunners(gitlab, scope, mark, { fresh: true });
    expect(gitlab.calls.filter((c) => c.startsWith("list"))).toHaveLength(2);
    expect(gitlab.calls.filter((c) => c.startsWith("get"))).toHaveLength(3);
  });

  it("does not cache a failed listing", async () => {
    const gitlab = fakeGitLab([]);
    let fail = true;
    const flaky = {
      ...gitlab,
      listProjectRunners: async (p: number) => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error("timeout"), { code: "timeout" });
        }
        return gitlab.listProjectRunners(p);
      },
    };
    const scope = { kind: "project", projectId: 7 } as const;
    await expect(findMarkedRunners(flaky, scope, mark)).rejects.toThrow("timeout");
    expect(await findMarkedRunners(flaky, scope, mark)).toEqual([]);
  });
});
