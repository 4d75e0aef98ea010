/**
 * Hitachi Configuration Manager error objects → drplane errors. The error object (sync body
 * or a failed job's `error`) carries messageId (sometimes `messageID`), message, cause,
 * solution, solutionType and errorCode {SSB1, SSB2} or {errorCode}. See
 * docs/vendors/hitachi.md for the code table.
 */
import {
  AuthError,
  ConflictError,
  InputError,
  NotFoundError,
  TransientError,
  VendorError,
  type DrplaneError,
  type ErrorMeta,
} from "../../core/errors";

export interface HitachiErrorObject {
  errorSource?: string;
  messageId?: string;
  messageID?: string;
  message?: string;
  cause?: string;
  solution?: string;
  solutionType?: string;
  errorCode?: { SSB1?: string; SSB2?: string; errorCode?: string };
  detailCode?: string;
}

/** Busy/lock states the array asks clients to retry (Cinder, reference §2.7). */
export const TRANSIENT_MESSAGE_IDS = new Set(["KART40050-E", "KART40051-E", "KART40052-E", "KART00003-E"]);
/** "The specified object does not exist." */
export const NOT_FOUND_MESSAGE_ID = "KART30013-E";
const TRANSIENT_SSB = new Set(["2E11/2205", "2E11/2207"]);

export function messageIdOf(body: HitachiErrorObject | undefined): string | undefined {
  return body?.messageId ?? body?.messageID;
}

export function isTransientHitachiError(body: HitachiErrorObject | undefined): boolean {
  const id = messageIdOf(body);
  const ssb = body?.errorCode?.SSB1 ? `${body.errorCode.SSB1}/${body.errorCode.SSB2}` : "";
  return (
    (id !== undefined && TRANSIENT_MESSAGE_IDS.has(id)) ||
    TRANSIENT_SSB.has(ssb.toUpperCase()) ||
    body?.errorCode?.errorCode === "EX_EACCES" ||
    body?.solutionType === "RETRY"
  );
}

export function hitachiMeta(
  operation: string,
  body: HitachiErrorObject | undefined,
  httpStatus?: number,
): ErrorMeta {
  const detail: Record<string, string> = {};
  if (body?.errorCode?.SSB1) detail.SSB1 = body.errorCode.SSB1;
  if (body?.errorCode?.SSB2) detail.SSB2 = body.errorCode.SSB2;
  if (body?.errorCode?.errorCode) detail.errorCode = body.errorCode.errorCode;
  if (body?.detailCode) detail.detailCode = body.detailCode;
  return {
    vendor: "hitachi",
    operation,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(messageIdOf(body) ? { vendorCode: messageIdOf(body) } : {}),
    ...(Object.keys(detail).length ? { vendorDetail: detail } : {}),
    ...(body?.cause ? { vendorCause: body.cause } : {}),
    ...(body?.solution ? { remedy: body.solution } : {}),
  };
}

function summary(
  operation: string,
  status: number,
  body: HitachiErrorObject | undefined,
  text: string,
): string {
  const what = body?.message ?? (text ? text.slice(0, 200) : `HTTP ${status}`);
  return `Hitachi ${operation}: ${what}`;
}

/** Maps an HTTP error response to the matching drplane error class. */
export function hitachiHttpError(
  operation: string,
  status: number,
  body: unknown,
  text: string,
  headers: Record<string, string>,
): DrplaneError {
  const obj = typeof body === "object" && body !== null ? (body as HitachiErrorObject) : undefined;
  const meta = hitachiMeta(operation, obj, status);
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) meta.retryAfterMs = retryAfter * 1000;
  const message = summary(operation, status, obj, text);
  const id = messageIdOf(obj);
  if (status === 404 || id === NOT_FOUND_MESSAGE_ID) return new NotFoundError(message, { meta });
  if (status === 401) return new AuthError(message, { meta });
  if (status === 403) {
    meta.remedy ??= "the user needs the Storage Administrator (Initial Configuration) role on this array";
    return new AuthError(message, { meta });
  }
  if (status >= 500 || isTransientHitachiError(obj)) {
    if (status === 503)
      meta.remedy ??= "the REST server is busy or has reached 64 sessions; retried automatically";
    return new TransientError(message, { meta });
  }
  if (status === 409) return new ConflictError(message, { meta });
  if (status === 400 || status === 412 || status === 415) return new InputError(message, { meta });
  return new VendorError(message, { meta });
}
