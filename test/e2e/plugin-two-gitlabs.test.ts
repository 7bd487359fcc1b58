import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// One program, two GitLabs: the default provider (stack config) talks to one emulator, an
// explicit `pulumi:providers:gitlab-runners` resource to another (a legacy 16.11 one), each with
// its own token. Each runner must land on its own GitLab, and each provider's token stays a secret.

describe("one YAML program managing runners on two GitLabs", () => {
  let first: RunningEmulator;
  let second: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    first = await startEmulator({ gitlabVersion: "17.11" });
    second = await startEmulator({ gitlabVersion: "16.11" });
    const program = `name: two-gitlabs
runtime: yaml
config:
  secondToken:
    type: string
    secret: true
resources:
  second:
    type: pulumi:providers:gitlab-runners
    properties:
      baseUrl: ${second.url}
      token: \${secondToken}
  here:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: instance_type
      description: on the first GitLab
  there:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: instance_type
      description: on the second GitLab
    options:
      provider: \${second}
outputs:
  here: \${here.runnerId}
  there: \${there.runnerId}
`;
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": program },
      config: { "gitlab-runners:baseUrl": first.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin, secondToken: FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await first?.stop();
    await second?.stop();
  });

  const described = (em: RunningEmulator) =>
    em
      .state()
      .runners.map((r) => r.description)
      .filter((d) => d?.endsWith("GitLab"));

  it("creates each runner on its own GitLab", async () => {
    await ws.up();
    expect(described(first)).toEqual(["on the first GitLab"]);
    expect(described(second)).toEqual(["on the second GitLab"]);
    const state = await ws.exportStackText();
    expect(state).not.toContain(FIXTURE_TOKENS.admin);
    await ws.preview(["--expect-no-changes"]);
  });

  it("refreshes and destroys each on its own GitLab", async () => {
    await ws.refresh();
    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(described(first)).toEqual([]);
    expect(described(second)).toEqual([]);
  });
});
