import type { ServerResponse } from "node:http";
import type { ApiResponse } from "../api/context";

const JSON_TYPE = "application/json";

/** Writes an API response: JSON (or text/plain), Content-Length, no body for 204 and HEAD. */
export function sendResponse(res: ServerResponse, method: string, response: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { "Cache-Control": "no-cache", ...response.headers };
  let payload: string | undefined;
  if (response.status === 204) payload = undefined;
  else if (response.text !== undefined) {
    payload = response.text;
    headers["Content-Type"] = "text/plain";
  } else {
    payload = JSON.stringify(response.body ?? null);
    headers["Content-Type"] = JSON_TYPE;
  }
  if (payload !== undefined) headers["Content-Length"] = Buffer.byteLength(payload);
  res.writeHead(response.status, headers);
  res.end(method === "HEAD" ? undefined : payload);
}

/** A complete HTTP response whose JSON body is cut in half (Content-Length matches the half). */
export function sendTruncated(res: ServerResponse, response: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  const full = Buffer.from(response.text ?? JSON.stringify(response.body ?? null));
  const half = full.subarray(0, Math.floor(full.length / 2));
  res.writeHead(response.status === 204 ? 200 : response.status, {
    ...response.headers,
    "Content-Type": JSON_TYPE,
    "Content-Length": half.length,
  });
  res.end(half);
}
