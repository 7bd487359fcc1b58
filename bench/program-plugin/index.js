// The fleet of bench/program, declared with the provider plugin's resources
// (`pulumi-gitlab-runners/plugin`: gitlab-runners:index:Runner and ProjectRunnerAssignment, served
// by pulumi-resource-gitlab-runners) instead of the dynamic ones: the same runners, arguments and
// assignments, so `npm run bench -- --provider plugin` compares the two front doors.
const pulumi = require("@pulumi/pulumi");
const gitlab = require("pulumi-gitlab-runners/plugin");

const cfg = new pulumi.Config("fleet");
const count = cfg.requireNumber("runners");
const perRunner = cfg.getNumber("assignmentsPerRunner") ?? 0;
const projects = cfg.requireObject("projects");
const prefix = cfg.get("prefix") ?? "fleet";
const maximumTimeout = cfg.getNumber("maximumTimeout") ?? 3600;

if (perRunner > projects.length - 1) {
  throw new Error(`fleet:assignmentsPerRunner ${perRunner} needs at least ${perRunner + 1} fleet:projects`);
}

let assignments = 0;
for (let i = 0; i < count; i++) {
  const owner = projects[i % projects.length];
  const runner = new gitlab.Runner(`runner-${i}`, {
    runnerType: gitlab.RunnerType.ProjectType,
    projectId: owner,
    description: `${prefix}-${i}`,
    tagList: ["fleet", `pool-${i % 4}`],
    runUntagged: false,
    maximumTimeout,
  });
  for (let j = 1; j <= perRunner; j++) {
    const project = projects[(i + j) % projects.length];
    new gitlab.ProjectRunnerAssignment(`runner-${i}-p${project}`, { project, runnerId: runner.runnerId });
    assignments++;
  }
}

exports.runners = count;
exports.assignments = assignments;
