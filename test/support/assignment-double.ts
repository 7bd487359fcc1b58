/**
 * A stand-in for the GitLab operations the ProjectRunnerAssignment uses, for unit tests of its
 * decisions. Its answers may be partial (only the fields a test is about), hence the cast.
 */
import type { AssignClient } from "../../provider/assignment/create";
import type { UnassignClient } from "../../provider/assignment/delete";
import type { MembershipClient } from "../../provider/assignment/read";

/** Every operation the assignment calls. */
export type AssignmentClient = AssignClient & UnassignClient & MembershipClient;

type Loose<T> = { [K in keyof T]?: (...args: never[]) => Promise<unknown> };

/** `base` with `overrides`, typed as the real client's operations. */
export function assignmentDouble(base: Loose<AssignmentClient>, overrides: Loose<AssignmentClient> = {}) {
  return { ...base, ...overrides } as unknown as AssignmentClient;
}
