import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// A platform team's runners, described in the stack config (`platform:runners`,
// `platform:assignments`), so that two stacks of the same program can differ only in what the
// policy pack judges: Pulumi.compliant.yaml passes `pulumi preview --policy-pack`,
// Pulumi.violating.yaml is stopped before anything exists in GitLab.

/** A runner: a group runner (`group`) or a project runner (`project`). */
interface RunnerSpec {
  /** The resource name, referenced by `platform:assignments`. */
  name: string;
  /** The group (full path or id) of a group runner. */
  group?: string | number;
  /** The project (full path or id) of a project runner. */
  project?: string | number;
  description: string;
  tags: string[];
  runUntagged?: boolean;
  locked?: boolean;
  accessLevel?: gitlab.RunnerAccessLevel;
  maximumTimeout?: number;
}

/** One more project a project runner is enabled on. */
interface AssignmentSpec {
  runner: string;
  project: string | number;
}

const config = new pulumi.Config("platform");
const specs = config.requireObject<RunnerSpec[]>("runners");
const assignmentSpecs = config.getObject<AssignmentSpec[]>("assignments") ?? [];

const runners = new Map<string, gitlab.Runner>();
for (const spec of specs) {
  if ((spec.group === undefined) === (spec.project === undefined)) {
    throw new Error(`platform:runners: "${spec.name}" needs exactly one of group or project.`);
  }
  const scope =
    spec.group !== undefined
      ? { runnerType: "group_type" as const, groupId: spec.group }
      : { runnerType: "project_type" as const, projectId: spec.project as string | number };
  runners.set(
    spec.name,
    new gitlab.Runner(spec.name, {
      ...scope,
      description: spec.description,
      tagList: spec.tags,
      ...(spec.runUntagged === undefined ? {} : { runUntagged: spec.runUntagged }),
      ...(spec.locked === undefined ? {} : { locked: spec.locked }),
      ...(spec.accessLevel === undefined ? {} : { accessLevel: spec.accessLevel }),
      ...(spec.maximumTimeout === undefined ? {} : { maximumTimeout: spec.maximumTimeout }),
    }),
  );
}

for (const { runner, project } of assignmentSpecs) {
  const target = runners.get(runner);
  if (target === undefined) throw new Error(`platform:assignments: no runner named "${runner}".`);
  new gitlab.ProjectRunnerAssignment(`${runner}-on-${String(project).replace(/[^A-Za-z0-9-]+/g, "-")}`, {
    project,
    runnerId: target.runnerId,
  });
}

// A runner still registered the old way, with a registration token (GitLab 13.12 to 16.x):
// only when `platform:registrationToken` is set (as a secret). The pack's
// `registration-token-flow` policy flags it as advisory: a warning, not a stop.
const registrationToken = config.getSecret("registrationToken");
const legacy =
  registrationToken === undefined
    ? undefined
    : new gitlab.Runner("legacy-shell", {
        registrationToken,
        description: "legacy-shell Shell runner registered with a registration token",
        tagList: ["shell"],
        runUntagged: false,
        maximumTimeout: 3600,
      });

if (legacy !== undefined) runners.set("legacy-shell", legacy);

/** Each runner's id, by resource name. */
export const runnerIds = Object.fromEntries([...runners].map(([name, r]) => [name, r.runnerId]));
