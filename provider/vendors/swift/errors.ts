/**
 * Swift and Keystone error responses → drplane errors. Swift answers errors with small HTML
 * or plain-text bodies ("<html><h1>Conflict</h1><p>…</p></html>", "Upload exceeds quota.",
 * "Invalid X-Storage-Policy 'x'"); Keystone with JSON {"error": {code, message, title}}.
 * Classes come from the status code (the core table with `SWIFT_ERRORS`' overrides); the body
 * only adds the server's reason.
 */
import type { DrplaneError } from "../../core/errors";
import { httpError, type VendorErrorTable } from "../../core/status";

/** The server's reason in one line: Keystone's JSON message, or Swift's text with tags removed. */
export function swiftReason(body: unknown, text: string): string {
  const ks = (body as { error?: { message?: unknown; title?: unknown } } | undefined)?.error;
  if (ks && typeof ks.message === "string") return ks.message;
  const plain = text
    .replace(/<\/(h1|p|title)>/gi, ". ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .replace(/(\.\s*)+/g, ". ")
    .trim()
    .replace(/^\.\s*/, "")
    .replace(/\.$/, "");
  return plain.slice(0, 300);
}

/**
 * Swift's and Keystone's entries of the core status table (core/status), the remedy per
 * status, and the reader of their bodies (the reason only: the class comes from the status).
 */
export const SWIFT_ERRORS: VendorErrorTable = {
  vendor: "swift",
  label: "Swift",
  overrides: {
    411: { class: "input", reason: "Swift needs a Content-Length or chunked body; the request must change" },
    412: {
      class: "conflict",
      reason:
        "Swift's 412 answers our If-None-Match/If-Match: the object is not in the state the call assumed",
    },
    413: {
      class: "input",
      reason: "too large for a quota, max_file_size or the SLO limits: the input must change",
    },
    416: { class: "input", reason: "a Range outside the object: the request must change" },
    498: {
      class: "transient",
      reason: "Swift's ratelimit middleware answers 498: come back later, like 429",
    },
    507: { class: "vendor", reason: "the cluster is out of space: retrying will not make room" },
  },
  remedies: {
    401: "the token was refused; check the credentials of the profile (a valid token is re-issued once automatically)",
    403: "the user lacks a role on this project or an ACL on this container (Keystone: an operator role such as swiftoperator; tempauth: .admin)",
    409: "the object is in a state that forbids the request (a container must be empty to be deleted; a storage policy cannot change)",
    412: "a precondition header (If-Match / If-None-Match) did not hold",
    413: "the request is too large: a container quota, max_file_size, or the SLO limits of /info (max_manifest_segments, max_manifest_size)",
    422: "the body's MD5 did not match the ETag sent with it: the data changed or was corrupted in transit",
    507: "the Swift cluster is out of space",
  },
  read: (status, body, text) => ({ what: swiftReason(body, text) || `HTTP ${status}` }),
};

/** Maps an error response of a Swift or Keystone call to the matching drplane error. */
export function swiftHttpError(
  operation: string,
  status: number,
  body: unknown,
  text: string,
  headers: Record<string, string>,
  target?: string,
): DrplaneError {
  return httpError(SWIFT_ERRORS, operation, { status, body, text, headers }, { target });
}

/**
 * The body of a `?multipart-manifest=delete`, `?bulk-delete` or `&heartbeat=on` answer
 * (HTTP 200/202 whatever happened; the real status is inside).
 */
export interface SwiftBulkResult {
  "Response Status"?: string;
  "Response Body"?: string;
  "Number Deleted"?: number;
  "Number Not Found"?: number;
  Errors?: Array<[string, string]>;
  Etag?: string;
  "Last Modified"?: string;
}

/** Parses a bulk-style body (JSON with Accept: application/json, else Swift's text form). */
export function parseBulkResult(body: unknown, text: string): SwiftBulkResult {
  if (body && typeof body === "object" && !Array.isArray(body)) return body as SwiftBulkResult;
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed) as SwiftBulkResult;
    } catch {
      // fall through to the text form
    }
  }
  const out: SwiftBulkResult = {};
  const lines = trimmed.split(/\r?\n/);
  const errors: Array<[string, string]> = [];
  let inErrors = false;
  for (const line of lines) {
    if (inErrors) {
      const i = line.lastIndexOf(", ");
      if (i > 0) errors.push([line.slice(0, i), line.slice(i + 2)]);
      continue;
    }
    const m = /^([A-Za-z ]+):\s?(.*)$/.exec(line);
    if (!m || m[1] === undefined) continue;
    const key = m[1];
    const value = m[2] ?? "";
    if (key === "Errors") inErrors = true;
    else if (key === "Number Deleted" || key === "Number Not Found") out[key] = Number(value);
    else if (
      key === "Response Status" ||
      key === "Response Body" ||
      key === "Etag" ||
      key === "Last Modified"
    )
      out[key] = value;
  }
  out.Errors = errors;
  return out;
}

/** The HTTP code inside "Response Status: 201 Created" (0 when absent). */
export function innerStatus(result: SwiftBulkResult): number {
  return Number.parseInt(result["Response Status"] ?? "", 10) || 0;
}
