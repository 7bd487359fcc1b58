#!/usr/bin/env node

// Turns `pulumi preview --refresh --json` into a drift report a person can read in a job log:
// one line per drifted runner field,
//
//   runner build (#42): paused: false -> true
//
// where the first value is the program's (what `pulumi up` sets again) and the second is what
// GitLab has now. Exits 1 when anything drifted, 0 when the stack matches GitLab, and with the
// preview's own exit status when the preview failed before it could compare.
//
// Usage: node drift-report.js <preview.json> [<exit status of the preview>]
//
// The preview's JSON shows secret values as "[secret]"; this report prints no token or
// secret-marked value either, and masks the pipeline's credentials should they appear anywhere.
// Plain Node.js, no dependencies: it runs before or without `npm ci`.

const { readFileSync } = require("node:fs");

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
/** The runner settings a program manages (a field the program leaves out is never drift). */
const RUNNER_FIELDS = [
  "description",
  "paused",
  "locked",
  "runUntagged",
  "tagList",
  "accessLevel",
  "maximumTimeout",
  "maintenanceNote",
  "tokenRotation",
];
/** How a runner came to exist: a difference here replaces the runner. */
const CREATION_FIELDS = ["runnerType", "groupId", "projectId", "registrationToken", "adoptRunnerId"];
const SECRET_FIELDS = new Set(["registrationToken", "authenticationToken", "token"]);
/** Pulumi's marker of a secret value in serialized state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Pulumi's placeholder for a value known only after the update (e.g. the id of a runner that changes). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Credentials of the pipeline that must never reach the log, even if a message echoed one. */
const CREDENTIAL_VARIABLES = ["GITLAB_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"];

function isSecret(value) {
  return (
    value === "[secret]" || (typeof value === "object" && value !== null && Object.hasOwn(value, SECRET_SIG))
  );
}

/** The value for the log: secrets masked, tags as a sorted set. */
function show(field, value, secretOutputs) {
  if (SECRET_FIELDS.has(field) || secretOutputs.has(field) || isSecret(value)) return "[secret]";
  if (value === undefined || value === null) return "(none)";
  if (value === UNKNOWN) return "(known after pulumi up)";
  if (field === "tagList" && Array.isArray(value)) {
    return `[${[...value].map(String).sort().join(", ")}]`;
  }
  return JSON.stringify(maskDeep(value));
}

function maskDeep(value) {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(maskDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  }
  return value;
}

function sameTags(a, b) {
  const x = new Set((a ?? []).map((t) => String(t).trim()));
  const y = new Set((b ?? []).map((t) => String(t).trim()));
  return x.size === y.size && [...x].every((t) => y.has(t));
}

/** Whether the program's value differs from GitLab's, as the provider's diff decides it. */
function differs(field, desired, current) {
  if (desired === undefined || desired === null) return false; // not managed by the program
  if (isSecret(desired) || isSecret(current)) return !(isSecret(desired) && isSecret(current));
  if (field === "tagList") return !sameTags(desired, current);
  if (field === "description" || field === "maintenanceNote") return desired !== (current ?? "");
  if (CREATION_FIELDS.includes(field)) return String(desired) !== String(current);
  return JSON.stringify(desired) !== JSON.stringify(current);
}

function nameOf(urn) {
  return (
    String(urn ?? "")
      .split("::")
      .pop() || "(unnamed)"
  );
}

function tagChange(desired, current) {
  const want = new Set((desired ?? []).map(String));
  const have = new Set((current ?? []).map(String));
  const added = [...have].filter((t) => !want.has(t)).sort();
  const removed = [...want].filter((t) => !have.has(t)).sort();
  const parts = [];
  if (added.length > 0) parts.push(`added in GitLab: ${added.join(", ")}`);
  if (removed.length > 0) parts.push(`removed in GitLab: ${removed.join(", ")}`);
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/** The report's lines for one step on a Runner. */
function runnerLines(step) {
  const name = nameOf(step.urn);
  const old = step.oldState ?? {};
  const now = { ...(old.inputs ?? {}), ...(old.outputs ?? {}) }; // GitLab's values, just refreshed
  const program = step.newState?.inputs ?? {};
  const secretOutputs = new Set(step.newState?.additionalSecretOutputs ?? old.additionalSecretOutputs ?? []);
  const id = old.id ?? now.runnerId;
  const label = `runner ${name}${id !== undefined ? ` (#${id})` : ""}`;
  switch (step.op) {
    case "create":
      return [`${label}: not found in GitLab (deleted by hand?); pulumi up creates a new runner`];
    case "delete":
      return [`${label}: in the stack but no longer in the program; pulumi up deletes it from GitLab`];
    default: {
      const lines = [];
      const fields = step.op === "replace" ? [...CREATION_FIELDS, ...RUNNER_FIELDS] : RUNNER_FIELDS;
      for (const field of fields) {
        const current = field === "runnerType" ? now.runnerType : now[field];
        if (!differs(field, program[field], current)) continue;
        const replaces = CREATION_FIELDS.includes(field) ? " (replaces the runner)" : "";
        const tags = field === "tagList" ? tagChange(program[field], current) : "";
        lines.push(
          `${label}: ${field}: ${show(field, program[field], secretOutputs)} -> ` +
            `${show(field, current, secretOutputs)}${tags}${replaces}`,
        );
      }
      if (step.op === "replace" && !lines.some((l) => l.endsWith("(replaces the runner)"))) {
        // Secret values cannot be compared here (both show as [secret]): the engine found that
        // one changed; name the secret inputs without their values.
        for (const field of CREATION_FIELDS) {
          if (program[field] !== undefined && (isSecret(program[field]) || SECRET_FIELDS.has(field))) {
            lines.push(`${label}: ${field}: [secret] -> [secret] (replaces the runner)`);
          }
        }
      }
      if (lines.length === 0) {
        lines.push(`${label}: ${step.op} (run pulumi preview --refresh --diff for the details)`);
      }
      return lines;
    }
  }
}

/**
 * How the report names the runner of an assignment: by its id, or, while that id is not known
 * in a preview (the runner itself is about to change), by the runner resource it comes from.
 */
function assignmentRunner(step, old, program, runnersByUrn) {
  const runnerId = old.runnerId ?? program.runnerId;
  if (runnerId !== undefined && runnerId !== UNKNOWN && !isSecret(runnerId)) return `runner #${runnerId}`;
  const from = step.newState?.propertyDependencies?.runnerId?.[0];
  const runner = from === undefined ? undefined : runnersByUrn.get(from);
  if (runner !== undefined)
    return `runner ${runner.name}${runner.id !== undefined ? ` (#${runner.id})` : ""}`;
  return "the runner";
}

/** The report's lines for one step on a ProjectRunnerAssignment. */
function assignmentLines(step, runnersByUrn) {
  const name = nameOf(step.urn);
  const old = { ...(step.oldState?.inputs ?? {}), ...(step.oldState?.outputs ?? {}) };
  const program = step.newState?.inputs ?? {};
  const project = old.projectPath ?? program.project ?? old.project;
  const runner = assignmentRunner(step, old, program, runnersByUrn);
  const label = `assignment ${name}`;
  switch (step.op) {
    case "create":
      return [
        `${label}: ${runner} is not enabled in project ${program.project} (disabled by hand?); ` +
          "pulumi up enables it again",
      ];
    case "delete":
      return [`${label}: ${runner} in project ${project}: no longer in the program; pulumi up disables it`];
    default: {
      const lines = [];
      for (const field of ["project", "runnerId"]) {
        if (!differs(field, program[field], old[field])) continue;
        lines.push(
          `${label}: ${field}: ${show(field, program[field], new Set())} -> ${show(field, old[field], new Set())}`,
        );
      }
      if (lines.length === 0)
        lines.push(`${label}: ${step.op} (run pulumi preview --refresh --diff for the details)`);
      return lines;
    }
  }
}

function typeOf(step) {
  return step.newState?.type ?? step.oldState?.type ?? String(step.urn ?? "").split("::")[2] ?? "";
}

/** Builds the report from the parsed preview; returns its text and the exit code. */
function report(preview, previewStatus) {
  const steps = Array.isArray(preview?.steps) ? preview.steps : [];
  const changed = steps.filter(
    (s) => ["update", "replace", "delete", "create"].includes(s.op) && typeOf(s) !== "pulumi:pulumi:Stack",
  );
  const runnersByUrn = new Map();
  for (const step of steps) {
    if (typeOf(step) === RUNNER_TYPE && step.oldState?.id !== undefined) {
      runnersByUrn.set(step.urn, { name: nameOf(step.urn), id: step.oldState.id });
    }
  }
  const lines = [];
  const others = [];
  let drifted = 0;
  for (const step of changed) {
    const type = typeOf(step);
    if (type === RUNNER_TYPE) lines.push(...runnerLines(step));
    else if (type === ASSIGNMENT_TYPE) lines.push(...assignmentLines(step, runnersByUrn));
    else others.push(`${type} ${nameOf(step.urn)}: ${step.op}`);
    drifted++;
  }
  const out = [];
  if (drifted > 0) {
    out.push(`DRIFT: ${drifted} resource(s) of this stack differ from GitLab.`);
    out.push("Each line reads <field>: <value in the program> -> <value in GitLab now>.");
    out.push("The next pulumi up on the default branch sets the program's values again;");
    out.push("to keep a change made in GitLab, put it in the program through a merge request.");
    out.push("");
    for (const line of lines) out.push(`  ${line}`);
    for (const line of others) out.push(`  ${line}`);
    return { text: out.join("\n"), code: 1 };
  }
  if (previewStatus !== 0) {
    out.push(`pulumi preview failed (exit ${previewStatus}) before it could compare the stack with GitLab;`);
    out.push("its errors are above. No drift report.");
    for (const d of Array.isArray(preview?.diagnostics) ? preview.diagnostics : []) {
      if (d?.message) out.push(`  ${d.severity ?? "error"}: ${String(d.message).trim()}`);
    }
    return { text: out.join("\n"), code: previewStatus };
  }
  const seen = steps.filter((s) => s.op === "same" || s.op === "refresh");
  const urns = new Set(seen.map((s) => s.urn));
  const count = (type) => [...urns].filter((u) => String(u).split("::")[2] === type).length;
  out.push(
    `No drift: ${count(RUNNER_TYPE)} runner(s) and ${count(ASSIGNMENT_TYPE)} assignment(s) match the program.`,
  );
  return { text: out.join("\n"), code: 0 };
}

function maskCredentials(text) {
  let masked = text;
  for (const name of CREDENTIAL_VARIABLES) {
    const value = process.env[name];
    if (value && value.length >= 4) masked = masked.split(value).join("[masked]");
  }
  return masked;
}

function main() {
  const [file, status] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node drift-report.js <preview.json> [<exit status of the preview>]\n");
    return 2;
  }
  const previewStatus = Number.parseInt(status ?? "0", 10) || 0;
  let preview;
  try {
    const text = readFileSync(file, "utf8");
    preview = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    process.stdout.write(
      maskCredentials(`drift-report: cannot read ${file} as the JSON of pulumi preview: ${error.message}\n`),
    );
    return previewStatus || 2;
  }
  const { text, code } = report(preview, previewStatus);
  process.stdout.write(`${maskCredentials(text)}\n`);
  return code;
}

if (require.main === module) process.exitCode = main();

module.exports = { report };
