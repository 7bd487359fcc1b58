/**
 * Resetting a runner's authentication token (`POST /runners/:id/reset_authentication_token`,
 * docs/gitlab-api.md §6.6) when its answer may be lost.
 */
import type { GitLabClient, ResetTokenResult } from "../gitlab";
import { isOutcomeUnknown } from "../resource/errors";

/** How many resets to send at most when answers are lost. */
const MAX_RESETS = 3;

/**
 * Resets the token, and resets it again when a reset's answer is lost. Unlike a creation, a
 * reset is safe to repeat: each one replaces the token, so a token lost with an answer is dead
 * anyway, and only a token from an answer we received is ever recorded. Without this, a runner
 * whose reset answer was lost would be recorded with no working token.
 */
export async function resetTokenSafely(
  api: Pick<GitLabClient, "resetRunnerToken">,
  id: number,
): Promise<ResetTokenResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.resetRunnerToken(id);
    } catch (err) {
      if (!isOutcomeUnknown(err) || attempt >= MAX_RESETS) throw err;
    }
  }
}
