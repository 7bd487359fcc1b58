import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packageSchema } from "../../plugin/schema";
import { repoRoot } from "../support/paths";

// The SDKs in sdks/ are generated (scripts/sdkgen) and kept in the repository. They must be
// exactly what the generator makes from the schema the plugin serves today: a schema change
// without regenerating, or a hand edit of a generated file, fails here.

const run = promisify(execFile);
const sdks = join(repoRoot, "sdks");
const LANGUAGES = ["python", "go", "dotnet", "nodejs"];

async function tree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path));
  }
  return files;
}

describe("generated SDKs", () => {
  let out: string | undefined;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("sdks/schema.json is the schema the plugin serves", async () => {
    const committed = await readFile(join(sdks, "schema.json"), "utf8");
    expect(committed).toBe(`${JSON.stringify(packageSchema, null, 2)}\n`);
  });

  it(
    "regenerating from it changes nothing",
    async () => {
      out = await mkdtemp(join(tmpdir(), "pgr-sdks-"));
      await run("bash", [join(repoRoot, "scripts", "sdkgen"), out], {
        env: { ...process.env, SDKGEN_SCHEMA: join(sdks, "schema.json") },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 15 * 60_000,
      });
      for (const lang of LANGUAGES) {
        const want = await tree(join(sdks, lang));
        const got = await tree(join(out, lang));
        expect([...got.keys()].sort(), lang).toEqual([...want.keys()].sort());
        for (const [name, data] of got) {
          expect(data.equals(want.get(name) ?? Buffer.alloc(0)), `${lang}/${name} differs`).toBe(true);
        }
      }
    },
    15 * 60_000,
  );
});
