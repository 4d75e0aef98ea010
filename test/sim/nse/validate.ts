/**
 * File share body checks (reference A5 for the fields; every limit and message here is
 * **invented**: the docs give types and examples only). A failure is a 400 in the envelope
 * naming the field.
 */
import { badRequest } from "./envelope";
import type { ExportRule, Json } from "./models";

export const SERVICE_LEVELS = ["standard", "premium", "premium-tiering", "extreme", "extreme-tiering"];
export const PROTOCOLS = ["nfs", "cifs", "multiprotocol"];
export const SECURITY_STYLES = ["unix", "ntfs"];
export const ACCESS = ["rw", "ro", "none"];
/** Letters, digits, `_` and `-`, 1–64 characters (invented). */
export const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** Snapshot names: letters, digits, `_`, `-`, `.`, 1–255 characters (invented). */
export const SNAPSHOT_NAME_RE = /^[A-Za-z0-9_.-]{1,255}$/;
const CIDR_RE = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$|^0\.0\.0\.0\/0$/;

export function str(body: Json, key: string, required: true): string;
export function str(body: Json, key: string, required: false): string | undefined;
export function str(body: Json, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${key} is required.`);
    return undefined;
  }
  if (typeof v !== "string" || v === "") throw badRequest(`${key} must be a non-empty string.`);
  return v;
}

export function oneOf(body: Json, key: string, allowed: string[], required: boolean): string | undefined {
  const v = required ? str(body, key, true) : str(body, key, false);
  if (v !== undefined && !allowed.includes(v.toLowerCase()))
    throw badRequest(`${key} must be one of ${allowed.join(", ")}, got '${v}'.`);
  return v;
}

export function sizeGb(body: Json, required: boolean): number | undefined {
  const v = body["size_gb"];
  if (v === undefined || v === null) {
    if (required) throw badRequest("size_gb is required.");
    return undefined;
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 102_400)
    throw badRequest(`size_gb must be an integer from 1 to 102400, got ${JSON.stringify(v)}.`);
  return v;
}

export function bool(body: Json, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badRequest(`${key} must be a boolean.`);
  return v;
}

export function exportPolicy(body: Json): ExportRule[] | undefined {
  const v = body["export_policy"];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badRequest("export_policy must be an array of rules.");
  return v.map((rule: unknown, i) => {
    const r = (rule ?? {}) as Json;
    if (typeof r["client_match"] !== "string" || !CIDR_RE.test(r["client_match"]))
      throw badRequest(`export_policy[${i}].client_match must be an IPv4 address or CIDR.`);
    if (typeof r["access"] !== "string" || !ACCESS.includes(r["access"]))
      throw badRequest(`export_policy[${i}].access must be one of ${ACCESS.join(", ")}.`);
    if (r["superuser"] !== undefined && typeof r["superuser"] !== "boolean")
      throw badRequest(`export_policy[${i}].superuser must be a boolean.`);
    return { client_match: r["client_match"], access: r["access"], superuser: r["superuser"] === true };
  });
}

const SCHEDULES = ["hourly_schedule", "daily_schedule", "weekly_schedule", "monthly_schedule"];

/** `snapshot_policy` (or `backup_policy`): an object; `enabled` boolean, counts >= 0 integers. */
export function policy(body: Json, key: "snapshot_policy" | "backup_policy"): Json | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw badRequest(`${key} must be an object.`);
  const p = structuredClone(v) as Json;
  if (p["enabled"] !== undefined && typeof p["enabled"] !== "boolean")
    throw badRequest(`${key}.enabled must be a boolean.`);
  for (const [k, value] of Object.entries(p)) {
    if (SCHEDULES.includes(k)) {
      const s = (value ?? {}) as Json;
      delete s["job_schedule_name"]; // an output field; ignored on input
      const keep = s["snapshots_to_keep"];
      if (keep !== undefined && (typeof keep !== "number" || !Number.isInteger(keep) || keep < 0))
        throw badRequest(`${key}.${k}.snapshots_to_keep must be a non-negative integer.`);
    } else if (k.endsWith("_to_keep") && (typeof value !== "number" || !Number.isInteger(value) || value < 0))
      throw badRequest(`${key}.${k} must be a non-negative integer.`);
  }
  return p;
}

/** Tags as `[{key, value}]` or `{key: value}` (the docs show neither: UNCONFIRMED). */
export function tags(v: unknown, key = "tags"): Array<{ key: string; value: string }> | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v))
    return v.map((t: unknown, i) => {
      const r = (t ?? {}) as Json;
      if (typeof r["key"] !== "string" || r["key"] === "" || typeof r["value"] !== "string")
        throw badRequest(`${key}[${i}] must be {key, value} strings.`);
      return { key: r["key"], value: r["value"] };
    });
  if (typeof v === "object")
    return Object.entries(v as Json).map(([k, value]) => {
      if (typeof value !== "string") throw badRequest(`${key}.${k} must be a string.`);
      return { key: k, value };
    });
  throw badRequest(`${key} must be an array of {key, value} or an object.`);
}
