import { spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths";

// scripts/engine's own logic — the pin, the lock, the cache, --upgrade — run for real in a copy
// of the repository's engine files, with a stand-in `go` that writes small executables instead
// of compiling the Pulumi CLI (a real cold build takes minutes of both cores; README "The
// Pulumi engine" gives the measured figures). Everything else is the real script and bash.

const FAKE_GO = `#!/usr/bin/env bash
# Stands in for the go command: logs each call, then acts like go for what scripts/engine asks.
echo "$*" >>"$FAKE_GO_LOG"
case "$1" in
  mod|get) exit 0 ;;
  list)
    last="\${@: -1}"
    if [[ "$last" == *@latest ]]; then echo "\${FAKE_GO_LATEST:-v3.999.0}"; exit 0; fi
    [[ " \${FAKE_GO_MISSING:-} " == *" \${last##*@} "* ]] && exit 1
    exit 0 ;;
  build)
    out="" version="host"
    while [ $# -gt 0 ]; do
      case "$1" in
        -o) out="$2"; shift ;;
        -ldflags) version="\${2##*Version=}"; shift ;;
      esac
      shift
    done
    sleep "\${FAKE_GO_SLEEP:-0}"
    [ -n "\${FAKE_GO_FAIL:-}" ] && { echo "fake go: build failed" >&2; exit 1; }
    printf '#!/bin/sh\\n[ "$1" = version ] && echo %s\\nexit 0\\n' "$version" >"$out"
    chmod +x "$out"
    exit 0 ;;
esac
echo "fake go: unexpected: $*" >&2
exit 2
`;

const SMOKE = `#!/bin/sh
# Stands in for engine/language-host/smoke.sh: records the engine folder it was given.
echo "$1" >>"$FAKE_SMOKE_LOG"
"$1/pulumi" version >/dev/null && [ -z "$FAKE_SMOKE_FAIL" ]
`;

let work: string;
let repo: string;
let cache: string;
let fakeBin: string;
let goLog: string;
let smokeLog: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function engine(args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [join(repo, "scripts/engine"), ...args], {
      cwd: repo,
      env: {
        HOME: work,
        PATH: `${fakeBin}:/usr/local/bin:/usr/bin:/bin`,
        XDG_CACHE_HOME: cache,
        FAKE_GO_LOG: goLog,
        FAKE_SMOKE_LOG: smokeLog,
        // The YAML language host is another script's (scripts/engine-yaml); this is about the CLI's.
        PULUMI_ENGINE_YAML: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string): string => text.trim().split("\n").at(-1) ?? "";
const goCalls = async (): Promise<string[]> =>
  (await readFile(goLog, "utf8").catch(() => "")).split("\n").filter((l) => l !== "");
const cliBuilds = async (): Promise<string[]> =>
  (await goCalls()).filter((l) => l.startsWith("build") && l.includes("cmd/pulumi"));
const hostBuilds = async (): Promise<string[]> =>
  (await goCalls()).filter((l) => l.startsWith("build") && l.includes("pulumi-language-nodejs"));
const pin = async (): Promise<string> => (await readFile(join(repo, "engine/pulumi-version"), "utf8")).trim();

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "engine-script-"));
  repo = join(work, "repo");
  cache = join(work, "cache");
  fakeBin = join(work, "fake-bin");
  goLog = join(work, "go.log");
  smokeLog = join(work, "smoke.log");
  await mkdir(join(repo, "scripts"), { recursive: true });
  await cp(join(repoRoot, "scripts/engine"), join(repo, "scripts/engine"));
  await cp(join(repoRoot, "scripts/engine-yaml"), join(repo, "scripts/engine-yaml"));
  await cp(join(repoRoot, "engine"), join(repo, "engine"), {
    recursive: true,
    filter: (src) => !src.includes("node_modules"),
  });
  await writeFile(join(repo, "engine/language-host/smoke.sh"), SMOKE);
  await mkdir(fakeBin);
  await writeFile(join(fakeBin, "go"), FAKE_GO);
  await chmod(join(fakeBin, "go"), 0o755);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("scripts/engine", () => {
  it("builds the version pinned in engine/pulumi-version, then answers from the cache", async () => {
    const pinned = await pin();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const first = await engine();
    expect(first.code, first.stderr).toBe(0);
    const bin = lastLine(first.stdout);
    expect(bin).toMatch(
      new RegExp(`${cache}/pulumi-gitlab-runners/engine/v${pinned}-host-[0-9a-f]{12}/bin$`),
    );
    expect(await cliBuilds()).toHaveLength(1);
    expect((await cliBuilds())[0]).toContain(`Version=v${pinned}`);
    expect(await hostBuilds()).toHaveLength(1);
    const second = await engine();
    expect(second.code).toBe(0);
    expect(lastLine(second.stdout)).toBe(bin);
    expect(second.stderr).toContain("using cached build");
    expect(await cliBuilds()).toHaveLength(1);
  });

  it("two first runs at once: both succeed, one builds while the other waits, then uses its build", async () => {
    const env = { FAKE_GO_SLEEP: "2" };
    const [a, b] = await Promise.all([engine([], env), engine([], env)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(lastLine(a.stdout)).toBe(lastLine(b.stdout));
    expect(await cliBuilds()).toHaveLength(1);
    expect(await hostBuilds()).toHaveLength(1);
    const waited = [a, b].filter((r) => r.stderr.includes("waiting for it"));
    expect(waited).toHaveLength(1);
    expect(waited[0]?.stderr).toContain("built meanwhile by another run");
  });

  it("PULUMI_ENGINE_VERSION overrides the pin for one run and leaves it as it was", async () => {
    const before = await pin();
    const run = await engine([], { PULUMI_ENGINE_VERSION: "3.300.1" });
    expect(run.code, run.stderr).toBe(0);
    expect(lastLine(run.stdout)).toContain("/v3.300.1-host-");
    expect(await pin()).toBe(before);
    expect((await engine([], { PULUMI_ENGINE_VERSION: "latest" })).code).toBe(1);
  });

  it("uses a pulumi on PATH only when it is the pinned version", async () => {
    const onPath = join(work, "installed");
    await mkdir(onPath);
    const install = async (version: string): Promise<void> => {
      for (const [name, text] of [
        ["pulumi", `#!/bin/sh\n[ "$1" = version ] && echo v${version}\n`],
        ["pulumi-language-nodejs", "#!/bin/sh\n"],
        ["pulumi-resource-pulumi-nodejs", "#!/bin/sh\n"],
      ] as const) {
        await writeFile(join(onPath, name), text);
        await chmod(join(onPath, name), 0o755);
      }
    };
    const path = `${onPath}:${fakeBin}:/usr/local/bin:/usr/bin:/bin`;
    await install("3.280.0");
    const other = await engine([], { PATH: path });
    expect(other.stderr).toContain("is not v");
    expect(lastLine(other.stdout)).toContain(cache);
    await install(await pin());
    const same = await engine([], { PATH: path });
    expect(lastLine(same.stdout)).toBe(onPath);
  });

  it("--upgrade builds the newest served version, smoke-tests it, then rewrites the pin", async () => {
    const run = await engine(["--upgrade"], { FAKE_GO_LATEST: "v3.281.0" });
    expect(run.code, run.stderr).toBe(0);
    expect(lastLine(run.stdout)).toBe("3.281.0");
    expect(await pin()).toBe("3.281.0");
    expect(await readFile(smokeLog, "utf8")).toContain("/v3.281.0-host-");
    // The next plain run uses the new pin from the cache.
    const next = await engine();
    expect(lastLine(next.stdout)).toContain("/v3.281.0-host-");
    expect(next.stderr).toContain("using cached build");
  });

  it("--upgrade VERSION keeps the pin when the smoke test or the build fails, or the proxy lacks it", async () => {
    const before = await pin();
    const smoke = await engine(["--upgrade", "3.290.0"], { FAKE_SMOKE_FAIL: "1" });
    expect(smoke.code).toBe(1);
    expect(smoke.stderr).toContain("the smoke test failed");
    const build = await engine(["--upgrade", "3.291.0"], { FAKE_GO_FAIL: "1" });
    expect(build.code).toBe(1);
    const missing = await engine(["--upgrade", "3.292.0"], { FAKE_GO_MISSING: "v3.292.0" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not serve");
    expect(await pin()).toBe(before);
  });

  it("--upgrade refuses to move the pin backwards", async () => {
    const before = await pin();
    const run = await engine(["--upgrade", "3.200.0"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("older than the pinned");
    expect(await pin()).toBe(before);
    expect(await cliBuilds()).toHaveLength(0);
  });
});
