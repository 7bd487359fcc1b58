// A fleet sized by stack config, for `npm run bench`: `fleet:runners`
// project runners, each created in one project (round robin over `fleet:projects`) and enabled
// on the next `fleet:assignmentsPerRunner` projects with gitlab.ProjectRunnerAssignment.
// Projects are numeric ids, so no path lookups are needed. Plain JavaScript: no ts-node.
const pulumi = require("@pulumi/pulumi");
const gitlab = require("pulumi-gitlab-runners");

const cfg = new pulumi.Config("fleet");
const count = cfg.requireNumber("runners");
const perRunner = cfg.getNumber("assignmentsPerRunner") ?? 0;
const projects = cfg.requireObject("projects");
// Every runner's description starts with this, so a test can tell the runners of a run apart.
const prefix = cfg.get("prefix") ?? "fleet";
// Changing it changes one field of every runner (an in-place update).
const maximumTimeout = cfg.getNumber("maximumTimeout") ?? 3600;
// How the fleet is declared; bench/run.js names it in its output.
const form = cfg.get("form") ?? "assignments";
if (form !== "assignments") throw new Error(`fleet:form "${form}" is not known (known: assignments)`);

if (perRunner > projects.length - 1) {
  throw new Error(`fleet:assignmentsPerRunner ${perRunner} needs at least ${perRunner + 1} fleet:projects`);
}

let assignments = 0;
for (let i = 0; i < count; i++) {
  const owner = projects[i % projects.length];
  const runner = new gitlab.Runner(`runner-${i}`, {
    runnerType: "project_type",
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
