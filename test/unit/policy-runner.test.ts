import { describe, expect, it } from "vitest";
import {
  deployRunnerRefProtected,
  PROJECT_RUNNER_ASSIGNMENT_TYPE,
  projectRunnerLocked,
  RUNNER_TYPE,
  registrationTokenFlow,
  runnerDescriptionFormat,
  runnerMaximumTimeout,
  runnerUntaggedJobs,
} from "../../policy/policies";
import { runResourcePolicy, UNKNOWN_VALUE } from "../support/policy-harness";

const runner = (props: Record<string, unknown>, name = "build") => ({ type: RUNNER_TYPE, props, name });

/** A group runner that every policy of the pack accepts. */
const compliant = {
  runnerType: "group_type",
  groupId: 42,
  description: "build-docker Linux Docker builds",
  runUntagged: false,
  tagList: ["docker"],
  locked: true,
  accessLevel: "not_protected",
  maximumTimeout: 3600,
};

const messages = (o: { violations: { message: string }[] }) => o.violations.map((v) => v.message);

describe("runner-untagged-jobs", () => {
  const policy = runnerUntaggedJobs;

  it("passes a tagged group runner that does not run untagged jobs", async () => {
    expect((await runResourcePolicy(policy, runner(compliant))).violations).toEqual([]);
  });

  it("fails a runner that does not run untagged jobs and has no tags, naming tagList and runUntagged", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ runnerType: "project_type", projectId: 1, runUntagged: false, tagList: [] }),
    );
    expect(outcome.enforcementLevel).toBe("mandatory");
    expect(messages(outcome)).toHaveLength(1);
    expect(messages(outcome)[0]).toMatch(/tagList is \[\].*tagList: \["docker"\].*runUntagged: true/);
  });

  it("fails when tagList is omitted from a new runner (GitLab's default is no tags)", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ runnerType: "project_type", runUntagged: false }),
    );
    expect(messages(outcome)[0]).toMatch(/tagList is not set/);
  });

  it.each(["instance_type", "group_type"])(
    "fails a %s runner that runs untagged jobs (runUntagged omitted defaults to true)",
    async (runnerType) => {
      const outcome = await runResourcePolicy(policy, runner({ runnerType, tagList: ["docker"] }));
      expect(messages(outcome)).toHaveLength(1);
      expect(messages(outcome)[0]).toMatch(/runUntagged defaults to true.*Set runUntagged: false/);
      expect(messages(outcome)[0]).toMatch(/allowUntaggedSharedRunners/);
    },
  );

  it("passes a project runner that runs untagged jobs", async () => {
    const outcome = await runResourcePolicy(policy, runner({ runnerType: "project_type", projectId: 1 }));
    expect(outcome.violations).toEqual([]);
  });

  it("passes untagged shared runners when allowUntaggedSharedRunners is true", async () => {
    const outcome = await runResourcePolicy(policy, runner({ runnerType: "group_type", runUntagged: true }), {
      allowUntaggedSharedRunners: true,
    });
    expect(outcome.violations).toEqual([]);
  });

  it("never flags unknown values (preview)", async () => {
    const unknownRunUntagged = runner({ runnerType: "group_type", runUntagged: UNKNOWN_VALUE });
    const unknownTags = runner({ runnerType: "project_type", runUntagged: false, tagList: UNKNOWN_VALUE });
    const unknownTag = runner({ runnerType: "project_type", runUntagged: false, tagList: [UNKNOWN_VALUE] });
    const unknownType = runner({ runnerType: UNKNOWN_VALUE });
    for (const r of [unknownRunUntagged, unknownTags, unknownTag, unknownType]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
  });

  it("does not judge tags an adopted runner leaves to GitLab", async () => {
    const outcome = await runResourcePolicy(policy, runner({ adoptRunnerId: 7, runUntagged: false }));
    expect(outcome.violations).toEqual([]);
  });

  it("ignores other resource types", async () => {
    const outcome = await runResourcePolicy(policy, {
      type: PROJECT_RUNNER_ASSIGNMENT_TYPE,
      props: { project: "acme/api", runnerId: 1 },
    });
    expect(outcome.notApplicable).toMatch(/applies to/);
    expect(outcome.violations).toEqual([]);
  });

  it("judges the provider plugin's Runner as the dynamic one", async () => {
    const props = { runnerType: "group_type", groupId: 1, runUntagged: true };
    const dynamic = await runResourcePolicy(policy, { type: RUNNER_TYPE, props });
    const plugin = await runResourcePolicy(policy, { type: "gitlab-runners:index:Runner", props });
    expect(dynamic.violations.length).toBeGreaterThan(0);
    expect(plugin.violations).toEqual(dynamic.violations);
    expect(plugin.notApplicable).toBeUndefined();
  });
});

describe("project-runner-locked", () => {
  const policy = projectRunnerLocked;

  it("passes a locked project runner", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ runnerType: "project_type", projectId: "acme/api", locked: true }),
    );
    expect(outcome.violations).toEqual([]);
  });

  it("fails a project runner with locked: false, naming locked: true", async () => {
    const outcome = await runResourcePolicy(policy, runner({ runnerType: "project_type", locked: false }));
    expect(messages(outcome)).toEqual([expect.stringMatching(/Set locked: true/)]);
  });

  it("fails a project runner without locked (GitLab's default is false)", async () => {
    const outcome = await runResourcePolicy(policy, runner({ runnerType: "project_type", projectId: 1 }));
    expect(messages(outcome)[0]).toMatch(/locked defaults to false/);
  });

  it("passes group runners, unknown values and exempt runners", async () => {
    expect((await runResourcePolicy(policy, runner({ runnerType: "group_type" }))).violations).toEqual([]);
    expect(
      (await runResourcePolicy(policy, runner({ runnerType: "project_type", locked: UNKNOWN_VALUE })))
        .violations,
    ).toEqual([]);
    const exempt = await runResourcePolicy(policy, runner({ runnerType: "project_type" }, "legacy"), {
      exemptNames: ["legacy"],
    });
    expect(exempt.violations).toEqual([]);
    expect(exempt.notApplicable).toMatch(/exemptNames/);
  });
});

describe("runner-maximum-timeout", () => {
  const policy = runnerMaximumTimeout;

  it("passes a timeout within the default range 600..86400", async () => {
    for (const maximumTimeout of [600, 3600, 86_400]) {
      expect((await runResourcePolicy(policy, runner({ ...compliant, maximumTimeout }))).violations).toEqual(
        [],
      );
    }
  });

  it("fails a timeout above the maximum, naming maximumTimeout and the range", async () => {
    const outcome = await runResourcePolicy(policy, runner({ ...compliant, maximumTimeout: 172_800 }));
    expect(messages(outcome)).toEqual([
      expect.stringMatching(/172800 seconds, above the maximum of 86400.*maximumTimeout.*600 to 86400/),
    ]);
  });

  it("uses minSeconds and maxSeconds from the config", async () => {
    const config = { minSeconds: 1800, maxSeconds: 7200 };
    const low = await runResourcePolicy(policy, runner({ ...compliant, maximumTimeout: 900 }), config);
    expect(messages(low)[0]).toMatch(/900 seconds, below the minimum of 1800.*maximumTimeout: 3600/);
    const ok = await runResourcePolicy(policy, runner({ ...compliant, maximumTimeout: 7200 }), config);
    expect(ok.violations).toEqual([]);
  });

  it("flags a missing timeout only when requireTimeout is true", async () => {
    const { maximumTimeout: _omitted, ...noTimeout } = compliant;
    expect((await runResourcePolicy(policy, runner(noTimeout))).violations).toEqual([]);
    const required = await runResourcePolicy(policy, runner(noTimeout), { requireTimeout: true });
    expect(messages(required)[0]).toMatch(/maximumTimeout is not set/);
    const adopted = await runResourcePolicy(policy, runner({ adoptRunnerId: 3 }), { requireTimeout: true });
    expect(adopted.violations).toEqual([]);
  });

  it("does not flag an unknown timeout", async () => {
    const outcome = await runResourcePolicy(policy, runner({ ...compliant, maximumTimeout: UNKNOWN_VALUE }), {
      requireTimeout: true,
    });
    expect(outcome.violations).toEqual([]);
  });

  it("rejects a config whose minSeconds is above maxSeconds", async () => {
    await expect(
      runResourcePolicy(policy, runner(compliant), { minSeconds: 7200, maxSeconds: 3600 }),
    ).rejects.toThrow(/"minSeconds" \(7200\) is greater than "maxSeconds" \(3600\)/);
  });
});

describe("deploy-runner-ref-protected", () => {
  const policy = deployRunnerRefProtected;

  it("passes a deploy runner that is ref_protected, and runners without deploy tags", async () => {
    const protectedDeploy = runner({ ...compliant, tagList: ["deploy-k8s"], accessLevel: "ref_protected" });
    expect((await runResourcePolicy(policy, protectedDeploy)).violations).toEqual([]);
    expect((await runResourcePolicy(policy, runner(compliant))).violations).toEqual([]);
  });

  it("fails a runner tagged for production that is not_protected, naming accessLevel", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ ...compliant, tagList: ["docker", "Production"] }),
    );
    expect(messages(outcome)).toEqual([
      expect.stringMatching(
        /\["Production"\] match the pattern "deploy\|prod".*Set accessLevel: "ref_protected"/,
      ),
    ]);
  });

  it("fails when accessLevel is omitted (GitLab's default is not_protected)", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ runnerType: "group_type", tagList: ["deploy"] }),
    );
    expect(messages(outcome)[0]).toMatch(/"not_protected" \(the default\)/);
  });

  it("uses tagPattern from the config", async () => {
    const config = { tagPattern: "^release$" };
    const release = await runResourcePolicy(policy, runner({ ...compliant, tagList: ["release"] }), config);
    expect(release.violations).toHaveLength(1);
    const deploy = await runResourcePolicy(policy, runner({ ...compliant, tagList: ["deploy"] }), config);
    expect(deploy.violations).toEqual([]);
  });

  it("does not flag unknown tags or an unknown access level", async () => {
    const unknownTag = runner({ ...compliant, tagList: [UNKNOWN_VALUE] });
    const unknownLevel = runner({ ...compliant, tagList: ["deploy"], accessLevel: UNKNOWN_VALUE });
    expect((await runResourcePolicy(policy, unknownTag)).violations).toEqual([]);
    expect((await runResourcePolicy(policy, unknownLevel)).violations).toEqual([]);
  });

  it("does not judge the access level an adopted runner leaves to GitLab", async () => {
    const outcome = await runResourcePolicy(policy, runner({ adoptRunnerId: 9, tagList: ["deploy"] }));
    expect(outcome.violations).toEqual([]);
  });
});

describe("runner-description-format", () => {
  const policy = runnerDescriptionFormat;

  it.each(["build-docker", "build-docker Linux Docker builds", "k8s-2 Anything: goes here"])(
    "passes %j with the default pattern",
    async (description) => {
      expect((await runResourcePolicy(policy, runner({ ...compliant, description }))).violations).toEqual([]);
    },
  );

  it.each(["Build Docker", "-build", "build_docker", ""])(
    "fails %j, naming description and the format",
    async (description) => {
      const outcome = await runResourcePolicy(policy, runner({ ...compliant, description }));
      expect(messages(outcome)).toEqual([
        expect.stringMatching(/does not match .*Set description to a lowercase name .*e\.g\. "build-docker/),
      ]);
    },
  );

  it("fails a new runner without a description", async () => {
    const outcome = await runResourcePolicy(policy, runner({ runnerType: "group_type" }));
    expect(messages(outcome)[0]).toMatch(/^description is not set\. Set description to/);
  });

  it("uses pattern and hint from the config", async () => {
    const config = {
      pattern: "^team-[a-z]+: ",
      hint: 'the owning team first, e.g. "team-ci: docker builds"',
    };
    const good = await runResourcePolicy(
      policy,
      runner({ ...compliant, description: "team-ci: builds" }),
      config,
    );
    expect(good.violations).toEqual([]);
    const bad = await runResourcePolicy(policy, runner(compliant), config);
    expect(messages(bad)[0]).toMatch(
      /Set description to the owning team first, e.g. "team-ci: docker builds"\./,
    );
  });

  it("passes unknown descriptions and adopted runners without one", async () => {
    const unknown = runner({ ...compliant, description: UNKNOWN_VALUE });
    expect((await runResourcePolicy(policy, unknown)).violations).toEqual([]);
    expect((await runResourcePolicy(policy, runner({ adoptRunnerId: 4 }))).violations).toEqual([]);
  });

  it("reports an invalid pattern as a config error naming the key", async () => {
    await expect(runResourcePolicy(policy, runner(compliant), { pattern: "([a-z" })).rejects.toThrow(
      /policy config of "runner-description-format": "pattern" is not a valid JavaScript regular expression/,
    );
  });
});

describe("registration-token-flow", () => {
  const policy = registrationTokenFlow;
  const token = "GR1348941secret-value";

  it("passes runners created with runnerType or adopted", async () => {
    expect((await runResourcePolicy(policy, runner(compliant))).violations).toEqual([]);
    expect((await runResourcePolicy(policy, runner({ adoptRunnerId: 5 }))).violations).toEqual([]);
  });

  it("flags the registration-token flow as advisory, says what to use and never quotes the token", async () => {
    const outcome = await runResourcePolicy(
      policy,
      runner({ registrationToken: token, description: "legacy" }),
    );
    expect(outcome.enforcementLevel).toBe("advisory");
    expect(messages(outcome)).toHaveLength(1);
    const message = messages(outcome)[0] ?? "";
    expect(message).toMatch(/disabled by default in 17\.0/);
    expect(message).toMatch(
      /runnerType: "group_type" with groupId, runnerType: "project_type" with projectId/,
    );
    expect(message).not.toContain(token);
  });

  it("can be made mandatory or disabled through the config", async () => {
    const mandatory = await runResourcePolicy(policy, runner({ registrationToken: token }), "mandatory");
    expect(mandatory.enforcementLevel).toBe("mandatory");
    expect(mandatory.violations).toHaveLength(1);
    const disabled = await runResourcePolicy(policy, runner({ registrationToken: token }), {
      enforcementLevel: "disabled",
    });
    expect(disabled.violations).toEqual([]);
  });

  it("does not flag a token that is not known yet", async () => {
    const outcome = await runResourcePolicy(policy, runner({ registrationToken: UNKNOWN_VALUE }));
    expect(outcome.violations).toEqual([]);
  });
});
