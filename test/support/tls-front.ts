import { request as httpRequest } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";

/** An HTTPS server on loopback that forwards every request to a plain-HTTP upstream. */
export interface TlsFront {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Subjects (CN) of client certificates presented, one per request. */
  clientSubjects: Array<string | null>;
  stop(): Promise<void>;
}

/** Starts an HTTPS front for `upstream` (e.g. the emulator's url). */
export async function startTlsFront(
  upstream: string,
  tls: { cert: string; key: string; ca?: string; requireClientCert?: boolean },
): Promise<TlsFront> {
  const target = new URL(upstream);
  const clientSubjects: Array<string | null> = [];
  const server: Server = createServer(
    {
      cert: tls.cert,
      key: tls.key,
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      requestCert: tls.requireClientCert === true,
      rejectUnauthorized: tls.requireClientCert === true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clientSubjects.push(peer && typeof peer.subject?.CN === "string" ? peer.subject.CN : null);
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      req.pipe(forward);
    },
  );
  // Handshake failures are the point of some tests; keep them out of the test output.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    clientSubjects,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
