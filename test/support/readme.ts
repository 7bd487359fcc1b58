import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./paths";

/**
 * The first fenced block of `language` in README.md after the line that starts with `after`:
 * tests run the README's programs as they are printed, so the README cannot drift from them.
 */
export async function readmeBlock(after: string, language: string): Promise<string> {
  const text = await readFile(join(repoRoot, "README.md"), "utf8");
  const from = text.indexOf(`\n${after}`);
  if (from === -1) throw new Error(`README.md has no line starting with ${JSON.stringify(after)}`);
  const open = text.indexOf(`\n\`\`\`${language}\n`, from);
  if (open === -1) throw new Error(`README.md has no \`\`\`${language} block after ${JSON.stringify(after)}`);
  const start = open + language.length + 5;
  return text.slice(start, text.indexOf("\n```", start) + 1);
}
