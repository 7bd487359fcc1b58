import { describe, expect, it } from "vitest";
import { GitLabClient, GitLabError, loadClientConfig, normaliseBaseUrl } from "../../provider/gitlab/index";

const TOKEN = "glpat-configTestToken0001";

function configError(fn: () => unknown): GitLabError {
  try {
    fn();
  } catch (error) {
    if (GitLabError.is(error)) return error;
    throw error;
  }
  throw new Error("expected a config error");
}

describe("normaliseBaseUrl", () => {
  it.each([
    ["https://gitlab.example.com", "https://gitlab.example.com/api/v4"],
    ["https://gitlab.example.com/", "https://gitlab.example.com/api/v4"],
    ["https://gitlab.example.com/api/v4", "https://gitlab.example.com/api/v4"],
    ["https://gitlab.example.com/api/v4/", "https://gitlab.example.com/api/v4"],
    ["https://example.com/gitlab/", "https://example.com/gitlab/api/v4"],
    ["http://127.0.0.1:8080/api/v4//", "http://127.0.0.1:8080/api/v4"],
    ["  https://GitLab.Example.com:443/ ", "https://gitlab.example.com/api/v4"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it.each([
    ["not a url", /not a valid URL/],
    ["ftp://gitlab.example.com", /http or https/],
    ["https://user:secret@gitlab.example.com", /must not contain credentials/],
    ["https://gitlab.example.com/?private_token=x", /query or fragment/],
  ])("rejects %s", (input, message) => {
    const error = configError(() => normaliseBaseUrl(input));
    expect(error.code).toBe("config");
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/gitlab:baseUrl/);
    expect(error.message).not.toContain("secret");
  });
});

describe("loadClientConfig: stack config wins over the environment", () => {
  it("reads gitlab:* keys and env fallbacks", () => {
    const config = loadClientConfig({
      config: {
        "gitlab:baseUrl": "https://config.example.com",
        "gitlab:token": TOKEN,
        "gitlab:insecure": "true",
        "gitlab:retries": "3",
        "gitlab:maxConcurrency": "4",
        "gitlab:timeoutMs": "5000",
        "gitlab:cacertFile": "/etc/ca.pem",
        "gitlab:clientCert": "/etc/c.pem",
        "gitlab:clientKey": "/etc/k.pem",
        "gitlab:authHeader": "Bearer",
      },
      env: {
        GITLAB_BASE_URL: "https://env.example.com",
        GITLAB_TOKEN: "glpat-envToken",
        https_proxy: "proxy.corp:3128",
        NO_PROXY: ".corp",
      },
    });
    expect(config).toEqual({
      baseUrl: "https://config.example.com",
      token: TOKEN,
      insecure: true,
      retries: 3,
      maxConcurrency: 4,
      timeoutMs: 5000,
      caCertFile: "/etc/ca.pem",
      clientCert: "/etc/c.pem",
      clientKey: "/etc/k.pem",
      authHeader: "bearer",
      httpProxy: "",
      httpsProxy: "http://proxy.corp:3128",
      noProxy: ".corp",
    });
  });

  it("falls back to GITLAB_BASE_URL and GITLAB_TOKEN, and accepts bare keys", () => {
    expect(
      loadClientConfig({ env: { GITLAB_BASE_URL: "https://env.example.com/api/v4/", GITLAB_TOKEN: TOKEN } }),
    ).toMatchObject({
      baseUrl: "https://env.example.com/api/v4/",
      token: TOKEN,
    });
    expect(
      loadClientConfig({ config: { baseUrl: "https://bare.example.com", token: TOKEN }, env: {} }).baseUrl,
    ).toBe("https://bare.example.com");
  });

  it.each([
    [{}, "gitlab:baseUrl", /is not set/],
    [{ "gitlab:baseUrl": "https://x.example.com" }, "gitlab:token", /is not set/],
    [{ "gitlab:baseUrl": "gitlab.example.com", "gitlab:token": TOKEN }, "gitlab:baseUrl", /not a valid URL/],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": TOKEN, "gitlab:insecure": "maybe" },
      "gitlab:insecure",
      /true or false/,
    ],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": TOKEN, "gitlab:retries": "-1" },
      "gitlab:retries",
      /whole number/,
    ],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": TOKEN, "gitlab:maxConcurrency": "0" },
      "gitlab:maxConcurrency",
      /between 1 and 256/,
    ],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": TOKEN, "gitlab:clientCert": "/c.pem" },
      "gitlab:clientKey",
      /together with gitlab:clientCert/,
    ],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": TOKEN, "gitlab:authHeader": "basic" },
      "gitlab:authHeader",
      /private-token/,
    ],
    [
      { "gitlab:baseUrl": "https://x.example.com", "gitlab:token": "glpat-has space" },
      "gitlab:token",
      /whitespace/,
    ],
  ])("config %o → error naming %s", (config, key, message) => {
    const error = configError(() => loadClientConfig({ config, env: {} }));
    expect(error.code).toBe("config");
    expect(error.message).toContain(key);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("glpat-has space");
  });

  it("the client validates a directly given config too", () => {
    expect(
      configError(() => new GitLabClient({ baseUrl: "https://x.example.com", token: " " })).message,
    ).toMatch(/gitlab:token/);
    expect(
      configError(
        () => new GitLabClient({ baseUrl: "https://x.example.com", token: TOKEN, maxConcurrency: 0 }),
      ).message,
    ).toMatch(/gitlab:maxConcurrency/);
    expect(new GitLabClient({ baseUrl: "https://x.example.com/", token: TOKEN }).apiUrl).toBe(
      "https://x.example.com/api/v4",
    );
  });

  it("reads and names the settings in another namespace (a provider plugin's own)", () => {
    const ns = { env: {}, namespace: "gitlab-runners" };
    expect(configError(() => loadClientConfig({ ...ns, config: {} })).message).toMatch(
      /gitlab-runners:baseUrl is not set\. Set it with `pulumi config set gitlab-runners:baseUrl /,
    );
    expect(
      loadClientConfig({
        ...ns,
        config: { "gitlab-runners:baseUrl": "https://ns.example.com", "gitlab-runners:token": TOKEN },
      }).baseUrl,
    ).toBe("https://ns.example.com");
    const pair = configError(() =>
      loadClientConfig({
        ...ns,
        config: { baseUrl: "https://x.example.com", token: TOKEN, clientKey: "/k.pem" },
      }),
    );
    expect(pair.message).toContain(
      "gitlab-runners:clientCert must be set together with gitlab-runners:clientKey",
    );
    expect(
      configError(() =>
        loadClientConfig({ ...ns, config: { baseUrl: "https://u:p@x.example.com", token: TOKEN } }),
      ).message,
    ).toContain("put the token in gitlab-runners:token");
    // The client it configures names its settings the same way (a PEM file checked when it is built).
    const config = loadClientConfig({
      ...ns,
      config: { baseUrl: "https://x.example.com", token: TOKEN, cacertFile: "/nonexistent/ca.pem" },
    });
    expect(configError(() => new GitLabClient(config)).message).toContain("gitlab-runners:cacertFile");
    expect(
      configError(() => new GitLabClient({ ...config, caCertFile: undefined, maxConcurrency: 0 } as never))
        .message,
    ).toContain("gitlab-runners:maxConcurrency");
  });
});
