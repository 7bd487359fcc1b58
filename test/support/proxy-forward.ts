import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";

/** A minimal forward proxy on loopback: CONNECT tunnels and absolute-URI forwarding. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `host:port` of every CONNECT tunnel opened (HTTPS targets). */
  connects: string[];
  /** `host:port` of every absolute-URI request forwarded (HTTP targets). */
  forwards: string[];
  stop(): Promise<void>;
}

/** Starts the proxy. It records only targets, never headers (they carry the token). */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("absolute URI required");
      return;
    }
    forwards.push(target.host);
    const headers = { ...req.headers };
    delete headers["proxy-connection"];
    delete headers["proxy-authorization"];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const tunnels = new Set<{ destroy(): void }>();
  server.on("connect", (req, clientSocket, head) => {
    tunnels.add(clientSocket);
    clientSocket.on("close", () => tunnels.delete(clientSocket));
    const [host, port] = (req.url ?? "").split(":");
    connects.push(req.url ?? "");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on("error", () => clientSocket.destroy());
    clientSocket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    forwards,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
