import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..", "provider", "gitlab");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('provider/gitlab is the transport layer (docs/design.md "Layers")', () => {
  const files = sources(ROOT);
  const imports = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)].map((m) => ({
      file: relative(ROOT, file),
      target: m[1] ?? "",
    })),
  );

  it("has sources", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("never imports @pulumi/*", () => {
    expect(imports.filter((i) => i.target.startsWith("@pulumi/"))).toEqual([]);
  });

  it("imports only node built-ins, undici, zod and its own files", () => {
    const foreign = imports.filter(
      (i) =>
        !i.target.startsWith("node:") &&
        !i.target.startsWith(".") &&
        i.target !== "undici" &&
        i.target !== "zod",
    );
    expect(foreign).toEqual([]);
    const escaping = imports.filter(
      (i) => i.target.startsWith(".") && !join(ROOT, i.file, "..", i.target).startsWith(ROOT),
    );
    expect(escaping).toEqual([]);
  });
});
