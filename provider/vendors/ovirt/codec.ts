/**
 * The tolerant oVirt JSON codec (reference §1.3, §2). Reading accepts what any engine version
 * sends: a primitive as a string or a number/boolean ("2" or 2, "true" or true, "1"/"0"), dates
 * as epoch-ms numbers or strings (and ISO text), a collection keyed by its singular name
 * (`{"vm":[…]}`), a bare array, one object where a list was expected, and a missing key or `{}`
 * as an empty list. Writing sends every primitive as a string, as the engine's own serializer and
 * ovirt-web-ui do. Sizes: the wire is bytes; callers use MiB/GiB.
 */

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

export type Wire = Record<string, unknown>;

/** An object, or undefined for anything else (null, a string, an array). */
export function obj(value: unknown): Wire | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Wire) : undefined;
}

/** A string from a string, number or boolean; undefined for anything else or "". */
export function str(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** A number from a number or a numeric string ("1073741824"); undefined otherwise. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A boolean from a boolean, "true"/"false" in any case, or 1/0 (as number or string). */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
  }
  return undefined;
}

/** Epoch milliseconds from a number, a numeric string or ISO-8601 text. */
export function date(value: unknown): number | undefined {
  const n = num(value);
  if (n !== undefined) return n;
  if (typeof value === "string") {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/**
 * The items of a collection: `{"<key>":[…]}`, a bare array, one object under the key, or
 * nothing (a missing key, `{}`, undefined) as `[]`.
 */
export function list(value: unknown, key: string): Wire[] {
  if (Array.isArray(value)) return value.map(obj).filter((v): v is Wire => v !== undefined);
  const holder = obj(value);
  if (!holder) return [];
  const inner = holder[key];
  if (Array.isArray(inner)) return inner.map(obj).filter((v): v is Wire => v !== undefined);
  const one = obj(inner);
  return one ? [one] : [];
}

/** A nested list kept in its XML wrapper: `nested(vm, "disk_attachments", "disk_attachment")`. */
export function nested(parent: unknown, wrapper: string, key: string): Wire[] {
  const p = obj(parent);
  if (!p) return [];
  return list(p[wrapper], key);
}

/** A reference `{"id":…, "name"?:…, "href"?:…}`: its id and name. */
export function ref(value: unknown): { id?: string; name?: string } {
  const r = obj(value);
  if (!r) return {};
  return { ...(str(r.id) ? { id: str(r.id) } : {}), ...(str(r.name) ? { name: str(r.name) } : {}) };
}

/** Follows a path of keys through nested objects. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const o = obj(current);
    if (!o) return undefined;
    current = o[key];
  }
  return current;
}

/**
 * The wire form of a request body: numbers and booleans become strings, undefined members are
 * dropped, arrays and objects are converted throughout.
 */
export function toWire(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(toWire);
  const o = obj(value);
  if (!o) return value;
  const out: Wire = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = toWire(v);
  return out;
}

/** Bytes → whole MiB (rounded down: the engine may report a few bytes over). */
export function bytesToMiB(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.floor(bytes / MIB);
}

/** Bytes → GiB (a fraction when the size is not a whole number of GiB). */
export function bytesToGiB(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / GIB;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the engine's GUIDs: an input that looks like one is taken as an id, else a name. */
export function isId(value: string): boolean {
  return UUID.test(value);
}

/** The zero GUID: the Blank template and the single CD-ROM device (reference §1.4, §1.10). */
export const ZERO_ID = "00000000-0000-0000-0000-000000000000";
