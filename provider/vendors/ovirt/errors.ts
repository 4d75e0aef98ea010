/**
 * oVirt / RHEV error bodies → drplane errors (reference §1.13, §1.7, §1.2). Three body shapes:
 * the CRUD fault `{reason, detail}`, the action fault `{status, fault: {reason, detail}}` (status
 * "failed" or `{state: "failed"}` in v3), and the SSO error `{error_code, error}` or OpenID
 * `{error, error_description}`; a 404 has an empty body. The detail is a Java List's toString
 * ("[msg1, msg2]"): the brackets are dropped in the message, the fault's reason becomes
 * `meta.vendorCause`. Classes: the status table, except a 409 that says "Related operation is
 * currently in progress" or "locked" is transient (go-ovirt-client retries the same texts);
 * 400/403/404 and "bootable disk" are never retried. `OVIRT_ERRORS` is the table the core call
 * maps error responses with.
 */
import { httpError, type BodyReading, type ErrorClass, type VendorErrorTable } from "../../core/status";
import type { DrplaneError } from "../../core/errors";
import { obj, str } from "./codec";

export interface OvirtFault {
  reason?: string;
  detail?: string;
  /** SSO errors: `error_code` or the OpenID `error`. */
  ssoCode?: string;
}

/** Reads any of the three fault shapes; undefined when the body is none of them. */
export function readFault(body: unknown): OvirtFault | undefined {
  const b = obj(body);
  if (!b) return undefined;
  const inner = obj(b.fault);
  if (inner) return { reason: str(inner.reason), detail: str(inner.detail) };
  if (b.reason !== undefined || b.detail !== undefined)
    return { reason: str(b.reason), detail: str(b.detail) };
  if (b.error_code !== undefined) return { ssoCode: str(b.error_code), detail: str(b.error) };
  if (b.error !== undefined)
    return { ssoCode: str(b.error), detail: str(b.error_description) ?? str(b.error) };
  return undefined;
}

/** "[Cannot run VM. VM is running.]" → "Cannot run VM. VM is running." */
export function faultText(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const t = detail.trim();
  return (t.startsWith("[") && t.endsWith("]") ? t.slice(1, -1) : t).trim() || undefined;
}

/** A remedy for the engine's common refusals, by their text. */
export const OVIRT_REMEDIES: ReadonlyArray<{ match: RegExp; remedy: string }> = [
  {
    match: /delete protection|DELETE_PROTECTION/i,
    remedy: "set deleteProtected to false on the VM (and apply) before deleting it",
  },
  {
    match: /VM is running|state is not down|Please stop the VM first/i,
    remedy: "stop the VM first (runState: stopped), then run again",
  },
  {
    match: /name is already in use|already exists/i,
    remedy:
      "choose another name, or let drplane adopt the existing object (it adopts a VM of the same name in the same cluster)",
  },
  {
    match: /bootable disk/i,
    remedy: "give the VM a disk with bootable: true (or boot it from cdrom/network) before starting it",
  },
  {
    match: /detaching disks, VM is based from template/i,
    remedy: "a VM based on a template cannot keep its disks on delete: remove it without detachOnlyDisks",
  },
];

/** Texts that make a 409 a wait, not a conflict (reference §1.13; go-ovirt-client errors.go). */
const TRANSIENT_409 = /related operation is currently in progress|\blocked\b/i;
/** Never retried, whatever else the text says. */
const NEVER_RETRIED = /bootable disk/i;

function ssoClass(code: string | undefined): ErrorClass {
  return code === "access_denied" || code === "invalid_grant" || code === "unauthorized_client"
    ? "auth"
    : "input";
}

/** The oVirt reading of an error body (exported for the pure tests). */
export function readOvirtError(
  status: number,
  body: unknown,
  text: string,
  byStatus: ErrorClass,
): BodyReading {
  const fault = readFault(body);
  const detail = faultText(fault?.detail);
  const reason = fault?.reason;
  const words = [reason, detail].filter(Boolean).join(" ");
  const remedy = OVIRT_REMEDIES.find((r) => r.match.test(words))?.remedy;
  let errorClass: ErrorClass | undefined;
  if (fault?.ssoCode) errorClass = ssoClass(fault.ssoCode);
  else if (status === 409 && TRANSIENT_409.test(words) && !NEVER_RETRIED.test(words))
    errorClass = "transient";
  else if (NEVER_RETRIED.test(words) && byStatus === "transient") errorClass = "vendor";
  const what =
    detail ??
    reason ??
    (text && !fault ? text.slice(0, 200) : undefined) ??
    (status === 404 ? "not found (HTTP 404)" : `HTTP ${status}`);
  return {
    what,
    ...(fault?.ssoCode ? { vendorCode: fault.ssoCode } : {}),
    ...(reason ? { vendorCause: reason } : {}),
    ...(remedy ? { remedy } : {}),
    ...(errorClass ? { errorClass } : {}),
  };
}

/** The oVirt entries of the core status table: no overrides; the body decides 409s. */
export const OVIRT_ERRORS: VendorErrorTable = {
  vendor: "ovirt",
  label: "oVirt",
  remedies: {
    401: "check the username (user@domain, e.g. admin@internal) and the password of the credential profile",
    403: "the engine user lacks a permission for this object; grant it a role (e.g. UserVmManager) or use an admin user",
  },
  read: readOvirtError,
};

/** Maps an oVirt error response to its drplane error (tests, and the SSO login). */
export function ovirtHttpError(
  operation: string,
  status: number,
  body: unknown,
  text = "",
  headers: Record<string, string> = {},
): DrplaneError {
  return httpError(OVIRT_ERRORS, operation, { status, body, text, headers });
}
