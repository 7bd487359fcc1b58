/**
 * The `gitlab-runner-guardrails` policy pack's entry point: `pulumi preview --policy-pack <folder>`
 * loads this module (compiled to `dist/policy/index.js`, the `main` of `policy/package.json`) and
 * the `PolicyPack` serves the policies to the engine. The policies themselves live in
 * `policies.ts`, where unit tests call them.
 *
 * `@pulumi/policy` is an optional peer dependency of the package: a program that uses the pack
 * installs it beside `pulumi-gitlab-runners`. Without it the pack stops with that instruction
 * instead of a `MODULE_NOT_FOUND` stack trace.
 */
import type * as PulumiPolicy from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

const POLICY_LIBRARY = "@pulumi/policy";

/** Whether `error` is Node's "Cannot find module" for `name` itself, not for one of its own dependencies. */
function isMissing(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" &&
    error.message.startsWith(`Cannot find module '${name}'`)
  );
}

function loadPolicyLibrary(): typeof PulumiPolicy {
  try {
    return require(POLICY_LIBRARY) as typeof PulumiPolicy;
  } catch (error) {
    if (!isMissing(error, POLICY_LIBRARY)) throw error;
    process.stderr.write(
      `error: the ${POLICY_PACK_NAME} policy pack needs the ${POLICY_LIBRARY} package, which is not ` +
        `installed beside pulumi-gitlab-runners (looked up from ${__dirname}). Install it in the ` +
        `program's folder: npm install ${POLICY_LIBRARY}\n`,
    );
    process.exit(1);
  }
}

const { PolicyPack } = loadPolicyLibrary();

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "Guardrails for GitLab runners managed with pulumi-gitlab-runners: tags, locking, timeouts, " +
    "protected deploy runners, descriptions, the registration-token flow and project assignments.",
  policies,
});
