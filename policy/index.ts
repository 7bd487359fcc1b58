/**
 * The `gitlab-runner-guardrails` policy pack's entry point: `pulumi preview --policy-pack ./policy`
 * loads this module (compiled to `dist/policy/index.js`, the `main` of `policy/package.json`) and
 * the `PolicyPack` serves the policies to the engine. The policies themselves live in
 * `policies.ts`, where unit tests call them.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "Guardrails for GitLab runners managed with pulumi-gitlab-runners: tags, locking, timeouts, " +
    "protected deploy runners, descriptions, the registration-token flow and project assignments.",
  policies,
});
