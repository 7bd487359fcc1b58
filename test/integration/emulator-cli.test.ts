import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultFixture, FIXTURE_TOKENS } from "../../emulator/index";

// The `gitlab-runners-emulator` bin: compiled with the project's tsc, spawned with Node 22.

const ROOT = resolve(__dirname, "../..");
const NODE = join(ROOT, "node_modules/.bin/node");
const TSC = join(ROOT, "node_modules/.bin/tsc");
let outDir: string;
let cli: string;
// The compiled CLI lives outside the repo; let it resolve the repo's dependencies (zod).
const ENV = { ...process.env, NODE_PATH: join(ROOT, "node_modules") };

interface Started {
  child: ChildProcess;
  firstLine: string;
  url: string;
  exit: Promise<number | null>;
  /** Everything written to stderr so far. */
  stderr: () => string;
}

function startCli(
  args: string[],
  command: string[] = [NODE, cli],
  cwd?: string,
  timeoutMs = 15_000,
): Promise<Started> {
  const [program, ...prefix] = command as [string, ...string[]];
  const child = spawn(program, [...prefix, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: ENV,
    ...(cwd === undefined ? {} : { cwd }),
  });
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first line within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolveStart({
        child,
        firstLine: line,
        url: line.replace(/^listening on /, ""),
        exit,
        stderr: () => stderr,
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${stderr}`));
    });
  });
}

/** Waits until stderr contains `text` (the banner is written right after the first line). */
async function stderrWith(started: Started, text: string): Promise<string> {
  for (let i = 0; i < 100 && !started.stderr().includes(text); i++)
    await new Promise((r) => setTimeout(r, 50));
  return started.stderr();
}

async function version(url: string): Promise<{ status: number; body: { version?: string } }> {
  const res = await request(`${url}/api/v4/version`, { headers: { "private-token": FIXTURE_TOKENS.admin } });
  return { status: res.statusCode, body: (await res.body.json()) as { version?: string } };
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "emulator-cli-"));
  const config = join(outDir, "tsconfig.json");
  await writeFile(
    config,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: {
        outDir: join(outDir, "out"),
        rootDir: ROOT,
        typeRoots: [join(ROOT, "node_modules/@types")],
        noEmit: false,
        declaration: false,
        sourceMap: false,
      },
      include: [join(ROOT, "emulator")],
    }),
  );
  await promisify(execFile)(NODE, [TSC, "-p", config], { cwd: ROOT });
  cli = join(outDir, "out/emulator/cli.js");
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("gitlab-runners-emulator CLI", () => {
  it("prints exactly `listening on http://<host>:<port>` first, answers GET /api/v4/version, exits 0 on SIGTERM", async () => {
    const started = await startCli(["--port", "0"]);
    expect(started.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const res = await version(started.url);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe("17.11.0");
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("exits 0 on SIGINT too", async () => {
    const started = await startCli(["--port", "0", "--quiet"]);
    started.child.kill("SIGINT");
    expect(await started.exit).toBe(0);
  });

  it("honours --gitlab-version, --host and --fixture", async () => {
    const fixture = defaultFixture();
    fixture.runners = [];
    const file = join(outDir, "fixture.json");
    await writeFile(file, JSON.stringify(fixture));
    const started = await startCli([
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--gitlab-version",
      "13.12",
      "--fixture",
      file,
    ]);
    expect((await version(started.url)).body.version).toBe("13.12.0");
    const state = await request(`${started.url}/-/emulator/state`);
    expect(((await state.body.json()) as { runners: unknown[] }).runners).toEqual([]);
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("adds --latency-ms to every API request", async () => {
    const started = await startCli(["--port", "0", "--latency-ms", "120"]);
    const t0 = Date.now();
    await version(started.url);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("refuses an unknown --gitlab-version with exit code 2 and usage", async () => {
    const child = spawn(NODE, [cli, "--port", "0", "--gitlab-version", "9.0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: ENV,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: gitlab-runners-emulator");
  });

  it("prints, after the first line, the API's URL and every fixture token with its user and scopes", async () => {
    const started = await startCli(["--port", "0"]);
    const banner = await stderrWith(started, "Try: curl");
    expect(banner).toContain(`API:         ${started.url}/api/v4`);
    expect(banner).toContain("fake by construction");
    for (const user of defaultFixture().users) {
      for (const token of user.tokens ?? []) {
        const line = banner.split("\n").find((l) => l.includes(token.token));
        expect(line, token.token).toBeDefined();
        expect(line).toContain(`${user.username} (id ${user.id}`);
        expect(line).toMatch(new RegExp(`${token.scopes.join(" ")}$`));
      }
    }
    expect(banner).toMatch(/GR1348941emuProjectApiRegTk03\s+project acme\/api \(id 100\)/);
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("with --control-token, the control API needs it; /api/v4 does not", async () => {
    const started = await startCli(["--port", "0", "--quiet", "--control-token", "cli-control-secret"]);
    const without = await request(`${started.url}/-/emulator/state`);
    expect(without.statusCode).toBe(401);
    await without.body.text();
    const withToken = await request(`${started.url}/-/emulator/state`, {
      headers: { authorization: "Bearer cli-control-secret" },
    });
    expect(withToken.statusCode).toBe(200);
    await withToken.body.text();
    expect((await version(started.url)).status).toBe(200);
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("binds to loopback by default and warns, even with --quiet, when told to bind elsewhere", async () => {
    const loopback = await startCli(["--port", "0", "--quiet"]);
    expect(loopback.stderr()).not.toContain("warning");
    loopback.child.kill("SIGTERM");
    await loopback.exit;
    const exposed = await startCli(["--port", "0", "--quiet", "--host", "0.0.0.0"]);
    expect(exposed.firstLine).toMatch(/^listening on http:\/\/0\.0\.0\.0:\d+$/);
    const warning = await stderrWith(exposed, "warning");
    expect(warning).toContain(
      "warning: the GitLab emulator listens on 0.0.0.0, reachable from other machines",
    );
    expect(warning).toContain("--control-token");
    const port = new URL(exposed.url).port;
    expect((await version(`http://127.0.0.1:${port}`)).status).toBe(200);
    exposed.child.kill("SIGTERM");
    expect(await exposed.exit).toBe(0);
  });
});

describe("the emulator in this checkout", { timeout: 200_000 }, () => {
  // `npm ci` runs `prepare`, which builds and links the bin; `npm test` builds before testing.
  it("is linked as node_modules/.bin/gitlab-runners-emulator", async () => {
    const bin = join(ROOT, "node_modules/.bin/gitlab-runners-emulator");
    expect(existsSync(bin)).toBe(true);
    const started = await startCli(["--port", "0", "--quiet"], [NODE, bin]);
    expect(started.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect((await version(started.url)).status).toBe(200);
    started.child.kill("SIGTERM");
    expect(await started.exit).toBe(0);
  });

  it("runs with npm run --silent emulator -- <options>, building first when the sources are newer", async () => {
    const started = await startCli(
      ["--silent", "emulator", "--", "--port", "0", "--gitlab-version", "18.6", "--quiet"],
      ["npm", "run"],
      ROOT,
      180_000,
    );
    expect(started.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect((await version(started.url)).body.version).toBe("18.6.0");
    started.child.kill("SIGTERM");
    await started.exit;
  });
});
