import { describe, expect, it } from "vitest";
import {
  forbiddenProjectAssignment,
  PROJECT_RUNNER_ASSIGNMENT_TYPE,
  RUNNER_TYPE,
} from "../../policy/policies";
import { PLUGIN_TYPES } from "../../policy/resource-types";
import { runResourcePolicy, UNKNOWN_VALUE } from "../support/policy-harness";

const assignment = (project: unknown, name = "build-api") => ({
  type: PROJECT_RUNNER_ASSIGNMENT_TYPE,
  props: { project, runnerId: 17 },
  name,
});
const config = { projectPatterns: ["^secure/", "^acme/prod-"], projectIds: [99] };
const policy = forbiddenProjectAssignment;

describe("forbidden-project-assignment", () => {
  it("forbids nothing by default", async () => {
    const outcome = await runResourcePolicy(policy, assignment("secure/payments"));
    expect(outcome.enforcementLevel).toBe("mandatory");
    expect(outcome.violations).toEqual([]);
  });

  it("passes an assignment to a project no pattern matches", async () => {
    expect((await runResourcePolicy(policy, assignment("acme/api"), config)).violations).toEqual([]);
  });

  it("fails an assignment to a project whose path matches a pattern (case-insensitively)", async () => {
    const outcome = await runResourcePolicy(policy, assignment("Secure/Payments"), config);
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0]?.message).toMatch(
      /project "Secure\/Payments" matches "\^secure\/" in projectPatterns.*Set project to a project that is not forbidden/,
    );
  });

  it("matches numeric project ids against projectIds only, never against path patterns", async () => {
    const byId = await runResourcePolicy(policy, assignment(99), config);
    expect(byId.violations[0]?.message).toMatch(/project 99 is listed in projectIds/);
    const idAsString = await runResourcePolicy(policy, assignment("99"), config);
    expect(idAsString.violations).toHaveLength(1);
    const otherId = await runResourcePolicy(policy, assignment(12), { projectPatterns: [".*"] });
    expect(otherId.violations).toEqual([]);
  });

  it("does not flag a project that is not known yet", async () => {
    expect((await runResourcePolicy(policy, assignment(UNKNOWN_VALUE), config)).violations).toEqual([]);
  });

  it("checks project runners' projectId unless checkProjectRunners is false", async () => {
    const projectRunner = {
      type: RUNNER_TYPE,
      props: { runnerType: "project_type", projectId: "acme/prod-db", locked: true },
      name: "db",
    };
    const flagged = await runResourcePolicy(policy, projectRunner, config);
    expect(flagged.violations[0]?.message).toMatch(/This project runner .*Set projectId/);
    const off = await runResourcePolicy(policy, projectRunner, { ...config, checkProjectRunners: false });
    expect(off.violations).toEqual([]);
    const groupRunner = { type: RUNNER_TYPE, props: { runnerType: "group_type", groupId: 1 } };
    expect((await runResourcePolicy(policy, groupRunner, config)).violations).toEqual([]);
  });

  it("checks each project of a Runner's assignedProjects, with checkProjectRunners off too", async () => {
    const runner = {
      type: RUNNER_TYPE,
      props: {
        runnerType: "project_type",
        projectId: "acme/api",
        assignedProjects: ["acme/web", "secure/vault", 99, UNKNOWN_VALUE],
      },
      name: "shared",
    };
    const flagged = await runResourcePolicy(policy, runner, { ...config, checkProjectRunners: false });
    expect(flagged.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /project "secure\/vault" matches "\^secure\/".*Remove it from this runner's assignedProjects/,
      ),
      expect.stringMatching(/project 99 is listed in projectIds.*assignedProjects/),
    ]);
    const allowed = { ...runner, props: { ...runner.props, assignedProjects: ["acme/web"] } };
    expect((await runResourcePolicy(policy, allowed, config)).violations).toEqual([]);
    // The provider plugin's Runner (gitlab-runners:index:Runner) is judged the same.
    const plugin = { ...runner, type: PLUGIN_TYPES[RUNNER_TYPE] as string };
    const viaPlugin = await runResourcePolicy(policy, plugin, { ...config, checkProjectRunners: false });
    expect(viaPlugin.violations.map((v) => v.message)).toEqual(flagged.violations.map((v) => v.message));
  });

  it("skips exempt assignments and other resource types", async () => {
    const exempt = await runResourcePolicy(policy, assignment("secure/x", "break-glass"), {
      ...config,
      exemptNames: ["break-glass"],
    });
    expect(exempt.violations).toEqual([]);
    const other = await runResourcePolicy(policy, { type: "random:index:RandomId", props: {} }, config);
    expect(other.notApplicable).toMatch(/applies to/);
  });
});
