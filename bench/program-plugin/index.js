// The fleet of bench/program, declared with the provider plugin's resources
// (`pulumi-gitlab-runners/plugin`: gitlab-runners:index:Runner and ProjectRunnerAssignment, served
// by pulumi-resource-gitlab-runners) instead of the dynamic ones: the same runners, arguments,
// projects and forms (`fleet:form`: `assignments` or `projects`), so
// `npm run bench -- --provider plugin` compares the two front doors.
const pulumi = require("@pulumi/pulumi");
const gitlab = require("pulumi-gitlab-runners/plugin");

const FORMS = ["assignments", "projects"];

const cfg = new pulumi.Config("fleet");
const count = cfg.requireNumber("runners");
const perRunner = cfg.getNumber("assignmentsPerRunner") ?? 0;
const projects = cfg.requireObject("projects");
const prefix = cfg.get("prefix") ?? "fleet";
const maximumTimeout = cfg.getNumber("maximumTimeout") ?? 3600;
const form = cfg.get("form") ?? "assignments";
if (!FORMS.includes(form)) throw new Error(`fleet:form "${form}" is not known (known: ${FORMS.join(", ")})`);

if (perRunner > projects.length - 1) {
  throw new Error(`fleet:assignmentsPerRunner ${perRunner} needs at least ${perRunner + 1} fleet:projects`);
}

let links = 0;
for (let i = 0; i < count; i++) {
  const owner = projects[i % projects.length];
  const more = Array.from({ length: perRunner }, (_, j) => projects[(i + j + 1) % projects.length]);
  const runner = new gitlab.Runner(`runner-${i}`, {
    runnerType: gitlab.RunnerType.ProjectType,
    projectId: owner,
    description: `${prefix}-${i}`,
    tagList: ["fleet", `pool-${i % 4}`],
    runUntagged: false,
    maximumTimeout,
    ...(form === "projects" ? { assignedProjects: more } : {}),
  });
  if (form === "assignments") {
    for (const project of more) {
      new gitlab.ProjectRunnerAssignment(`runner-${i}-p${project}`, { project, runnerId: runner.runnerId });
    }
  }
  links += more.length;
}

exports.form = form;
exports.runners = count;
exports.assignments = links;
