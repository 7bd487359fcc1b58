import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import { repoRoot } from "./paths";
import { scanTranscripts } from "./secrets";

const run = promisify(execFile);

declare module "vitest" {
  export interface ProvidedContext {
    /** Folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
    engineBin: string;
    /** A node_modules folder with this package installed from its `npm pack` tarball, as users get it. */
    consumerNodeModules: string;
    /** That tarball, for a test that installs the package into a program of its own. */
    packageTarball: string;
    /** Where every CLI run and workspace is recorded for the suite-wide secrets scan. */
    e2eTranscriptDir: string;
  }
}

/**
 * Once per e2e run: make the real engine available (scripts/engine builds or reuses it) and
 * install this package from its packed tarball into a consumer folder, because closure
 * serialization treats code inside node_modules differently from local code (docs/design.md
 * "Tests, in tiers"): e2e must see what users see.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await run("bash", [join(repoRoot, "scripts", "engine")], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 40 * 60_000,
  }).catch((error: unknown) => {
    const e = error as { stderr?: string; message: string };
    throw new Error(`scripts/engine failed: ${e.message}\n${e.stderr ?? ""}`);
  });
  const engineBin = engine.stdout.trim().split("\n").at(-1) ?? "";
  process.stderr.write(engine.stderr);

  const work = await mkdtemp(join(tmpdir(), "pgr-e2e-consumer-"));
  const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
  await run("npm", ["run", "build"], { cwd: repoRoot, env, maxBuffer: 64 * 1024 * 1024 });
  const packDir = join(work, "pack");
  await mkdir(packDir);
  await run("npm", ["pack", "--pack-destination", packDir, "--ignore-scripts"], {
    cwd: repoRoot,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = (await readdir(packDir)).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack produced no tarball");

  const consumer = join(work, "consumer");
  await mkdir(consumer);
  // The consumer pins the same versions this repo develops with (@pulumi/pulumi is a peer
  // dependency, so the program brings its own); npm's cache makes this quick.
  const lock = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  await writeFile(
    join(consumer, "package.json"),
    JSON.stringify({
      name: "e2e-consumer",
      private: true,
      dependencies: {
        "pulumi-gitlab-runners": `file:${join(packDir, tarball)}`,
        "@pulumi/pulumi": lock.devDependencies["@pulumi/pulumi"],
        "@pulumi/policy": lock.devDependencies["@pulumi/policy"],
        typescript: lock.devDependencies.typescript,
        "ts-node": lock.devDependencies["ts-node"],
        "@types/node": lock.devDependencies["@types/node"],
      },
    }),
  );
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: consumer,
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });

  project.provide("engineBin", engineBin);
  project.provide("consumerNodeModules", join(consumer, "node_modules"));
  project.provide("packageTarball", join(packDir, tarball));
  const transcripts = join(work, "transcripts");
  await mkdir(transcripts);
  project.provide("e2eTranscriptDir", transcripts);
  return async () => {
    // The suite-wide secrets scan: no plaintext token of any kind used or issued in
    // the tests, in any CLI output or any file a workspace left (state backend, PULUMI_HOME).
    const { findings, report, texts } = await scanTranscripts(transcripts);
    await rm(work, { recursive: true, force: true });
    if (findings.length > 0) {
      throw new Error(`secrets scan: ${findings.length} plaintext token(s) in ${texts} texts:\n${report}`);
    }
    process.stderr.write(`secrets scan: no plaintext token in ${texts} texts\n`);
  };
}
