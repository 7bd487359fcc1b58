import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator/index";
import {
  closeSharedDispatchers,
  GitLabClient,
  type GitLabError,
  loadClientConfig,
} from "../../provider/gitlab/index";
import { clientFor, rejectionOf } from "../support/gitlab-harness";
import { type ForwardProxy, startForwardProxy } from "../support/proxy-forward";
import { generateTestPki, type TestPki } from "../support/tls-certs";
import { startTlsFront, type TlsFront } from "../support/tls-front";

let gitlab: RunningEmulator;
let pki: TestPki;
let front: TlsFront;
let mtlsFront: TlsFront;
let proxy: ForwardProxy;

beforeAll(async () => {
  gitlab = await startEmulator({ gitlabVersion: "17.11" });
  pki = generateTestPki();
  front = await startTlsFront(gitlab.url, { cert: pki.serverCert, key: pki.serverKey });
  mtlsFront = await startTlsFront(gitlab.url, {
    cert: pki.serverCert,
    key: pki.serverKey,
    ca: pki.ca,
    requireClientCert: true,
  });
  proxy = await startForwardProxy();
});

afterAll(async () => {
  await closeSharedDispatchers();
  await Promise.all([front?.stop(), mtlsFront?.stop(), proxy?.stop(), gitlab?.stop()]);
  pki?.cleanup();
});

describe("TLS with a CA generated for the test", () => {
  it("trusts the server when gitlab:cacertFile names the CA", async () => {
    const { client } = clientFor(front, FIXTURE_TOKENS.admin, { caCertFile: pki.caFile });
    const version = await client.getVersion();
    expect(version.major).toBe(17);
  });

  it("fails with code tls, at once and with a CA hint, when the CA is unknown", async () => {
    const { client } = clientFor(front, FIXTURE_TOKENS.admin, { caCertFile: pki.otherCaFile, retries: 3 });
    const error = await rejectionOf(client.getVersion());
    expect(error).toMatchObject({ code: "tls", attempts: 1 });
    expect((error as GitLabError).hint).toMatch(/gitlab:cacertFile/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("fails with code tls without any CA (system trust only)", async () => {
    const { client } = clientFor(front, FIXTURE_TOKENS.admin);
    expect(await rejectionOf(client.getVersion())).toMatchObject({ code: "tls" });
  });

  it("connects with insecure: true even though the CA is unknown", async () => {
    const { client } = clientFor(front, FIXTURE_TOKENS.admin, { insecure: true });
    expect((await client.getVersion()).major).toBe(17);
  });

  it("presents the client certificate for mutual TLS", async () => {
    const { client } = clientFor(mtlsFront, FIXTURE_TOKENS.admin, {
      caCertFile: pki.caFile,
      clientCert: pki.clientCertFile,
      clientKey: pki.clientKeyFile,
    });
    await client.getCurrentUser();
    expect(mtlsFront.clientSubjects.at(-1)).toBe("client");
  });

  it("is refused by a server that requires a client certificate when none is configured", async () => {
    const { client } = clientFor(mtlsFront, FIXTURE_TOKENS.admin, { caCertFile: pki.caFile, retries: 1 });
    const error = await rejectionOf(client.getCurrentUser());
    expect(["tls", "network"]).toContain((error as GitLabError).code);
  });

  it("names an unreadable CA file in a config error", async () => {
    const error = await rejectionOf(
      (async () =>
        clientFor(front, FIXTURE_TOKENS.admin, {
          caCertFile: `${pki.dir}/missing.pem`,
          connectTimeoutMs: 1234,
        }))(),
    );
    expect(error).toMatchObject({ code: "config" });
    expect((error as Error).message).toMatch(/gitlab:cacertFile/);
  });
});

describe("a local forward proxy", () => {
  it("tunnels HTTPS through CONNECT when HTTPS_PROXY is set", async () => {
    const before = proxy.connects.length;
    const config = loadClientConfig({
      config: {
        "gitlab:baseUrl": front.url,
        "gitlab:token": FIXTURE_TOKENS.admin,
        "gitlab:cacertFile": pki.caFile,
      },
      env: { HTTPS_PROXY: proxy.url },
    });
    const client = new GitLabClient(config);
    expect((await client.getVersion()).major).toBe(17);
    expect(proxy.connects.slice(before)).toContain(`127.0.0.1:${front.port}`);
  });

  it("forwards plain HTTP as absolute-URI requests when HTTP_PROXY is set", async () => {
    const before = proxy.forwards.length;
    const client = GitLabClient.fromEnvironment({
      config: { "gitlab:token": FIXTURE_TOKENS.admin },
      env: { GITLAB_BASE_URL: `${gitlab.url}/api/v4/`, HTTP_PROXY: proxy.url },
    });
    const user = await client.getCurrentUser();
    expect(user.username).toBe("root");
    expect(proxy.forwards.slice(before)).toContain(new URL(gitlab.url).host);
  });

  it("bypasses the proxy for hosts in NO_PROXY", async () => {
    const before = proxy.forwards.length + proxy.connects.length;
    const client = GitLabClient.fromEnvironment({
      config: { "gitlab:token": FIXTURE_TOKENS.admin, "gitlab:baseUrl": gitlab.url },
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
    });
    await client.getCurrentUser();
    expect(proxy.forwards.length + proxy.connects.length).toBe(before);
  });
});
