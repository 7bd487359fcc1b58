import { resolve } from "node:path";

/** The repository root (this file is test/support/paths.ts). */
export const repoRoot = resolve(__dirname, "..", "..");
