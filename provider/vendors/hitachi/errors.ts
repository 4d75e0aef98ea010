/**
 * Hitachi Configuration Manager error objects → drplane errors. The error object (sync body
 * or a failed job's `error`) carries messageId (sometimes `messageID`), message, cause,
 * solution, solutionType and errorCode {SSB1, SSB2} or {errorCode}; `HITACHI_ERRORS` is the
 * table the core call maps error responses with. See docs/vendors/hitachi.md for the codes.
 */
import type { ErrorMeta } from "../../core/errors";
import type { VendorErrorTable } from "../../core/status";

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

/**
 * Hitachi's entries of the core status table (core/status), its remedies, and the reader of
 * its error object. The message id decides before the status: KART30013-E is "not found"
 * whatever the status; a busy/lock id (TRANSIENT_MESSAGE_IDS, SSB 2E11/2205|2207, EX_EACCES,
 * solutionType RETRY) is transient unless the status already says auth or not found.
 */
export const HITACHI_ERRORS: VendorErrorTable = {
  vendor: "hitachi",
  label: "Hitachi",
  overrides: {
    412: {
      class: "input",
      reason:
        "we send Configuration Manager no conditional headers, so its 412 refuses the request as written",
    },
    415: { class: "input", reason: "a body the REST API does not accept must be changed, not repeated" },
  },
  remedies: {
    403: "the user needs the Storage Administrator (Initial Configuration) role on this array",
    503: "the REST server is busy or has reached 64 sessions; retried automatically",
  },
  read(status, body, text, byStatus) {
    const obj = typeof body === "object" && body !== null ? (body as HitachiErrorObject) : undefined;
    const { vendor: _v, operation: _o, httpStatus: _s, ...meta } = hitachiMeta("", obj);
    const id = messageIdOf(obj);
    const errorClass =
      id === NOT_FOUND_MESSAGE_ID
        ? "notFound"
        : byStatus !== "auth" && byStatus !== "notFound" && isTransientHitachiError(obj)
          ? "transient"
          : undefined;
    return {
      what: obj?.message ?? (text ? text.slice(0, 200) : `HTTP ${status}`),
      ...meta,
      ...(errorClass ? { errorClass } : {}),
    };
  },
};
