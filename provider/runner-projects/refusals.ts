/**
 * GitLab's reasons for refusing to assign or unassign a runner (`forbidden!(reason)` in
 * lib/api/ci/runners.rb and app/services/ci/runners/{assign,unassign}_runner_service.rb;
 * docs/gitlab-api.md §8). GitLab answers all of them with a 403 and no other distinguishing field, so
 * the reason text is what there is.
 */

/** The reasons, as patterns of GitLab's message. */
export const REASON = {
  locked: /runner is locked/i,
  groupRunner: /runner is a group runner/i,
  noAccess: /no access granted/i,
  /** Modern GitLab refuses to turn an instance runner into a project runner (docs/gitlab-api.md §2). */
  instanceTransition: /instance runner to a project runner/i,
  /** ≤ 17.x: "Only one project associated with the runner. Please remove the runner instead". */
  onlyProject: /only one project associated/i,
  /** 18.x admins: "You cannot unassign a runner from the owner project. Delete the runner instead". */
  ownerProject: /owner project/i,
} as const;
