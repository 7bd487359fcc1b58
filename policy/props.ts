/**
 * Reading resource properties the way a policy must: without ever mistaking a value that is not
 * known yet (a computed output during `pulumi preview`) for a violation.
 *
 * @pulumi/policy hands policies the properties wrapped in a proxy that throws its
 * `UnknownValueError` when an unknown value is read (`@pulumi/policy/proxy.js`). Letting that
 * error escape turns into an advisory "can't run policy during preview" diagnostic on every
 * preview; instead, each read here answers {@link UNKNOWN} and the policies skip the check.
 */
import { RUNNER_TYPES, type RunnerType } from "../provider/gitlab/vocabulary";
import { UNKNOWN_VALUE } from "../provider/resource/host-values";

/** A value the policy cannot judge: computed during preview, or left to GitLab on an adopted runner. */
export const UNKNOWN: unique symbol = Symbol("unknown");
/** The type of {@link UNKNOWN}. */
export type Unknown = typeof UNKNOWN;

/**
 * The sentinels Pulumi uses for unknown values (`@pulumi/policy/proxy.js`): one per kind of
 * value, the string one being the SDK's `rpc.unknownValue` ({@link UNKNOWN_VALUE}). Through the
 * proxy they are never seen (reading throws); they are checked too so that props that reach a
 * policy without the proxy are safe.
 */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  UNKNOWN_VALUE,
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * @pulumi/policy does not declare `UnknownValueError` in its typings, so it is recognised by
 * its constructor's name and its message rather than by `instanceof`.
 */
function isUnknownValueError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.constructor.name === "UnknownValueError" || /can't be known during preview/.test(error.message)
  );
}

/** Resource properties as a policy receives them (`args.props`). */
export type Props = Readonly<Record<string, unknown>>;

/**
 * One property: its value, `undefined` when absent or `null`, or {@link UNKNOWN} when it is not
 * known yet.
 */
export function readProp(props: Props, key: string): unknown {
  let value: unknown;
  try {
    value = props[key];
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
  if (value === null || value === undefined) return undefined;
  if (UNKNOWN_SENTINELS.has(value)) return UNKNOWN;
  return value;
}

/** A string property; anything that is not a string (a wrong type the provider rejects) reads as absent. */
export function readString(props: Props, key: string): string | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN || typeof value === "string") return value;
  return undefined;
}

/** A boolean property. */
export function readBoolean(props: Props, key: string): boolean | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN || typeof value === "boolean") return value;
  return undefined;
}

/** A number property (GitLab ids and seconds). */
export function readNumber(props: Props, key: string): number | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN || typeof value === "number") return value;
  return undefined;
}

/** A numeric id or a full path such as `acme/api` (`projectId`, `groupId`, `project`). */
export function readIdOrPath(props: Props, key: string): number | string | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN || typeof value === "number" || typeof value === "string") return value;
  return undefined;
}

/**
 * A list of strings (`tagList`). A known list may still hold unknown elements (a tag computed
 * from another resource's output): those come back as {@link UNKNOWN}.
 */
export function readStringList(props: Props, key: string): (string | Unknown)[] | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(value)) return undefined;
  const items: (string | Unknown)[] = [];
  let length: number;
  try {
    length = value.length;
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
  for (let i = 0; i < length; i++) {
    const item = readProp(value as unknown as Props, String(i));
    if (item === UNKNOWN) items.push(UNKNOWN);
    else if (typeof item === "string") items.push(item);
  }
  return items;
}

/**
 * A list of ids or paths (`assignedProjects`). A known list may still hold unknown elements:
 * those come back as {@link UNKNOWN}.
 */
export function readIdOrPathList(
  props: Props,
  key: string,
): (number | string | Unknown)[] | undefined | Unknown {
  const value = readProp(props, key);
  if (value === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(value)) return undefined;
  const items: (number | string | Unknown)[] = [];
  let length: number;
  try {
    length = value.length;
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
  for (let i = 0; i < length; i++) {
    const item = readProp(value as unknown as Props, String(i));
    if (item === UNKNOWN || typeof item === "number" || typeof item === "string") items.push(item);
  }
  return items;
}

/** Whether a property is given at all (an unknown value counts as given). */
export function isGiven(props: Props, key: string): boolean {
  return readProp(props, key) !== undefined;
}

/**
 * What a runner argument will be in GitLab: the program's value when given; GitLab's default for
 * a new runner when omitted; {@link UNKNOWN} when omitted on an adopted runner (`adoptRunnerId`),
 * because an adopted runner keeps GitLab's current value, which a policy cannot see.
 */
export function effective<T>(
  value: T | undefined | Unknown,
  gitlabDefault: T,
  adopted: boolean,
): T | Unknown {
  if (value !== undefined) return value;
  return adopted ? UNKNOWN : gitlabDefault;
}

/** What a Runner's inputs say, read once for every policy. */
export interface RunnerFacts {
  /** Whether the runner is adopted (`adoptRunnerId` given): omitted fields keep GitLab's value. */
  adopted: boolean;
  /** Whether the registration-token flow is used (`registrationToken` given and known). */
  registrationToken: boolean | Unknown;
  /** `runnerType`; `undefined` for registration-token and adopted runners, whose scope the inputs do not say. */
  runnerType: RunnerType | undefined | Unknown;
  /** `projectId` of a project runner. */
  projectId: number | string | undefined | Unknown;
  runUntagged: boolean | undefined | Unknown;
  locked: boolean | undefined | Unknown;
  tagList: (string | Unknown)[] | undefined | Unknown;
  accessLevel: string | undefined | Unknown;
  maximumTimeout: number | undefined | Unknown;
  description: string | undefined | Unknown;
}

function isRunnerType(value: string | undefined): value is RunnerType {
  return (RUNNER_TYPES as readonly (string | undefined)[]).includes(value);
}

/** Reads the Runner inputs the policies look at. */
export function runnerFacts(props: Props): RunnerFacts {
  const runnerType = readString(props, "runnerType");
  const token = readString(props, "registrationToken");
  return {
    adopted: isGiven(props, "adoptRunnerId"),
    registrationToken: token === UNKNOWN ? UNKNOWN : token !== undefined && token !== "",
    runnerType: runnerType === UNKNOWN || isRunnerType(runnerType) ? runnerType : undefined,
    projectId: readIdOrPath(props, "projectId"),
    runUntagged: readBoolean(props, "runUntagged"),
    locked: readBoolean(props, "locked"),
    tagList: readStringList(props, "tagList"),
    accessLevel: readString(props, "accessLevel"),
    maximumTimeout: readNumber(props, "maximumTimeout"),
    description: readString(props, "description"),
  };
}
