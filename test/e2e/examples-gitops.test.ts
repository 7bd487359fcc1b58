import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { GitlabCiLocalRepo } from "../support/gitlab-ci-local";
import { repoRoot } from "../support/paths";

// examples/gitops: its .gitlab-ci.yml's three jobs run by gitlab-ci-local in shell mode, in a
// git repository holding a copy of the example, against the emulator (GitLab 17.11), with the
// package installed from `npm pack` as users get it. The merge-request preview passes with the
// policy pack and is stopped by it for a violating change, `pulumi up` on the default branch
// creates the runners, and the scheduled drift job passes, then fails with a report naming the
// runner and the fields changed by hand.

const example = join(repoRoot, "examples", "gitops");
const mergeRequest = {
  CI_PIPELINE_SOURCE: "merge_request_event",
  // GitLab sets no CI_COMMIT_BRANCH in merge request pipelines.
  CI_COMMIT_BRANCH: undefined,
  CI_DEFAULT_BRANCH: "main",
  // A protected GITLAB_TOKEN (as the README advises) does not reach merge request pipelines of
  // unprotected branches: the preview needs none.
  GITLAB_TOKEN: undefined,
};
const defaultBranch = { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" };
const schedule = { CI_PIPELINE_SOURCE: "schedule", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" };

/** The example's drift-report.js, a plain CommonJS script. */
const driftReport = createRequire(__filename)(join(example, "drift-report.js")) as {
  report(preview: unknown, previewStatus: number): { text: string; code: number };
};
const RUNNER = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const urn = (type: string, name: string) => `urn:pulumi:prod::gitlab-runners-gitops::${type}::${name}`;

const BUILD = "build-docker Linux Docker builds";
const DEPLOY = "deploy-production Deployments to production";

describe("examples/gitops: the pipeline's jobs under gitlab-ci-local", () => {
  let em: RunningEmulator;
  let repo: GitlabCiLocalRepo;
  /** Every job's output, checked for secrets at the end. */
  const outputs: string[] = [];

  const runner = (description: string) => em.state().runners.find((r) => r.description === description);
  const job = async (name: string, variables: Record<string, string | undefined>) => {
    const result = await repo.job(name, variables);
    outputs.push(result.output);
    return result;
  };

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    repo = await GitlabCiLocalRepo.create({
      sourceDir: example,
      // What a platform team sets in Settings > CI/CD > Variables.
      variables: { GITLAB_BASE_URL: em.url, GITLAB_TOKEN: FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await repo?.cleanup();
    await em?.stop();
  });

  it("drift-report.js: masks secrets, reports replacements, deletions and failed previews", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "GR13x" };
    const drift = driftReport.report(
      {
        steps: [
          {
            op: "replace",
            urn: urn(RUNNER, "legacy"),
            oldState: { id: "7", type: RUNNER, inputs: { registrationToken: "[secret]", description: "a" } },
            newState: { type: RUNNER, inputs: { registrationToken: secret, description: "a" } },
          },
          {
            op: "delete",
            urn: urn(RUNNER, "old"),
            oldState: { id: "8", type: RUNNER, outputs: { runnerId: 8 } },
          },
          {
            op: "create",
            urn: urn(ASSIGNMENT, "share"),
            newState: { type: ASSIGNMENT, inputs: { project: "acme/web", runnerId: 9 } },
          },
        ],
      },
      7,
    );
    expect(drift.code).toBe(1);
    expect(drift.text).toContain(
      "runner legacy (#7): registrationToken: [secret] -> [secret] (replaces the runner)",
    );
    expect(drift.text).toContain("runner old (#8): in the stack but no longer in the program");
    expect(drift.text).toContain("assignment share: runner #9 is not enabled in project acme/web");
    expect(drift.text).not.toContain("GR13x");

    const failed = driftReport.report(
      { diagnostics: [{ severity: "error", message: "401 Unauthorized" }] },
      255,
    );
    expect(failed.code).toBe(255);
    expect(failed.text).toContain("pulumi preview failed (exit 255)");
    expect(failed.text).toContain("401 Unauthorized");
    expect(failed.text).not.toContain("DRIFT");
  });

  it("selects the preview for merge requests, up for the default branch and drift for schedules", async () => {
    expect(await repo.selectedJobs(mergeRequest)).toEqual(["preview"]);
    expect(await repo.selectedJobs(defaultBranch)).toEqual(["up"]);
    expect(await repo.selectedJobs({ ...defaultBranch, CI_COMMIT_BRANCH: "feature" })).toEqual([]);
    expect(await repo.selectedJobs(schedule)).toEqual(["drift"]);
  });

  it("previews a compliant merge request with the policy pack, creating nothing", async () => {
    const before = em.state().runners.length;
    const { code, output } = await job("preview", mergeRequest);
    expect(code, output).toBe(0);
    expect(output).toContain("+ 4 to create");
    expect(output).toContain("gitlab-runner-guardrails");
    expect(output).toContain("PASS  preview");
    // Without the token the preview asks GitLab nothing, and says what it did not check.
    expect(output).toContain(
      "gitlab:onlineChecks is false: this preview did not check the connection to GitLab",
    );
    expect(em.state().runners).toHaveLength(before);
  });

  it("stops a merge request that unlocks the project runner, with the policy's message", async () => {
    await repo.git(["checkout", "-q", "-b", "unlock-deploy"]);
    await repo.edit("index.ts", (text) => text.replace("locked: true", "locked: false"));
    await repo.git(["commit", "-q", "-am", "Unlock the deploy runner"]);
    try {
      const { code, output } = await job("preview", mergeRequest);
      expect(code, output).not.toBe(0);
      expect(output).toContain("FAIL  preview");
      expect(output).toMatch(/\[mandatory\]\s+project-runner-locked/);
      expect(output).toContain("Set locked: true.");
      expect(output).toMatch(/gitlab:Runner: deploy\)/);
    } finally {
      await repo.git(["checkout", "-q", "main"]);
    }
    expect(await readFile(join(repo.dir, "index.ts"), "utf8")).toContain("locked: true");
  });

  it("creates the runners and the assignment with pulumi up on the default branch", async () => {
    const { code, output } = await job("up", defaultBranch);
    expect(code, output).toBe(0);
    expect(output).toContain("+ 4 created");

    const build = runner(BUILD);
    expect(build).toMatchObject({
      runnerType: "group_type",
      groupId: FIXTURE_IDS.groups.acme,
      active: true,
      runUntagged: false,
      accessLevel: "not_protected",
      maximumTimeout: 3600,
    });
    expect([...(build?.tagList ?? [])].sort()).toEqual(["docker", "linux"]);

    const deploy = runner(DEPLOY);
    expect(deploy).toMatchObject({
      runnerType: "project_type",
      locked: true,
      accessLevel: "ref_protected",
      maximumTimeout: 1800,
    });
    // Owned by acme/api, and enabled in acme/web by the assignment.
    expect([...(deploy?.projectIds ?? [])].sort()).toEqual([
      FIXTURE_IDS.projects.api,
      FIXTURE_IDS.projects.web,
    ]);
  });

  it("passes the scheduled drift job when GitLab matches the program", async () => {
    const { code, output } = await job("drift", schedule);
    expect(code, output).toBe(0);
    expect(output).toContain("No drift: 2 runner(s) and 1 assignment(s) match the program.");
    expect(output).toContain("PASS  drift");
  });

  it("fails the scheduled drift job after a change by hand, naming the runner and each field", async () => {
    const build = runner(BUILD);
    expect(build).toBeDefined();
    const id = build?.id ?? 0;
    const res = await fetch(`${em.url}/api/v4/runners/${id}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ paused: true, tag_list: ["docker", "linux", "gpu"] }),
    });
    expect(res.status).toBe(200);

    const { code, output } = await job("drift", schedule);
    expect(code, output).not.toBe(0);
    expect(output).toContain("FAIL  drift");
    expect(output).toContain("DRIFT: 1 resource(s) of this stack differ from GitLab.");
    expect(output).toContain(`runner build (#${id}): paused: false -> true`);
    expect(output).toContain(`runner build (#${id}): tagList: [docker, linux] -> [docker, gpu, linux]`);
    expect(output).not.toMatch(/runner deploy/);
    // The drift job reads GitLab and reports; it changes nothing there.
    expect(runner(BUILD)).toMatchObject({ active: false });
  });

  it("prints no secret in any job's output", () => {
    const secrets = [
      FIXTURE_TOKENS.admin,
      "e2e-passphrase",
      ...em
        .state()
        .runners.filter((r) => r.description === BUILD || r.description === DEPLOY)
        .map((r) => r.token),
    ];
    expect(outputs.length).toBeGreaterThanOrEqual(5);
    for (const output of outputs) {
      for (const secret of secrets) expect(output).not.toContain(secret);
    }
  });
});
