import { randomBytes } from "node:crypto";
import type { RunnerType } from "../types";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

/** A random token body like GitLab's `Devise.friendly_token` (URL-safe, 20 chars by default). */
export function randomTokenBody(length = 20): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] as number) % 64];
  return out;
}

const PARTITION: Record<RunnerType, string> = {
  instance_type: "t1_",
  group_type: "t2_",
  project_type: "t3_",
};

/**
 * A runner authentication token (docs/gitlab-api.md §2 "Authentication tokens"): `glrt-` for runners
 * created with POST /user/runners, plain random for registration-token runners; modern
 * versions add the t1_/t2_/t3_ partition prefix.
 */
export function runnerAuthToken(
  runnerType: RunnerType,
  registrationType: "registration_token" | "authenticated_user",
  partitionPrefix: boolean,
): string {
  const partition = partitionPrefix ? PARTITION[runnerType] : "";
  const prefix = registrationType === "authenticated_user" ? "glrt-" : "";
  return `${prefix}${partition}${randomTokenBody()}`;
}

/** A runner registration token, `GR1348941` prefixed like GitLab's. */
export function registrationToken(): string {
  return `GR1348941${randomTokenBody()}`;
}
