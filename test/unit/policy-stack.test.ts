import { describe, expect, it } from "vitest";
import { PROJECT_RUNNER_ASSIGNMENT_TYPE, RUNNER_TYPE, uniqueRunnerDescriptions } from "../../policy/policies";
import { runStackPolicy, UNKNOWN_VALUE } from "../support/policy-harness";

const runner = (name: string, description?: unknown) => ({
  type: RUNNER_TYPE,
  name,
  props: {
    runnerType: "group_type",
    groupId: 1,
    runnerId: 10,
    ...(description === undefined ? {} : { description }),
  },
});
const policy = uniqueRunnerDescriptions;

describe("unique-runner-descriptions", () => {
  it("passes runners with distinct descriptions", async () => {
    const outcome = await runStackPolicy(policy, [
      runner("a", "build-docker"),
      runner("b", "build-k8s"),
      { type: PROJECT_RUNNER_ASSIGNMENT_TYPE, name: "x", props: { project: "acme/api", runnerId: 10 } },
    ]);
    expect(outcome.violations).toEqual([]);
  });

  it("fails two runners with the same description, on the second one's URN, naming both", async () => {
    const outcome = await runStackPolicy(policy, [
      runner("a", "build-docker"),
      runner("b", "build-k8s"),
      runner("c", "build-docker"),
    ]);
    expect(outcome.enforcementLevel).toBe("mandatory");
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0]?.urn).toMatch(/::c$/);
    expect(outcome.violations[0]?.message).toMatch(
      /Runners "a", "c" share the description "build-docker".*description: "build-docker 2" on "c"/,
    );
  });

  it("reports each extra duplicate once", async () => {
    const outcome = await runStackPolicy(policy, [runner("a", "x"), runner("b", "x"), runner("c", "x")]);
    expect(outcome.violations.map((v) => v.urn?.split("::").at(-1))).toEqual(["b", "c"]);
  });

  it("ignores case and surrounding spaces unless ignoreCase is false", async () => {
    const resources = [runner("a", "Build-Docker"), runner("b", " build-docker ")];
    expect((await runStackPolicy(policy, resources)).violations).toHaveLength(1);
    expect((await runStackPolicy(policy, resources, { ignoreCase: false })).violations).toEqual([]);
  });

  it("leaves out runners without a description, unknown descriptions and exempt runners", async () => {
    const outcome = await runStackPolicy(
      policy,
      [
        runner("a"),
        runner("b", ""),
        runner("c", UNKNOWN_VALUE),
        runner("d", UNKNOWN_VALUE),
        runner("e", "x"),
        runner("f", "x"),
      ],
      { exemptNames: ["f"] },
    );
    expect(outcome.violations).toEqual([]);
  });

  it("is not applicable to stacks without runners", async () => {
    const outcome = await runStackPolicy(policy, [
      { type: PROJECT_RUNNER_ASSIGNMENT_TYPE, props: { project: 1, runnerId: 2 } },
    ]);
    expect(outcome.notApplicable).toMatch(/applies to stacks with/);
  });
});
