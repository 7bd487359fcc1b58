#!/usr/bin/env node
// Throughput of the emulator for the simplest hot path, GET /api/v4/runners/:id.
// Starts the built emulator (dist/, `npm run build` first) in its own process, fires
// `--concurrency` requests at a time over keep-alive connections for `--seconds`, and prints
// one JSON line. Usage: node bench/emulator-get.js [--concurrency 32] [--seconds 5]
//   [--gitlab-version 17.11] [--in-process]
"use strict";

const { spawn } = require("node:child_process");
const { join } = require("node:path");
const { createInterface } = require("node:readline");
const { parseArgs } = require("node:util");
const { Pool } = require("undici");

const ROOT = join(__dirname, "..");
const { FIXTURE_TOKENS, startEmulator } = require(join(ROOT, "dist/emulator/index.js"));

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "32" },
    seconds: { type: "string", default: "5" },
    "gitlab-version": { type: "string", default: "17.11" },
    "in-process": { type: "boolean", default: false },
  },
});
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const version = values["gitlab-version"];

/** Starts the CLI in a child process; resolves with its URL and a stop function. */
function startChild() {
  const child = spawn(
    process.execPath,
    [join(ROOT, "dist/emulator/cli.js"), "--port", "0", "--quiet", "--gitlab-version", version],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      const exited = new Promise((done) => child.once("exit", done));
      resolve({
        url: line.replace(/^listening on /, ""),
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

async function main() {
  const emulator = values["in-process"]
    ? await startEmulator({ gitlabVersion: version })
    : await startChild();
  const pool = new Pool(emulator.url, { connections: concurrency, pipelining: 1 });
  const headers = { "private-token": FIXTURE_TOKENS.admin };
  const latencies = [];
  let requests = 0;
  let errors = 0;

  const once = async () => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: "GET", path: "/api/v4/runners/1", headers });
      await res.body.text();
      if (res.statusCode !== 200) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t0);
    requests++;
  };

  // Warm up connections and the JIT before measuring.
  const warmUntil = performance.now() + 500;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmUntil) await once();
    }),
  );
  requests = 0;
  errors = 0;
  latencies.length = 0;

  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await once();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  await emulator.stop();

  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) /
    100;
  process.stdout.write(
    `${JSON.stringify({
      benchmark: "emulator-get-runner",
      requestsPerSecond: Math.round(requests / elapsed),
      requests,
      errors,
      concurrency,
      seconds: Math.round(elapsed * 100) / 100,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      gitlabVersion: version,
      mode: values["in-process"] ? "in-process" : "child-process",
      node: process.version,
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
