import type { IncomingMessage, ServerResponse } from "node:http";
import { sendResponse } from "../http/respond";
import type { FaultRule } from "../types";
import { BAD_GATEWAY_HTML, rateLimitHeaders } from "./faults";

const STATUS_MESSAGES: Record<number, string> = {
  500: "500 Internal Server Error",
  503: "503 Service Unavailable",
  504: "504 Gateway Timeout",
};

/** Answers a request with an answering fault (reset, rate_limit, rate_limit_bare, status). */
export function answerFault(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  rule: FaultRule,
  now: number,
): void {
  switch (rule.kind) {
    case "reset":
      req.socket.destroy();
      return;
    case "rate_limit": {
      const retryAfter = rule.retryAfterSeconds ?? 60;
      const headers = rateLimitHeaders({
        limit: 600,
        observed: 601,
        remaining: 0,
        resetMs: now + retryAfter * 1000,
        now,
      });
      sendResponse(res, method, { status: 429, text: "Retry later\n", headers });
      return;
    }
    case "rate_limit_bare":
      sendResponse(res, method, { status: 429, text: "Retry later\n" });
      return;
    default: {
      const status = rule.status ?? 500;
      if (status === 502) {
        // NGINX/Workhorse answer a 502 with GitLab's HTML error page, not JSON.
        res.writeHead(502, {
          "Content-Type": "text/html; charset=utf-8",
          "Content-Length": BAD_GATEWAY_HTML.length,
        });
        res.end(method === "HEAD" ? undefined : BAD_GATEWAY_HTML);
        return;
      }
      sendResponse(res, method, { status, body: { message: STATUS_MESSAGES[status] ?? String(status) } });
    }
  }
}
