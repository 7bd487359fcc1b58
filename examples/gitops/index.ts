import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// The runners of one GitLab group, as a platform team keeps them in a repository of their own.
// Every change goes through a merge request: the pipeline (.gitlab-ci.yml) previews it with the
// gitlab-runner-guardrails policy pack, `pulumi up` applies it on the default branch, and a
// scheduled job reports what someone changed by hand in GitLab.
//
// GitLab's URL and token come from the pipeline's GITLAB_BASE_URL and GITLAB_TOKEN variables
// (or `gitlab:baseUrl` / `gitlab:token` stack config). The defaults below are the emulator's
// default fixture: group `acme` (id 10) with projects `acme/api` and `acme/web`.
const config = new pulumi.Config("gitops");
const groupId = config.getNumber("groupId") ?? 10;
const deployProject = config.get("deployProject") ?? "acme/api";
const shareDeployWith = config.get("shareDeployWith") ?? "acme/web";

// Every field the program sets is managed: a runner paused, retagged or unprotected by hand in
// GitLab shows up in the scheduled drift report, and the next `pulumi up` sets it back. A field
// left out (say `maintenanceNote`) is GitLab's to keep.

// Builds for every project of the group: tagged jobs only, one hour at most.
const build = new gitlab.Runner("build", {
  runnerType: "group_type",
  groupId,
  description: "build-docker Linux Docker builds",
  tagList: ["docker", "linux"],
  runUntagged: false,
  paused: false,
  accessLevel: "not_protected",
  maximumTimeout: 3600,
});

// Deployments: a project runner, locked to its projects, for protected branches and tags only.
const deploy = new gitlab.Runner("deploy", {
  runnerType: "project_type",
  projectId: deployProject,
  description: "deploy-production Deployments to production",
  tagList: ["deploy", "production"],
  runUntagged: false,
  paused: false,
  locked: true,
  accessLevel: "ref_protected",
  maximumTimeout: 1800,
});

// The deploy runner also serves a second project.
new gitlab.ProjectRunnerAssignment("deploy-web", { project: shareDeployWith, runnerId: deploy.runnerId });

export const buildRunnerId = build.runnerId;
export const deployRunnerId = deploy.runnerId;
// Secret: `pulumi stack output deployRunnerToken --show-secrets` gives it to the runner's host.
export const deployRunnerToken = deploy.authenticationToken;
