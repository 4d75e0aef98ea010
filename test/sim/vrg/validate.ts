/**
 * Field checks of the VRG simulator. The seed gives error codes but no formats; the formats here
 * (dotted IPv4, ports 1..65535, 8-4-4-4-12 UUIDs) are ours (README: invented).
 */
import { vrgFail, type VrgErrorName } from "./errors";

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isIpv4(value: unknown): value is string {
  return typeof value === "string" && IPV4.test(value);
}

/** A host address: IPv4, not 0.0.0.0 and not 255.255.255.255. */
export function isHostIp(value: unknown): value is string {
  return isIpv4(value) && value !== "0.0.0.0" && value !== "255.255.255.255";
}

/** Contiguous IPv4 netmask other than 0.0.0.0. */
export function isNetmask(value: unknown): value is string {
  if (!isIpv4(value)) return false;
  const bits = value
    .split(".")
    .map((o) => Number(o).toString(2).padStart(8, "0"))
    .join("");
  return /^1+0*$/.test(bits);
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

export function isPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A required non-empty string, else 10440101. */
export function requireString(body: Record<string, unknown>, key: string, where = ""): string {
  const value = body[key];
  if (typeof value !== "string" || value.length === 0)
    vrgFail("invalidParameter", `${where}${key} is required`);
  return value;
}

/** An optional string, else 10440101. */
export function optionalString(body: Record<string, unknown>, key: string, where = ""): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") vrgFail("invalidParameter", `${where}${key} must be a string`);
  return value;
}

/** Required field validated by `check`; missing → 10440101, present but invalid → `code`. */
export function requireValid<T>(
  body: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
  code: VrgErrorName,
  where = "",
): T {
  const value = body[key];
  if (value === undefined || value === null) vrgFail("invalidParameter", `${where}${key} is required`);
  if (!check(value)) vrgFail(code, `${where}${key}=${JSON.stringify(value)}`);
  return value;
}
