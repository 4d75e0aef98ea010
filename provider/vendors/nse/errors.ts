/**
 * NetApp Service Engine (NSE 2.1) error bodies → drplane errors (reference Part A3). Every
 * documented answer is the envelope `{status: {user_message, verbose_message, code}, result}`;
 * no error body is documented, so an error is read as the same envelope (UNCONFIRMED), and a
 * missing, empty or non-JSON body still gives "HTTP <status>". Classes: the core status table
 * (5xx transient, so GETs are retried as NetApp advises for 500 on GET), except 412
 * "precondition failed", which NSE lists without saying which precondition: read as a
 * conflict with the object's current state (UNCONFIRMED). `NSE_ERRORS` is the table the client
 * hands to core/call.
 */
import type { DrplaneError } from "../../core/errors";
import { httpError, type BodyReading, type ErrorClass, type VendorErrorTable } from "../../core/status";

/** The `status` part of an NSE envelope. */
export interface NseEnvelopeStatus {
  userMessage?: string;
  verboseMessage?: string;
  code?: number;
}

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim() || undefined;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** The envelope's `status` object; undefined when the body is not an envelope. */
export function readEnvelopeStatus(body: unknown): NseEnvelopeStatus | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const status = (body as Record<string, unknown>).status;
  if (typeof status !== "object" || status === null) return undefined;
  const s = status as Record<string, unknown>;
  const code = Number(s.code);
  return {
    userMessage: text(s.user_message),
    verboseMessage: text(s.verbose_message),
    ...(Number.isFinite(code) && s.code !== undefined && s.code !== null ? { code } : {}),
  };
}

/** "user_message: verbose_message", without repeating a verbose message that adds nothing. */
export function envelopeMessage(s: NseEnvelopeStatus | undefined): string | undefined {
  if (!s) return undefined;
  const { userMessage: u, verboseMessage: v } = s;
  if (u && v && !u.includes(v)) return `${u}: ${v}`;
  return u ?? v;
}

/** The NSE reading of an error body (exported for the pure tests). */
export function readNseError(status: number, body: unknown, raw: string, _byStatus: ErrorClass): BodyReading {
  const env = readEnvelopeStatus(body);
  const what =
    envelopeMessage(env) ??
    (raw && typeof body === "string" ? raw.trim().slice(0, 200) || undefined : undefined) ??
    (status === 404 ? "not found (HTTP 404)" : `HTTP ${status}`);
  return {
    what,
    ...(env?.code !== undefined && env.code !== status ? { vendorCode: String(env.code) } : {}),
  };
}

/** The NSE entries of the core status table. */
export const NSE_ERRORS: VendorErrorTable = {
  vendor: "nse",
  label: "NSE",
  overrides: {
    412: {
      class: "conflict",
      reason:
        "NSE lists 412 precondition failed without naming the precondition; we send no conditional headers, so it refuses the request in the object's current state (UNCONFIRMED)",
    },
  },
  remedies: {
    401: "check the username and the password of the credential profile (stack config drplane:credentials or DRPLANE_<PROFILE>_USERNAME/_PASSWORD)",
    403: "the NSE user's role in this tenancy does not allow this; use a tenant admin account or ask for the role",
    412: "the object is not in a state that allows this change (another job on it may still be running, or a dependent object exists, e.g. file shares on a file server being deleted); wait for NSE's running jobs on it to finish, then run `pulumi up` again",
  },
  read: readNseError,
};

/** Maps an NSE error response to its drplane error (tests, and flows that read a body themselves). */
export function nseHttpError(
  operation: string,
  status: number,
  body: unknown,
  raw = "",
  headers: Record<string, string> = {},
): DrplaneError {
  return httpError(NSE_ERRORS, operation, { status, body, text: raw, headers });
}
