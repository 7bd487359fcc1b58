import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors";
import type { Params } from "./params";

/** Bodies above this answer 413 (GitLab sits behind Workhorse/NGINX limits of the same kind). */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
    this.name = "BodyTooLargeError";
  }
}

/** Reads the whole body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

const UNSAFE_KEY = /(^|\[)(__proto__|constructor|prototype)(\]|\[|$)/;

/**
 * Assigns `value` under a Rack-style key: `tag_list[]=a` appends to an array, `info[name]=x`
 * sets a nested hash entry.
 */
export function assignRackParam(target: Params, key: string, value: string): void {
  if (UNSAFE_KEY.test(key)) return;
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) {
    target[key] = value;
    return;
  }
  const base = key.slice(0, open);
  const rest = key.slice(open);
  if (rest === "[]") {
    const existing = target[base];
    if (Array.isArray(existing)) existing.push(value);
    else target[base] = [value];
    return;
  }
  const close = rest.indexOf("]");
  const sub = rest.slice(1, close);
  const remainder = rest.slice(close + 1);
  let nested = target[base];
  if (typeof nested !== "object" || nested === null || Array.isArray(nested)) {
    nested = {};
    target[base] = nested;
  }
  assignRackParam(nested as Params, remainder === "" ? sub : `${sub}${remainder}`, value);
}

export function parseUrlEncoded(text: string, into: Params = {}): Params {
  if (text === "") return into;
  for (const [key, value] of new URLSearchParams(text)) assignRackParam(into, key, value);
  return into;
}

function parseMultipart(body: Buffer, contentType: string): Params {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw malformedBody();
  const out: Params = {};
  const text = body.toString("latin1");
  for (const part of text.split(`--${boundary}`)) {
    if (part === "" || part.startsWith("--")) continue;
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith("\r\n")) value = value.slice(0, -2);
    assignRackParam(out, name, Buffer.from(value, "latin1").toString("utf8"));
  }
  return out;
}

/**
 * Grape's answer to a body that does not parse as its declared content type
 * (Grape::Exceptions::InvalidMessageBody, rescued as a 400 with key `error`).
 */
export function malformedBody(): ApiError {
  return new ApiError(400, { error: "message body does not match declared format" });
}

/**
 * Parses a body by its content type. JSON, form-urlencoded and multipart are understood;
 * other types are ignored as Grape ignores bodies it has no parser for.
 */
export function parseBody(body: Buffer, contentType: string | undefined): Params {
  if (body.length === 0 || contentType === undefined) return {};
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || type.endsWith("+json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw malformedBody();
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw malformedBody();
    return parsed as Params;
  }
  if (type === "application/x-www-form-urlencoded") return parseUrlEncoded(body.toString("utf8"));
  if (type === "multipart/form-data") return parseMultipart(body, contentType);
  return {};
}
