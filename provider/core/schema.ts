/**
 * zod helpers for `check`: validation issues become Pulumi check failures naming the
 * property; values still unknown during preview (the engine's sentinel string) are tolerated.
 */
import type { z } from "zod";

/** The value the engine sends for inputs not yet known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<T> {
  inputs: T | Record<string, unknown>;
  failures: CheckFailure[];
  /** True when some input is unknown (preview): `inputs` are then passed through unvalidated. */
  hasUnknowns: boolean;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Removes engine-internal keys (`__provider`, `__drplaneName`, …) from a property bag. */
export function stripInternal<T extends Record<string, unknown>>(
  props: T | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) if (!k.startsWith("__")) out[k] = v;
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function touchesUnknown(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  for (let i = 0; i <= path.length; i++) {
    if (containsUnknown(valueAt(root, path.slice(0, i))) && i === path.length) return true;
    if (isUnknown(valueAt(root, path.slice(0, i)))) return true;
  }
  return false;
}

function propertyName(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
}

/**
 * Validates `news` (internal keys stripped). Issues on unknown values are dropped; when any
 * value is unknown the raw inputs are returned, else the parsed ones (defaults applied). Each
 * failure names its property; an unrecognized key is a failure of its own path.
 */
export function checkWith<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
): CheckResult<z.output<S>> {
  const raw = stripInternal(news);
  const hasUnknowns = containsUnknown(raw);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { inputs: hasUnknowns ? raw : parsed.data, failures: [], hasUnknowns };
  const byProperty = new Map<string, string[]>();
  for (const issue of parsed.error.issues) {
    if (touchesUnknown(raw, issue.path)) continue;
    // An unknown key is named itself (`connection.keystyle`, `volumes[0].size`), not the
    // object that holds it, so the user sees which line of the program to fix.
    const named: Array<[string, string]> =
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => [propertyName([...issue.path, key]), "unknown property (not an input)"])
        : [[propertyName(issue.path) || "(inputs)", issue.message]];
    for (const [property, reason] of named)
      byProperty.set(property, [...(byProperty.get(property) ?? []), reason]);
  }
  const failures = [...byProperty].map(([property, reasons]) => ({ property, reason: reasons.join("; ") }));
  return { inputs: raw, failures, hasUnknowns };
}
