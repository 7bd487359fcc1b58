import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator/index";
import { call } from "../support/emulator-call";

// Cross-cutting behaviour of the emulated API: docs/gitlab-api.md §1 (auth, error shapes, bodies,
// coercion, pagination) and robustness against bad requests.

const T = FIXTURE_TOKENS;
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

describe("authentication (§1.1)", () => {
  it("answers 401 with 401 Unauthorized when no credentials are given (§1.1)", async () => {
    const res = await call(emu, "GET", "/runners/1");
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: "401 Unauthorized" });
  });

  it("answers 401 before validating params (§1.1)", async () => {
    const res = await call(emu, "GET", "/runners/abc");
    expect(res.status).toBe(401);
    const put = await call(emu, "PUT", "/runners/1", { form: { access_level: "bogus" } });
    expect(put.status).toBe(401);
  });

  it("accepts the PRIVATE-TOKEN header, the private_token query param and Authorization: Bearer (§1.1)", async () => {
    expect((await call(emu, "GET", "/runners/1", { token: T.admin })).status).toBe(200);
    expect((await call(emu, "GET", `/runners/1?private_token=${T.admin}`)).status).toBe(200);
    const bearer = await call(emu, "GET", "/runners/1", { headers: { authorization: `Bearer ${T.admin}` } });
    expect(bearer.status).toBe(200);
  });

  it("answers 401 for an unknown token (§1.1)", async () => {
    const res = await call(emu, "GET", "/runners/1", { token: "glpat-doesnotexist000000" });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: "401 Unauthorized" });
  });

  it("answers 401 invalid_token for expired and revoked tokens (§1.1)", async () => {
    const expired = await call(emu, "GET", "/runners/1", { token: T.expired });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({
      error: "invalid_token",
      error_description: "Token is expired. You can either do re-authorization or token refresh.",
    });
    const revoked = await call(emu, "GET", "/runners/1", { token: T.revoked });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error_description).toBe("Token was revoked. You have to re-authorize from the user.");
  });

  it("lets read_api read but answers 403 insufficient_scope on writes (§1.1)", async () => {
    expect((await call(emu, "GET", "/runners/all", { token: T.readApi })).status).toBe(200);
    const res = await call(emu, "PUT", "/runners/1", { token: T.readApi, form: { description: "x" } });
    expect(res.status).toBe(403);
    expect(res.json.error).toBe("insufficient_scope");
    expect(res.json.error_description).toBe(
      "The request requires higher privileges than provided by the access token.",
    );
    expect(typeof res.json.scope).toBe("string");
  });

  it("forbids GET /runners and /runners/all for create_runner and manage_runner PATs (§1.1)", async () => {
    for (const token of [T.createRunner, T.manageRunner]) {
      expect((await call(emu, "GET", "/runners", { token })).status).toBe(403);
      expect((await call(emu, "GET", "/runners/all", { token })).status).toBe(403);
    }
  });

  it("lets manage_runner read, update and reset a runner by id, read_api only read (§1.1)", async () => {
    expect((await call(emu, "GET", "/runners/1", { token: T.manageRunner })).status).toBe(200);
    const put = await call(emu, "PUT", "/runners/1", { token: T.manageRunner, form: { description: "m" } });
    expect(put.status).toBe(200);
    const reset = await call(emu, "POST", "/runners/1/reset_authentication_token", { token: T.manageRunner });
    expect(reset.status).toBe(201);
    const createRunnerPut = await call(emu, "PUT", "/runners/1", {
      token: T.createRunner,
      form: { description: "c" },
    });
    expect(createRunnerPut.status).toBe(403);
    expect(createRunnerPut.json.error).toBe("insufficient_scope");
  });

  it("answers 401 (not 403) for create_runner/manage_runner PATs on project assignment endpoints (§1.1)", async () => {
    for (const token of [T.createRunner, T.manageRunner]) {
      const post = await call(emu, "POST", "/projects/100/runners", { token, form: { runner_id: "1" } });
      expect(post.status).toBe(401);
      const del = await call(emu, "DELETE", "/projects/100/runners/3", { token });
      expect(del.status).toBe(401);
    }
  });

  it("answers GET /user with the token's user (§1.1)", async () => {
    const res = await call(emu, "GET", "/user", { token: T.maintainer });
    expect(res.status).toBe(200);
    expect(res.json.username).toBe("max.maintainer");
    expect(res.json.is_admin).toBeUndefined();
    expect((await call(emu, "GET", "/user", { token: T.admin })).json.is_admin).toBe(true);
  });

  it("answers GET /version for an authenticated caller only", async () => {
    expect((await call(emu, "GET", "/version")).status).toBe(401);
    const res = await call(emu, "GET", "/version", { token: T.readApi });
    expect(res.status).toBe(200);
    expect(res.json.version).toBe("17.11.0");
  });
});

describe("error bodies (§1.2)", () => {
  it("answers an unknown route with 404 and key error (§1.2)", async () => {
    const res = await call(emu, "GET", "/no/such/thing", { token: T.admin });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: "404 Not Found" });
    const wrongMethod = await call(emu, "PATCH", "/runners/1", { token: T.admin });
    expect(wrongMethod.json).toEqual({ error: "404 Not Found" });
  });

  it("answers a non-numeric runner id with 400 id is invalid (§1.3)", async () => {
    const res = await call(emu, "GET", "/runners/abc", { token: T.admin });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "id is invalid" });
  });

  it("uses the message hash for model validation failures (§1.2, §2)", async () => {
    const res = await call(emu, "PUT", "/runners/1", { token: T.admin, form: { maximum_timeout: "10" } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: { maximum_timeout: ["needs to be at least 10 minutes"] } });
  });

  it("answers a missing project with 404 Project Not Found and a missing group with 404 Group Not Found (§1.2)", async () => {
    const p = await call(emu, "GET", "/projects/9999/runners", { token: T.admin });
    expect(p.status).toBe(404);
    expect(p.json).toEqual({ message: "404 Project Not Found" });
    const g = await call(emu, "GET", "/groups/nope/runners", { token: T.admin });
    expect(g.json).toEqual({ message: "404 Group Not Found" });
  });

  it("joins several Grape failures with a comma (§1.2)", async () => {
    const res = await call(emu, "POST", "/user/runners", { token: T.admin, form: {} });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "runner_type is missing, runner_type does not have a valid value" });
  });
});

describe("request bodies and coercion (§1.3)", () => {
  it("accepts JSON, form-urlencoded and multipart bodies (§1.3)", async () => {
    const json = await call(emu, "PUT", "/runners/2", { token: T.admin, json: { description: "from-json" } });
    expect(json.json.description).toBe("from-json");
    const form = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { description: "from-form" } });
    expect(form.json.description).toBe("from-form");
    const boundary = "----emu";
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="description"',
      "",
      "from-multipart",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const mp = await call(emu, "PUT", "/runners/2", {
      token: T.admin,
      raw: { body: multipart, contentType: `multipart/form-data; boundary=${boundary}` },
    });
    expect(mp.json.description).toBe("from-multipart");
  });

  it("merges query-string params with body params (§1.3)", async () => {
    const res = await call(emu, "PUT", "/runners/2?locked=true", {
      token: T.admin,
      form: { description: "q" },
    });
    expect(res.json.locked).toBe(true);
    expect(res.json.description).toBe("q");
  });

  it("splits a comma string tag_list and each array element, stripping spaces (§1.3)", async () => {
    const str = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { tag_list: "tag1, tag2" } });
    expect(str.json.tag_list).toEqual(["tag1", "tag2"]);
    const arr = await call(emu, "PUT", "/runners/2", { token: T.admin, json: { tag_list: ["a,b", " c "] } });
    expect(arr.json.tag_list).toEqual(["a", "b", "c"]);
    const rack = await call(emu, "PUT", "/runners/2?tag_list[]=x&tag_list[]=y", { token: T.admin });
    expect(rack.json.tag_list).toEqual(["x", "y"]);
  });

  it("coerces an empty Integer to null and rejects a non-numeric one (§1.3)", async () => {
    await call(emu, "PUT", "/runners/2", { token: T.admin, form: { maximum_timeout: "3600" } });
    const cleared = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { maximum_timeout: "" } });
    expect(cleared.status).toBe(200);
    expect(cleared.json.maximum_timeout).toBeNull();
    const bad = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { maximum_timeout: "ten" } });
    expect(bad.json).toEqual({ error: "maximum_timeout is invalid" });
  });

  it("accepts the usual Boolean strings and rejects others (§1.3)", async () => {
    expect(
      (await call(emu, "PUT", "/runners/2", { token: T.admin, form: { locked: "1" } })).json.locked,
    ).toBe(true);
    expect(
      (await call(emu, "PUT", "/runners/2", { token: T.admin, form: { locked: "false" } })).json.locked,
    ).toBe(false);
    const bad = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { locked: "maybe" } });
    expect(bad.json).toEqual({ error: "locked is invalid" });
  });

  it("answers values outside `values:` with does not have a valid value (§1.2, §2)", async () => {
    const res = await call(emu, "PUT", "/runners/2", { token: T.admin, form: { access_level: "everyone" } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "access_level does not have a valid value" });
  });

  it("accepts a URL-encoded full path as project or group id (§1.3)", async () => {
    const p = await call(emu, "GET", "/projects/acme%2Fapi/runners", { token: T.admin });
    expect(p.status).toBe(200);
    const g = await call(emu, "GET", "/groups/acme%2Fplatform/runners", { token: T.admin });
    expect(g.status).toBe(200);
  });
});

describe("pagination (§1.4)", () => {
  it("sends X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page, X-Prev-Page and Link (§1.4)", async () => {
    const res = await call(emu, "GET", "/runners/all?per_page=1&page=2", { token: T.admin });
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(1);
    expect(res.json[0].id).toBe(2);
    expect(res.headers["x-total"]).toBe("3");
    expect(res.headers["x-total-pages"]).toBe("3");
    expect(res.headers["x-page"]).toBe("2");
    expect(res.headers["x-per-page"]).toBe("1");
    expect(res.headers["x-next-page"]).toBe("3");
    expect(res.headers["x-prev-page"]).toBe("1");
    const link = String(res.headers.link);
    expect(link).toBe(
      [
        `<${emu.url}/api/v4/runners/all?page=1&per_page=1>; rel="prev"`,
        `<${emu.url}/api/v4/runners/all?page=3&per_page=1>; rel="next"`,
        `<${emu.url}/api/v4/runners/all?page=1&per_page=1>; rel="first"`,
        `<${emu.url}/api/v4/runners/all?page=3&per_page=1>; rel="last"`,
      ].join(", "),
    );
  });

  it("rebuilds Link from the request's Host header and sorts the query (§1.4)", async () => {
    const res = await call(emu, "GET", "/runners/all?type=group_type&per_page=1", {
      token: T.admin,
      headers: { host: "gitlab.example.test:8080" },
    });
    expect(String(res.headers.link)).toContain(
      "<http://gitlab.example.test:8080/api/v4/runners/all?page=1&per_page=1&type=group_type>",
    );
  });

  it("sends empty X-Next-Page/X-Prev-Page and X-Total-Pages 1 for an empty list (§1.4)", async () => {
    const res = await call(emu, "GET", "/runners/all?tag_list=nothing", { token: T.admin });
    expect(res.json).toEqual([]);
    expect(res.headers["x-next-page"]).toBe("");
    expect(res.headers["x-prev-page"]).toBe("");
    expect(res.headers["x-total"]).toBe("0");
    expect(res.headers["x-total-pages"]).toBe("1");
  });

  it("refuses per_page=0 and page=0, clamps per_page above 100 (§1.4)", async () => {
    const zero = await call(emu, "GET", "/runners/all?per_page=0", { token: T.admin });
    expect(zero.json).toEqual({ error: "per_page has a value not allowed" });
    const page0 = await call(emu, "GET", "/runners/all?page=0", { token: T.admin });
    expect(page0.json).toEqual({ error: "page does not have a valid value" });
    const big = await call(emu, "GET", "/runners/all?per_page=1000", { token: T.admin });
    expect(big.headers["x-per-page"]).toBe("100");
  });
});

describe("robustness", () => {
  it("answers malformed JSON with 400 and keeps state (§1.3)", async () => {
    const before = emu.state();
    const res = await call(emu, "PUT", "/runners/1", {
      token: T.admin,
      raw: { body: '{"description": "x"', contentType: "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "message body does not match declared format" });
    expect(emu.state().runners).toEqual(before.runners);
  });

  it("ignores a body of an unknown content type, as Grape does", async () => {
    const res = await call(emu, "PUT", "/runners/1", {
      token: T.admin,
      raw: { body: "description=x", contentType: "text/plain" },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toContain("at least one parameter must be provided");
  });

  it("answers an oversized body with 413 and keeps serving", async () => {
    const res = await call(emu, "PUT", "/runners/1", {
      token: T.admin,
      raw: { body: Buffer.alloc(2 * 1024 * 1024, 97), contentType: "application/json" },
    });
    expect(res.status).toBe(413);
    expect((await call(emu, "GET", "/runners/1", { token: T.admin })).status).toBe(200);
  });

  it("ignores prototype-polluting form keys", async () => {
    const res = await call(emu, "PUT", "/runners/2?__proto__[x]=1&constructor[prototype][y]=2", {
      token: T.admin,
      form: { description: "safe" },
    });
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("request log", () => {
  it("logs method, templated route, status and caller, never token values", async () => {
    await call(emu, "GET", `/runners/1?private_token=${T.admin}`);
    await call(emu, "POST", "/runners/verify?token=glrt-emuInstanceRunner001");
    const log = emu.requests();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: "GET", route: "/api/v4/runners/:id", status: 200, callerId: 1 });
    expect(log[0]?.path).toBe("/api/v4/runners/1?private_token=[FILTERED]");
    expect(log[1]?.path).toBe("/api/v4/runners/verify?token=[FILTERED]");
    expect(JSON.stringify(log)).not.toContain(T.admin);
    const viaHttp = await request(`${emu.url}/-/emulator/requests`);
    expect(await viaHttp.body.json()).toEqual(emu.requests());
  });
});

describe("project and group lookups", () => {
  it("resolves a project by id or full path for any member, 404 Project Not Found otherwise", async () => {
    const byPath = await call(emu, "GET", "/projects/acme%2Fapi?statistics=false", { token: T.guest });
    expect(byPath.status).toBe(200);
    expect(byPath.json).toMatchObject({
      id: 100,
      path_with_namespace: "acme/api",
      name_with_namespace: "Acme / api",
      namespace: { id: 10, full_path: "acme", kind: "group" },
      shared_runners_enabled: true,
    });
    expect(byPath.json.runners_token).toBeUndefined();
    expect((await call(emu, "GET", "/projects/102", { token: T.admin })).json.path_with_namespace).toBe(
      "acme/platform/deploy",
    );
    const hidden = await call(emu, "GET", "/projects/acme%2Fplatform%2Fdeploy", { token: T.maintainer });
    expect(hidden.status).toBe(404);
    expect(hidden.json).toEqual({ message: "404 Project Not Found" });
  });

  it("resolves a group by id or full path, embedding projects unless with_projects=false", async () => {
    const group = await call(emu, "GET", "/groups/acme%2Fplatform", { token: T.owner });
    expect(group.json).toMatchObject({
      id: 11,
      full_path: "acme/platform",
      full_name: "Acme / Platform",
      parent_id: 10,
    });
    expect(group.json.projects.map((p: { id: number }) => p.id)).toEqual([102]);
    const lean = await call(emu, "GET", "/groups/10?with_projects=false", { token: T.developer });
    expect(lean.status).toBe(200);
    expect("projects" in lean.json).toBe(false);
    expect((await call(emu, "GET", "/groups/404", { token: T.admin })).json).toEqual({
      message: "404 Group Not Found",
    });
  });
});

describe("never crashes", () => {
  it("answers a stream of malformed requests below 500 and keeps serving", async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    const paths = [
      "/runners",
      "/runners/%ZZ",
      "/runners/1/jobs?page=abc&per_page=-1",
      "/runners/99999999999999999999",
      "/projects/%2F%2F/runners",
      "/projects/acme%2Fapi/runners/xyz",
      "/groups//runners",
      "/user/runners?runner_type[]=a",
      "/runners/verify?token[]=x",
      "/runners/1?tag_list[x]=1&description[]=a",
      "/runners/reset_authentication_token?token=",
    ];
    const bodies: [string, string][] = [
      ["application/json", "[1,2]"],
      ["application/json", "null"],
      ["application/json", '{"tag_list":{"a":1},"maximum_timeout":[1],"info":"x","paused":"maybe"}'],
      ["application/x-www-form-urlencoded", "a[b][c][]=1&&=&%%%=x"],
      ["multipart/form-data", "no boundary"],
      ["multipart/form-data; boundary=x", "--x\r\nbroken"],
      ["text/xml", "<a/>"],
    ];
    for (let i = 0; i < 150; i++) {
      const method = methods[rand(methods.length)] as string;
      const path = paths[rand(paths.length)] as string;
      const [contentType, body] = bodies[rand(bodies.length)] as [string, string];
      const withBody = method !== "GET" && method !== "HEAD";
      const res = await request(`${emu.url}/api/v4${path}`, {
        method: method as "GET",
        headers: { "private-token": T.admin, ...(withBody ? { "content-type": contentType } : {}) },
        ...(withBody ? { body } : {}),
      });
      await res.body.text();
      expect(res.statusCode, `${method} ${path} ${contentType}`).toBeLessThan(500);
    }
    expect((await call(emu, "GET", "/runners/2", { token: T.admin })).status).toBe(200);
  });
});

describe("behind a proxy", () => {
  it("rebuilds Link from X-Forwarded-Proto and X-Forwarded-Host (§1.4)", async () => {
    const res = await call(emu, "GET", "/runners/all?per_page=1", {
      token: T.admin,
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "gitlab.example.com" },
    });
    expect(String(res.headers.link)).toContain(
      "<https://gitlab.example.com/api/v4/runners/all?page=2&per_page=1>",
    );
  });
});
