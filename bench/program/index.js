// A fleet sized by stack config, for `npm run bench`: `fleet:runners` project runners, each
// created in one project (round robin over `fleet:projects`) and enabled on the next
// `fleet:assignmentsPerRunner` projects, in one of two forms (`fleet:form`):
// - `assignments`: one gitlab.ProjectRunnerAssignment per runner and project (N + N × M resources);
// - `projects`: the Runner's own `assignedProjects` (N resources).
// Projects are numeric ids, so no path lookups are needed. Plain JavaScript: no ts-node.
const pulumi = require("@pulumi/pulumi");
const gitlab = require("pulumi-gitlab-runners");

const FORMS = ["assignments", "projects"];

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
if (!FORMS.includes(form)) throw new Error(`fleet:form "${form}" is not known (known: ${FORMS.join(", ")})`);

if (perRunner > projects.length - 1) {
  throw new Error(`fleet:assignmentsPerRunner ${perRunner} needs at least ${perRunner + 1} fleet:projects`);
}

let links = 0;
for (let i = 0; i < count; i++) {
  const owner = projects[i % projects.length];
  const more = Array.from({ length: perRunner }, (_, j) => projects[(i + j + 1) % projects.length]);
  const runner = new gitlab.Runner(`runner-${i}`, {
    runnerType: "project_type",
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
