#!/usr/bin/env node
/**
 * `pulumi-resource-gitlab-runners`: the provider plugin the Pulumi engine starts for package
 * `gitlab-runners` (YAML, Python, Go, C# and TypeScript programs alike).
 *
 * Start-up contract (every Pulumi plugin's): the engine runs the plugin with optional flags and
 * its own address last; the plugin listens on a free loopback port and prints the port as the
 * first line of stdout. Anything after that on stdout or stderr is shown by the engine as the
 * plugin's output.
 */
import type * as Server from "./server";

const MIN_NODE_MAJOR = 22;

function main(): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < MIN_NODE_MAJOR) {
    // Checked before anything is loaded: the dependencies need Node 22 and would fail obscurely.
    process.stderr.write(
      `pulumi-resource-gitlab-runners needs Node.js ${MIN_NODE_MAJOR} or later; the node on PATH is ${process.version}. ` +
        "Put a newer node first on PATH (the engine starts the plugin with the PATH it was given).\n",
    );
    process.exit(1);
  }
  if (process.argv.includes("--version")) {
    process.stdout.write(`${(require("./version") as typeof import("./version")).version}\n`);
    return;
  }
  const { serve } = require("./server") as typeof Server;
  // The engine's address comes last (`host:port`); flags such as `--logtostderr` come before it.
  const engine = process.argv.slice(2).findLast((arg) => /^[\w.-]+:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(arg));
  serve(engine).then(
    ({ port }) => {
      process.stdout.write(`${port}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`pulumi-resource-gitlab-runners: could not start: ${String(err)}\n`);
      process.exit(1);
    },
  );
}

main();
