/**
 * VRG error bodies `{errorCode, errorDes}` → drplane errors. Every business error of the seed
 * is HTTP 400 (seed 001 §2.1.4 and the per-interface tables), so the class is chosen from the
 * errorCode, and from the HTTP status only when the code is absent or unknown. Each message
 * carries the seed's meaning of the code (its Chinese text, translated) beside the VRG's own
 * errorDes, which may be Chinese under `Accept-Language: zh_CN`. `VRG_ERRORS` is the table the
 * core call maps error responses with.
 */
import type { DrplaneError } from "../../core/errors";
import { httpError, type ErrorClass as CoreErrorClass, type VendorErrorTable } from "../../core/status";

type ErrorClass = Exclude<CoreErrorClass, "transient">;

export interface VrgCode {
  /** The seed's meaning, translated. */
  meaning: string;
  kind: ErrorClass;
  /** Seed section that lists it. */
  source: string;
  remedy?: string;
}

/** Seed 001 §2.1.4 (common codes) and the error tables of §3.x. */
export const VRG_CODES: Readonly<Record<string, VrgCode>> = {
  "10440000": {
    meaning: "internal system error; check the VRG's running state",
    kind: "vendor",
    source: "§2.1.4",
  },
  "10440101": { meaning: "invalid input parameter", kind: "input", source: "§2.1.4" },
  "10440102": {
    meaning: "user not logged in or the session timed out; log in again and retry",
    kind: "auth",
    source: "§2.1.4",
  },
  "10440200": { meaning: "the user password is not valid", kind: "auth", source: "§2.1.4" },
  "10440201": { meaning: "the user does not exist", kind: "auth", source: "§2.1.4" },
  "10440202": {
    meaning: "wrong password",
    kind: "auth",
    source: "§2.1.4",
    remedy:
      "fix the password in stack config or the environment; drplane never retries it (three wrong passwords lock the account for 5 minutes)",
  },
  "10440205": { meaning: "logout failed; retry", kind: "vendor", source: "§3.1.3" },
  "10440207": {
    meaning: "wrong password three times in a row: the account is locked for 5 minutes",
    kind: "auth",
    source: "§2.1.4",
    remedy: "fix the password, wait 5 minutes, then run again",
  },
  "10440208": {
    meaning: "the user account is locked and cannot log in",
    kind: "auth",
    source: "§2.1.4",
    remedy: "wait for the lock to expire (5 minutes after the third wrong password) or unlock it on the VRG",
  },
  "10440301": { meaning: "invalid IP address", kind: "input", source: "§3.2, §3.7.1" },
  "10440302": { meaning: "invalid port", kind: "input", source: "§3.2, §3.7.1" },
  "10440305": {
    meaning: "the management-plane eth0 does not exist",
    kind: "vendor",
    source: "§3.5",
  },
  "10440306": {
    meaning: "duplicate volume UUID",
    kind: "conflict",
    source: "§3.8.1, §3.8.2",
    remedy: "a volume UUID may appear once, and not in another VM's configuration on this VRG",
  },
  "10440308": {
    meaning: "no virtual machine exists on this VRG",
    kind: "notFound",
    source: "§3.8.3",
  },
  "10440309": {
    meaning: "duplicate disk slot number",
    kind: "conflict",
    source: "§3.8.1, §3.8.2",
    remedy: "each volume of a VM needs its own slot (seqNum 1-40)",
  },
  "10440400": { meaning: "the virtual machine does not exist", kind: "notFound", source: "§3.6, §3.8.3" },
  "10440401": { meaning: "invalid virtual machine UUID", kind: "input", source: "§3.6, §3.8.3" },
  "10440402": {
    meaning: "no alarm server (trap receiver) is configured",
    kind: "notFound",
    source: "§3.3",
  },
};

export const CODE = {
  invalidParameter: "10440101",
  notLoggedIn: "10440102",
  invalidPassword: "10440200",
  userNotFound: "10440201",
  wrongPassword: "10440202",
  lockedNow: "10440207",
  locked: "10440208",
  noVmInSystem: "10440308",
  vmNotFound: "10440400",
  invalidVmUuid: "10440401",
  trapInfoMissing: "10440402",
} as const;

export interface VrgErrorBody {
  errorCode?: string | number;
  errorDes?: string;
}

export function vrgCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const raw = (body as Record<string, unknown>).errorCode ?? (body as Record<string, unknown>).error_code;
  return raw === undefined || raw === null || raw === "" ? undefined : String(raw);
}

function errorDesOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const raw = (body as Record<string, unknown>).errorDes ?? (body as Record<string, unknown>).error_des;
  return typeof raw === "string" && raw ? raw : undefined;
}

/**
 * The VRG's entries of the core status table (core/status): none, it keeps the defaults. The
 * body's known code decides the class (every business error is HTTP 400), except that an
 * unavailable or failing server (a transient status) is transient whatever code it carries.
 */
export const VRG_ERRORS: VendorErrorTable = {
  vendor: "vrg",
  label: "VRG",
  read(status, body, text, byStatus) {
    const code = vrgCodeOf(body);
    const known = code ? VRG_CODES[code] : undefined;
    const des = errorDesOf(body);
    return {
      what: known?.meaning ?? des ?? (text ? text.slice(0, 200) : `HTTP ${status}`),
      ...(code ? { vendorCode: code } : {}),
      ...(des && known ? { vendorCause: des } : {}),
      ...(known?.remedy ? { remedy: known.remedy } : {}),
      ...(known && byStatus !== "transient" ? { errorClass: known.kind } : {}),
    };
  },
};

/** Maps an HTTP error response of the VRG to the matching drplane error class. */
export function vrgHttpError(
  operation: string,
  status: number,
  body: unknown,
  text: string,
  headers: Record<string, string> = {},
): DrplaneError {
  return httpError(VRG_ERRORS, operation, { status, body, text, headers });
}
