import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// One group runner for Docker builds. The GitLab URL and token come from the stack config
// (`gitlab:baseUrl`, `gitlab:token`) or the environment (GITLAB_BASE_URL, GITLAB_TOKEN); the
// token needs the Owner role on the group (scope `create_runner` or `api`).
const config = new pulumi.Config("basic");

const runner = new gitlab.Runner("docker", {
  runnerType: "group_type",
  // The group's full path or numeric id.
  groupId: config.require("group"),
  description: config.get("description") ?? "docker-builds Linux Docker builds",
  tagList: ["docker", "linux"],
  // Only jobs that ask for `docker` or `linux` run here.
  runUntagged: false,
  maximumTimeout: 3600,
});

export const runnerId = runner.runnerId;
export const status = runner.status;
export const tags = runner.tagList;
// A secret: `pulumi stack output authenticationToken --show-secrets` prints it for
// `gitlab-runner register --token …` on the machine that runs the jobs.
export const authenticationToken = runner.authenticationToken;
