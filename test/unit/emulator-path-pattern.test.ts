import { describe, expect, it } from "vitest";
import { compilePathPattern, MAX_PATTERN_LENGTH, PathPatternError } from "../../emulator/faults/path-pattern";

// Fault-rule path patterns: the same answers as RegExp#test for the syntax they accept, and a
// refusal (not a slow match) for what needs backtracking.

const PATHS = [
  "",
  "/",
  "/api/v4/runners",
  "/api/v4/runners/",
  "/api/v4/runners/42",
  "/api/v4/runners/42/reset_authentication_token",
  "/api/v4/runners/all",
  "/api/v4/user/runners",
  "/api/v4/projects/acme%2Fapi/runners",
  "/api/v4/projects/100/runners/7",
  "/api/v4/groups/10/runners",
  "/api/v4/runners/verify",
  "/api/v4/aaaa",
  "/api/v4/aaab",
  "/API/V4/RUNNERS",
  "/api/v4/runners\n",
  "/x{y}z",
  "/a.b-c_d~e",
  "/ünïcödé/😀",
];

const PATTERNS = [
  "",
  "^/api/v4/",
  "^/api/v4/user/runners$",
  "^/api/v4/runners/\\d+$",
  "^/api/v4/runners/\\d+/reset_authentication_token$",
  "^/api/v4/(runners|user/runners)$",
  "^/api/v4/projects/[^/]+/runners(/\\d+)?$",
  "runners",
  "runners$",
  "^/api/v4/runners/?$",
  "^/api/v4/(a+)+$",
  "^/api/v4/(a|aa)*b$",
  "(x+x+)+y",
  "^/api/v4/runners/[0-9]{1,3}$",
  "^/api/v4/runners/[0-9]{2,}$",
  "^/api/v4/runners/\\d{2}$",
  "/(?:runners|groups)/",
  "/(?<kind>runners|groups)/",
  "[A-Z]",
  "[^a-z/]",
  "\\w+\\.\\w+",
  "\\s",
  "\\S+$",
  "^.*$",
  "^.+verify$",
  "\\x2fapi",
  "\\u002Fapi",
  "[\\d-]",
  "[-a]",
  "[a-]x",
  "[]",
  "[^]",
  "a{",
  "x{y}z",
  "}",
  "]",
  "/a\\.b",
  "runners|verify",
  "^(|/api)",
  "()*x",
  "(a*)*$",
  "😀",
  "ü",
  "a??",
  "a+?b",
  "\\/api\\/v4",
];

describe("fault path patterns agree with RegExp#test", () => {
  for (const source of PATTERNS) {
    it(`/${source}/`, () => {
      const native = new RegExp(source);
      const pattern = compilePathPattern(source);
      for (const path of PATHS)
        expect({ path, match: pattern.test(path) }).toEqual({ path, match: native.test(path) });
    });
  }
});

describe("fault path patterns refuse what needs backtracking or is malformed", () => {
  const refused: [string, RegExp][] = [
    ["(a)\\1", /backreference/],
    ["(?=a)", /lookaround/],
    ["(?!a)", /lookaround/],
    ["(?<=a)b", /lookaround/],
    ["(?<!a)b", /lookaround/],
    ["\\bword", /word boundar/],
    ["\\p{L}", /not supported/],
    ["(", /unterminated group/],
    [")", /unexpected/],
    ["[a", /unterminated character class/],
    ["*a", /nothing to repeat/],
    ["a**", /nothing to repeat/],
    ["^*", /nothing to repeat/],
    ["{2}", /nothing to repeat/],
    ["a{3,2}", /out of order/],
    ["[z-a]", /out of order/],
    ["a{1000}", /may not exceed/],
    ["(a{100}){100}", /too large/],
    ["\\q", /unknown escape/],
    ["\\", /end of pattern/],
    ["x".repeat(MAX_PATTERN_LENGTH + 1), /longer than/],
  ];
  for (const [source, message] of refused) {
    it(`refuses ${JSON.stringify(source.length > 40 ? `${source.slice(0, 20)}…` : source)}`, () => {
      expect(() => compilePathPattern(source)).toThrow(PathPatternError);
      expect(() => compilePathPattern(source)).toThrow(message);
    });
  }
});

describe("fault path patterns never backtrack", () => {
  it("matches nested quantifiers against a long hostile path by simulating all states at once", () => {
    // A backtracking engine explores 2^n ways to split the a's before failing on the final b.
    const hostile = `/api/v4/${"a".repeat(20_000)}b`;
    expect(compilePathPattern("^/api/v4/(a+)+$").test(hostile)).toBe(false);
    expect(compilePathPattern("^/api/v4/(a|aa)*$").test(hostile)).toBe(false);
    expect(compilePathPattern("(x+x+)+y").test("x".repeat(20_000))).toBe(false);
    expect(compilePathPattern("^/api/v4/(a+)+b$").test(hostile)).toBe(true);
  });
});
