/**
 * A small path-template router: `/api/v4/runners/:id`. Literal segments win over parameters
 * (`/runners/all` before `/runners/:id`), as Grape's route order makes them.
 */
export interface RouteMatch<H> {
  handler: H;
  /** The template, e.g. "/api/v4/runners/:id"; used in the request log. */
  route: string;
  params: Record<string, string>;
}

interface CompiledRoute<H> {
  method: string;
  template: string;
  segments: { literal: string | null; param: string | null }[];
  handler: H;
  rank: string;
}

export class Router<H> {
  private readonly byKey = new Map<string, CompiledRoute<H>[]>();

  add(method: string, template: string, handler: H): this {
    const parts = template.split("/").slice(1);
    const segments = parts.map((part) =>
      part.startsWith(":") ? { literal: null, param: part.slice(1) } : { literal: part, param: null },
    );
    const route: CompiledRoute<H> = {
      method,
      template,
      segments,
      handler,
      rank: segments.map((s) => (s.literal === null ? "1" : "0")).join(""),
    };
    const key = `${method} ${segments.length}`;
    const list = this.byKey.get(key) ?? [];
    list.push(route);
    list.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    this.byKey.set(key, list);
    return this;
  }

  match(method: string, path: string): RouteMatch<H> | null {
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const parts = trimmed.split("/").slice(1);
    const lookup = method === "HEAD" ? "GET" : method;
    const candidates = this.byKey.get(`${lookup} ${parts.length}`);
    if (candidates === undefined) return null;
    for (const route of candidates) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        const part = parts[i] as string;
        if (seg === undefined) {
          ok = false;
          break;
        }
        if (seg.literal !== null) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
        } else if (part === "") {
          ok = false;
          break;
        } else {
          params[seg.param as string] = safeDecode(part);
        }
      }
      if (ok) return { handler: route.handler, route: route.template, params };
    }
    return null;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
