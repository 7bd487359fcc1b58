import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./paths";

// What Python and Go programs on the plugin need, installed from the package registries as a
// user would: the Pulumi SDKs (PyPI's `pulumi`, the Go module proxy's `sdk/v3`) and the
// plugin's generated SDKs from sdks/. Their language hosts are not served here (README), so the
// programs run as Automation API inline programs.

const run = promisify(execFile);

/** The Python SDK from PyPI (the newest there when this was written; the CLI is 3.276). */
export const PYTHON_PULUMI = "3.272.0";
/** The Go SDK: the CLI's own version, already in the module cache once scripts/engine built it. */
export const GO_PULUMI = "v3.276.0";

const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-gitlab-runners");

/**
 * A Python with `pulumi` from PyPI and the plugin's SDK (sdks/python) installed: a virtual
 * environment cached per Pulumi version; the SDK is installed again each time (it is regenerated
 * with the schema). Returns the interpreter's path.
 */
export async function pythonWithSdk(): Promise<string> {
  const venv = join(cache, "python", `pulumi-${PYTHON_PULUMI}`);
  const python = join(venv, "bin", "python");
  // The SDK's own dependencies (sdks/python/pyproject.toml) and what builds it (setuptools, wheel).
  const requirements = [
    `pulumi==${PYTHON_PULUMI}`,
    "parver>=0.2.1",
    "semver>=2.8.1",
    "setuptools>=61",
    "wheel",
  ];
  const marker = join(venv, ".complete");
  if (!existsSync(marker) || (await readFile(marker, "utf8")) !== `${requirements.join("\n")}\n`) {
    await mkdir(join(cache, "python"), { recursive: true });
    await run("python3", ["-m", "venv", "--clear", venv]);
    await run(python, ["-m", "pip", "install", "--quiet", ...requirements], {
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(marker, `${requirements.join("\n")}\n`);
  }
  // From a copy: building the package writes build/ and *.egg-info next to its sources.
  const copy = await mkdtemp(join(tmpdir(), "pgr-python-sdk-"));
  try {
    await cp(join(repoRoot, "sdks", "python"), copy, { recursive: true });
    await run(
      python,
      ["-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--force-reinstall", copy],
      { timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
  return python;
}

/**
 * Builds the Go program in `dir` (its main.go) against the Go SDK and the plugin's SDK
 * (sdks/go, through a `replace`), with modules from the Go module proxy. Returns the binary.
 */
export async function buildGoProgram(dir: string): Promise<string> {
  const sdk = "github.com/pulumi-gitlab-runners/pulumi-gitlab-runners/sdks/go";
  await writeFile(
    join(dir, "go.mod"),
    [
      "module plugin-go-program",
      "",
      "go 1.24",
      "",
      `require github.com/pulumi/pulumi/sdk/v3 ${GO_PULUMI}`,
      `require ${sdk} v0.0.0`,
      "",
      `replace ${sdk} => ${join(repoRoot, "sdks", "go")}`,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, GOFLAGS: "-mod=mod" };
  const options = { cwd: dir, env, timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 };
  await run("go", ["mod", "tidy"], options);
  const binary = join(dir, "program");
  await run("go", ["build", "-o", binary, "."], options);
  return binary;
}
