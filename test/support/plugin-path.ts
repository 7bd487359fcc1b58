import { delimiter, join } from "node:path";
import { inject } from "vitest";
import { repoRoot } from "./paths";

/**
 * `PATH` for a program on the provider plugin: the engine finds `pulumi-resource-gitlab-runners`
 * where a user's `npm install` puts it (the packed package's `bin` in the suite's consumer
 * folder), then the engine's own binaries and this checkout's tools.
 */
export function pluginPath(): string {
  return [
    join(inject("consumerNodeModules"), ".bin"),
    inject("engineBin"),
    join(repoRoot, "node_modules", ".bin"),
    process.env.PATH ?? "",
  ].join(delimiter);
}
