import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// Which group and projects the demo manages runners for. The defaults are the emulator's
// default fixture (group `acme` and its projects); set them to your own for a real GitLab.
const config = new pulumi.Config("demo");
const group = config.get("group") ?? "acme";
const buildGroupId = config.getNumber("groupId") ?? 10;
const deployProject = config.get("deployProject") ?? `${group}/api`;
const sharedWith = config.get("shareWithProject") ?? `${group}/web`;

// A group runner for ordinary builds: tagged, never picks untagged jobs, one-hour cap.
const build = new gitlab.Runner("build", {
  runnerType: "group_type",
  groupId: buildGroupId,
  description: "build: docker on linux",
  tagList: ["docker", "linux"],
  runUntagged: false,
  maximumTimeout: 3600,
});

// A project runner for deployments: locked to its project, protected refs only.
const deploy = new gitlab.Runner("deploy", {
  runnerType: "project_type",
  projectId: deployProject,
  description: "deploy: production",
  tagList: ["deploy"],
  runUntagged: false,
  locked: true,
  accessLevel: "ref_protected",
  maximumTimeout: 1800,
});

// A project runner for integration tests that also serves a second project. It stays unlocked:
// GitLab lets only an administrator assign a locked runner to another project.
const integration = new gitlab.Runner("integration", {
  runnerType: "project_type",
  projectId: deployProject,
  description: "integration: shared",
  tagList: ["integration"],
  runUntagged: false,
});
new gitlab.ProjectRunnerAssignment("integration-web", {
  project: sharedWith,
  runnerId: integration.runnerId,
});

export const buildRunnerId = build.runnerId;
export const deployRunnerId = deploy.runnerId;
export const integrationRunnerId = integration.runnerId;
export const deployRunnerStatus = deploy.status;
// Secret: `pulumi stack output deployRunnerToken --show-secrets` prints it for runner registration.
export const deployRunnerToken = deploy.authenticationToken;
