import { describe, expect, it } from "vitest";
import { STAND_IN_ORGANIZATION, stackArgument } from "../../provider/stack-cli";
import {
  creationHistory,
  lastUpdateFailed,
  mayHaveBeenCreated,
  pendingCreations,
} from "../../provider/stack-state";

const URN = "urn:pulumi:prod::fleet::pulumi-nodejs:dynamic/gitlab:Runner::build";
const OTHER = "urn:pulumi:prod::fleet::pulumi-nodejs:dynamic/gitlab:Runner::deploy";

describe("pendingCreations", () => {
  it("keeps the URNs of pending creations only", () => {
    const exported = {
      version: 3,
      deployment: {
        resources: [{ urn: OTHER }],
        pending_operations: [
          { resource: { urn: URN }, type: "creating" },
          { resource: { urn: OTHER }, type: "updating" },
          { resource: { urn: OTHER }, type: "deleting" },
          { resource: {}, type: "creating" },
          null,
        ],
      },
    };
    expect([...pendingCreations(exported)]).toEqual([URN]);
  });

  it("is empty for a stack with no deployment or no pending operations", () => {
    expect(pendingCreations({ version: 3, deployment: {} }).size).toBe(0);
    expect(pendingCreations({ version: 3 }).size).toBe(0);
    expect(pendingCreations(null).size).toBe(0);
  });
});

describe("mayHaveBeenCreated", () => {
  const origin = { urn: URN, organization: "acme" };
  it("is true for a resource with a pending creation, and says why", () => {
    expect(
      mayHaveBeenCreated({ known: true, pending: new Set([URN]), lastUpdateFailed: false }, origin),
    ).toEqual({
      may: true,
      why: expect.stringMatching(/unfinished creation of this resource/),
    });
  });
  it("is false when the state holds none for it", () => {
    expect(
      mayHaveBeenCreated({ known: true, pending: new Set([OTHER]), lastUpdateFailed: false }, origin),
    ).toEqual({ may: false });
  });
  it("is true for every resource after a failed up (a creation it could not confirm leaves no pending one)", () => {
    expect(mayHaveBeenCreated({ known: true, pending: new Set(), lastUpdateFailed: true }, origin)).toEqual({
      may: true,
      why: expect.stringMatching(/last pulumi up failed/),
    });
  });
  it("is true, with the reason, when nothing is known", () => {
    expect(mayHaveBeenCreated({ known: false, reason: "no CLI" }, origin)).toEqual({
      may: true,
      why: expect.stringMatching(/cannot say which creations .*\(no CLI\)/),
    });
  });
});

describe("creationHistory", () => {
  it("knows nothing when PULUMI_SKIP_CHECKPOINTS is set, without running the CLI", async () => {
    const history = await creationHistory(
      { urn: "urn:pulumi:skip::p::t::n", organization: "acme" },
      { PULUMI_SKIP_CHECKPOINTS: "true", PATH: "" },
    );
    expect(history).toEqual({ known: false, reason: expect.stringMatching(/PULUMI_SKIP_CHECKPOINTS/) });
  });

  it("knows nothing when the CLI cannot be run, and says so without any configuration value", async () => {
    const history = await creationHistory(
      { urn: "urn:pulumi:nocli::p::t::n", organization: "acme" },
      { PATH: "/nonexistent" },
    );
    expect(history).toMatchObject({
      known: false,
      reason: "pulumi stack export --stack acme/p/nocli ended with ENOENT",
    });
  });
});

describe("stackArgument", () => {
  it("qualifies a stack whose organization is known", () => {
    expect(stackArgument({ urn: URN, organization: "acme" })).toBe("acme/fleet/prod");
  });
  it("gives the bare name where the organization is the stand-in (the plugin, a DIY backend)", () => {
    expect(stackArgument({ urn: URN, organization: STAND_IN_ORGANIZATION })).toBe("prod");
  });
});

describe("lastUpdateFailed", () => {
  const update = (result: string) => ({ kind: "update", result });
  it("reads the newest finished update, skipping refreshes and this run's own in-progress entry", () => {
    expect(
      lastUpdateFailed([update("in-progress"), { kind: "refresh", result: "succeeded" }, update("failed")]),
    ).toBe(true);
    expect(lastUpdateFailed([update("succeeded"), update("failed")])).toBe(false);
    expect(lastUpdateFailed([{ kind: "destroy", result: "failed" }, update("succeeded")])).toBe(false);
  });
  it("is false for a stack that never ran, undefined when no update is on the page or the answer is not a list", () => {
    expect(lastUpdateFailed([])).toBe(false);
    expect(lastUpdateFailed([{ kind: "refresh", result: "succeeded" }])).toBeUndefined();
    expect(lastUpdateFailed({})).toBeUndefined();
  });
});
