import { type ChildProcess, execFile, spawn } from "node:child_process";
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
}

function startCli(args: string[]): Promise<Started> {
  const child = spawn(NODE, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env: ENV });
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error("no first line within 15s")), 15_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolveStart({ child, firstLine: line, url: line.replace(/^listening on /, ""), exit });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening`));
    });
  });
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
});
