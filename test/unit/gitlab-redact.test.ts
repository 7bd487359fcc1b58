import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { GitLabError } from "../../provider/gitlab/errors/gitlab-error";
import { REDACTED, Redactor, redactPatterns, secretForms } from "../../provider/gitlab/redact";

describe("redactPatterns: well-known secret shapes", () => {
  it.each([
    [
      "query private_token",
      "GET /api/v4/runners?private_token=abc123&page=2",
      `GET /api/v4/runners?private_token=${REDACTED}&page=2`,
    ],
    ["query token", "DELETE /api/v4/runners?token=xyz", `DELETE /api/v4/runners?token=${REDACTED}`],
    [
      "PRIVATE-TOKEN header",
      "headers: { 'private-token': 'sekrit' }",
      `headers: { 'private-token': '${REDACTED}' }`,
    ],
    ["Authorization Bearer", "authorization: Bearer abc.def", `authorization: ${REDACTED}`],
    [
      "JSON token field",
      '{"id":1,"token":"abc","token_expires_at":null}',
      `{"id":1,"token":"${REDACTED}","token_expires_at":null}`,
    ],
    ["proxy credentials", "http://user:pass@proxy:3128", `http://${REDACTED}@proxy:3128`],
    ["glpat token", "used glpat-AbCdEf123456 here", `used ${REDACTED} here`],
    ["glrt token with partition", "glrt-t3_AbCdEf123456", REDACTED],
    ["registration token", "GR1348941AbCdEfGh", REDACTED],
    [
      "JSON field whose value holds an escaped quote",
      '{"token":"abc\\"defghij","id":1}',
      `{"token":"${REDACTED}","id":1}`,
    ],
    [
      "JSON field whose value ends with an escaped backslash",
      '{"token":"abcdef\\\\","id":1}',
      `{"token":"${REDACTED}","id":1}`,
    ],
    [
      "JSON inside a JSON string",
      '{"body":"{\\"private_token\\":\\"ab\\\\\\"cdefgh\\"}"}',
      `{"body":"{\\"private_token\\":\\"${REDACTED}\\"}"}`,
    ],
    [
      "header object with an escaped quote in the value",
      "{ 'private-token': 'ab\\'cdefgh', x: 1 }",
      `{ 'private-token': '${REDACTED}', x: 1 }`,
    ],
    [
      "raw header whose value holds quotes, commas and spaces",
      'PRIVATE-TOKEN: ab"c, d}e f\nnext line',
      `PRIVATE-TOKEN: ${REDACTED}\nnext line`,
    ],
    [
      "query value with an apostrophe",
      "DELETE /runners?token=ab'cdef&x=1",
      `DELETE /runners?token=${REDACTED}&x=1`,
    ],
    ["JSON field with a non-string value is kept", '{"token":null,"id":1}', '{"token":null,"id":1}'],
    [
      "plain text is kept",
      "GitLab GET /runners/:id failed with 404",
      "GitLab GET /runners/:id failed with 404",
    ],
  ])("%s", (_name, input, expected) => {
    expect(redactPatterns(input)).toBe(expected);
  });
});

describe("Redactor: tracked secrets", () => {
  it("removes tracked values, encoded too, and ignores tiny ones", () => {
    const redactor = new Redactor();
    redactor.add("plain-secret-value", "a b/c+d secret", "abc", undefined, null);
    expect(redactor.redact("x plain-secret-value y")).toBe(`x ${REDACTED} y`);
    expect(redactor.redact(`q=${encodeURIComponent("a b/c+d secret")}`)).toBe(`q=${REDACTED}`);
    expect(redactor.redact("abc stays")).toBe("abc stays");
  });

  it("removes a tracked value in every encoding a text may carry it in", () => {
    const secret = `a"b'c\\d e&f/g`;
    const redactor = new Redactor();
    redactor.add(secret);
    for (const form of secretForms(secret)) {
      expect(redactor.redact(`<${form}>`), form).toBe(`<${REDACTED}>`);
    }
    expect(secretForms(secret)).toEqual(
      expect.arrayContaining([
        secret,
        JSON.stringify(secret).slice(1, -1),
        encodeURIComponent(secret),
        inspect(secret).slice(1, -1),
      ]),
    );
  });
});

describe("GitLabError redacts at construction", () => {
  it("message, fields, hint, cause and stacks", () => {
    const redactor = new Redactor();
    redactor.add("tracked-token-0001");
    const cause = Object.assign(
      new Error("socket to proxy http://u:p@proxy failed with tracked-token-0001"),
      { code: "ECONNRESET" },
    );
    const error = new GitLabError(
      {
        code: "network",
        summary: "GitLab POST /runners failed for tracked-token-0001",
        method: "POST",
        path: "/runners",
        gitlabMessage: { token: ["tracked-token-0001 is invalid"] },
        hint: "token glpat-abcdef123456 is bad",
        requestId: "req-1",
        cause,
      },
      redactor,
    );
    const texts = [
      error.message,
      error.stack ?? "",
      JSON.stringify(error),
      String(error.cause),
      (error.cause as Error).stack ?? "",
    ];
    for (const text of texts) {
      expect(text).not.toContain("tracked-token-0001");
      expect(text).not.toContain("glpat-abcdef123456");
      expect(text).not.toContain("u:p@");
    }
    expect(error.cause).not.toBe(cause);
    expect((error.cause as Error & { code: string }).code).toBe("ECONNRESET");
    expect(error.gitlabMessage).toEqual({ token: [`${REDACTED} is invalid`] });
  });

  it("without a redactor still removes well-known shapes", () => {
    const error = new GitLabError({
      code: "config",
      summary: "bad ?private_token=abc",
      method: "-",
      path: "-",
    });
    expect(error.message).toBe(`bad ?private_token=${REDACTED}`);
  });
});
