#!/usr/bin/env node
// `npm run plugin-tarball [-- <out-folder>]`: the provider plugin as one file, in the tarball
// `pulumi plugin install resource gitlab-runners <version> --file <tarball>` takes, for
// programs that do not install the npm package (YAML, Python, Go, C#).
//
// The tarball holds `pulumi-resource-gitlab-runners` (a launcher: `node` on PATH, Node >= 22,
// runs the bundle) and `pulumi-resource-gitlab-runners.js` (the plugin and everything it loads,
// bundled by esbuild). Pulumi extracts it into ~/.pulumi/plugins/resource-gitlab-runners-v<version>/
// and refuses links that point outside that folder, so node_modules as npm lays it out is no way
// to ship it (and a copy of it would be 119 MB). Prints the tarball's path as the last line of stdout.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const { join, resolve } = require("node:path");

const root = join(__dirname, "..");
const { version } = require(join(root, "package.json"));
const out = resolve(process.argv[2] ?? join(root, "dist-plugin"));
const name = "pulumi-resource-gitlab-runners";

async function main() {
  if (!fs.existsSync(join(root, "dist", "plugin", "main.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", 2, 2] });
  }
  const esbuild = require("esbuild");
  const stage = fs.mkdtempSync(join(require("node:os").tmpdir(), "gitlab-runners-plugin-"));
  try {
    const result = await esbuild.build({
      entryPoints: [join(root, "dist", "plugin", "main.js")],
      outfile: join(stage, `${name}.js`),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minifyWhitespace: true,
      legalComments: "none",
      logLevel: "warning",
      // The plugin reads its version from the package's own package.json.
      alias: { "pulumi-gitlab-runners/package.json": join(root, "package.json") },
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    // The plugin needs @pulumi/pulumi's generated protocol stubs, not its runtime: a runtime
    // module in the bundle means something loads the SDK it should not.
    const runtime = inputs.filter((f) => /@pulumi\/pulumi\/(runtime|output|resource)\b/.test(f));
    if (runtime.length > 0)
      throw new Error(`the bundle pulls in @pulumi/pulumi's runtime: ${runtime.join(", ")}`);
    fs.writeFileSync(
      join(stage, name),
      `#!/bin/sh\n# The ${name} plugin v${version}: Node.js 22 or later must be on PATH.\nexec node "$(dirname "$0")/${name}.js" "$@"\n`,
      { mode: 0o755 },
    );
    fs.chmodSync(join(stage, name), 0o755);
    fs.mkdirSync(out, { recursive: true });
    const tarball = join(out, `${name}-v${version}-linux-amd64.tar.gz`);
    execFileSync("tar", ["-czf", tarball, "-C", stage, name, `${name}.js`]);
    const size = (f) => `${(fs.statSync(f).size / 1024).toFixed(0)} kB`;
    process.stderr.write(
      `[plugin-tarball] ${inputs.length} modules bundled into ${size(join(stage, `${name}.js`))}; tarball ${size(tarball)}\n`,
    );
    process.stdout.write(`${tarball}\n`);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`plugin-tarball failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
