#!/usr/bin/env node
"use strict";
// `npm run example -- <name> [--gitlab-version <13.12|16.11|17.11|18.6>] [--keep]`: one of the
// programs in examples/ against the built-in GitLab emulator, with a Pulumi CLI isolated in a
// temp folder (like `npm run demo`): stack and config, preview, up, a second preview that must
// show no changes, destroy. The policy example previews two stacks with the policy pack.
// No GitLab and no internet needed. --keep leaves the temp folder (the stack's state) behind.

const { join } = require("node:path");
const { IsolatedPulumi, prepare, root, step } = require("./lib/isolated-pulumi");

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = args.find((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1] === "--gitlab-version"));
const keep = args.includes("--keep");

/**
 * Each example: the GitLab versions it is meant for (the first is the default), what it shows,
 * and its run. `ctx` has the CLI, the emulator and the fixture's tokens and ids.
 */
const EXAMPLES = {
  basic: {
    versions: ["17.11", "16.11", "18.6"],
    about: "one group runner in group acme",
    run: (ctx) =>
      lifecycle(ctx, "dev", { config: { "basic:group": "acme" } }, async () => {
        const out = await ctx.cli.outputs();
        console.log(
          `runner #${out.runnerId}, status ${out.status}, tags ${out.tags}; token ${out.authenticationToken}`,
        );
      }),
  },
  fleet: {
    versions: ["17.11", "16.11", "18.6"],
    about: "two pools of project runners, each runner enabled on more projects",
    run: (ctx) =>
      lifecycle(
        ctx,
        "dev",
        {
          config: {
            "fleet:pools": JSON.stringify([
              {
                name: "docker",
                tags: ["docker", "linux"],
                count: 2,
                owner: "acme/api",
                projects: ["acme/web"],
              },
              {
                name: "deploy",
                tags: ["deploy"],
                count: 1,
                owner: "acme/platform/deploy",
                projects: ["acme/api", "acme/web"],
                accessLevel: "ref_protected",
              },
            ]),
          },
        },
        async () => {
          const out = await ctx.cli.outputs();
          console.log(`runner ids by pool: ${JSON.stringify(out.runnerIds)}`);
          const fleet = ctx.emulator
            .state()
            .runners.filter((r) => String(r.description).startsWith("fleet-"));
          const enabled = fleet.reduce((n, r) => n + r.projectIds.length - 1, 0);
          console.log(
            `in GitLab: ${fleet.length} fleet runners (program: ${out.runnerCount}), ` +
              `${enabled} enabled on a project besides their owner (program: ${out.assignmentCount})`,
          );
        },
      ),
  },
  "legacy-registration": {
    versions: ["16.11", "13.12"],
    about: "a group runner registered with group acme's registration token",
    run: (ctx) =>
      lifecycle(
        ctx,
        "dev",
        { secretConfig: { "legacy:registrationToken": ctx.fixture.FIXTURE_REGISTRATION_TOKENS.group } },
        async () => {
          const out = await ctx.cli.outputs();
          console.log(
            `runner #${out.runnerId} (${out.runnerType}), status ${out.status}; token ${out.authenticationToken}`,
          );
        },
      ),
  },
  adopt: {
    versions: ["17.11", "16.11", "18.6", "13.12"],
    about: 'the runners tagged "docker" that exist already (the fixture\'s instance and group runners)',
    run: async (ctx) => {
      const tagged = () => ctx.emulator.state().runners.filter((r) => r.tagList.includes("docker"));
      step("runners in GitLab before Pulumi");
      for (const r of tagged()) console.log(`#${r.id} ${r.description} [${r.tagList.join(", ")}]`);
      const count = ctx.emulator.state().runners.length;
      await lifecycle(ctx, "dev", { config: { "adopt:tag": "docker" } }, async () => {
        const out = await ctx.cli.outputs();
        console.log(`adopted: ${JSON.stringify(out.adopted)}`);
        console.log(
          `runners in GitLab: ${ctx.emulator.state().runners.length} (before: ${count}, none created)`,
        );
      });
      console.log(`tagged runners left after destroy: ${tagged().length} (destroy deletes adopted runners)`);
    },
  },
  policy: {
    // The only version with both POST /user/runners (runnerType) and registration tokens.
    versions: ["16.11"],
    about: "two stacks previewed with the gitlab-runner-guardrails pack (policy/)",
    run: async (ctx) => {
      const pack = [
        "--policy-pack",
        join(root, "policy"),
        "--policy-pack-config",
        join(ctx.program, "policy-config.json"),
      ];
      const token = ctx.fixture.FIXTURE_REGISTRATION_TOKENS.group;
      await lifecycle(
        ctx,
        "compliant",
        { secretConfig: { "platform:registrationToken": token }, policy: pack },
        async () => console.log(`runner ids: ${JSON.stringify((await ctx.cli.outputs()).runnerIds)}`),
      );
      step("the violating stack: the policy pack stops the preview");
      await init(ctx, "violating", {});
      const code = await ctx.cli.pulumi(["preview", ...pack], { allowFailure: true });
      if (code === 0) throw new Error("the violating stack passed the policy pack");
      console.log(`pulumi preview exited ${code}: stopped by the policy pack, as it should be.`);
      await ctx.cli.pulumi(["stack", "rm", "--yes", "violating"]);
    },
  },
  gitops: {
    versions: ["17.11", "16.11", "18.6"],
    about:
      "the program examples/gitops/.gitlab-ci.yml deploys, previewed with the policy pack as its merge-request job does " +
      "(its jobs themselves run under gitlab-ci-local: see examples/gitops/README.md)",
    run: (ctx) =>
      lifecycle(
        ctx,
        "dev",
        {
          policy: [
            "--policy-pack",
            join(root, "policy"),
            "--policy-pack-config",
            join(ctx.program, "policy-config.json"),
          ],
        },
        async () => console.log(`outputs: ${JSON.stringify(await ctx.cli.outputs())}`),
      ),
  },
};

/** `pulumi stack init` with the emulator's URL and the admin token (a secret, from stdin). */
async function init(ctx, stack, { config = {}, secretConfig = {} }) {
  step(`stack ${stack} and its configuration (secrets are stored encrypted)`);
  await ctx.cli.pulumi(["stack", "init", stack]);
  await ctx.cli.pulumi(["config", "set", "gitlab:baseUrl", ctx.emulator.url]);
  const secrets = { "gitlab:token": ctx.fixture.FIXTURE_TOKENS.admin, ...secretConfig };
  for (const [key, value] of Object.entries(config)) await ctx.cli.pulumi(["config", "set", key, value]);
  // On stdin, so that no secret appears on a command line.
  for (const [key, value] of Object.entries(secrets)) {
    await ctx.cli.pulumi(["config", "set", "--secret", key], { input: value });
  }
}

/** init, preview, up, `afterUp`, preview with no changes, destroy, stack rm. */
async function lifecycle(ctx, stack, { config, secretConfig, policy = [] }, afterUp) {
  await init(ctx, stack, { config, secretConfig });
  step(`pulumi preview${policy.length ? " with the policy pack" : ""}: what will be created`);
  await ctx.cli.pulumi(["preview", "--diff", ...policy]);
  step("pulumi up");
  await ctx.cli.pulumi(["up", "--yes", "--skip-preview", ...policy]);
  await afterUp();
  step("pulumi preview --expect-no-changes: GitLab matches the program");
  await ctx.cli.pulumi(["preview", "--expect-no-changes"]);
  step("pulumi destroy");
  await ctx.cli.pulumi(["destroy", "--yes", "--skip-preview"]);
  await ctx.cli.pulumi(["stack", "rm", "--yes", stack]);
}

async function main() {
  const example = EXAMPLES[name];
  if (example === undefined) {
    console.error(
      `usage: npm run example -- <${Object.keys(EXAMPLES).join("|")}> [--gitlab-version <version>] [--keep]`,
    );
    process.exitCode = 2;
    return;
  }
  const gitlabVersion = flag("--gitlab-version") ?? example.versions[0];
  if (!example.versions.includes(gitlabVersion)) {
    console.warn(`note: the ${name} example is meant for GitLab ${example.versions.join(", ")}`);
  }
  const engineBin = prepare();
  const { startEmulator } = require(join(root, "dist", "emulator"));
  const fixture = require(join(root, "dist", "emulator", "default-fixture"));

  step(`starting the GitLab emulator (GitLab ${gitlabVersion}, default fixture)`);
  const emulator = await startEmulator({ gitlabVersion, quiet: true });
  console.log(`GitLab API at ${emulator.url}/api/v4`);
  const cli = new IsolatedPulumi({ engineBin, prefix: `gitlab-runners-example-${name}-` });
  const program = cli.useProgram({ from: join(root, "examples", name) });
  console.log(`examples/${name}: ${example.about}; running a copy in ${program}`);
  try {
    await example.run({ cli, emulator, fixture, program });
    step("done");
  } finally {
    await emulator.stop();
    cli.cleanup(keep);
  }
}

main().catch((error) => {
  console.error(`example failed: ${error.message}`);
  process.exitCode = 1;
});
