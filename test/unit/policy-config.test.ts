import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../policy/config";
import {
  defaultEnforcementLevels,
  deployRunnerRefProtectedParams,
  forbiddenProjectAssignmentParams,
  POLICY_NAMES,
  policies,
  RUNNER_TYPE,
  runnerMaximumTimeout,
  runnerMaximumTimeoutParams,
  runnerUntaggedJobs,
} from "../../policy/policies";
import { readProp, readStringList, UNKNOWN } from "../../policy/props";
import { repoRoot } from "../support/paths";
import { runResourcePolicy, stackArgs, UNKNOWN_VALUE } from "../support/policy-harness";

describe("policy pack: configuration", () => {
  it("has the eight policies of issue 7, each with a unique kebab-case name", () => {
    const names = policies.map((p) => p.name);
    expect(names).toEqual(Object.values(POLICY_NAMES));
    expect(new Set(names).size).toBe(8);
    for (const name of names) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it("makes every policy mandatory by default except the advisory registration-token flow", () => {
    expect(defaultEnforcementLevels).toEqual({
      "runner-untagged-jobs": "mandatory",
      "project-runner-locked": "mandatory",
      "runner-maximum-timeout": "mandatory",
      "deploy-runner-ref-protected": "mandatory",
      "runner-description-format": "mandatory",
      "registration-token-flow": "advisory",
      "forbidden-project-assignment": "mandatory",
      "unique-runner-descriptions": "mandatory",
    });
  });

  it("declares a config schema with a documented default for every parameter", () => {
    for (const policy of policies) {
      const properties = policy.configSchema?.properties ?? {};
      expect(Object.keys(properties), policy.name).toContain("exemptNames");
      for (const [key, schema] of Object.entries(properties)) {
        expect(schema.default, `${policy.name}.${key}`).not.toBeUndefined();
        expect(schema.description, `${policy.name}.${key}`).toBeTruthy();
      }
    }
    expect(runnerMaximumTimeout.configSchema?.properties).toMatchObject({
      minSeconds: { type: "number", default: 600, minimum: 0 },
      maxSeconds: { type: "number", default: 86_400 },
      requireTimeout: { type: "boolean", default: false },
    });
    expect(runnerUntaggedJobs.configSchema?.properties.allowUntaggedSharedRunners).toMatchObject({
      type: "boolean",
      default: false,
    });
  });

  it("fills parameters the config leaves out with the defaults", () => {
    expect(resolveConfig("runner-maximum-timeout", runnerMaximumTimeoutParams, {})).toEqual({
      minSeconds: 600,
      maxSeconds: 86_400,
      requireTimeout: false,
      exemptNames: [],
    });
    expect(resolveConfig("deploy-runner-ref-protected", deployRunnerRefProtectedParams, undefined)).toEqual({
      tagPattern: "deploy|prod",
      exemptNames: [],
    });
    expect(
      resolveConfig("forbidden-project-assignment", forbiddenProjectAssignmentParams, {
        projectIds: [1, 2],
        somethingElse: true,
      }),
    ).toEqual({ projectPatterns: [], projectIds: [1, 2], checkProjectRunners: true, exemptNames: [] });
  });

  it("rejects a parameter of the wrong type, naming the policy, the key and the default", () => {
    expect(() =>
      resolveConfig("runner-maximum-timeout", runnerMaximumTimeoutParams, { maxSeconds: "1h" }),
    ).toThrow(
      'policy config of "runner-maximum-timeout": "maxSeconds" must be a number, got "1h"; the default is 86400.',
    );
    expect(() =>
      resolveConfig("forbidden-project-assignment", forbiddenProjectAssignmentParams, {
        projectPatterns: "^a/",
      }),
    ).toThrow(/"projectPatterns" must be an array of strings/);
    expect(() =>
      resolveConfig("runner-maximum-timeout", runnerMaximumTimeoutParams, { minSeconds: -1 }),
    ).toThrow(/"minSeconds" must be at least 0/);
  });

  it("passes parameters through getConfig as the policy server does (enforcementLevel stripped)", async () => {
    const groupRunner = { type: RUNNER_TYPE, props: { runnerType: "group_type", runUntagged: true } };
    const strict = await runResourcePolicy(runnerUntaggedJobs, groupRunner, { enforcementLevel: "advisory" });
    expect(strict.enforcementLevel).toBe("advisory");
    expect(strict.violations).toHaveLength(1);
    const allowed = await runResourcePolicy(runnerUntaggedJobs, groupRunner, {
      enforcementLevel: "mandatory",
      allowUntaggedSharedRunners: true,
    });
    expect(allowed.violations).toEqual([]);
  });
});

describe("policy pack: reading props", () => {
  it("reads unknown values through @pulumi/policy's proxy as UNKNOWN instead of throwing", () => {
    const [resource] = stackArgs([
      { type: RUNNER_TYPE, props: { description: UNKNOWN_VALUE, tagList: ["a", UNKNOWN_VALUE] } },
    ]).resources;
    const props = resource?.props ?? {};
    expect(() => props.description).toThrow(/can't be known during preview/);
    expect(readProp(props, "description")).toBe(UNKNOWN);
    expect(readStringList(props, "tagList")).toEqual(["a", UNKNOWN]);
    expect(readProp(props, "missing")).toBeUndefined();
  });

  it("treats the raw sentinel as unknown and null as absent", () => {
    expect(readProp({ a: UNKNOWN_VALUE, b: null }, "a")).toBe(UNKNOWN);
    expect(readProp({ a: UNKNOWN_VALUE, b: null }, "b")).toBeUndefined();
  });
});

describe("policy pack: folder", () => {
  const dir = join(repoRoot, "policy");

  it("has a nodejs PulumiPolicy.yaml and a package.json with a version and the compiled entry as main", () => {
    expect(readFileSync(join(dir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      version?: string;
      main?: string;
    };
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.main).toBe("../dist/policy/index.js");
  });

  it("shows the package's version as the pack's, and declares @pulumi/policy an optional peer of the package", () => {
    type Manifest = {
      version: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      files?: string[];
    };
    const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Manifest;
    const root = read(join(repoRoot, "package.json"));
    expect(read(join(dir, "package.json")).version).toBe(root.version);
    const range = root.peerDependencies?.["@pulumi/policy"];
    expect(range).toMatch(/^\^1\./);
    expect(root.peerDependenciesMeta?.["@pulumi/policy"]).toEqual({ optional: true });
    expect(root.devDependencies?.["@pulumi/policy"]).toBe(range);
    expect(root.dependencies).not.toHaveProperty("@pulumi/policy");
    expect(root.files).toEqual(
      expect.arrayContaining([
        "dist/",
        "policy/package.json",
        "policy/PulumiPolicy.yaml",
        "policy/README.md",
      ]),
    );
  });

  it("keeps the policies free of the SDK and the provider, but for dependency-free modules", () => {
    // The pack runs wherever @pulumi/policy does: it loads @pulumi/policy, its own files and the
    // modules below (GitLab's runner words, Pulumi's unknown-value sentinel, the resources'
    // descriptions for their type tokens), which import nothing that runs.
    const shared = [
      "provider/assignment/description.ts",
      "provider/gitlab/vocabulary.ts",
      "provider/resource/host-values.ts",
      "provider/runner/description.ts",
    ];
    const specifiers = (file: string) =>
      [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"/gms)].map(
        (m) => m[1] ?? "",
      );
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files).toEqual(expect.arrayContaining(["index.ts", "policies.ts", "props.ts", "config.ts"]));
    const outside = new Set<string>();
    for (const file of files) {
      for (const specifier of specifiers(join(dir, file))) {
        if (!specifier.startsWith(".")) {
          expect(specifier, file).toMatch(/^@pulumi\/policy(\/|$)/);
          continue;
        }
        const target = relative(repoRoot, resolve(dir, dirname(file), specifier));
        if (!target.startsWith(`policy${sep}`)) outside.add(`${target}.ts`);
      }
    }
    expect([...outside].sort()).toEqual(shared);
    // What those import at run time: only one another and GitLab's parameter names (type-only
    // imports vanish when compiled).
    const runtime = (file: string) =>
      [
        ...readFileSync(join(repoRoot, file), "utf8").matchAll(
          /^import (?!type )[^;]*?\sfrom\s+"([^"]+)"/gms,
        ),
      ].map((m) => relative(repoRoot, resolve(repoRoot, dirname(file), m[1] ?? "")));
    for (const file of shared) {
      for (const target of runtime(file))
        expect(["provider/gitlab/params", "provider/gitlab/vocabulary"], file).toContain(target);
    }
  });
});
