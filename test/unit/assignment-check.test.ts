import { describe, expect, it } from "vitest";
import { checkAssignmentInputs, parseAssignmentInputs } from "../../provider/assignment/check";
import { formatAssignmentId, parseAssignmentId } from "../../provider/assignment/id";
import { UNKNOWN_VALUE as UNKNOWN } from "../../provider/resource/host-values";

describe("ProjectRunnerAssignment check", () => {
  it.each([
    [
      { project: 100, runnerId: 5 },
      { project: 100, runnerId: 5 },
    ],
    [
      { project: "acme/api", runnerId: 5 },
      { project: "acme/api", runnerId: 5 },
    ],
    [
      { project: " acme/platform/deploy ", runnerId: "7" },
      { project: "acme/platform/deploy", runnerId: 7 },
    ],
    [
      { project: "100", runnerId: 5 },
      { project: 100, runnerId: 5 },
    ],
    [
      { project: "Acme/My.Project-1_x", runnerId: 5 },
      { project: "Acme/My.Project-1_x", runnerId: 5 },
    ],
  ])("accepts and normalises %j", (news, expected) => {
    const { inputs, failures } = checkAssignmentInputs({ __provider: "p", ...news });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ __provider: "p", ...expected });
  });

  it.each([
    [{ runnerId: 5 }, "project", /project is required/],
    [{ project: "acme/api" }, "runnerId", /runnerId is required/],
    [{ project: 0, runnerId: 5 }, "project", /numeric project id/],
    [{ project: -3, runnerId: 5 }, "project", /numeric project id/],
    [{ project: 1.5, runnerId: 5 }, "project", /numeric project id/],
    [{ project: true, runnerId: 5 }, "project", /numeric project id/],
    [{ project: "api", runnerId: 5 }, "project", /no namespace.*"acme\/api"/],
    [
      { project: "https://gitlab.example.com/acme/api.git", runnerId: 5 },
      "project",
      /without the host: "acme\/api"/,
    ],
    [{ project: "acme%2Fapi", runnerId: 5 }, "project", /plain slashes: "acme\/api"/],
    [{ project: "acme/api.git", runnerId: 5 }, "project", /leave out "\.git": "acme\/api"/],
    [{ project: "/acme/api/", runnerId: 5 }, "project", /slashes: "acme\/api"/],
    [{ project: "acme/my api", runnerId: 5 }, "project", /full path/],
    [{ project: "", runnerId: 5 }, "project", /project/],
    [{ project: "acme/api", runnerId: 0 }, "runnerId", /positive integer/],
    [{ project: "acme/api", runnerId: "abc" }, "runnerId", /positive integer.*"abc"/],
    [{ project: "acme/api", runnerId: 2.5 }, "runnerId", /positive integer/],
  ])("refuses %j naming %s", (news, property, reason) => {
    const { failures } = checkAssignmentInputs(news as Record<string, unknown>);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toMatch(reason);
  });

  it("leaves values unknown during preview for later", () => {
    const { inputs, failures } = checkAssignmentInputs({ project: "acme/api", runnerId: UNKNOWN });
    expect(failures).toEqual([]);
    expect(inputs.runnerId).toBe(UNKNOWN);
  });

  it("reports both properties at once", () => {
    const { failures } = checkAssignmentInputs({ project: "x", runnerId: -1 });
    expect(failures.map((f) => f.property).sort()).toEqual(["project", "runnerId"]);
  });

  it("parses checked inputs and rejects unchecked ones", () => {
    expect(parseAssignmentInputs({ project: "acme/api", runnerId: 5 })).toEqual({
      project: "acme/api",
      runnerId: 5,
    });
    expect(() => parseAssignmentInputs({ project: "nope", runnerId: 5 })).toThrow(/project/);
  });
});

describe("ProjectRunnerAssignment id", () => {
  it("round-trips <projectId>:<runnerId>", () => {
    expect(formatAssignmentId({ projectId: 100, runnerId: 7 })).toBe("100:7");
    expect(parseAssignmentId("100:7")).toEqual({ projectId: 100, runnerId: 7 });
  });
  it.each(["", "100", "100:", ":7", "a:b", "0:7", "100:7:1", "-1:7"])("rejects %j", (id) => {
    expect(parseAssignmentId(id)).toBeUndefined();
  });
});
