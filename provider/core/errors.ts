/**
 * Error classes with stable codes. Users (and our own code) match on `code`, never on
 * `instanceof`: the provider host may load two copies of this module (see isDrplaneError).
 */
export type DrplaneErrorCode =
  | "DRP_INPUT"
  | "DRP_AUTH"
  | "DRP_NOT_FOUND"
  | "DRP_CONFLICT"
  | "DRP_TRANSIENT"
  | "DRP_JOB_FAILED"
  | "DRP_TIMEOUT"
  | "DRP_VENDOR";

export interface ErrorMeta {
  vendor?: string;
  operation?: string;
  httpStatus?: number;
  /** The vendor's own code: Hitachi messageId, VRG errorCode, … */
  vendorCode?: string;
  /** Extra vendor detail worth showing (SSB1/SSB2, detailCode, …). */
  vendorDetail?: Record<string, string>;
  /** What the user can do about it (Hitachi `solution`, or our own advice). */
  remedy?: string;
  /** Vendor `cause` text, when the API separates it from the message. */
  vendorCause?: string;
  attempts?: number;
  totalRetryDelayMs?: number;
  jobId?: string;
  lastState?: string;
  /** Retry-After hint from the server, in milliseconds. */
  retryAfterMs?: number;
  /** Network failures: false only when nothing can have reached the server (connect refused). */
  mayHaveReachedServer?: boolean;
  /** For input errors: the property at fault. */
  property?: string;
}

export interface ErrorOptions {
  cause?: unknown;
  meta?: ErrorMeta;
}

/**
 * Base class. `message` is the full text a user sees in `pulumi up` (the provider host
 * forwards only `message`): the summary, then the vendor's code/state, cause and remedy.
 * `summary` keeps the first line alone.
 */
export class DrplaneError extends Error {
  readonly code: DrplaneErrorCode;
  readonly meta: ErrorMeta;
  readonly summary: string;

  constructor(code: DrplaneErrorCode, summary: string, options: ErrorOptions = {}) {
    const meta = options.meta ?? {};
    super(describe(summary, meta), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.meta = meta;
    this.summary = summary;
  }
}

export class InputError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_INPUT", message, options);
  }
}
export class AuthError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_AUTH", message, options);
  }
}
export class NotFoundError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_NOT_FOUND", message, options);
  }
}
export class ConflictError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_CONFLICT", message, options);
  }
}
export class TransientError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_TRANSIENT", message, options);
  }
}
export class JobFailedError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_JOB_FAILED", message, options);
  }
}
export class TimeoutError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_TIMEOUT", message, options);
  }
}
/** A vendor error that fits no other class (e.g. an unexpected 4xx). */
export class VendorError extends DrplaneError {
  constructor(message: string, options?: ErrorOptions) {
    super("DRP_VENDOR", message, options);
  }
}

const CODES = new Set<string>([
  "DRP_INPUT",
  "DRP_AUTH",
  "DRP_NOT_FOUND",
  "DRP_CONFLICT",
  "DRP_TRANSIENT",
  "DRP_JOB_FAILED",
  "DRP_TIMEOUT",
  "DRP_VENDOR",
]);

/** Duck-typed guard: works across module copies, unlike instanceof. */
export function isDrplaneError(err: unknown, code?: DrplaneErrorCode): err is DrplaneError {
  if (typeof err !== "object" || err === null) return false;
  const c = (err as { code?: unknown }).code;
  return typeof c === "string" && CODES.has(c) && (code === undefined || c === code);
}

/** Render a summary with vendor code, detail, cause and remedy, one line each. */
function describe(summary: string, m: ErrorMeta): string {
  const lines = [summary];
  const where = [m.vendor, m.operation].filter(Boolean).join(" ");
  const vendorBits = [
    m.vendorCode && `code ${m.vendorCode}`,
    m.httpStatus && `HTTP ${m.httpStatus}`,
    m.jobId && `job ${m.jobId}`,
    m.lastState && `last state ${m.lastState}`,
    ...Object.entries(m.vendorDetail ?? {}).map(([k, v]) => `${k} ${v}`),
  ].filter(Boolean);
  if (where || vendorBits.length) lines.push(`  (${[where, ...vendorBits].filter(Boolean).join(", ")})`);
  if (m.vendorCause) lines.push(`  cause: ${m.vendorCause}`);
  if (m.remedy) lines.push(`  remedy: ${m.remedy}`);
  return lines.join("\n");
}

/**
 * Thrown by a create that failed after the object began to exist. The provider host turns
 * an error with `id` + `properties` into ErrorResourceInitFailed so the engine records the
 * partial resource and the next `pulumi up` can converge (see docs/architecture.md).
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(reason, { cause });
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
  }
}
