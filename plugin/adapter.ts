/**
 * The one place where the plugin calls the resources' implementation (`provider/`). Everything
 * the gRPC server needs from a resource, a function or the provider configuration goes through
 * the bindings below, so a change of the implementation's signatures is an edit of this file only.
 *
 * The implementation today keeps its GitLab client in module state (one client per process, set
 * by `configure`). The engine starts one plugin process per provider instance (the default
 * provider and each explicit `Provider`), so one process never serves two GitLabs.
 */
import type * as Implementation from "../provider";
import { GITLAB_CONFIG_KEYS } from "../provider/gitlab/config-keys";
import { type Bag, containsUnknown, UNKNOWN } from "./values";

/**
 * The implementation, loaded on first use: it brings zod and undici (about 0.8 s to load), which a
 * plugin process started only for GetSchema or GetPluginInfo never needs.
 */
let loaded: typeof Implementation | undefined;
function impl(): typeof Implementation {
  loaded ??= require("../provider") as typeof Implementation;
  return loaded;
}

/** The package name: config keys are `gitlab-runners:<key>`, type tokens `gitlab-runners:index:<Type>`. */
export const PACKAGE = "gitlab-runners";

/** The provider configuration keys, the same names as the dynamic resources' `gitlab:` keys. */
export const CONFIG_KEYS: readonly string[] = GITLAB_CONFIG_KEYS;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** What the server needs from one resource type. Bags are plain values (no secret wrappers). */
export interface ResourceBinding {
  /** Validates and normalises new inputs; `olds` are the previous inputs ({} on create). */
  check(olds: Bag, news: Bag): Promise<{ inputs: Bag; failures: CheckFailure[] }>;
  /** Compares the old outputs with the new inputs. */
  diff(
    id: string,
    olds: Bag,
    news: Bag,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  /** Output names that an in-place update of `olds` to `news` leaves as they are. */
  stables(olds: Bag, news: Bag): string[];
  create(inputs: Bag): Promise<{ id: string; outs: Bag }>;
  /** The outputs a create would produce, as far as they are known before it runs. */
  previewCreate(inputs: Bag): Bag;
  /** `props` are the stored outputs; {} when importing. No id in the answer: the object is gone. */
  read(id: string, props: Bag): Promise<{ id?: string | undefined; props?: Bag; inputs?: Bag }>;
  /** Absent when every change replaces. */
  update?(id: string, olds: Bag, news: Bag): Promise<{ outs: Bag }>;
  /** The outputs an update would produce, as far as they are known before it runs. */
  previewUpdate?(olds: Bag, news: Bag): Bag;
  delete(id: string, props: Bag): Promise<void>;
  /** Every output name of the type (from the schema), for previews. */
  outputNames: readonly string[];
}

/** A read function: plain arguments in, an object out. */
export type FunctionBinding = (args: Bag) => Promise<Bag>;

/** The provider configuration as the plugin received it: bare keys (`baseUrl`), string values. */
let providerConfig: Record<string, string> = {};

/** The same configuration under the keys the implementation reads (`gitlab:baseUrl`). */
function implConfig(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(providerConfig)) out[`gitlab:${k}`] = v;
  return out;
}

/**
 * Configures the implementation. Keys the configuration leaves out fall back to
 * `GITLAB_BASE_URL` / `GITLAB_TOKEN` (and the proxy variables) inside the implementation.
 */
export async function configure(config: Record<string, string>): Promise<void> {
  providerConfig = { ...config };
  const view = implConfig();
  await call(() => impl().configure({ config: { get: (key: string) => view[key] } }));
}

/**
 * The implementation names its settings as the dynamic resources' stack config (`gitlab:token`);
 * a plugin user sets `gitlab-runners:token`. Messages are rewritten so the advice is right.
 */
const CONFIG_KEY_IN_TEXT = new RegExp(`\\bgitlab:(${GITLAB_CONFIG_KEYS.join("|")})\\b`, "g");

export function frontDoorText(text: string): string {
  return text.replace(CONFIG_KEY_IN_TEXT, `${PACKAGE}:$1`);
}

/** Runs an implementation call, rewriting config key names in the error it may throw. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error) {
      try {
        err.message = frontDoorText(err.message);
      } catch {
        // A read-only message stays as it is.
      }
    }
    throw err;
  }
}

function known(bag: Bag): Bag {
  const out: Bag = {};
  for (const [k, v] of Object.entries(bag))
    if (v !== undefined && v !== null && !containsUnknown(v)) out[k] = v;
  return out;
}

/** Every output not given by a known input is unknown until the create runs. */
function previewFromInputs(outputNames: readonly string[], inputs: Bag): Bag {
  const out: Bag = {};
  const given = known(inputs);
  for (const name of outputNames) out[name] = name in given ? given[name] : UNKNOWN;
  return out;
}

const RUNNER_OUTPUTS = [
  "runnerId",
  "authenticationToken",
  "tokenExpiresAt",
  "runnerType",
  "isShared",
  "status",
  "online",
  "contactedAt",
  "projects",
  "groups",
  "registrationToken",
  "groupId",
  "projectId",
  "adoptRunnerId",
  "description",
  "paused",
  "locked",
  "runUntagged",
  "tagList",
  "accessLevel",
  "maximumTimeout",
  "maintenanceNote",
  "tokenRotation",
] as const;

/** The Runner settings an update sends to GitLab; every other output stays unless the token rotates. */
const RUNNER_SETTINGS = [
  "description",
  "paused",
  "locked",
  "runUntagged",
  "tagList",
  "accessLevel",
  "maximumTimeout",
  "maintenanceNote",
];

function rotates(olds: Bag, news: Bag): boolean {
  return news.tokenRotation !== undefined && news.tokenRotation !== olds.tokenRotation;
}

const runnerBinding: ResourceBinding = {
  outputNames: RUNNER_OUTPUTS,
  check: (olds, news) => call(() => impl().runner.check(olds, news)),
  diff: (id, olds, news) => call(() => impl().runner.diff(id, olds, news)),
  stables(olds, news) {
    const changing = new Set(RUNNER_SETTINGS.filter((k) => news[k] !== undefined));
    if (rotates(olds, news)) changing.add("authenticationToken").add("tokenExpiresAt");
    changing
      .add("tokenRotation")
      .add("status")
      .add("online")
      .add("contactedAt")
      .add("projects")
      .add("groups");
    return RUNNER_OUTPUTS.filter((k) => !changing.has(k));
  },
  create: (inputs) =>
    call(async () => {
      const { id, outs } = await impl().runner.create(inputs);
      return { id, outs: { ...outs } };
    }),
  previewCreate(inputs) {
    const out = previewFromInputs(RUNNER_OUTPUTS, inputs);
    // The runner's scope follows from how it is made (a registration token decides it there).
    if (out.runnerType === UNKNOWN && inputs.groupId !== undefined) out.runnerType = "group_type";
    if (Array.isArray(out.tagList)) out.tagList = [...(out.tagList as string[])].sort();
    return out;
  },
  read: (id, props) => call(() => impl().runner.read(id, props)),
  update: (id, olds, news) =>
    call(async () => ({ outs: { ...(await impl().runner.update(id, olds, news)).outs } })),
  previewUpdate(olds, news) {
    const out: Bag = { ...olds };
    for (const k of [...RUNNER_SETTINGS, "tokenRotation"]) {
      const v = news[k];
      if (v === undefined || v === null) continue;
      out[k] = k === "tagList" && !containsUnknown(v) ? [...(v as string[])].sort() : v;
    }
    if (rotates(olds, news)) {
      out.authenticationToken = UNKNOWN;
      out.tokenExpiresAt = UNKNOWN;
    }
    return out;
  },
  delete: (id, props) => call(async () => void (await impl().runner.delete(id, props))),
};

const ASSIGNMENT_OUTPUTS = ["project", "runnerId", "projectId", "projectPath", "preExisting"] as const;

const assignmentBinding: ResourceBinding = {
  outputNames: ASSIGNMENT_OUTPUTS,
  check: (olds, news) => call(() => impl().assignment.check(olds, news)),
  diff: (id, olds, news) => call(() => impl().assignment.diff(id, olds, news)),
  // Every change replaces: an update never happens, so nothing needs to be declared stable.
  stables: () => [...ASSIGNMENT_OUTPUTS],
  create: (inputs) =>
    call(async () => {
      const { id, outs } = await impl().assignment.create(inputs);
      return { id, outs: { ...outs } };
    }),
  previewCreate: (inputs) => previewFromInputs(ASSIGNMENT_OUTPUTS, inputs),
  read: (id, props) => call(() => impl().assignment.read(id, props)),
  delete: (id, props) => call(async () => void (await impl().assignment.delete(id, props))),
};

/** The resource types the plugin serves, by type token. */
export const resources: Readonly<Record<string, ResourceBinding>> = {
  [`${PACKAGE}:index:Runner`]: runnerBinding,
  [`${PACKAGE}:index:ProjectRunnerAssignment`]: assignmentBinding,
};

/** The function context: this provider's configuration, the environment for the rest. */
function functionContext() {
  return { config: implConfig(), env: process.env };
}

/** The read functions, by token. List results are wrapped in an object (an invoke returns one). */
export const invokes: Readonly<Record<string, FunctionBinding>> = {
  [`${PACKAGE}:index:getRunner`]: (args) =>
    call(async () => ({ ...(await impl().functions.getRunner(args, functionContext())) })),
  [`${PACKAGE}:index:listRunners`]: (args) =>
    call(async () => ({ runners: await impl().functions.listRunners(args, functionContext()) })),
  [`${PACKAGE}:index:listProjectRunners`]: (args) =>
    call(async () => ({ runners: await impl().functions.listProjectRunners(args, functionContext()) })),
  [`${PACKAGE}:index:listGroupRunners`]: (args) =>
    call(async () => ({ runners: await impl().functions.listGroupRunners(args, functionContext()) })),
  [`${PACKAGE}:index:listRunnerJobs`]: (args) =>
    call(async () => ({ jobs: await impl().functions.listRunnerJobs(args, functionContext()) })),
  [`${PACKAGE}:index:listRunnerManagers`]: (args) =>
    call(async () => ({ managers: await impl().functions.listRunnerManagers(args, functionContext()) })),
  [`${PACKAGE}:index:verifyRunnerToken`]: (args) =>
    call(async () => ({ ...(await impl().functions.verifyRunnerToken(args, functionContext())) })),
};

/** True for a function's refusal of its arguments (reported as invoke failures, not a crash). */
export function isArgumentError(err: unknown): err is Error {
  return err instanceof impl().FunctionArgumentError;
}
