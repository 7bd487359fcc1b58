import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// The registration-token flow (POST /runners), for GitLab 13.12 to 16.x, where a group's or
// project's registration token (Settings > CI/CD > Runners) registers a runner. The token
// decides the runner's scope: a group token gives a group runner, a project token a project
// runner. GitLab 17.0 disabled this flow by default (the server answers 410 Gone).
const config = new pulumi.Config("legacy");

// After an upgrade to GitLab 17, keep the same runner by switching to `legacy:keepRunnerId`
// (its runnerId): the runner is adopted in place, not replaced, and no registration token is
// needed any more.
const keepRunnerId = config.getNumber("keepRunnerId");

const runner = new gitlab.Runner("shell", {
  ...(keepRunnerId === undefined
    ? // A secret in the stack config: `pulumi config set --secret legacy:registrationToken`.
      { registrationToken: config.requireSecret("registrationToken") }
    : { adoptRunnerId: keepRunnerId }),
  description: config.get("description") ?? "legacy-shell Shell runner on the build host",
  tagList: ["shell", "legacy"],
  runUntagged: false,
  // Sent as `active: true` to GitLab 13.x, which has no `paused`.
  paused: false,
  maximumTimeout: 1800,
});

export const runnerId = runner.runnerId;
export const runnerType = runner.runnerType;
export const status = runner.status;
// A secret: the token for the runner's config.toml (`pulumi stack output authenticationToken
// --show-secrets`). GitLab returns it once, at registration; Pulumi keeps it in the state,
// encrypted.
export const authenticationToken = runner.authenticationToken;
