import type { Fixture } from "./types";

/**
 * The small default world of the emulator (docs/emulator.md "Default fixture"): group `acme`
 * with subgroup `acme/platform`, three projects, one user per role and a few runners.
 */

/** Personal access tokens of the default fixture, one per role or scope. */
export const FIXTURE_TOKENS = {
  /** root, admin, scope api. */
  admin: "glpat-emuRootAdminApi00001",
  /** Owner of group acme. */
  owner: "glpat-emuAcmeOwnerApi0002",
  /** Maintainer of acme/api and acme/web. */
  maintainer: "glpat-emuMaintainerApi003",
  /** Developer of acme/api. */
  developer: "glpat-emuDeveloperApi0004",
  /** Reporter of acme/api. */
  reporter: "glpat-emuReporterApi00005",
  /** Guest of acme/api. */
  guest: "glpat-emuGuestApi00000006",
  /** root with only read_api. */
  readApi: "glpat-emuRootReadApi00007",
  /** root with only create_runner. */
  createRunner: "glpat-emuRootCreateRun008",
  /** root with only manage_runner. */
  manageRunner: "glpat-emuRootManageRun009",
  /** root, scope api, expired. */
  expired: "glpat-emuRootExpired00010",
  /** root, scope api, revoked. */
  revoked: "glpat-emuRootRevoked00011",
} as const;

/** Runner registration tokens (`GR1348941` prefix like GitLab's). */
export const FIXTURE_REGISTRATION_TOKENS = {
  instance: "GR1348941emuInstanceRegTok001",
  /** Group acme. */
  group: "GR1348941emuGroupAcmeRegTok02",
  /** Project acme/api. */
  project: "GR1348941emuProjectApiRegTk03",
} as const;

/** Authentication tokens of the pre-existing runners. */
export const FIXTURE_RUNNER_TOKENS = {
  instance: "glrt-emuInstanceRunner001",
  group: "glrt-emuGroupRunnerAcme02",
  project: "glrt-emuProjectRunnerApi3",
} as const;

export const FIXTURE_IDS = {
  groups: { acme: 10, platform: 11 },
  projects: { api: 100, web: 101, deploy: 102 },
  users: { root: 1, owner: 2, maintainer: 3, developer: 4, reporter: 5, guest: 6 },
  runners: { instance: 1, group: 2, project: 3 },
} as const;

/** A fresh copy of the default fixture; runner contact times are relative to now. */
export function defaultFixture(): Fixture {
  const now = Date.now();
  const ago = (ms: number): string => new Date(now - ms).toISOString();
  const minutes = 60_000;
  const days = 86_400_000;
  const { users, groups, projects } = FIXTURE_IDS;
  return {
    instanceRegistrationToken: FIXTURE_REGISTRATION_TOKENS.instance,
    users: [
      {
        id: users.root,
        username: "root",
        name: "Administrator",
        admin: true,
        tokens: [
          { token: FIXTURE_TOKENS.admin, name: "admin-api", scopes: ["api"] },
          { token: FIXTURE_TOKENS.readApi, name: "admin-read-api", scopes: ["read_api"] },
          { token: FIXTURE_TOKENS.createRunner, name: "admin-create-runner", scopes: ["create_runner"] },
          { token: FIXTURE_TOKENS.manageRunner, name: "admin-manage-runner", scopes: ["manage_runner"] },
          {
            token: FIXTURE_TOKENS.expired,
            name: "admin-expired",
            scopes: ["api"],
            expiresAt: "2024-01-01T00:00:00.000Z",
          },
          { token: FIXTURE_TOKENS.revoked, name: "admin-revoked", scopes: ["api"], revoked: true },
        ],
      },
      {
        id: users.owner,
        username: "olivia.owner",
        name: "Olivia Owner",
        tokens: [{ token: FIXTURE_TOKENS.owner, name: "owner-api", scopes: ["api"] }],
      },
      {
        id: users.maintainer,
        username: "max.maintainer",
        name: "Max Maintainer",
        tokens: [{ token: FIXTURE_TOKENS.maintainer, name: "maintainer-api", scopes: ["api"] }],
      },
      {
        id: users.developer,
        username: "dana.developer",
        name: "Dana Developer",
        tokens: [{ token: FIXTURE_TOKENS.developer, name: "developer-api", scopes: ["api"] }],
      },
      {
        id: users.reporter,
        username: "rita.reporter",
        name: "Rita Reporter",
        tokens: [{ token: FIXTURE_TOKENS.reporter, name: "reporter-api", scopes: ["api"] }],
      },
      {
        id: users.guest,
        username: "gus.guest",
        name: "Gus Guest",
        tokens: [{ token: FIXTURE_TOKENS.guest, name: "guest-api", scopes: ["api"] }],
      },
    ],
    groups: [
      {
        id: groups.acme,
        path: "acme",
        name: "Acme",
        members: [{ userId: users.owner, role: "owner" }],
        runnersToken: FIXTURE_REGISTRATION_TOKENS.group,
      },
      { id: groups.platform, path: "platform", name: "Platform", parentId: groups.acme },
    ],
    projects: [
      {
        id: projects.api,
        path: "api",
        name: "api",
        namespaceId: groups.acme,
        description: "Acme public API",
        runnersToken: FIXTURE_REGISTRATION_TOKENS.project,
        members: [
          { userId: users.maintainer, role: "maintainer" },
          { userId: users.developer, role: "developer" },
          { userId: users.reporter, role: "reporter" },
          { userId: users.guest, role: "guest" },
        ],
      },
      {
        id: projects.web,
        path: "web",
        name: "web",
        namespaceId: groups.acme,
        description: "Acme website",
        members: [{ userId: users.maintainer, role: "maintainer" }],
      },
      {
        id: projects.deploy,
        path: "deploy",
        name: "deploy",
        namespaceId: groups.platform,
        description: "Deployment pipelines",
      },
    ],
    runners: [
      {
        id: FIXTURE_IDS.runners.instance,
        runnerType: "instance_type",
        token: FIXTURE_RUNNER_TOKENS.instance,
        description: "shared-autoscaler",
        tagList: ["docker", "linux", "shared"],
        ipAddress: "10.0.0.10",
        contactedAt: ago(5 * minutes),
        createdAt: ago(30 * days),
        creatorId: users.root,
        registrationType: "authenticated_user",
        maintenanceNote: "Managed by the platform team",
        version: "17.11.0",
        revision: "0e9bd6a5",
        platform: "linux",
        architecture: "amd64",
        managers: [
          {
            id: 1,
            systemId: "s_0e9bd6a5f1c2",
            version: "17.11.0",
            revision: "0e9bd6a5",
            platform: "linux",
            architecture: "amd64",
            ipAddress: "10.0.0.10",
            createdAt: ago(30 * days),
            contactedAt: ago(5 * minutes),
          },
        ],
      },
      {
        id: FIXTURE_IDS.runners.group,
        runnerType: "group_type",
        token: FIXTURE_RUNNER_TOKENS.group,
        description: "acme-docker",
        tagList: ["docker", "linux"],
        groupId: groups.acme,
        ipAddress: "10.0.0.20",
        contactedAt: ago(30 * minutes),
        createdAt: ago(20 * days),
        creatorId: users.owner,
        registrationType: "authenticated_user",
        maximumTimeout: 3600,
        version: "17.10.1",
        managers: [
          {
            id: 2,
            systemId: "s_4f2a9c7d1e00",
            version: "17.10.1",
            revision: "7d1e004f",
            platform: "linux",
            architecture: "arm64",
            ipAddress: "10.0.0.20",
            createdAt: ago(20 * days),
            contactedAt: ago(30 * minutes),
          },
        ],
      },
      {
        id: FIXTURE_IDS.runners.project,
        runnerType: "project_type",
        token: FIXTURE_RUNNER_TOKENS.project,
        description: "api-builder",
        tagList: ["api", "linux"],
        projectIds: [projects.api],
        locked: true,
        createdAt: ago(2 * days),
        creatorId: users.maintainer,
        registrationType: "authenticated_user",
        maintenanceNote: "Owned by the API team",
      },
    ],
    jobs: [
      {
        id: 5001,
        runnerId: FIXTURE_IDS.runners.instance,
        projectId: projects.api,
        status: "success",
        name: "test",
        stage: "test",
        createdAt: ago(60 * minutes),
        startedAt: ago(59 * minutes),
        finishedAt: ago(55 * minutes),
        runnerManagerId: 1,
        userId: users.developer,
      },
      {
        id: 5002,
        runnerId: FIXTURE_IDS.runners.instance,
        projectId: projects.web,
        status: "running",
        name: "build",
        stage: "build",
        createdAt: ago(10 * minutes),
        startedAt: ago(9 * minutes),
        runnerManagerId: 1,
        userId: users.maintainer,
      },
      {
        id: 5003,
        runnerId: FIXTURE_IDS.runners.group,
        projectId: projects.deploy,
        status: "failed",
        name: "deploy",
        stage: "deploy",
        createdAt: ago(3 * 60 * minutes),
        startedAt: ago(3 * 60 * minutes - minutes),
        finishedAt: ago(3 * 60 * minutes - 5 * minutes),
        runnerManagerId: 2,
        userId: users.owner,
      },
    ],
  };
}
