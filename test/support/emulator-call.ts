import { request } from "undici";
import type { RunningEmulator } from "../../emulator/index";

/** How {@link call} sends a request: the caller's token, and a JSON, form or raw body. */
export interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  raw?: { body: string | Buffer; contentType?: string };
  headers?: Record<string, string>;
}

/**
 * One request to the emulator's API (`/api/v4` + path) with undici, returning the status,
 * headers, raw text and parsed JSON (undefined when the body is not JSON). Shared by the
 * emulator's integration tests.
 */
export async function call(emu: RunningEmulator, method: string, path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers["private-token"] = opts.token;
  let body: string | Buffer | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.raw !== undefined) {
    if (opts.raw.contentType !== undefined) headers["content-type"] = opts.raw.contentType;
    body = opts.raw.body;
  }
  const res = await request(`${emu.url}/api/v4${path}`, {
    method: method as "GET",
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.body.text();
  // biome-ignore lint/suspicious/noExplicitAny: test helper, bodies are asserted field by field
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}
