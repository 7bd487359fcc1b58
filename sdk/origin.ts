/**
 * The hidden `__origin` input of every resource of this package: the resource's URN and its
 * stack's organization, computed here in the program (the only place that knows them) and read
 * by the provider (`provider/resource/origin.ts` says what for). It holds no secret.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceOrigin } from "../provider/resource/origin";

export { ORIGIN_KEY } from "../provider/resource/origin";

/** The stack's organization; `organization` where the backend has none to report (a DIY backend). */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}

/**
 * The origin of the resource `name` of type `type` under `parent`: its URN as the engine will
 * compute it (`pulumi.createUrn`: stack, project, the parent's type chain, type and name).
 */
export function originInput(name: string, type: string, parent: pulumi.Resource | undefined) {
  return pulumi
    .createUrn(name, type, parent)
    .apply((urn): ResourceOrigin => ({ urn, organization: organization() }));
}
