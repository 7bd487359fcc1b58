#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatBanner } from "./banner";
import { exposureWarning, startEmulator } from "./index";
import type { Fixture, GitlabVersion } from "./types";
import { GITLAB_VERSIONS, isGitlabVersion, versionFeatures } from "./version";

const USAGE = `Usage: gitlab-runners-emulator [--port <n|0>] [--host 127.0.0.1] [--gitlab-version ${GITLAB_VERSIONS.join("|")}]
                               [--fixture <file.json>] [--latency-ms <n>] [--seed <n>]
                               [--control-token <secret>] [--quiet]

Serves an emulated GitLab Runners API under /api/v4 and its control API under /-/emulator/.
The first line on stdout is "listening on http://<host>:<port>"; then, on stderr, the fixture's
tokens (fake, valid only in this emulator). It binds to loopback unless --host says otherwise.
SIGINT/SIGTERM stop it.`;

function fail(message: string): never {
  process.stderr.write(`gitlab-runners-emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer`);
  return Number(value);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "gitlab-version": { type: "string" },
        fixture: { type: "string" },
        "latency-ms": { type: "string" },
        seed: { type: "string" },
        "control-token": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = integerOption(values.port as string | undefined, "port", 0);
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  const version = (values["gitlab-version"] as string | undefined) ?? "17.11";
  if (!isGitlabVersion(version)) fail(`--gitlab-version must be one of ${GITLAB_VERSIONS.join(", ")}`);
  const latencyMs = integerOption(values["latency-ms"] as string | undefined, "latency-ms", 0);
  const seed = integerOption(values.seed as string | undefined, "seed", 1);
  let fixture: Fixture | undefined;
  const fixturePath = values.fixture as string | undefined;
  if (fixturePath !== undefined) {
    try {
      fixture = JSON.parse(await readFile(fixturePath, "utf8")) as Fixture;
    } catch (err) {
      fail(`cannot read fixture ${fixturePath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const controlToken = values["control-token"] as string | undefined;
  if (controlToken !== undefined && controlToken.length < 8)
    fail("--control-token must be at least 8 characters");
  const emulator = await startEmulator({
    port,
    host,
    gitlabVersion: version as GitlabVersion,
    seed,
    quiet: true,
    ...(fixture === undefined ? {} : { fixture }),
    ...(controlToken === undefined ? {} : { controlToken }),
  });
  if (latencyMs > 0) emulator.setFaults({ rules: [{ kind: "latency", path: "^/api/v4/", latencyMs }] });
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Handlers first: a supervisor may signal as soon as it reads the line.
  process.stdout.write(`listening on ${emulator.url}\n`);
  // Always said, even with --quiet: an exposed emulator is a choice to make knowingly.
  const warning = exposureWarning(host, controlToken !== undefined);
  if (warning !== null) process.stderr.write(`gitlab-runners-emulator: warning: ${warning}\n`);
  if (values.quiet !== true)
    process.stderr.write(
      formatBanner(emulator.state(), emulator.url, {
        controlToken: controlToken !== undefined,
        fullVersion: versionFeatures(version as GitlabVersion).fullVersion,
      }),
    );
}

main().catch((err: unknown) => {
  process.stderr.write(`gitlab-runners-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
