import type { RequestLogEntry } from "../types";

/** Keeps the newest entries only, so a long benchmark cannot grow memory without bound. */
export const REQUEST_LOG_LIMIT = 10_000;

const SECRET_PARAMS = new Set(["private_token", "token", "access_token", "job_token"]);

/** The path plus its query, with every token-bearing param value replaced by [FILTERED]. */
export function redactedPath(path: string, rawQuery: string): string {
  if (rawQuery === "") return path;
  const parts = rawQuery.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    let name = key;
    try {
      name = decodeURIComponent(key.replaceAll("+", " "));
    } catch {
      // keep the raw key
    }
    return SECRET_PARAMS.has(name.toLowerCase()) ? `${key}=[FILTERED]` : pair;
  });
  return `${path}?${parts.join("&")}`;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT * 2) this.entries = this.entries.slice(-REQUEST_LOG_LIMIT);
  }

  list(): RequestLogEntry[] {
    const recent =
      this.entries.length > REQUEST_LOG_LIMIT ? this.entries.slice(-REQUEST_LOG_LIMIT) : this.entries;
    return recent.map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
