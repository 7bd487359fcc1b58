import { describe, expect, it } from "vitest";
import {
  type CreationRequest,
  findCreatedRunners,
  LookupIncomplete,
  listedAsOurs,
  type ReconcileClient,
} from "../../provider/runner/reconcile";

const timeout = Object.assign(new Error("did not complete within the deadline"), { code: "timeout" });
const forbidden = Object.assign(new Error("403 Forbidden"), { code: "forbidden" });

const req: CreationRequest = {
  runnerType: "project_type",
  projectId: 100,
  fields: { description: "build", tagList: ["docker"] },
  startedAt: Date.now(),
};

const ours = {
  id: 9,
  description: "build",
  runnerType: "project_type",
  contactedAt: null,
  createdAt: new Date().toISOString(),
  tagList: ["docker"],
  projects: [{ id: 100, pathWithNamespace: "acme/api" }],
  groups: [],
};

/** A fake transport whose listing answers with the given sequence (an Error is thrown). */
function api(listing: Array<Error | "ok">) {
  let lists = 0;
  const fake = {
    lists: () => lists,
    listProjectRunners: async () => {
      const next = listing[lists++];
      if (next instanceof Error) throw next;
      return [{ id: 9, description: "build", runnerType: "project_type" }];
    },
    getRunner: async () => ours,
  };
  return fake as unknown as ReconcileClient & { lists(): number };
}

describe("findCreatedRunners (reconciling a creation whose answer was lost)", () => {
  it("looks again when the look-up fails for a transient reason", async () => {
    const fake = api([timeout, "ok"]);
    const found = await findCreatedRunners(fake, req, 1);
    expect(found.map((r) => r.id)).toEqual([9]);
    expect(fake.lists()).toBe(2);
  });

  it("stops after three rounds and says nothing was posted again", async () => {
    const fake = api([timeout, timeout, timeout, "ok"]);
    await expect(findCreatedRunners(fake, req, 1)).rejects.toThrow(/Nothing was posted again/);
    expect(fake.lists()).toBe(3);
  });

  it("does not look again after a refusal that will not change", async () => {
    const fake = api([forbidden, "ok"]);
    await expect(findCreatedRunners(fake, req, 1)).rejects.toThrow(/listing runners failed/);
    expect(fake.lists()).toBe(1);
  });

  it("reports what the listing showed when the candidates' details cannot be read", async () => {
    const fake = {
      listProjectRunners: async () => [
        {
          id: 9,
          description: "build",
          runnerType: "project_type",
          status: "never_contacted",
          createdAt: null,
        },
      ],
      getRunner: async () => {
        throw Object.assign(new Error("502"), { code: "server_error" });
      },
    } as unknown as ReconcileClient;
    const error = await findCreatedRunners(fake, req, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LookupIncomplete);
    expect((error as LookupIncomplete).unread.map((r) => r.id)).toEqual([9]);
    expect((error as Error).message).toMatch(/Nothing was posted again/);
  });

  it("takes a listed runner as ours only when it never contacted GitLab and is not older than the POST", () => {
    const item = (status: string, createdAt: string | null) =>
      ({ id: 9, description: "build", status, createdAt }) as Parameters<typeof listedAsOurs>[0];
    expect(listedAsOurs(item("never_contacted", null), req)).toBe(true);
    expect(listedAsOurs(item("not_connected", new Date().toISOString()), req)).toBe(true);
    expect(listedAsOurs(item("online", null), req)).toBe(false);
    expect(listedAsOurs(item("never_contacted", "2020-01-01T00:00:00.000Z"), req)).toBe(false);
  });
});
