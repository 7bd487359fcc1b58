import * as pulumi from "@pulumi/pulumi";
import type { AccessLevel, RunnerType } from "../provider/gitlab/vocabulary";
import { type InputNames, outputNames, type SameNames, secretNames } from "../provider/resource/description";
import type { RunnerOutputs } from "../provider/runner";
import { type RunnerDescription, runnerDescription } from "../provider/runner/description";
import { ORIGIN_KEY, originInput } from "./origin";
import { rememberOrigin } from "./runner-origins";
import { runnerProvider } from "./shims";

export type { RunnerType } from "../provider/gitlab/vocabulary";

/** Which refs a runner may run jobs for (`access_level`). */
export type RunnerAccessLevel = AccessLevel;

/** A project a runner is assigned to, as GitLab lists it in the runner details. */
export interface RunnerProject {
  /** The project id (`id`). */
  id: number;
  /** The project's full path, e.g. `acme/api` (`path_with_namespace`). */
  pathWithNamespace: string;
}

/** The group of a group runner, as GitLab lists it in the runner details. */
export interface RunnerGroup {
  /** The group id (`id`). */
  id: number;
  /** The group's name (`name`). */
  name: string | null;
}

/**
 * The arguments of a {@link Runner}.
 *
 * How the runner comes to exist: set **exactly one** of `registrationToken`, `runnerType` or
 * `adoptRunnerId`. Changing any of those (or `groupId` / `projectId`) replaces the runner;
 * every other argument is updated in place. An argument left out is not managed: Pulumi leaves
 * GitLab's value as it is.
 */
export interface RunnerArgs {
  /**
   * Register the runner with a runner registration token of the instance, a group or a
   * project (`POST /runners`, GitLab's `token` parameter). The token decides the runner's
   * scope. Always treated as a secret.
   *
   * Registration tokens are disabled by default since GitLab 17.0 (the server answers 410);
   * use `runnerType` there.
   *
   * @default - not used
   */
  registrationToken?: pulumi.Input<string>;
  /**
   * Create the runner with your own token (`POST /user/runners`, GitLab's `runner_type`):
   * `"instance_type"` (administrators), `"group_type"` with `groupId` (group Owners) or
   * `"project_type"` with `projectId` (project Maintainers). Needs GitLab 15.11 or later.
   *
   * @default - not used
   */
  runnerType?: pulumi.Input<RunnerType>;
  /**
   * The group of a `"group_type"` runner: its numeric id or full path (GitLab's `group_id`).
   * Only with `runnerType: "group_type"`. Changing it replaces the runner.
   *
   * @default - none
   */
  groupId?: pulumi.Input<number | string>;
  /**
   * The project of a `"project_type"` runner: its numeric id or full path such as `acme/api`
   * (GitLab's `project_id`). Only with `runnerType: "project_type"`. Changing it replaces the
   * runner.
   *
   * @default - none
   */
  projectId?: pulumi.Input<number | string>;
  /**
   * Take over an existing runner by its id instead of creating one: `pulumi up` reads it and
   * updates it to this program. Destroying the resource deletes the runner, unless the resource
   * has `retainOnDelete: true`. This is the way to bring an existing runner under Pulumi,
   * because `pulumi import` does not work for dynamic resources (pulumi/pulumi#3550). A runner
   * another Pulumi resource already manages (its maintenance note carries that resource's
   * creation mark) is refused. `authenticationToken` stays empty until the first rotation (set
   * `tokenRotation` to reset it and learn the new one).
   *
   * @default - not used
   */
  adoptRunnerId?: pulumi.Input<number>;
  /**
   * The runner's description (GitLab's `description`), at most 1024 characters. `""` clears it.
   *
   * @default - GitLab's value is left as is (empty for a new runner)
   */
  description?: pulumi.Input<string>;
  /**
   * Whether the runner is paused and picks no jobs (GitLab's `paused`; sent as `active` with the
   * opposite value to GitLab 13.x).
   *
   * @default false (for a new runner)
   */
  paused?: pulumi.Input<boolean>;
  /**
   * Whether the runner is locked to its current projects (GitLab's `locked`).
   *
   * @default false (for a new runner)
   */
  locked?: pulumi.Input<boolean>;
  /**
   * Whether the runner picks jobs without tags (GitLab's `run_untagged`). When false, `tagList`
   * must have at least one tag.
   *
   * @default true (for a new runner)
   */
  runUntagged?: pulumi.Input<boolean>;
  /**
   * The runner's tags (GitLab's `tag_list`): a set, order never matters; no empty tags, no
   * commas, no duplicates, at most 50. `[]` clears them.
   *
   * @default [] (for a new runner)
   */
  tagList?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Which refs the runner runs jobs for (GitLab's `access_level`): `"not_protected"` (all) or
   * `"ref_protected"` (protected branches and tags only).
   *
   * @default "not_protected" (for a new runner)
   */
  accessLevel?: pulumi.Input<RunnerAccessLevel>;
  /**
   * The longest a job may run on this runner, in seconds (GitLab's `maximum_timeout`); at least
   * 600.
   *
   * @default - no limit beyond the project's own timeout
   */
  maximumTimeout?: pulumi.Input<number>;
  /**
   * A note for the runner's maintainers (GitLab's `maintenance_note`), at most 948 characters:
   * the provider adds its creation mark as the last line of GitLab's note (1024 characters at
   * most), and this argument and output never show it. GitLab shows the note only to callers who
   * may update the runner; when it is hidden, Pulumi keeps the value it last set instead of
   * reporting a difference. Not supported by GitLab 13.x.
   *
   * @default - GitLab's value is left as is
   */
  maintenanceNote?: pulumi.Input<string>;
  /**
   * The projects the runner is assigned to besides its owner project (the one it is created
   * in): a set of project ids or full paths such as `"acme/web"` — GitLab's `projects` of the
   * runner, each enabled with `POST /projects/:id/runners` and removed with
   * `DELETE /projects/:id/runners/:runner_id`. A path and the id of the same project are the
   * same member, and order never matters. Refresh reads them from the runner's details (one
   * `GET /runners/:id` for the runner and all its projects), so a project added or removed by
   * hand shows as drift that the next `pulumi up` undoes. Listing the owner project changes
   * nothing. `[]` removes the runner from every project but its owner.
   *
   * Project runners only (GitLab never assigns group or instance runners). A runner that lists
   * its projects here owns the whole set: give it no `ProjectRunnerAssignment` as well (the
   * program stops, naming both). A locked runner is unlocked for the change and locked again
   * when the token is not an administrator's.
   *
   * @default - not managed: the runner's projects stay as they are (use
   * `ProjectRunnerAssignment` resources, or nothing)
   */
  assignedProjects?: pulumi.Input<pulumi.Input<number | string>[]>;
  /**
   * Any value; whenever it changes, the runner's authentication token is reset in place
   * (`POST /runners/:id/reset_authentication_token`) and `authenticationToken` holds the new one.
   * The runner is not replaced. A date (`"2026-11"`) makes rotations easy to schedule. A new
   * runner gets a fresh token anyway; an adopted runner given `tokenRotation` at adoption has its
   * token reset then (the only way to learn it).
   *
   * @default - no rotation
   */
  tokenRotation?: pulumi.Input<string>;
}

/**
 * A GitLab runner, registered with a registration token, created with `runnerType`, or adopted
 * by id. Type token `pulumi-nodejs:dynamic/gitlab:Runner`.
 *
 * The GitLab URL and token come from the stack configuration `gitlab:baseUrl` / `gitlab:token`
 * or the environment `GITLAB_BASE_URL` / `GITLAB_TOKEN`. The engine records the stack's
 * configuration in the state (the token encrypted); refresh and destroy use the current one
 * (README "Rotating credentials").
 *
 * @example
 * ```ts
 * const runner = new gitlab.Runner("build", {
 *   runnerType: "group_type",
 *   groupId: "acme",
 *   tagList: ["docker"],
 *   locked: true,
 * });
 * export const token = runner.authenticationToken; // a secret
 * ```
 */
export class Runner extends pulumi.dynamic.Resource {
  /** The type token, so policies (`validateResourceOfType`) and `--target` can find runners. */
  static readonly __pulumiType = runnerDescription.dynamicType;

  /** Whether `obj` is a Runner, even across copies of this package. */
  static override isInstance(obj: unknown): obj is Runner {
    if (obj === undefined || obj === null) return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === Runner.__pulumiType;
  }

  /**
   * Reads an existing runner into the program without managing it (like any Pulumi resource's
   * `get`): its outputs are GitLab's current values. To manage an existing runner, use
   * `adoptRunnerId` instead.
   *
   * @param name - the resource name in this program
   * @param id - the runner id
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Runner {
    // The host's read falls back to the inputs for `__provider` when the engine sends no
    // state (a user-driven Get), so `get` works for this dynamic resource.
    return new Runner(name, {}, { ...opts, id });
  }

  /**
   * The runner's id in GitLab (`id`): the resource's id as a number. Known during a preview of
   * any in-place update (the engine keeps the id), so resources that use it — a
   * ProjectRunnerAssignment's `runnerId` — never preview as replaced when the runner is only
   * updated.
   */
  declare readonly runnerId: pulumi.Output<number>;
  /**
   * The runner's authentication token (`token`, `glrt-…` for created runners), a secret. Give it
   * to `gitlab-runner register --token` or the runner's `config.toml`. Absent for an adopted
   * runner until `tokenRotation` is set or changed.
   */
  declare readonly authenticationToken: pulumi.Output<string | undefined>;
  /** When the authentication token expires (`token_expires_at`), or null. */
  declare readonly tokenExpiresAt: pulumi.Output<string | null>;
  /** The runner's scope (`runner_type`). */
  declare readonly runnerType: pulumi.Output<RunnerType>;
  /** Whether it is an instance runner (`is_shared`). */
  declare readonly isShared: pulumi.Output<boolean>;
  /** GitLab's status (`status`): `online`, `offline`, `never_contacted`, `stale`, `paused`, or `not_connected` on 13.x. */
  declare readonly status: pulumi.Output<string>;
  /** Whether the runner contacted GitLab recently (`online`); null if it never did. */
  declare readonly online: pulumi.Output<boolean | null>;
  /** When the runner last contacted GitLab (`contacted_at`), or null. */
  declare readonly contactedAt: pulumi.Output<string | null>;
  /** The projects the runner is assigned to that this token may see (`projects`). */
  declare readonly projects: pulumi.Output<RunnerProject[]>;
  /**
   * The settings this program manages: the arguments it gives. Refresh reports drift in these
   * only; GitLab's value of any other setting is left to GitLab.
   */
  declare readonly managedSettings: pulumi.Output<string[] | undefined>;
  /** The group of a group runner (`groups`). */
  declare readonly groups: pulumi.Output<RunnerGroup[]>;
  /** The registration token the runner was registered with, as the program gave it (a secret). */
  declare readonly registrationToken: pulumi.Output<string | undefined>;
  /** The group of a group runner, as the program gave it. */
  declare readonly groupId: pulumi.Output<number | string | undefined>;
  /** The project of a project runner, as the program gave it. */
  declare readonly projectId: pulumi.Output<number | string | undefined>;
  /** The adopted runner's id, as the program gave it. */
  declare readonly adoptRunnerId: pulumi.Output<number | undefined>;
  /** The description GitLab reports (`description`). */
  declare readonly description: pulumi.Output<string | null>;
  /** Whether GitLab reports the runner paused (`paused`, or `!active` on 13.x). */
  declare readonly paused: pulumi.Output<boolean>;
  /** Whether GitLab reports the runner locked (`locked`). */
  declare readonly locked: pulumi.Output<boolean>;
  /** Whether GitLab reports that it runs untagged jobs (`run_untagged`). */
  declare readonly runUntagged: pulumi.Output<boolean>;
  /** The tags GitLab reports (`tag_list`), sorted. */
  declare readonly tagList: pulumi.Output<string[]>;
  /** The access level GitLab reports (`access_level`). */
  declare readonly accessLevel: pulumi.Output<RunnerAccessLevel>;
  /** The maximum job timeout GitLab reports (`maximum_timeout`), or null. */
  declare readonly maximumTimeout: pulumi.Output<number | null>;
  /** The maintenance note (`maintenance_note`); the last value set when GitLab hides it. */
  declare readonly maintenanceNote: pulumi.Output<string | null>;
  /**
   * The projects the runner is assigned to besides its owner, in the program's words, as GitLab
   * reports them now (a project added by hand appears by its full path); absent when the program
   * does not give `assignedProjects`.
   */
  declare readonly assignedProjects: pulumi.Output<(number | string)[] | undefined>;
  /** The current `tokenRotation` value. */
  declare readonly tokenRotation: pulumi.Output<string | undefined>;

  /**
   * @param name - the resource name in this program
   * @param args - how the runner comes to exist and its settings
   * @param opts - resource options; `authenticationToken` is always added to `additionalSecretOutputs`
   */
  constructor(name: string, args: RunnerArgs, opts?: pulumi.CustomResourceOptions) {
    if (opts?.deleteBeforeReplace === false) {
      // The provider replaces a runner delete-first: the replacement is recognised after an
      // interruption by a mark derived from the resource's URN, which the old runner carries too.
      throw new Error(
        `Runner "${name}": deleteBeforeReplace: false is not supported. A runner is replaced by deleting it first, ` +
          "because the new runner is recognised by its resource's URN, which the old one carries too. Leave the option out.",
      );
    }
    const props: Record<string, unknown> = {};
    for (const key of outputNames(runnerDescription)) props[key] = undefined;
    Object.assign(props, args);
    // Hidden: which resource this is, for the provider (sdk/origin.ts).
    props[ORIGIN_KEY] = originInput(name, runnerDescription.dynamicType, opts?.parent);
    // Secret inputs are secrets whatever the program passed (docs/design.md decision 2).
    const secrets = secretNames(runnerDescription);
    for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super(
      runnerProvider,
      name,
      props,
      {
        ...opts,
        additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])],
      },
      "gitlab",
      runnerDescription.name,
    );
    // The dynamic-provider host does not forward a diff's `stables` and in a preview of an update
    // the engine only knows the new inputs, so every provider output (runnerId included) reads as
    // unknown there and a dependent would preview as replaced. The id is the one value the engine
    // keeps known through an update (pkg/resource/deploy/step.go, UpdateStep.Apply).
    Object.defineProperty(this, "runnerId", { value: this.id.apply(Number), enumerable: true });
    const origin = {
      name,
      runnerType: args.runnerType,
      locked: args.locked,
      assignedProjects: args.assignedProjects,
    };
    rememberOrigin(this.runnerId, origin);
    rememberOrigin(this.id, origin);
  }
}

// The arguments and outputs declared above are the description's, no more and no less.
true satisfies SameNames<keyof RunnerArgs, InputNames<RunnerDescription>>;
true satisfies SameNames<
  Exclude<keyof Runner, keyof pulumi.dynamic.Resource>,
  Exclude<keyof RunnerOutputs, typeof ORIGIN_KEY>
>;
