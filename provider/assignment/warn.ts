/**
 * Warnings from the dynamic-provider process.
 *
 * `pulumi.log.warn` does not reach the engine from there: the dynamic-provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) gets the engine's address as its first argument but
 * never hands it to the SDK runtime (`PULUMI_NODEJS_ENGINE` is set only for programs), so
 * `log.warn` finds no engine and prints `warning: [runtime] …` to stderr, which the CLI shows as
 * plugin output, not as a warning. So we call the engine's `Log` RPC ourselves, on the address
 * the host was started with, with severity WARNING: the CLI prints it as a `warning:`
 * diagnostic like any provider's. (The host passes no URN to `delete`, so the warning is not
 * attached to a resource; its text names the runner and project.) Where that is not possible
 * (not inside the host, or the RPC fails) the warning goes to stderr, which the CLI still shows.
 */
import { dirname } from "node:path";

/** Emits one warning. */
export type Warn = (message: string) => Promise<void>;

interface LogRequest {
  setSeverity(value: number): void;
  setMessage(value: string): void;
  setUrn(value: string): void;
  setStreamid(value: number): void;
  setEphemeral(value: boolean): void;
}

interface EngineClient {
  log(request: LogRequest, callback: (err: Error | null) => void): void;
}

interface EngineProto {
  LogRequest: new () => LogRequest;
  LogSeverity: { WARNING: number };
}

let engine: { client: EngineClient; proto: EngineProto } | null | undefined;

/** The engine address the dynamic-provider host was started with, when this is that host. */
export function engineAddress(
  argv: readonly string[] = process.argv,
  main = require.main?.filename,
): string | undefined {
  if (!main || !/[\\/]cmd[\\/]dynamic-provider/.test(main)) return undefined;
  return argv.slice(2).find((arg) => /^[\w.-]+:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(arg));
}

function engineClient(): { client: EngineClient; proto: EngineProto } | null {
  if (engine !== undefined) return engine;
  engine = null;
  const address = engineAddress();
  if (address === undefined) return null;
  try {
    // The SDK's own generated stubs and its copy of grpc-js, resolved from where the host loaded
    // @pulumi/pulumi (the program's node_modules), so the wire types match the engine's.
    const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkRoot] })) as {
      credentials: { createInsecure(): unknown };
    };
    const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
      EngineClient: new (address: string, credentials: unknown) => EngineClient;
    };
    const proto = require("@pulumi/pulumi/proto/engine_pb") as EngineProto;
    engine = { client: new rpc.EngineClient(address, grpc.credentials.createInsecure()), proto };
  } catch {
    engine = null;
  }
  return engine;
}

function toStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** Sends a warning to the engine (a `warning:` line in the CLI), or to stderr. */
export const engineWarn: Warn = async (message) => {
  const target = engineClient();
  if (target === null) {
    toStderr(message);
    return;
  }
  const request = new target.proto.LogRequest();
  request.setSeverity(target.proto.LogSeverity.WARNING);
  request.setMessage(message);
  request.setUrn("");
  request.setStreamid(0);
  request.setEphemeral(false);
  const delivered = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5_000);
    target.client.log(request, (err) => {
      clearTimeout(timer);
      resolve(err === null || err === undefined);
    });
  });
  if (!delivered) toStderr(message);
};
