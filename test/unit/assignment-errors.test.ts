import { describe, expect, it, vi } from "vitest";
import { createAssignment, explainAssignFailure } from "../../provider/assignment/create";
import { deleteAssignment } from "../../provider/assignment/delete";
import { parseErrorBody } from "../../provider/gitlab/errors/error-body";
import { answerError } from "../../provider/gitlab/errors/from-request";
import { assignmentAnswerCode } from "../../provider/gitlab/operations/assignments";
import { Redactor } from "../../provider/gitlab/redact";
import { type AssignmentClient, assignmentDouble } from "../support/assignment-double";

/** A coded error shaped like the transport's GitLabError. */
function coded(code: string, status: number, gitlabMessage?: unknown, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`GitLab failed with ${status}`), { code, status, gitlabMessage, ...extra });
}

const target = { id: 101, pathWithNamespace: "acme/web" };

describe("explainAssignFailure", () => {
  it.each([
    [coded("unauthorized", 401, "401 Unauthorized"), /needs a token with the `api` scope/],
    [coded("insufficient_scope", 403, "insufficient_scope"), /`api` scope/],
    [
      coded(
        "validation",
        400,
        "Transitioning an instance runner to a project runner is not supported - runner_error",
      ),
      /instance \(shared\) runner/,
    ],
    [
      coded(
        "validation",
        400,
        "runner can only be assigned to projects in the same organization - project_not_in_same_organization",
      ),
      /GitLab refused to assign runner 7 to project acme\/web \(id 101\).*same organization/,
    ],
    [coded("forbidden", 403, "403 Forbidden"), /Maintainer role on the target project/],
    [coded("not_found", 404, "404 Project Not Found"), /project "acme\/web" was not found/],
    [coded("not_found", 404, "404 Not found"), /runner 7 does not exist/],
  ])("%s", (err, message) => {
    const explained = explainAssignFailure(err, 7, "acme/web", target, undefined) as Error;
    expect(explained.message).toMatch(message);
  });

  it("passes transport failures through unchanged", () => {
    const err = coded("timeout", 0);
    expect(explainAssignFailure(err, 7, "acme/web", target, undefined)).toBe(err);
  });
});

function fakeApi(overrides: Parameters<typeof assignmentDouble>[1]): AssignmentClient {
  return assignmentDouble(
    {
      resolveProject: async () => target,
      getRunner: async (id: number) => ({
        id,
        runnerType: "project_type",
        projects: [{ id: 100, pathWithNamespace: "acme/api" }],
      }),
      listRunnerProjects: async () => [],
      listProjectRunners: async () => [],
      enableProjectRunner: async () => ({}),
      disableProjectRunner: async () => undefined,
    },
    overrides,
  );
}

describe("create against a test double", () => {
  it("a lost answer followed by 'already taken' is a link this resource made", async () => {
    const enableProjectRunner = vi
      .fn()
      .mockRejectedValueOnce(coded("network", 0, undefined, { outcomeUnknown: true }))
      .mockRejectedValueOnce(coded("already_assigned", 400, "has already been taken"));
    const { outs } = await createAssignment(fakeApi({ enableProjectRunner }), {
      project: "acme/web",
      runnerId: 7,
    });
    expect(outs.preExisting).toBe(false);
    expect(enableProjectRunner).toHaveBeenCalledTimes(2);
  });

  it("13.x's validation hash for a duplicate is an adoption too", async () => {
    // The error exactly as the transport builds it from 13.x's answer on this route.
    const answer = {
      status: 400,
      headers: { "content-type": "application/json" },
      parsed: parseErrorBody(
        JSON.stringify({
          message: { assign_to: ["Validation failed: Runner projects runner has already been taken"] },
        }),
        "application/json",
      ),
    };
    const duplicate = answerError(
      { method: "POST", template: "/projects/:id/runners", codeFor: assignmentAnswerCode },
      answer,
      { attempts: 1, ambiguous: false },
      new Redactor(),
    );
    const enableProjectRunner = vi.fn().mockRejectedValue(duplicate);
    const { outs } = await createAssignment(fakeApi({ enableProjectRunner }), {
      project: "acme/web",
      runnerId: 7,
    });
    expect(outs.preExisting).toBe(true);
  });

  it("does not hide a failure to read the runner other than a refusal", async () => {
    const api = fakeApi({
      getRunner: async () => {
        throw coded("server_error", 502);
      },
    });
    await expect(createAssignment(api, { project: "acme/web", runnerId: 7 })).rejects.toMatchObject({
      code: "server_error",
    });
  });
});

describe("delete against a test double", () => {
  it("an 18.x non-administrator's 'No access granted' on a link this resource made is an error", async () => {
    const api = fakeApi({
      disableProjectRunner: async () => {
        throw coded("forbidden", 403, "403 Forbidden - No access granted");
      },
      getRunner: async (id: number) => ({
        id,
        projects: [
          { id: 100, pathWithNamespace: "acme/api" },
          { id: 101, pathWithNamespace: "acme/web" },
        ],
      }),
    });
    const warn = vi.fn(() => {});
    await expect(
      deleteAssignment(api, "101:7", { projectPath: "acme/web", preExisting: false }, warn),
    ).rejects.toThrow(/may not remove runner 7 from project acme\/web \(id 101\)/);
    expect(warn).not.toHaveBeenCalled();
  });

  it("other failures pass through", async () => {
    const api = fakeApi({
      disableProjectRunner: async () => {
        throw coded("server_error", 500);
      },
    });
    await expect(deleteAssignment(api, "101:7", {}, () => {})).rejects.toMatchObject({
      code: "server_error",
    });
  });

  it("refuses an id that is not <projectId>:<runnerId>", async () => {
    await expect(deleteAssignment(fakeApi({}), "web", {}, () => {})).rejects.toThrow(
      /expected "<projectId>:<runnerId>"/,
    );
  });
});
