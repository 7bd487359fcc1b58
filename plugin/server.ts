/**
 * The `ResourceProvider` gRPC service of the `gitlab-runners` plugin, built on the stubs generated
 * from Pulumi's protocol (`@pulumi/pulumi/proto`), as Pulumi's own dynamic-provider host is.
 * `@pulumi/pulumi/provider`'s `main()` is not used: its `Configure` drops the provider
 * configuration, its `Diff` has no detailed diff and ignores stables.
 *
 * This file speaks the protocol only: type tokens, secrets, unknowns, previews, errors. What a
 * resource does comes from `./adapter`.
 */
import * as grpc from "@grpc/grpc-js";
import type * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import type * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { PlannedDiff, PropertyChange } from "../provider/resource/diff";
import type * as Adapter from "./adapter";
import type { ResourceBinding } from "./adapter";
import { PACKAGE, packageSchema, SECRET_PROPERTIES } from "./schema";
import { CONFIG_KEYS, configKeysOfType, SECRET_CONFIG_KEYS } from "./schema-config";
import { inPluginTerms } from "./terms";
import { type Bag, containsUnknown, fromStruct, toStruct, unwrap, unwrapValue, wrap } from "./values";
import { version } from "./version";

/**
 * The adapter, loaded on first use: it loads the implementation (zod and undici, about 0.8 s),
 * which a plugin process started only for GetSchema or GetPluginInfo never needs.
 */
let adapterModule: typeof Adapter | undefined;
/** The engine's address, given to the adapter when it is loaded (its log goes there). */
let engineAddress: string | undefined;
function adapter(): typeof Adapter {
  if (adapterModule === undefined) {
    adapterModule = require("./adapter") as typeof Adapter;
    adapterModule.useEngine(engineAddress);
  }
  return adapterModule;
}

// The generated modules are CommonJS with classes on `exports`; loaded at run time so this file's
// types come from their declarations and their values from the copy @pulumi/pulumi uses.
const pb = require("@pulumi/pulumi/proto/provider_pb") as typeof provproto;
const plugpb = require("@pulumi/pulumi/proto/plugin_pb") as typeof plugproto;
const rpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof provrpc;
const statuspb = require("@pulumi/pulumi/proto/status_pb") as {
  Status: new () => {
    setCode(code: number): void;
    setMessage(message: string): void;
    addDetails(detail: Any): void;
    serializeBinary(): Uint8Array;
  };
};

const Kind = () => pb.PropertyDiff.Kind;
const Changes = () => pb.DiffResponse.DiffChanges;

/** Keys the engine itself puts into a provider's inputs; they are not configuration. */
const ENGINE_CONFIG_KEYS = new Set(["version", "pluginDownloadURL"]);
const BOOLEAN_CONFIG_KEYS = new Set<string>(configKeysOfType("boolean"));
const INTEGER_CONFIG_KEYS = new Set<string>(configKeysOfType("integer"));

/** A type token from a request: its `type` field, or the URN's type (`urn:pulumi:s::p::[parent$]type::name`). */
export function typeOf(type: string, urn: string): string {
  if (type) return type;
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").at(-1) ?? "";
}

function bindingFor(type: string): ResourceBinding {
  const binding = adapter().resources[type];
  if (!binding) {
    throw Object.assign(
      new Error(
        `${PACKAGE} has no resource type "${type}"; it serves ${Object.keys(adapter().resources).join(", ")}`,
      ),
      {
        grpcCode: grpc.status.INVALID_ARGUMENT,
      },
    );
  }
  return binding;
}

function secretNames(type: string, more: Iterable<string> = []): Set<string> {
  return new Set([...(SECRET_PROPERTIES[type] ?? []), ...more]);
}

/** An error for the engine; one that carries an id means "created, but failed afterwards". */
function toServiceError(err: unknown, type?: string, inputSecrets: Iterable<string> = []): grpc.ServiceError {
  const e = (err instanceof Error ? err : new Error(String(err))) as Error & {
    id?: unknown;
    properties?: unknown;
    reasons?: unknown;
    grpcCode?: number;
  };
  const message = inPluginTerms(e.message);
  const metadata = new grpc.Metadata();
  if (typeof e.id === "string" && e.id !== "") {
    // Pulumi's way to record a partially created resource (ErrorResourceInitFailed in the
    // status details; `grpc-status-details-bin` is what grpc-go reads them from).
    const detail = new pb.ErrorResourceInitFailed();
    detail.setId(e.id);
    const props = (typeof e.properties === "object" && e.properties !== null ? e.properties : {}) as Bag;
    detail.setProperties(toStruct(wrap(props, secretNames(type ?? "", inputSecrets))));
    detail.setReasonsList(
      Array.isArray(e.reasons) ? e.reasons.map((r) => inPluginTerms(String(r))) : [message],
    );
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statuspb.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(message), {
    code: e.grpcCode ?? grpc.status.UNKNOWN,
    details: message,
    metadata,
  });
}

function unimplemented(what: string): grpc.ServiceError {
  return Object.assign(new Error(`${what} is not implemented by the ${PACKAGE} plugin`), {
    code: grpc.status.UNIMPLEMENTED,
    details: `${what} is not implemented by the ${PACKAGE} plugin`,
    metadata: new grpc.Metadata(),
  });
}

/** Adapts an async handler to grpc-js's callback style; a thrown error becomes the RPC's error. */
function unary<Req, Res>(
  fn: (req: Req) => Promise<Res>,
  onError: (err: unknown, req: Req) => grpc.ServiceError = (err) => toServiceError(err),
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (err: unknown) => callback(onError(err, call.request)),
    );
  };
}

/** Deep equality of plain values. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a as Bag).filter((k) => (a as Bag)[k] !== undefined);
    const kb = Object.keys(b as Bag).filter((k) => (b as Bag)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same((a as Bag)[k], (b as Bag)[k]));
  }
  return false;
}

/** `PropertyDiff.Kind` of each change the implementation names. */
function kindOf(change: PropertyChange): provproto.PropertyDiff.Kind {
  const k = Kind();
  const kinds: Record<PropertyChange, provproto.PropertyDiff.Kind> = {
    add: k.ADD,
    "add-replace": k.ADD_REPLACE,
    delete: k.DELETE,
    "delete-replace": k.DELETE_REPLACE,
    update: k.UPDATE,
    "update-replace": k.UPDATE_REPLACE,
  };
  return kinds[change];
}

/**
 * The implementation's plan as the engine takes it: changes, replaces, stables,
 * delete-before-replace and the detailed diff, forwarded as they are (the properties named are
 * the program's inputs, compared with the old outputs).
 */
export function planResponse(plan: PlannedDiff): provproto.DiffResponse {
  const kinds: Record<string, provproto.PropertyDiff.Kind> = {};
  for (const [key, change] of Object.entries(plan.detailedDiff)) kinds[key] = kindOf(change);
  return diffResponse(plan.changes, plan.replaces, kinds, plan.stables, plan.deleteBeforeReplace);
}

function diffResponse(
  changes: boolean,
  replaces: readonly string[],
  kinds: Record<string, provproto.PropertyDiff.Kind>,
  stables: readonly string[],
  deleteBeforeReplace = false,
): provproto.DiffResponse {
  const resp = new pb.DiffResponse();
  resp.setChanges(changes ? Changes().DIFF_SOME : Changes().DIFF_NONE);
  resp.setReplacesList([...replaces]);
  resp.setDeletebeforereplace(deleteBeforeReplace);
  if (changes) {
    const keys = Object.keys(kinds);
    resp.setDiffsList(keys);
    // With a detailed diff the engine shows exactly these properties; without one (a change the
    // per-property comparison cannot name) it compares the inputs itself.
    if (keys.length > 0) {
      resp.setHasdetaileddiff(true);
      const map = resp.getDetaileddiffMap();
      for (const [key, kind] of Object.entries(kinds)) {
        const d = new pb.PropertyDiff();
        d.setKind(kind);
        d.setInputdiff(false);
        map.set(key, d);
      }
    }
  }
  // Stables promise what an in-place update leaves alone; a replacement promises nothing.
  if (replaces.length === 0) resp.setStablesList([...stables]);
  return resp;
}

/** The provider configuration from `Configure`'s args (bare keys) or its legacy variables map. */
function configFrom(req: provproto.ConfigureRequest): Record<string, string> {
  const config: Record<string, string> = {};
  const args = req.getArgs() ? unwrap(fromStruct(req.getArgs())).values : undefined;
  if (args) {
    for (const [k, v] of Object.entries(args)) {
      if (ENGINE_CONFIG_KEYS.has(k) || v === undefined || v === null || containsUnknown(v)) continue;
      config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return config;
  }
  // `<package>:config:<key>` (older engines send only this map).
  req.getVariablesMap().forEach((value, key) => {
    const m = /^[^:]+:(?:config:)?(.+)$/.exec(key);
    if (m?.[1] && value !== undefined) config[m[1]] = value;
  });
  return config;
}

/** CheckConfig: unknown keys and values of the wrong shape fail the preview, naming the key. */
export function checkConfig(news: Bag): CheckFailureLike[] {
  const failures: CheckFailureLike[] = [];
  for (const [key, raw] of Object.entries(news)) {
    if (ENGINE_CONFIG_KEYS.has(key) || key.startsWith("__")) continue;
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      failures.push({
        property: key,
        reason: `${PACKAGE}:${key} is not a ${PACKAGE} setting; the settings are ${CONFIG_KEYS.map((k) => `${PACKAGE}:${k}`).join(", ")}.`,
      });
      continue;
    }
    const value = unwrapValue(raw);
    if (value === undefined || value === null || containsUnknown(value)) continue;
    if (BOOLEAN_CONFIG_KEYS.has(key) && !/^(true|false)$/i.test(String(value))) {
      failures.push({
        property: key,
        reason: `${PACKAGE}:${key} must be true or false; got ${JSON.stringify(value)}.`,
      });
    } else if (INTEGER_CONFIG_KEYS.has(key) && !/^\d+$/.test(String(value))) {
      failures.push({
        property: key,
        reason: `${PACKAGE}:${key} must be a whole number; got ${JSON.stringify(value)}.`,
      });
    }
  }
  return failures;
}

interface CheckFailureLike {
  property: string;
  reason: string;
}

function checkResponse(inputs: Bag, failures: readonly CheckFailureLike[]): provproto.CheckResponse {
  const resp = new pb.CheckResponse();
  resp.setInputs(toStruct(inputs));
  resp.setFailuresList(
    failures.map((f) => {
      const failure = new pb.CheckFailure();
      failure.setProperty(inPluginTerms(f.property));
      failure.setReason(inPluginTerms(f.reason));
      return failure;
    }),
  );
  return resp;
}

/** The service implementation. One instance per plugin process. */
export function createService(): provrpc.IResourceProviderServer {
  let schemaText: string | undefined;

  return {
    getPluginInfo: unary(async () => {
      const info = new plugpb.PluginInfo();
      info.setVersion(version);
      return info;
    }),

    handshake: unary(async () => {
      const resp = new pb.ProviderHandshakeResponse();
      resp.setAcceptSecrets(true);
      resp.setAcceptResources(false);
      resp.setAcceptOutputs(false);
      return resp;
    }),

    getSchema: unary(async (req: provproto.GetSchemaRequest) => {
      if (req.getSubpackageName())
        throw new Error(`${PACKAGE} has no subpackage "${req.getSubpackageName()}"`);
      schemaText ??= JSON.stringify(packageSchema);
      const resp = new pb.GetSchemaResponse();
      resp.setSchema(schemaText);
      return resp;
    }),

    checkConfig: unary(async (req: provproto.CheckRequest) => {
      const { values, secrets } = unwrap(fromStruct(req.getNews()));
      return checkResponse(wrap(values, [...secrets, ...SECRET_CONFIG_KEYS]), checkConfig(values));
    }),

    diffConfig: unary(async (req: provproto.DiffRequest) => {
      const olds = unwrap(fromStruct(req.getOldInputs() ?? req.getOlds())).values;
      const news = unwrap(fromStruct(req.getNews())).values;
      const kinds: Record<string, provproto.PropertyDiff.Kind> = {};
      for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
        if (ENGINE_CONFIG_KEYS.has(key) || same(olds[key], news[key])) continue;
        kinds[key] =
          news[key] === undefined ? Kind().DELETE : olds[key] === undefined ? Kind().ADD : Kind().UPDATE;
      }
      // A new URL or token never replaces resources: they are the same runners, reached differently.
      return diffResponse(Object.keys(kinds).length > 0, [], kinds, []);
    }),

    configure: unary(async (req: provproto.ConfigureRequest) => {
      adapter().configure(configFrom(req), req.getUrn());
      const resp = new pb.ConfigureResponse();
      resp.setAcceptsecrets(true);
      resp.setSupportspreview(true);
      resp.setAcceptresources(false);
      resp.setAcceptoutputs(false);
      return resp;
    }),

    check: unary(async (req: provproto.CheckRequest) => {
      const type = typeOf(req.getType(), req.getUrn());
      const binding = bindingFor(type);
      const olds = unwrap(fromStruct(req.getOlds())).values;
      const news = unwrap(fromStruct(req.getNews()));
      const { inputs, failures } = await binding.check(olds, news.values, req.getUrn());
      return checkResponse(wrap(inputs, secretNames(type, news.secrets)), failures);
    }),

    diff: unary(async (req: provproto.DiffRequest) => {
      const type = typeOf(req.getType(), req.getUrn());
      const binding = bindingFor(type);
      const olds = unwrap(fromStruct(req.getOlds())).values;
      const news = unwrap(fromStruct(req.getNews())).values;
      return planResponse(await binding.diff(req.getId(), olds, news));
    }),

    create: unary(
      async (req: provproto.CreateRequest) => {
        const type = typeOf(req.getType(), req.getUrn());
        const binding = bindingFor(type);
        const inputs = unwrap(fromStruct(req.getProperties()));
        const secrets = secretNames(type, inputs.secrets);
        const resp = new pb.CreateResponse();
        if (req.getPreview()) {
          resp.setProperties(toStruct(wrap(binding.previewCreate(inputs.values), secrets)));
          return resp;
        }
        const { id, outs } = await binding.create(inputs.values, req.getUrn());
        resp.setId(id);
        resp.setProperties(toStruct(wrap(outs, secrets)));
        return resp;
      },
      (err, req) => {
        const type = typeOf(req.getType(), req.getUrn());
        return toServiceError(err, type, unwrap(fromStruct(req.getProperties())).secrets);
      },
    ),

    read: unary(async (req: provproto.ReadRequest) => {
      const type = typeOf(req.getType(), req.getUrn());
      const binding = bindingFor(type);
      const props = unwrap(fromStruct(req.getProperties()));
      const inputs = unwrap(fromStruct(req.getInputs()));
      const secrets = secretNames(type, [...props.secrets, ...inputs.secrets]);
      const result = await binding.read(req.getId(), props.values);
      const resp = new pb.ReadResponse();
      // No id: the object is gone and the engine drops it from the state.
      if (!result.id) return resp;
      resp.setId(result.id);
      resp.setProperties(toStruct(wrap(result.props ?? {}, secrets)));
      if (result.inputs) resp.setInputs(toStruct(wrap(result.inputs, secrets)));
      return resp;
    }),

    update: unary(
      async (req: provproto.UpdateRequest) => {
        const type = typeOf(req.getType(), req.getUrn());
        const binding = bindingFor(type);
        const olds = unwrap(fromStruct(req.getOlds()));
        const news = unwrap(fromStruct(req.getNews()));
        const secrets = secretNames(type, [...olds.secrets, ...news.secrets]);
        const resp = new pb.UpdateResponse();
        const outs = req.getPreview()
          ? await binding.previewUpdate(req.getId(), olds.values, news.values)
          : (await binding.update(req.getId(), olds.values, news.values, req.getUrn())).outs;
        resp.setProperties(toStruct(wrap(outs, secrets)));
        return resp;
      },
      (err, req) => {
        const type = typeOf(req.getType(), req.getUrn());
        return toServiceError(err, type, unwrap(fromStruct(req.getNews())).secrets);
      },
    ),

    delete: unary(async (req: provproto.DeleteRequest) => {
      const binding = bindingFor(typeOf(req.getType(), req.getUrn()));
      await binding.delete(req.getId(), unwrap(fromStruct(req.getProperties())).values);
      return new Empty();
    }),

    invoke: unary(async (req: provproto.InvokeRequest) => {
      const fn = adapter().invokes[req.getTok()];
      if (!fn) {
        throw Object.assign(
          new Error(
            `${PACKAGE} has no function "${req.getTok()}"; it serves ${Object.keys(adapter().invokes).join(", ")}`,
          ),
          { grpcCode: grpc.status.INVALID_ARGUMENT },
        );
      }
      const resp = new pb.InvokeResponse();
      try {
        resp.setReturn(toStruct(await fn(unwrap(fromStruct(req.getArgs())).values)));
      } catch (err) {
        if (!adapter().isArgumentError(err)) throw err;
        const failure = new pb.CheckFailure();
        failure.setProperty("");
        failure.setReason(err.message);
        resp.setFailuresList([failure]);
      }
      return resp;
    }),

    // Nothing long-running to interrupt: each GitLab operation has its own deadline.
    cancel: unary(async () => new Empty()),
    attach: unary(async () => new Empty()),
    // No mappings for `pulumi convert`: an empty answer says so.
    getMapping: unary(async () => new pb.GetMappingResponse()),
    getMappings: unary(async () => new pb.GetMappingsResponse()),

    parameterize: (_call, callback) => callback(unimplemented("Parameterize")),
    construct: (_call, callback) => callback(unimplemented("Construct")),
    call: (_call, callback) => callback(unimplemented("Call")),
    list: (call) => call.emit("error", unimplemented("List")),
  };
}

/**
 * Starts the service on a free loopback port and returns the port. `engine` is the engine's
 * address (the plugin's last start-up argument): warnings and progress go to its Log RPC.
 */
export async function serve(engine?: string): Promise<{ port: number; server: grpc.Server }> {
  engineAddress = engine;
  const server = new grpc.Server({
    // Large schemas and states; the same limit as Pulumi's own Node processes.
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  server.addService(rpc.ResourceProviderService, createService());
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return { port, server };
}
