/**
 * What every resource's `check` does the same way: validate the known inputs with the resource's
 * zod schema, leave values that are not known yet (preview) to be checked when they are, and
 * report each problem against the argument it concerns, in Pulumi's own `CheckFailure` shape.
 * Also the validators several resources and the read functions share.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { snakeCase } from "../gitlab/vocabulary";
import { ProviderError } from "./errors";
import { isUnknown } from "./host-values";
import { shown } from "./shown";

/** A property bag as the host hands it over. */
export type Bag = Record<string, unknown>;

/** `check`'s result: Pulumi's `CheckResult` with the checked (normalised) inputs. */
export type CheckResult = pulumi.dynamic.CheckResult<Bag> & {
  inputs: Bag;
  failures: pulumi.dynamic.CheckFailure[];
};

/**
 * An enum of GitLab's words whose error lists the allowed values and, for a near miss such as
 * `"refProtected"`, suggests GitLab's snake_case spelling.
 */
export function enumOf<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  return z.enum(values, {
    error: (issue: { input?: unknown }) => {
      const got = issue.input;
      const list = values.map((v) => `"${v}"`).join(" or ");
      if (typeof got === "string" && (values as readonly string[]).includes(snakeCase(got))) {
        return `${field} must be ${list}; got ${shown(got)}: did you mean "${snakeCase(got)}"? GitLab spells it in snake_case.`;
      }
      return `${field} must be ${list}; got ${shown(got)}.`;
    },
  });
}

/** True for a positive safe integer: a GitLab id. */
export function isPositiveId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * A GitLab id: a positive integer, or a numeric string (a resource's `id` output is a string).
 * `refusal` says what is wrong with any other value.
 */
export function positiveId(refusal: (got: unknown) => string) {
  return z.unknown().transform((value, ctx): number => {
    const id =
      typeof value === "number"
        ? value
        : typeof value === "string" && /^\s*\d+\s*$/.test(value)
          ? Number(value)
          : Number.NaN;
    if (isPositiveId(id)) return id;
    ctx.addIssue({ code: "custom", message: refusal(value) });
    return z.NEVER;
  });
}

/**
 * Validates `news` against `schema`, leaving out of the validation the properties that are not
 * known yet (they are checked again when known) but keeping them in the returned inputs.
 * `standIns` gives values of the right type for unknown properties that cross-field rules need
 * to see (so "exactly one of …" still counts an unknown value as given). `normalise` copies the
 * parsed values the resource wants stored (trimmed tags, a numeric id for `"100"`).
 */
export function checkWith<S extends z.ZodType<Bag>>(
  schema: S,
  names: readonly string[],
  news: Bag,
  options: {
    standIns?: (news: Bag) => Bag;
    normalise?: (parsed: z.output<S>, pending: readonly string[]) => Bag;
    /** Rules beyond the schema's, judged on the known inputs once the schema passed. */
    rules?: (parsed: z.output<S>, pending: readonly string[]) => pulumi.dynamic.CheckFailure[];
  } = {},
): CheckResult {
  const known: Bag = {};
  const pending: string[] = [];
  const unknownNames: pulumi.dynamic.CheckFailure[] = [];
  for (const [k, v] of Object.entries(news)) {
    if (v === undefined || v === null || isHidden(k)) continue;
    if (!names.includes(k)) {
      unknownNames.push({ property: k, reason: notAnArgument(k, names) });
      continue;
    }
    if (isUnknown(v)) pending.push(k);
    else known[k] = v;
  }
  const standIns = options.standIns?.(news) ?? {};
  for (const k of pending) if (k in standIns) known[k] = standIns[k];
  const parsed = schema.safeParse(known);
  const failures = [...unknownNames];
  if (!parsed.success) {
    failures.push(
      ...parsed.error.issues
        .map((issue) => ({ property: String(issue.path[0] ?? ""), reason: issue.message }))
        .filter((f) => !pending.includes(f.property)),
    );
  } else if (options.rules) {
    failures.push(...options.rules(parsed.data, pending).filter((f) => !pending.includes(f.property)));
  }
  if (failures.length > 0) return { inputs: news, failures: unechoed(failures, news) };
  const normalised = parsed.success && options.normalise ? options.normalise(parsed.data, pending) : {};
  return { inputs: { ...news, ...normalised }, failures: [] };
}

/** The longest value (as JSON) the engine may print beside a failure. */
const MAX_ECHOED = 4096;

/**
 * The engine prints a failure as "property X value {<the whole value>} has a problem: …"
 * (`issueCheckFailures` in pulumi's pkg/resource/deploy/step_generator.go): a 10 MB value would
 * make a 10 MB message. A failure about a value larger than an excerpt is reported without a
 * property instead (its reason starts with the argument's name and shows an excerpt), so the
 * engine prints only the reason.
 */
export function unechoed(failures: pulumi.dynamic.CheckFailure[], news: Bag): pulumi.dynamic.CheckFailure[] {
  return failures.map((f) => {
    if (f.property === "" || !(f.property in news)) return f;
    let size: number;
    try {
      size = (JSON.stringify(news[f.property]) ?? "").length;
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    return size > MAX_ECHOED ? { property: "", reason: f.reason } : f;
  });
}

/**
 * Hidden inputs are not arguments: `__provider` (the serialized provider the dynamic host adds
 * to every resource's inputs) and `__origin` (the resource's URN, `origin.ts`). A program's
 * argument never starts with `__`.
 */
export function isHidden(key: string): boolean {
  return key.startsWith("__");
}

/**
 * The refusal of an argument the resource does not have: a typo such as `maximumTimout` from a
 * JavaScript or YAML program would otherwise be silently ignored. Names the closest argument.
 */
export function notAnArgument(name: string, names: readonly string[]): string {
  const nearest = closest(name, names);
  return (
    `${shown(name)} is not an argument of this resource${nearest ? `; did you mean "${nearest}"?` : "."} ` +
    `Its arguments are ${names.join(", ")}.`
  );
}

/** The name in `names` closest to `name` (case-insensitive edit distance ≤ a third of its length). */
function closest(name: string, names: readonly string[]): string | undefined {
  const target = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(target, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  if (a.length > 256 || b.length > 256) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Parses inputs that already passed `check` (create and update get exactly those); a failure
 * here means the state holds something `check` never let through.
 */
export function parseChecked<S extends z.ZodType>(
  resource: string,
  schema: S,
  names: readonly string[],
  news: Bag,
): z.output<S> {
  const bag: Bag = {};
  for (const [k, v] of Object.entries(news))
    if (names.includes(k) && v !== undefined && v !== null) bag[k] = v;
  const parsed = schema.safeParse(bag);
  if (!parsed.success) {
    throw new ProviderError(
      `invalid ${resource} inputs: ${parsed.error.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`).join("; ")}`,
      { code: "invalid_input" },
    );
  }
  return parsed.data;
}
