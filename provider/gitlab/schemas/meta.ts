import { z } from "zod";

/** `GET /version` (lib/api/version.rb): `{"version":"17.11.2-ee","revision":"…","enterprise":true}`. */
export const serverVersionSchema = z
  .object({
    version: z.string(),
    revision: z.string().nullish(),
    enterprise: z.boolean().nullish(),
  })
  .transform((wire, ctx) => {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(wire.version);
    if (match === null) {
      ctx.addIssue({ code: "custom", path: ["version"], message: "is not a MAJOR.MINOR version" });
      return z.NEVER;
    }
    const major = Number(match[1]);
    const minor = Number(match[2]);
    const patch = Number(match[3] ?? 0);
    const atLeast = (maj: number, min: number): boolean => major > maj || (major === maj && minor >= min);
    return {
      /** The version string as GitLab sent it, e.g. `17.11.2-ee`. */
      version: wire.version,
      /** Git revision of the GitLab build. */
      revision: wire.revision ?? "",
      major,
      minor,
      patch,
      /** Enterprise edition; null when GitLab did not say (before 15.6). */
      enterprise: wire.enterprise ?? (/-ee\b/.test(wire.version) ? true : null),
      /** `paused` exists as parameter, filter and field (14.8, gitlab-org/gitlab#351109); before it, `active`. */
      hasPaused: atLeast(14, 8),
      /** `POST /user/runners` exists (15.10/15.11, MR 116119). */
      hasUserRunners: atLeast(15, 10),
      /** `maintenance_note` replaces `maintainer_note` (≈15.0, gitlab-org/gitlab#350730). */
      hasMaintenanceNote: atLeast(15, 0),
      /** Registration tokens are off unless an admin re-enables them (17.0, MR 150648). */
      registrationTokensDisabledByDefault: atLeast(17, 0),
    };
  });
/** What `GET /version` says, plus the capabilities that follow from it. */
export type ServerVersion = z.output<typeof serverVersionSchema>;

/** `GET /user` (`UserPublic`; `is_admin` only shown to admins). */
export const currentUserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    name: z.string().nullish(),
    state: z.string().nullish(),
    is_admin: z.boolean().nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    username: wire.username,
    name: wire.name ?? wire.username,
    state: wire.state ?? null,
    /** True for administrators; null when GitLab does not reveal it to this user. */
    isAdmin: wire.is_admin ?? null,
  }));
/** The user the token belongs to. */
export type CurrentUser = z.output<typeof currentUserSchema>;

/** `GET /projects/:id`. */
export const projectSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    path: z.string().nullish(),
    path_with_namespace: z.string(),
    name_with_namespace: z.string().nullish(),
    web_url: z.string().nullish(),
    namespace: z
      .object({ id: z.number().int(), full_path: z.string().nullish(), kind: z.string().nullish() })
      .nullish(),
    shared_runners_enabled: z.boolean().nullish(),
    archived: z.boolean().nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    name: wire.name,
    pathWithNamespace: wire.path_with_namespace,
    nameWithNamespace: wire.name_with_namespace ?? null,
    webUrl: wire.web_url ?? null,
    namespace:
      wire.namespace == null
        ? null
        : {
            id: wire.namespace.id,
            fullPath: wire.namespace.full_path ?? null,
            kind: wire.namespace.kind ?? null,
          },
    sharedRunnersEnabled: wire.shared_runners_enabled ?? null,
    archived: wire.archived ?? null,
  }));
/** A project resolved from its id or full path. */
export type Project = z.output<typeof projectSchema>;

/** `GET /groups/:id`. */
export const groupSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    path: z.string().nullish(),
    full_path: z.string(),
    full_name: z.string().nullish(),
    parent_id: z.number().int().nullish(),
    web_url: z.string().nullish(),
  })
  .transform((wire) => ({
    id: wire.id,
    name: wire.name,
    fullPath: wire.full_path,
    fullName: wire.full_name ?? null,
    parentId: wire.parent_id ?? null,
    webUrl: wire.web_url ?? null,
  }));
/** A group resolved from its id or full path. */
export type Group = z.output<typeof groupSchema>;
