import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "pulumi-gitlab-runners";
let cached: string | undefined;

/**
 * `pulumi-gitlab-runners/<version>`, read from our package.json. The file is found by walking
 * up from this module, which works from the sources (tests), from `dist/` and from
 * `node_modules/pulumi-gitlab-runners/dist/` alike; a JSON import would be copied into `dist/`.
 */
export function userAgent(): string {
  if (cached !== undefined) return cached;
  let version = "0.0.0";
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") {
        version = pkg.version;
        break;
      }
    } catch {
      // No package.json here; keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  cached = `${PACKAGE_NAME}/${version} node/${process.versions.node}`;
  return cached;
}
