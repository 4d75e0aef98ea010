/**
 * Wire rules shared by both dialects (reference §1.3, §2): no root wrapper, a collection is
 * `{"vm":[...]}` keyed by the singular name, ints and booleans are JSON strings, xs:long values
 * are strings on 4.4+ and numbers before, dates are epoch-ms numbers, references are
 * `{id, href}`. Input is read tolerantly (string|number, string|boolean in any case, 0/1).
 * The per-dialect differences are in codec-v4.ts and codec-v3.ts.
 */
import { invalidValue } from "./errors";
import type { Dialect } from "./models";

export type Json = Record<string, unknown>;

export abstract class Codec {
  abstract readonly dialect: Dialect;

  constructor(
    /** Path prefix the client used ("/ovirt-engine/api", "/api", "/ovirt-engine/api/v3" ...). */
    readonly prefix: string,
    readonly longsAsStrings: boolean,
    readonly emptyCollections: "omit" | "empty-array",
  ) {}

  int(n: number): string {
    return String(Math.trunc(n));
  }
  long(n: number): string | number {
    return this.longsAsStrings ? String(Math.trunc(n)) : Math.trunc(n);
  }
  bool(b: boolean): string {
    return b ? "true" : "false";
  }
  date(ms: number): number {
    return Math.trunc(ms);
  }
  href(path: string): string {
    return this.prefix + path;
  }
  ref(path: string, id: string): Json {
    return { id, href: this.href(`${path}/${id}`) };
  }
  /** `{"vm":[...]}`; an empty list is `{}` unless `emptyCollections: "empty-array"`. */
  collection(key: string, items: unknown[]): Json {
    if (items.length === 0 && this.emptyCollections === "omit") return {};
    return { [key]: items };
  }
  links(base: string, rels: string[]): Json[] {
    return rels.map((rel) => ({ href: this.href(`${base}/${rel}`), rel }));
  }
  actions(base: string, verbs: string[]): Json {
    return { link: verbs.map((rel) => ({ href: this.href(`${base}/${rel}`), rel })) };
  }

  /** The status of an entity: v4 `{"status":"down"}`, v3 `{"status":{"state":"down"}}`. */
  abstract status(state: string): Json;
  /** `os.boot`: v4 `{devices:{device:[..]}}`, v3 `[{dev:..}]`. */
  abstract boot(devices: string[]): unknown;
  /** Reads `os.boot` in this dialect's shape (the other shape is refused: 400). */
  abstract parseBoot(boot: unknown): string[] | undefined;
  /** Successful action: v4 `{status:"complete", job}`, v3 `{status:{state:"complete"}, job}`. */
  abstract actionResult(jobId: string | undefined, extra?: Json): Json;
  /** Failed action body (reference §1.7). */
  abstract actionFault(reason: string, detail: string): Json;
}

// ---- tolerant input -------------------------------------------------------------------------

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Json | undefined {
  return isObject(v) ? v : undefined;
}

/** string|number → integer; undefined when absent; 400 when it does not parse. */
export function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw invalidValue(field, v);
  return n;
}

/** string|boolean in any case, or 0/1. */
export function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
  }
  throw invalidValue(field, v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** A `{id}` or `{name}` reference. */
export function refOf(v: unknown): { id?: string; name?: string } | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const id = str(o["id"]);
  const name = str(o["name"]);
  if (id === undefined && name === undefined) return undefined;
  return { id, name };
}

/** A nested list with its XML wrapper: `{"storage_domain":[..]}` (or a bare array, tolerated). */
export function listOf(v: unknown, key: string): unknown[] {
  if (Array.isArray(v)) return v;
  const o = obj(v);
  if (!o) return [];
  const inner = o[key];
  if (Array.isArray(inner)) return inner;
  return inner === undefined ? [] : [inner];
}
