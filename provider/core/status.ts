/**
 * The one HTTP status → error-class table, how a vendor overrides an entry (each override
 * carries its reason), `Retry-After` (delta-seconds or HTTP-date, against the injected Clock),
 * and `httpError`, which builds the drplane error of an error response from the table and a
 * vendor's error table (its overrides, remedies and the reader of its error bodies).
 * Vendors hold data and a body reader; the ladder is written here once.
 */
import { systemClock, type Clock } from "./clock";
import {
  AuthError,
  ConflictError,
  InputError,
  NotFoundError,
  TransientError,
  VendorError,
  type DrplaneError,
  type ErrorMeta,
} from "./errors";

export type ErrorClass = "input" | "auth" | "notFound" | "conflict" | "transient" | "vendor";

/**
 * The common defaults. A status not listed is `transient` when it is 5xx, else `vendor`.
 * 429 is transient for every vendor (the server asks us to come back later); 501 is not
 * (a method the server does not implement will not appear by retrying); 412 has no default:
 * what a failed precondition means depends on which precondition the vendor's API uses.
 */
export const DEFAULT_STATUS_CLASSES: Readonly<Record<number, ErrorClass>> = {
  400: "input",
  401: "auth",
  403: "auth",
  404: "notFound",
  409: "conflict",
  429: "transient",
  501: "vendor",
};

/** A vendor's entry that replaces the default for one status, and why. */
export interface StatusOverride {
  class: ErrorClass;
  /** One line: why this vendor differs from the default. */
  reason: string;
}

/** The class of `status`: the vendor's override, else the default table, else by range. */
export function statusClass(
  status: number,
  overrides: Readonly<Record<number, StatusOverride>> = {},
): ErrorClass {
  const own = overrides[status]?.class ?? DEFAULT_STATUS_CLASSES[status];
  if (own) return own;
  return status >= 500 ? "transient" : "vendor";
}

/** What a vendor's reader finds in an error body. */
export interface BodyReading {
  /** The server's words for the first line of the message (default: the body's text, or "HTTP <status>"). */
  what?: string;
  vendorCode?: string;
  vendorDetail?: Record<string, string>;
  vendorCause?: string;
  remedy?: string;
  /** A class the body's code decides; it replaces the status's class. */
  errorClass?: ErrorClass;
}

/** A vendor's error table: its overrides of the status table, remedies and body reader. */
export interface VendorErrorTable {
  /** `meta.vendor`: "hitachi". */
  vendor: string;
  /** The message's first word: "Hitachi". */
  label: string;
  overrides?: Readonly<Record<number, StatusOverride>>;
  /** Advice per status, used when the body brings none. */
  remedies?: Readonly<Record<number, string>>;
  /** Reads the vendor's error body; `statusClass` is the class the status alone gives. */
  read(status: number, body: unknown, text: string, statusClass: ErrorClass): BodyReading;
}

/** An error response as `httpError` needs it. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}

const CLASSES: Record<ErrorClass, new (message: string, options: { meta: ErrorMeta }) => DrplaneError> = {
  input: InputError,
  auth: AuthError,
  notFound: NotFoundError,
  conflict: ConflictError,
  transient: TransientError,
  vendor: VendorError,
};

/**
 * `Retry-After` in milliseconds from `clock.now()`: delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", read against the clock, so a ManualClock set to wall time
 * can test it). Undefined when absent, unreadable, or not in the future. Retry sleeps cap it
 * (core/retry `backoffDelay`).
 */
export function parseRetryAfter(value: string | undefined, clock: Clock = systemClock): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  const ms = at - clock.now();
  return ms > 0 ? ms : undefined;
}

/**
 * The drplane error for an error response of `operation`: the class from the vendor's body
 * reading, else from the status table with the vendor's overrides; the message
 * "<Label> <operation>[ <target>]: <what>"; meta with the status, the vendor's code, detail,
 * cause and remedy, and the server's Retry-After.
 */
export function httpError(
  table: VendorErrorTable,
  operation: string,
  res: ErrorResponse,
  opts: { target?: string; clock?: Clock } = {},
): DrplaneError {
  const byStatus = statusClass(res.status, table.overrides);
  const reading = table.read(res.status, res.body, res.text, byStatus);
  const meta: ErrorMeta = {
    vendor: table.vendor,
    operation,
    httpStatus: res.status,
    ...(reading.vendorCode ? { vendorCode: reading.vendorCode } : {}),
    ...(reading.vendorDetail && Object.keys(reading.vendorDetail).length
      ? { vendorDetail: reading.vendorDetail }
      : {}),
    ...(reading.vendorCause ? { vendorCause: reading.vendorCause } : {}),
  };
  const remedy = reading.remedy ?? table.remedies?.[res.status];
  if (remedy) meta.remedy = remedy;
  const retryAfterMs = parseRetryAfter(res.headers["retry-after"], opts.clock);
  if (retryAfterMs !== undefined) meta.retryAfterMs = retryAfterMs;
  const what = reading.what || res.text.slice(0, 200) || `HTTP ${res.status}`;
  const message = `${table.label} ${operation}${opts.target ? ` ${opts.target}` : ""}: ${what}`;
  return new CLASSES[reading.errorClass ?? byStatus](message, { meta });
}
