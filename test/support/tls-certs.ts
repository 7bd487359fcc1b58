import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM files generated for one test run (never committed). */
export interface TestPki {
  dir: string;
  /** The CA that signed the server and client certificates. */
  caFile: string;
  /** A second CA that signed nothing we use. */
  otherCaFile: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
  ]);
}

function signed(dir: string, ca: string, name: string, extensions: string): void {
  openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-subj",
    `/CN=${name}`,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
  ]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.pem`,
    "-CAkey",
    `${ca}.key`,
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  ]);
}

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate. */
export function generateTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "gitlab-tls-"));
  makeCa(dir, "test-ca");
  makeCa(dir, "other-ca");
  signed(
    dir,
    "test-ca",
    "server",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  signed(dir, "test-ca", "client", "extendedKeyUsage=clientAuth\n");
  const read = (file: string): string => readFileSync(join(dir, file), "utf8");
  return {
    dir,
    caFile: join(dir, "test-ca.pem"),
    otherCaFile: join(dir, "other-ca.pem"),
    serverCert: read("server.pem"),
    serverKey: read("server.key"),
    clientCertFile: join(dir, "client.pem"),
    clientKeyFile: join(dir, "client.key"),
    ca: read("test-ca.pem"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
