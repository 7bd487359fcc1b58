/**
 * Asking the `pulumi` CLI that started this provider about its own stack: the stack's current
 * configuration (`stack-config.ts`) and what its state records (`stack-state.ts`).
 *
 * Why a CLI: the engine tells a provider neither (the dynamic-provider host passes only the
 * `pulumi-nodejs:` namespace, a plugin only its own configuration), yet the CLI that runs the
 * deployment can answer both, with the same backend, passphrase and `PULUMI_HOME` as the run:
 * its environment is the provider's. It is run in the program's folder, where the provider runs.
 */
import { execFile } from "node:child_process";
import { readlinkSync } from "node:fs";
import { basename } from "node:path";
import type { ResourceOrigin, StackRef } from "./resource/origin";
import { stackOf } from "./resource/origin";

/** Generous: the CLI loads the backend and decrypts, on a machine that may be busy. */
const TIMEOUT_MS = 60_000;

/**
 * The CLI that started this provider: on Linux, the executable of the parent process (the
 * engine starts the dynamic-provider host, whose launcher `exec`s node); else `pulumi` on PATH.
 */
export function pulumiCli(): string {
  try {
    const exe = readlinkSync(`/proc/${process.ppid}/exe`);
    if (/^pulumi(\.exe)?$/.test(basename(exe))) return exe;
  } catch {
    // Not Linux, or not readable: fall back to PATH.
  }
  return "pulumi";
}

/** What a CLI run printed, or why it printed nothing usable. */
export type CliResult = { ok: true; stdout: string } | { ok: false; reason: string };

/**
 * Runs `pulumi <args> --non-interactive` in the program's folder with this process's
 * environment. Only the CLI's exit is reported on failure: its own message may quote values of
 * the configuration.
 */
export function runPulumi(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; maxBuffer?: number } = {},
): Promise<CliResult> {
  const what = `pulumi ${args.filter((a) => !a.startsWith("--show")).join(" ")}`;
  return new Promise((resolve) => {
    execFile(
      pulumiCli(),
      [...args, "--non-interactive"],
      {
        cwd: process.cwd(),
        env: { ...(options.env ?? process.env), PULUMI_SKIP_UPDATE_CHECK: "true" },
        timeout: TIMEOUT_MS,
        maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout) => {
        if (!error) {
          resolve({ ok: true, stdout });
          return;
        }
        const why = (error as { code?: unknown }).code ?? (error as { signal?: unknown }).signal ?? "failed";
        resolve({ ok: false, reason: `${what} ended with ${String(why)}` });
      },
    );
  });
}

/**
 * The organization the provider plugin puts in a resource's origin: a plugin is never told its
 * stack's organization (`plugin/adapter.ts`). It is also the organization of every stack on a
 * DIY backend.
 */
export const STAND_IN_ORGANIZATION = "organization";

/**
 * The `--stack` argument for a stack: fully qualified when the organization is known, else the
 * bare stack name, which the CLI resolves with the program folder's project and the backend's
 * default organization.
 */
export function stackArgument(ref: StackRef | ResourceOrigin | string): string {
  if (typeof ref === "string") return ref;
  const stack = "urn" in ref ? stackOf(ref) : ref;
  return stack.organization === STAND_IN_ORGANIZATION
    ? stack.stack
    : `${stack.organization}/${stack.project}/${stack.stack}`;
}
