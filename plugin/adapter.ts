/**
 * The one place where the plugin calls the resources' implementation (`provider/`): the
 * operations of each resource (`runnerOperations`, `assignmentOperations`) with this provider's
 * context, the read functions, and the previews the plugin answers for them. Everything the gRPC
 * server needs from a resource goes through {@link ResourceBinding}, so a change of the
 * implementation's signatures is an edit of this file only.
 *
 * The engine starts one plugin process per provider (the default provider and each explicit
 * `Provider` resource); each process has one context: its GitLab client, built on first use from
 * the configuration `Configure` gave (so `check` and `diff` work in a preview without
 * credentials), and the engine's log.
 */
import {
  assignmentOperations,
  FunctionArgumentError,
  type FunctionContext,
  functions,
  runnerOperations,
} from "../provider";
import { assignmentDescription } from "../provider/assignment/description";
import { contextFrom, type ResourceContext } from "../provider/resource/context";
import type { ResourceDescription } from "../provider/resource/description";
import type { PlannedDiff } from "../provider/resource/diff";
import { type EngineLog, engineLogAt } from "../provider/resource/engine-log";
import { ORIGIN_KEY, originOf, type ResourceOrigin } from "../provider/resource/origin";
import { runnerDescription } from "../provider/runner/description";
import { STAND_IN_ORGANIZATION } from "../provider/stack-cli";
import { changedStackConfig } from "../provider/stack-config";
import { PACKAGE, RESOURCES } from "./schema";
import { WRAPPED_RESULTS } from "./schema-functions";
import { logInPluginTerms } from "./terms";
import { type Bag, containsUnknown, UNKNOWN } from "./values";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** What the server needs from one resource type. Bags are plain values (no secret wrappers). */
export interface ResourceBinding {
  readonly description: ResourceDescription;
  /**
   * Validates and normalises new inputs; `olds` are the previous inputs ({} on create), `urn`
   * names the resource (a new Runner's check reads the stack's unfinished creations first).
   */
  check(olds: Bag, news: Bag, urn: string): Promise<{ inputs: Bag; failures: CheckFailure[] }>;
  /** Compares the old outputs with the new inputs: the implementation's plan, as it is. */
  diff(id: string, olds: Bag, news: Bag): Promise<PlannedDiff>;
  /** `urn` names the resource (its creation mark, `provider/runner/creation-mark.ts`). */
  create(inputs: Bag, urn: string): Promise<{ id: string; outs: Bag }>;
  /** The outputs a create would produce, as far as they are known before it runs. */
  previewCreate(inputs: Bag): Bag;
  /** `props` are the stored outputs; {} when importing. No id in the answer: the object is gone. */
  read(id: string, props: Bag): Promise<{ id?: string | undefined; props?: Bag; inputs?: Bag }>;
  /** Fails for a type whose every change replaces (its diff never plans an update). */
  update(id: string, olds: Bag, news: Bag, urn: string): Promise<{ outs: Bag }>;
  /** The outputs an update would produce, as far as they are known before it runs. */
  previewUpdate(id: string, olds: Bag, news: Bag): Promise<Bag>;
  delete(id: string, props: Bag): Promise<void>;
}

const RUNNER = runnerDescription.pluginType;
const ASSIGNMENT = assignmentDescription.pluginType;

/** A read function: plain arguments in, an object out. */
export type FunctionBinding = (args: Bag) => Promise<Bag>;

/** The provider configuration as `Configure` gave it: bare keys (`baseUrl`), string values. */
let settings: Record<string, string | undefined> = {};
let log: EngineLog = logInPluginTerms(engineLogAt(undefined));
let context: (ResourceContext & { reset(): void }) | undefined;

/** This provider's context; its client reads `settings` and names them `gitlab-runners:<key>`. */
function ctx(): ResourceContext {
  context ??= contextFrom(() => settings, log, process.env, PACKAGE);
  return context;
}

/**
 * Where warnings and progress go: the engine's Log RPC at `address` (the plugin's start-up
 * argument), with the stubs and grpc-js this process loaded (a bundled plugin has no other copy).
 */
export function useEngine(address: string | undefined): void {
  log = logInPluginTerms(
    engineLogAt(address, (at) => {
      try {
        const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
        const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
          EngineClient: new (address: string, credentials: unknown) => never;
        };
        const proto = require("@pulumi/pulumi/proto/engine_pb") as never;
        return { client: new rpc.EngineClient(at, grpc.credentials.createInsecure()), proto };
      } catch {
        return null;
      }
    }),
  );
  context = undefined;
}

/** Set when this process is the stack's default provider: its stack's name. */
let defaultProviderStack: string | undefined;
/** True once a `check` came in: the program runs, and `Configure` had the current configuration. */
let programRuns = false;
let reading: Promise<void> | undefined;

/**
 * `Configure`: remembers the settings. `GITLAB_BASE_URL` / `GITLAB_TOKEN` (and the proxy
 * variables) fill what they leave out, when the client is built. `providerUrn` says whether this
 * is the stack's default provider (named `default…` by the engine), whose configuration is the
 * stack's `gitlab-runners:` keys.
 */
export function configure(config: Record<string, string>, providerUrn?: string): void {
  settings = { ...config };
  const match = /^urn:pulumi:([^:]+)::[^:]+::pulumi:providers:[^:]+::(default(?:_[\w-]+)?)$/.exec(
    providerUrn ?? "",
  );
  defaultProviderStack = match?.[1];
  context?.reset();
}

/** A `check` came in: the program runs. */
export function programIsRunning(): void {
  programRuns = true;
}

/**
 * Before a read or a delete of the default provider, where the program has not run in this
 * process (refresh, destroy, the refresh of `preview --refresh`): the engine configured it from
 * the configuration recorded in the state at the last `pulumi up`, so a rotated token or a moved
 * GitLab would not be used. The stack's current `gitlab-runners:` keys are read once with the
 * CLI and preferred (`provider/stack-config.ts`), as the dynamic resources do. An explicit
 * `Provider`'s settings are its inputs, which only `pulumi up` changes.
 */
function preferCurrentConfig(): Promise<void> {
  if (programRuns || defaultProviderStack === undefined) return Promise.resolve();
  reading ??= (async () => {
    const current = await changedStackConfig(defaultProviderStack as string, settings, log, PACKAGE);
    if (current === undefined) return;
    settings = current;
    context?.reset();
  })();
  return reading;
}

/** Runs an operation, then waits until every line it logged has reached the engine. */
async function settled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await log.flush();
  }
}

/** A set is stored sorted (`asSet`), so a preview shows what the state will hold. */
function asStored(spec: ResourceDescription["fields"][string] | undefined, value: unknown): unknown {
  if (spec?.type.kind !== "string-set" || !Array.isArray(value) || containsUnknown(value)) return value;
  return [...new Set((value as string[]).map((v) => v.trim()))].sort();
}

/**
 * The outputs of a resource about to be created, from its description: the inputs as given
 * (sets sorted), and unknown whatever GitLab will report (computed fields, settings the program
 * leaves out, inputs GitLab reports too).
 */
export function previewCreate(description: ResourceDescription, inputs: Bag): Bag {
  const out: Bag = {};
  for (const [name, spec] of Object.entries(description.fields)) {
    const given = inputs[name];
    if (spec.role !== "computed" && given !== undefined && given !== null) {
      out[name] = asStored(spec, given);
    } else if (spec.role === "computed" || spec.role === "setting" || spec.computedToo === true) {
      out[name] = UNKNOWN;
    }
  }
  return out;
}

/**
 * The outputs of an in-place update, from its plan: the old outputs, with the new value of each
 * input the plan changes, and unknown every computed output the plan does not promise stable. The
 * stables stay known, so a dependent that reads only them previews as unchanged.
 */
export function previewUpdate(
  description: ResourceDescription,
  olds: Bag,
  news: Bag,
  plan: PlannedDiff,
): Bag {
  const out: Bag = { ...olds };
  for (const name of Object.keys(plan.detailedDiff)) {
    const now = news[name];
    if (now === undefined || now === null) delete out[name];
    else out[name] = asStored(description.fields[name], now);
  }
  const stables = new Set(plan.stables);
  for (const [name, spec] of Object.entries(description.fields)) {
    if (spec.role === "computed" && !stables.has(name) && name in out) out[name] = UNKNOWN;
  }
  return out;
}

/** A resource's operations, as `runnerOperations(ctx)` and `assignmentOperations(ctx)` make them. */
interface Operations {
  check(olds: Bag, news: Bag): Promise<{ inputs: Bag; failures: CheckFailure[] }>;
  diff(id: string, olds: Bag, news: Bag): Promise<PlannedDiff>;
  create(inputs: Bag): Promise<{ id: string; outs?: Bag }>;
  read(id: string, props?: Bag): Promise<{ id?: string | undefined; props?: Bag; inputs?: Bag }>;
  update?(id: string, olds: Bag, news: Bag): Promise<{ outs?: Bag }>;
  delete(id: string, props: Bag): Promise<void>;
}

function updateOf(description: ResourceDescription, operations: Operations) {
  if (!operations.update)
    throw new Error(`${description.pluginType} is never updated in place; its diff replaces it`);
  return operations.update.bind(operations);
}

/**
 * The engine tells the plugin which resource it acts on (the dynamic host does not, so the sdk
 * passes it as the hidden `__origin`, `provider/resource/origin.ts`): the same origin from the
 * request's URN. A plugin is never told the stack's organization; `organization` stands in (the
 * creation mark's hash then differs from the dynamic resource's, whose type differs anyway).
 */
function withUrn(inputs: Bag, urn: string): Bag {
  const origin: ResourceOrigin = { urn, organization: STAND_IN_ORGANIZATION };
  return originOf({ [ORIGIN_KEY]: origin }) ? { ...inputs, [ORIGIN_KEY]: origin } : inputs;
}

/** The hidden origin stays out of the plugin's state: every request carries the URN again. */
function withoutOrigin(outs: Bag | undefined): Bag {
  const { [ORIGIN_KEY]: _origin, ...rest } = outs ?? {};
  return rest;
}

function binding(description: ResourceDescription, operations: () => Operations): ResourceBinding {
  return {
    description,
    check: async (olds, news, urn) => {
      programIsRunning();
      const { inputs, failures } = await operations().check(olds, withUrn(news, urn));
      return { inputs: withoutOrigin(inputs), failures };
    },
    diff: (id, olds, news) => operations().diff(id, olds, news),
    create: (inputs, urn) =>
      settled(async () => {
        const { id, outs } = await operations().create(withUrn(inputs, urn));
        return { id, outs: withoutOrigin(outs) };
      }),
    previewCreate: (inputs) => previewCreate(description, inputs),
    read: (id, props) =>
      settled(async () => {
        await preferCurrentConfig();
        return operations().read(id, props);
      }),
    update: (id, olds, news, urn) =>
      settled(async () => ({
        outs: withoutOrigin((await updateOf(description, operations())(id, olds, withUrn(news, urn))).outs),
      })),
    previewUpdate: async (id, olds, news) => {
      updateOf(description, operations());
      return previewUpdate(description, olds, news, await operations().diff(id, olds, news));
    },
    delete: (id, props) =>
      settled(async () => {
        await preferCurrentConfig();
        await operations().delete(id, props);
      }),
  };
}

let operations: Record<string, Operations> | undefined;
function operationsOf(type: string): Operations {
  operations ??= {
    [RUNNER]: runnerOperations(ctx),
    [ASSIGNMENT]: assignmentOperations(ctx),
  };
  const found = operations[type];
  if (!found) throw new Error(`${PACKAGE} has no resource type "${type}"`);
  return found;
}

/** The resource types the plugin serves, by type token (the descriptions'). */
export const resources: Readonly<Record<string, ResourceBinding>> = Object.fromEntries(
  Object.entries(RESOURCES).map(([type, description]) => [
    type,
    binding(description, () => operationsOf(type)),
  ]),
);

type FunctionName = keyof typeof functions;

/** A read function as an invoke, with this provider's client; list results wrapped in an object. */
function invoke(name: FunctionName): FunctionBinding {
  const tok = `${PACKAGE}:index:${name}`;
  return (args) =>
    settled(async () => {
      const fn = functions[name] as (a: unknown, c: FunctionContext) => Promise<unknown>;
      const result = await fn(args, { client: ctx().client() });
      const key = WRAPPED_RESULTS[tok];
      return key === undefined ? { ...(result as Bag) } : { [key]: result };
    });
}

/** The read functions, by token. */
export const invokes: Readonly<Record<string, FunctionBinding>> = Object.fromEntries(
  (
    [
      "getRunner",
      "listRunners",
      "listProjectRunners",
      "listGroupRunners",
      "listRunnerJobs",
      "listRunnerManagers",
      "verifyRunnerToken",
    ] as const satisfies readonly FunctionName[]
  ).map((name) => [`${PACKAGE}:index:${name}`, invoke(name)]),
);

/** True for a function's refusal of its arguments (reported as invoke failures, not a crash). */
export function isArgumentError(err: unknown): err is Error {
  return err instanceof FunctionArgumentError;
}
