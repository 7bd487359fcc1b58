/**
 * Log lines from a provider process to the Pulumi engine, so that `pulumi up` shows them as
 * `warning:` or `info:` diagnostics (and `--debug` shows the debug lines).
 *
 * The engine offers one channel for this: its `Log` RPC (`pulumirpc.Engine/Log`, `engine.proto`),
 * at the address it gives every plugin as its first argument. The dynamic-provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) receives that address but never hands it to the SDK
 * runtime (pulumi/pulumi#6065), so `pulumi.log.warn` inside a dynamic provider finds no engine;
 * since pulumi/pulumi#18253 the CLI at least shows the provider's stderr, unstructured. There is
 * no supported way to reach the engine from a dynamic provider, so this file — and only this
 * file — calls the RPC itself with the SDK's own generated stubs (`@pulumi/pulumi/proto`) and the
 * SDK's copy of `@grpc/grpc-js`. `test/unit/engine-log.test.ts` fails when any of the SDK
 * internals it relies on change. Where the RPC is not possible (not inside a provider host, or
 * the call fails), the line goes to stderr, which the CLI shows as the plugin's output.
 *
 * The plugin server gets the same address and passes it to {@link engineLogAt}.
 */
import { dirname } from "node:path";

/** What a provider reports while it works. */
export interface EngineLog {
  /** Detail for `--debug` and `-v`: every request and its outcome. */
  debug(message: string): void;
  /** Something the user should see, such as a retry or a wait for GitLab's rate limit. */
  info(message: string): void;
  /** Something the user should act on; shown as `warning:` by the CLI. */
  warn(message: string): void;
  /** Resolves when every line sent so far has reached the engine (or stderr). */
  flush(): Promise<void>;
}

/** `pulumirpc.LogSeverity` values, as the generated stubs name them. */
type Severity = "DEBUG" | "INFO" | "WARNING";

export interface LogRequest {
  setSeverity(value: number): void;
  setMessage(value: string): void;
  setUrn(value: string): void;
  setStreamid(value: number): void;
  setEphemeral(value: boolean): void;
}

export interface EngineClient {
  log(request: LogRequest, callback: (err: Error | null) => void): void;
}

export interface EngineProto {
  LogRequest: new () => LogRequest;
  LogSeverity: Record<Severity, number>;
}

/** An engine client and the generated message types it takes. */
export interface Engine {
  client: EngineClient;
  proto: EngineProto;
}

/** How long a line may take to reach the engine before it goes to stderr instead. */
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * The engine address the dynamic-provider host was started with (its first argument,
 * `host:port`), when this process is that host.
 */
export function engineAddress(
  argv: readonly string[] = process.argv,
  main = require.main?.filename,
): string | undefined {
  if (!main || !/[\\/]cmd[\\/]dynamic-provider/.test(main)) return undefined;
  return argv.slice(2).find((arg) => /^[\w.-]+:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(arg));
}

/**
 * The engine client, from the SDK's generated stubs and its copy of grpc-js, resolved from where
 * the host loaded `@pulumi/pulumi` (the program's node_modules), so the wire types match the
 * engine's. `null` when they cannot be loaded.
 */
export function connectEngine(address: string): Engine | null {
  try {
    const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkRoot] })) as {
      credentials: { createInsecure(): unknown };
    };
    const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
      EngineClient: new (address: string, credentials: unknown) => EngineClient;
    };
    const proto = require("@pulumi/pulumi/proto/engine_pb") as EngineProto;
    return { client: new rpc.EngineClient(address, grpc.credentials.createInsecure()), proto };
  } catch {
    return null;
  }
}

const PREFIX: Record<Severity, string> = { DEBUG: "debug", INFO: "info", WARNING: "warning" };

function toStderr(severity: Severity, message: string): void {
  // Debug lines stay out of the CLI's output when no engine takes them.
  if (severity === "DEBUG") return;
  process.stderr.write(`${PREFIX[severity]}: ${message}\n`);
}

function deliver(engine: Engine | null, severity: Severity, message: string): Promise<void> {
  if (engine === null) {
    toStderr(severity, message);
    return Promise.resolve();
  }
  const request = new engine.proto.LogRequest();
  request.setSeverity(engine.proto.LogSeverity[severity]);
  request.setMessage(message);
  // The dynamic-provider host passes no URN to the provider's methods, so lines are not
  // attached to a resource; their text names the runner or project.
  request.setUrn("");
  request.setStreamid(0);
  request.setEphemeral(false);
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      toStderr(severity, message);
      resolve();
    }, DELIVERY_TIMEOUT_MS);
    timer.unref?.();
    engine.client.log(request, (err) => {
      clearTimeout(timer);
      if (err) toStderr(severity, message);
      resolve();
    });
  });
}

/**
 * An {@link EngineLog} for the engine at `address` (`undefined`: stderr only). `connect` makes
 * the client: by default from the SDK that the dynamic-provider host loaded; a process that
 * bundles its own copy of the stubs and grpc-js (the provider plugin) passes one made with those.
 */
export function engineLogAt(
  address: string | undefined,
  connect: (address: string) => Engine | null = connectEngine,
): EngineLog {
  let engine: Engine | null | undefined;
  const pending = new Set<Promise<void>>();
  const send = (severity: Severity, message: string): void => {
    if (engine === undefined) engine = address === undefined ? null : connect(address);
    const delivery = deliver(engine, severity, message);
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  };
  return {
    debug: (message) => send("DEBUG", message),
    info: (message) => send("INFO", message),
    warn: (message) => send("WARNING", message),
    flush: async () => {
      await Promise.all(pending);
    },
  };
}

let processLog: EngineLog | undefined;

/** The log of this process: the engine when this is the dynamic-provider host, else stderr. */
export function engineLog(): EngineLog {
  processLog ??= engineLogAt(engineAddress());
  return processLog;
}
