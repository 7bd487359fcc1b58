import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// examples/policy with the real CLI, the package installed from `npm pack` and the
// gitlab-runner-guardrails pack run from it (node_modules/pulumi-gitlab-runners/policy), with
// the example's policy-config.json: the compliant stack passes with the registration-token
// advisory as a warning and is deployed; the violating stack is stopped with each policy's
// message, at preview and at up, before anything exists in GitLab.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(repoRoot, "examples", "policy");
const { projects, groups } = FIXTURE_IDS;

/** `tsc -p` on the workspace's copy of the example, with the consumer's TypeScript (async: the emulator serves from this process). */
async function typeCheck(programDir: string): Promise<string> {
  const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
  const { stdout, stderr } = await promisify(execFile)(tsc, ["-p", programDir], { cwd: programDir });
  return stdout + stderr;
}

describe("examples/policy: previews with the gitlab-runner-guardrails pack (GitLab 16.11)", () => {
  let em: RunningEmulator;
  let compliant: PulumiWorkspace;
  let violating: PulumiWorkspace;
  let policy: string[];
  let before: number[];

  const created = () => em.state().runners.filter((r) => !before.includes(r.id));

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "16.11" });
    before = em.state().runners.map((r) => r.id);
    const config = { "gitlab:baseUrl": em.url };
    compliant = await PulumiWorkspace.create({
      programDir: program,
      stack: "compliant",
      config,
      secretConfig: {
        "gitlab:token": FIXTURE_TOKENS.admin,
        "platform:registrationToken": FIXTURE_REGISTRATION_TOKENS.group,
      },
    });
    violating = await PulumiWorkspace.create({
      programDir: program,
      stack: "violating",
      config,
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
    const pack = join(compliant.programDir, "node_modules", "pulumi-gitlab-runners", "policy");
    policy = [
      "--policy-pack",
      pack,
      "--policy-pack-config",
      join(compliant.programDir, "policy-config.json"),
    ];
  });
  afterAll(async () => {
    await compliant?.cleanup();
    await violating?.cleanup();
    await em?.stop();
  });

  it("type-checks as a TypeScript project", async () => {
    expect(await typeCheck(compliant.programDir)).toBe("");
  });

  it("passes the compliant stack, with the registration-token advisory as a warning", async () => {
    const { code, output } = await compliant.preview(policy);
    expect(code).toBe(0);
    expect(output).toMatch(/\+ 5 to create/); // stack, 3 runners, 1 assignment
    expect(output).toMatch(
      /\[advisory\]\s+registration-token-flow\s+\(pulumi-nodejs:dynamic\/gitlab:Runner: legacy-shell\)/,
    );
    expect(output).toContain("Remove registrationToken and create the runner with runnerType instead");
    expect(output).not.toContain("[mandatory]");
    expect(output).not.toContain(FIXTURE_REGISTRATION_TOKENS.group);
    expect(output).toContain("gitlab-runner-guardrails");
    expect(created()).toHaveLength(0);
  });

  it("deploys the compliant stack with the pack", async () => {
    const { output } = await compliant.up(policy);
    expect(output).toMatch(/\+ 5 created/);
    expect(output).toContain("registration-token-flow");
    const ids = (await compliant.outputs()).runnerIds as Record<string, number>;
    const byId = (id: number | undefined) => em.state().runners.find((r) => r.id === id);
    expect(byId(ids.build)).toMatchObject({ runnerType: "group_type", groupId: groups.acme });
    expect(byId(ids.deploy)).toMatchObject({
      runnerType: "project_type",
      locked: true,
      accessLevel: "ref_protected",
      maximumTimeout: 1800,
    });
    expect([...(byId(ids.deploy)?.projectIds ?? [])].sort()).toEqual([projects.api, projects.web]);
    expect(byId(ids["legacy-shell"])).toMatchObject({
      registrationType: "registration_token",
      groupId: groups.acme,
    });
    expect(created()).toHaveLength(3);
  });

  it("previews no changes afterwards", async () => {
    expect((await compliant.preview(["--expect-no-changes", ...policy])).code).toBe(0);
  });

  it("destroys the compliant stack", async () => {
    const { output } = await compliant.destroy();
    expect(output).toMatch(/- 5 deleted/);
    expect(created()).toHaveLength(0);
    expect(await compliant.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });

  it("stops the violating stack at preview with each policy's message", async () => {
    const { code, output } = await violating.preview(policy, { allowFailure: true });
    expect(code).not.toBe(0);
    const flat = output.replace(/\s+/g, " ");
    expect(flat).toContain("[mandatory] project-runner-locked (pulumi-nodejs:dynamic/gitlab:Runner: deploy)");
    expect(flat).toContain("Set locked: true.");
    expect(flat).toContain(
      "[mandatory] deploy-runner-ref-protected (pulumi-nodejs:dynamic/gitlab:Runner: deploy)",
    );
    expect(flat).toContain('Set accessLevel: "ref_protected".');
    expect(flat).toContain("maximumTimeout is 86400 seconds, above the maximum of 10800.");
    expect(flat).toContain(
      "[mandatory] forbidden-project-assignment (pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment: deploy-on-acme-platform-deploy)",
    );
    expect(flat).toContain('project "acme/platform/deploy" matches "^acme/platform/" in projectPatterns');
    // The build runner is the same in both stacks and compliant.
    expect(flat).not.toMatch(/\(pulumi-nodejs:dynamic\/gitlab:Runner: build\)/);
  });

  it("stops the violating stack at up too (its preview), before anything exists in GitLab", async () => {
    const result = await violating.run(["up", "--yes", ...policy], { allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("project-runner-locked");
    expect(created()).toHaveLength(0);
    expect(await violating.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});
