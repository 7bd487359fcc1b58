"use strict";
// What `npm run demo` and `npm run example` share: the package built and installed beside a
// copy of the program, the real Pulumi engine (scripts/engine), and a `pulumi` CLI isolated in a temp folder (its own
// PULUMI_HOME, a local file:// backend, a passphrase secrets provider, no update check, no
// plugin downloads), so nothing touches the user's Pulumi login or the repository's files.
//
// The GitLab emulator runs in the calling process, so every child here is spawned
// asynchronously: a synchronous spawn would block the event loop and "GitLab" would stop
// answering. The only synchronous calls (build, engine) happen before the emulator starts.

const { spawn, execFileSync } = require("node:child_process");
const { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { basename, delimiter, join } = require("node:path");

/** The repository root (this file is scripts/lib/isolated-pulumi.js). */
const root = join(__dirname, "..", "..");

/** Prints a bold step title. */
function step(title) {
  process.stdout.write(`\n\x1b[1m=== ${title} ===\x1b[0m\n`);
}

/** Runs `npm run build` when the compiled package (sdk, emulator, policy pack) is missing. */
function ensureBuilt() {
  const needed = ["sdk/index.js", "emulator/index.js", "policy/index.js"].map((f) => join(root, "dist", f));
  if (needed.every((f) => existsSync(f))) return;
  step("building the package (npm run build)");
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}

/** The folder holding `pulumi` and its Node language host (scripts/engine builds it once). */
function engineBin() {
  step("making the Pulumi engine available (scripts/engine; the first run builds it from Go modules)");
  const out = execFileSync("bash", [join(root, "scripts", "engine")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.toString().trim().split("\n").pop();
}

/** Build and engine in one call: what every script needs before starting the emulator. */
function prepare() {
  ensureBuilt();
  return engineBin();
}

/**
 * Makes `dest` a node_modules folder as `npm install pulumi-gitlab-runners` would leave it: this
 * package as a real folder (its package.json and dist/, copied afresh), @pulumi/pulumi copied
 * too, every other package a link into the repository's node_modules.
 *
 * Copies, not links: Pulumi's closure serializer writes the provider as the one-line
 * `require("pulumi-gitlab-runners/provider/runner")` only when the shim's real path is inside a
 * node_modules folder and @pulumi/pulumi can resolve the package from its own location
 * (runtime/closure/package.js, to map the path to the package export). Through links, Node
 * sees the real paths in the repository, and the shim is copied by value into `__provider`,
 * relative requires and all, which fail in the dynamic-provider host ("Cannot find module
 * '../configure'").
 */
function installPackage(dest) {
  const repoModules = join(root, "node_modules");
  mkdirSync(join(dest, "@pulumi"), { recursive: true });
  for (const entry of readdirSync(repoModules)) {
    if (entry === "pulumi-gitlab-runners" || entry === "@pulumi" || entry === ".package-lock.json") continue;
    symlinkSync(join(repoModules, entry), join(dest, entry), "dir");
  }
  for (const entry of readdirSync(join(repoModules, "@pulumi"))) {
    const from = join(repoModules, "@pulumi", entry);
    if (entry === "pulumi") cpSync(from, join(dest, "@pulumi", entry), { recursive: true });
    else symlinkSync(from, join(dest, "@pulumi", entry), "dir");
  }
  const self = join(dest, "pulumi-gitlab-runners");
  mkdirSync(self);
  cpSync(join(root, "package.json"), join(self, "package.json"));
  cpSync(join(root, "dist"), join(self, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") });
  return dest;
}

/**
 * Copies a program into `<work>/<name>` with the package installed beside it (installPackage):
 * a folder (without its node_modules and .pulumi), or `files`, a list of paths in `from`.
 * Returns the copy's path.
 */
function copyProgram(work, { from, name = basename(from), files } = {}) {
  const dest = join(work, name);
  const skip = (src) => basename(src) !== "node_modules" && basename(src) !== ".pulumi";
  if (files === undefined) cpSync(from, dest, { recursive: true, filter: skip });
  else for (const f of files) cpSync(join(from, f), join(dest, f), { recursive: true, filter: skip });
  installPackage(join(dest, "node_modules"));
  return dest;
}

/**
 * A `pulumi` CLI confined to a temp folder, running a copy of a program (useProgram) so that
 * its stack files (Pulumi.<stack>.yaml, with the passphrase's salt and the encrypted token)
 * never land in the repository.
 */
class IsolatedPulumi {
  /**
   * @param {{ engineBin: string, prefix?: string, passphrase?: string }} options
   */
  constructor(options) {
    this.work = mkdtempSync(join(tmpdir(), options.prefix ?? "gitlab-runners-"));
    this.cwd = this.work;
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith("PULUMI_") || k.startsWith("GITLAB_")) delete env[k];
    Object.assign(env, {
      // Node 22 (node_modules/.bin) before any older system Node.
      PATH: [options.engineBin, join(root, "node_modules", ".bin"), process.env.PATH].join(delimiter),
      PULUMI_HOME: join(this.work, "home"),
      PULUMI_BACKEND_URL: `file://${this.work}`,
      PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "example",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
    });
    this.env = env;
  }

  /**
   * Copies a program into the temp folder (see copyProgram) and runs every later command
   * there, so its stack files never land in the repository.
   */
  useProgram(options) {
    this.cwd = copyProgram(this.work, options);
    return this.cwd;
  }

  /** Spawns a command asynchronously; resolves with its exit code (and stdout when captured). */
  exec(cmd, argv, { input, capture = false } = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, {
        cwd: this.cwd,
        env: this.env,
        stdio: [input === undefined ? "ignore" : "pipe", capture ? "pipe" : "inherit", "inherit"],
      });
      let stdout = "";
      if (capture) child.stdout.on("data", (d) => (stdout += d));
      if (input !== undefined) child.stdin.end(input);
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout }));
    });
  }

  /**
   * `pulumi <argv> --non-interactive`, printed first. Throws on a non-zero exit unless
   * `allowFailure`; returns the exit code. `input` goes to stdin (for secrets, so they never
   * appear on a command line).
   */
  async pulumi(argv, { allowFailure = false, input } = {}) {
    console.log(`$ pulumi ${argv.join(" ")}`);
    const { code } = await this.exec("pulumi", [...argv, "--non-interactive"], { input });
    if (code !== 0 && !allowFailure) throw new Error(`pulumi ${argv[0]} failed (exit ${code})`);
    return code;
  }

  /** `pulumi stack output --json`, parsed (secrets as "[secret]"). */
  async outputs() {
    const { stdout } = await this.exec("pulumi", ["stack", "output", "--json", "--non-interactive"], {
      capture: true,
    });
    return JSON.parse(stdout);
  }

  /** Removes the temp folder, or says where it is when `keep`. */
  cleanup(keep = false) {
    if (keep) console.log(`state kept in ${this.work}`);
    else rmSync(this.work, { recursive: true, force: true });
  }
}

module.exports = { root, step, ensureBuilt, engineBin, prepare, installPackage, copyProgram, IsolatedPulumi };
