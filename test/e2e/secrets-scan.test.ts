import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { type PulumiRunResult, PulumiWorkspace } from "../support/pulumi";
import { SecretsCollector } from "../support/secrets";

// The secrets scan (docs/design.md decision 2): one representative stack taken through its
// whole life with the real CLI against the emulator — a runner registered with a registration
// token, one created with runnerType, one adopted, an assignment, a read function, a rotation,
// an out-of-band change with refresh, failing updates (a bad registration token, an expired
// user token), export and destroy — and then every text that life produced is scanned for
// every token the test used or the emulator issued (rotated-away ones included): the CLI's
// output of every command, `pulumi stack export` (without --show-secrets), the files the CLI
// wrote in the state backend, PULUMI_HOME and the program folder, and the emulator's request
// log (library and HTTP view).

const program = join(__dirname, "fixtures", "secrets-program");
const RUNNER = "pulumi-nodejs:dynamic/gitlab:Runner";
const BOGUS_REGISTRATION_TOKEN = "GR1348941scanBogusRegToken7";

describe("no plaintext token anywhere a stack's life leaves text (GitLab 16.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const scan = new SecretsCollector();

  /** Runs `pulumi <args>`, collects its output and every token the emulator holds afterwards. */
  const run = async (args: string[], options: { allowFailure?: boolean } = {}): Promise<PulumiRunResult> => {
    const result = await ws.run(args, options);
    scan.addRun(args.slice(0, 2).join(" "), result);
    scan.addEmulatorTokens(em, "16.11");
    return result;
  };
  const setSecret = (key: string, value: string) => ws.run(["config", "set", "--secret", key, value]);
  const liveToken = (id: number) => em.state().runners.find((r) => r.id === id)?.token;

  beforeAll(async () => {
    // 16.11 has both POST /runners (registration tokens) and POST /user/runners.
    em = await startEmulator({ gitlabVersion: "16.11" });
    scan.addEmulatorTokens(em, "16.11");
    scan.addSecret(BOGUS_REGISTRATION_TOKEN, "bogus registration token");
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "gitlab:baseUrl": em.url,
        "secrets:rotation": "r1",
        "secrets:adoptRunnerId": String(FIXTURE_IDS.runners.group),
      },
      secretConfig: {
        "gitlab:token": FIXTURE_TOKENS.admin,
        "secrets:registrationToken": FIXTURE_REGISTRATION_TOKENS.project,
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  let ids: Record<"registered" | "created" | "adopted", number>;
  const tokensSeen: string[] = [];
  const debugOutputs: string[] = [];

  it("creates a runner each way, with tokens, and previews no changes", async () => {
    await run(["preview", "--diff"]);
    await run(["up", "--yes", "--skip-preview"]);
    ids = (await ws.outputs()).runnerIds as typeof ids;
    for (const id of Object.values(ids)) tokensSeen.push(liveToken(id) ?? "");
    expect(tokensSeen.every((t) => t.length > 0)).toBe(true);
    const shown = await ws.run(["stack", "output", "tokens", "--show-secrets", "--json"]);
    // Not collected (it reveals secrets on purpose); it proves the outputs hold the live tokens.
    expect(JSON.parse(shown.stdout)).toEqual({
      registered: liveToken(ids.registered),
      created: liveToken(ids.created),
      adopted: liveToken(ids.adopted),
    });
    await run(["preview", "--diff", "--expect-no-changes"]);
    await run(["stack", "output", "--json"]);
  });

  it("rotates every token in place", async () => {
    await ws.run(["config", "set", "secrets:rotation", "r2"]);
    await run(["up", "--yes", "--skip-preview", "--diff"]);
    for (const id of Object.values(ids)) {
      const now = liveToken(id);
      expect(tokensSeen).not.toContain(now);
      tokensSeen.push(now ?? "");
    }
  });

  it("shows an out-of-band change on refresh and restores it", async () => {
    const response = await fetch(`${em.url}/api/v4/runners/${ids.created}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ description: "changed by hand" }),
    });
    expect(response.status).toBe(200);
    await run(["refresh", "--yes", "--skip-preview", "--diff"]);
    await run(["preview", "--refresh", "--diff"]);
    // --debug output is scanned on its own (last test): @pulumi/pulumi's own debug lines print
    // RPC responses, secret outputs included.
    debugOutputs.push((await ws.run(["preview", "--refresh", "--diff", "--debug"])).output);
    scan.addEmulatorTokens(em, "16.11");
    await run(["up", "--yes", "--skip-preview"]);
    expect(em.state().runners.find((r) => r.id === ids.created)?.description).toBe("scanned-created");
  });

  it("fails clearly with a bad registration token and an expired user token; the next up converges", async () => {
    await setSecret("secrets:registrationToken", BOGUS_REGISTRATION_TOKEN);
    const badRegistration = await run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(badRegistration.code).not.toBe(0);
    expect(badRegistration.output).toMatch(/registration token is invalid/i);
    await setSecret("secrets:registrationToken", FIXTURE_REGISTRATION_TOKENS.project);

    await setSecret("gitlab:token", FIXTURE_TOKENS.expired);
    await ws.run(["config", "set", "secrets:description", "renamed"]);
    const expired = await run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(expired.code).not.toBe(0);
    expect(expired.output).toMatch(/401/);
    const refresh = await run(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(refresh.code).not.toBe(0);
    await setSecret("gitlab:token", FIXTURE_TOKENS.admin);
    await run(["up", "--yes", "--skip-preview"]);
    // A new registration token replaces the registered runner, delete-first (its replacement
    // carries the same creation mark): the bogus token's failed create left it deleted, and this
    // up registered it again. The other runners were kept.
    const registered = em.state().runners.find((r) => r.description === "renamed-registered");
    expect(registered).toBeDefined();
    ids = { ...ids, registered: registered?.id ?? -1 };
    expect((await ws.resourcesOfType(RUNNER)).map((r) => Number(r.id)).sort()).toEqual(
      Object.values(ids).sort(),
    );
  });

  it("exports, lists history and config, and destroys", async () => {
    scan.addText("stack export (live)", (await run(["stack", "export"])).stdout);
    await run(["stack", "history", "--json"]);
    await run(["config", "--json"]);
    await run(["destroy", "--yes", "--skip-preview"]);
    scan.addText("stack export (destroyed)", (await run(["stack", "export"])).stdout);
    for (const id of Object.values(ids)) expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  });

  it("finds no plaintext token in anything collected", async () => {
    scan.addRequestLog(em, "16.11");
    const viaHttp = await fetch(`${em.url}/-/emulator/requests`);
    scan.addText("GET /-/emulator/requests", await viaHttp.text());
    const backend = await scan.addTree("backend", join(ws.root, "state"));
    expect(backend).toBeGreaterThan(0);
    await scan.addTree("PULUMI_HOME", join(ws.root, "home"));
    await scan.addTree("program", ws.programDir, (rel) => rel === "node_modules");

    // Every token issued during the test is tracked, the rotated-away ones too.
    for (const token of tokensSeen) expect(scan.secrets()).toContain(token);
    // SECRETS_SCAN_DUMP=<dir> writes everything scanned there, to inspect a finding.
    if (process.env.SECRETS_SCAN_DUMP) await scan.dump(process.env.SECRETS_SCAN_DUMP);
    const findings = scan.scan();
    expect(findings, `plaintext tokens found:\n${scan.report(findings)}`).toEqual([]);
    // The scanner is not blind: a token planted in a text is found (and reported by label only).
    const control = new SecretsCollector();
    control.addText("control", `header PRIVATE-TOKEN: ${FIXTURE_TOKENS.admin}`);
    expect(control.scan().map((f) => f.secret)).toEqual(["FIXTURE_TOKENS.admin"]);
    expect(control.report()).not.toContain(FIXTURE_TOKENS.admin);
  });

  it("with --debug, finds tokens only in @pulumi/pulumi's own RPC debug lines, never in the provider's", async () => {
    // Upstream behaviour: the Node SDK logs `RegisterResource RPC finished: …, resp: <response>`
    // (runtime/resource.js) at debug level, and the response holds the resource's outputs with
    // secrets in plaintext. Nothing a provider returns can avoid it; users must not publish
    // --debug logs. Every other debug line (the provider's, the engine's) must be clean.
    expect(debugOutputs.length).toBeGreaterThan(0);
    const upstream =
      /^debug: (?:RegisterResource|ReadResource|RegisterResourceOutputs|getResource Invoke|Invoke) RPC finished/;
    const offending: string[] = [];
    let upstreamBlocks = 0;
    for (const output of debugOutputs) {
      // A diagnostic may span lines (a serialized __provider does) and follow a resource's status
      // on the same line; it ends where the next one begins.
      for (const block of output.split(/(?=\b(?:debug|info|warning|error): )/)) {
        const one = new SecretsCollector();
        for (const secret of scan.secrets()) one.addSecret(secret, "token");
        one.addText("debug block", block);
        if (one.scan().length === 0) continue;
        if (upstream.test(block)) upstreamBlocks += 1;
        else offending.push(scan.mask(block).slice(0, 600));
      }
    }
    expect(offending, "tokens outside the SDK's RPC debug lines").toEqual([]);
    // Documents the upstream leak as measured (0 once @pulumi/pulumi stops printing secrets).
    console.log(`--debug: ${upstreamBlocks} @pulumi/pulumi RPC debug lines hold a plaintext token`);
  });
});
