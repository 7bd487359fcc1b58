import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engineAddress, engineLogAt } from "../../provider/resource/engine-log";

// provider/resource/engine-log.ts reaches the engine through @pulumi/pulumi's generated stubs and
// its copy of grpc-js, because the dynamic-provider host offers no supported way. These tests
// fail when the SDK internals it relies on change, and prove delivery against a real gRPC
// Engine server.

const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkRoot] }));
const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const proto = require("@pulumi/pulumi/proto/engine_pb");
const empty = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdkRoot] }));

describe("the SDK internals the engine log relies on", () => {
  it("the generated Engine stubs have the Log RPC and its severities", () => {
    expect(typeof rpc.EngineClient).toBe("function");
    expect(rpc.EngineService.log.path).toBe("/pulumirpc.Engine/Log");
    expect(proto.LogSeverity).toMatchObject({
      DEBUG: expect.any(Number),
      INFO: expect.any(Number),
      WARNING: expect.any(Number),
    });
    const request = new proto.LogRequest();
    for (const setter of ["setSeverity", "setMessage", "setUrn", "setStreamid", "setEphemeral"]) {
      expect(typeof request[setter]).toBe("function");
    }
    expect(typeof grpc.credentials.createInsecure).toBe("function");
  });

  it("the dynamic-provider host is started with the engine's address as its first argument", () => {
    const host = readFileSync(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"), "utf8");
    expect(host).toMatch(/Missing <engine> address/);
    expect(host).toMatch(/main\(process\.argv\.slice\(2\)\)/);
  });

  it("finds the engine address only inside the dynamic-provider host", () => {
    const host = "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";
    expect(engineAddress(["node", host, "127.0.0.1:41234"], host)).toBe("127.0.0.1:41234");
    expect(engineAddress(["node", "/app/index.js", "127.0.0.1:41234"], "/app/index.js")).toBeUndefined();
  });
});

describe("delivery to a real Engine gRPC server", () => {
  const received: { severity: number; message: string; urn: string }[] = [];
  const server = new grpc.Server();
  let address = "";

  beforeAll(async () => {
    server.addService(rpc.EngineService, {
      log(
        call: { request: { getSeverity(): number; getMessage(): string; getUrn(): string } },
        done: (err: Error | null, value: unknown) => void,
      ) {
        const r = call.request;
        received.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
        done(null, new empty.Empty());
      },
    });
    const port: number = await new Promise((resolve, reject) =>
      server.bindAsync(
        "127.0.0.1:0",
        grpc.ServerCredentials.createInsecure(),
        (err: Error | null, p: number) => (err ? reject(err) : resolve(p)),
      ),
    );
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => server.forceShutdown());

  it("sends each line with its severity; flush waits until the engine has them", async () => {
    const log = engineLogAt(address);
    log.debug("GET /runners/:id → 200");
    log.info("PUT /runners/:id: server error (502); retrying in 500ms (backoff), attempt 2 of 6");
    log.warn("GitLab rate limit: POST /user/runners: rate limited (429); retrying in 2000ms");
    await log.flush();
    expect(received).toEqual([
      { severity: proto.LogSeverity.DEBUG, message: "GET /runners/:id → 200", urn: "" },
      {
        severity: proto.LogSeverity.INFO,
        message: "PUT /runners/:id: server error (502); retrying in 500ms (backoff), attempt 2 of 6",
        urn: "",
      },
      {
        severity: proto.LogSeverity.WARNING,
        message: "GitLab rate limit: POST /user/runners: rate limited (429); retrying in 2000ms",
        urn: "",
      },
    ]);
  });

  it("reaches the engine through a client the caller makes (a bundled copy of the stubs)", async () => {
    const made: string[] = [];
    const log = engineLogAt(address, (at) => {
      made.push(at);
      return { client: new rpc.EngineClient(at, grpc.credentials.createInsecure()), proto };
    });
    received.length = 0;
    log.warn("from a bundled client");
    log.info("again");
    await log.flush();
    expect(made).toEqual([address]);
    expect(received.map((r) => r.message)).toEqual(["from a bundled client", "again"]);
  });

  it("falls back to stderr when the engine cannot be reached (debug lines stay out)", async () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const log = engineLogAt(undefined);
      log.debug("detail");
      log.warn("runner 7 stays on acme/api");
      await log.flush();
      expect(write).toHaveBeenCalledTimes(1);
      expect(write).toHaveBeenCalledWith("warning: runner 7 stays on acme/api\n");
    } finally {
      write.mockRestore();
    }
  });
});
