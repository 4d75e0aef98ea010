/**
 * Swift and Keystone error responses → drplane errors. Swift answers errors with small HTML
 * or plain-text bodies ("<html><h1>Conflict</h1><p>…</p></html>", "Upload exceeds quota.",
 * "Invalid X-Storage-Policy 'x'"); Keystone with JSON {"error": {code, message, title}}.
 * Classes come from the status code; the body only adds the server's reason.
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

const REMEDIES: Record<number, string> = {
  401: "the token was refused; check the credentials of the profile (a valid token is re-issued once automatically)",
  403: "the user lacks a role on this project or an ACL on this container (Keystone: an operator role such as swiftoperator; tempauth: .admin)",
  409: "the object is in a state that forbids the request (a container must be empty to be deleted; a storage policy cannot change)",
  412: "a precondition header (If-Match / If-None-Match) did not hold",
  413: "the request is too large: a container quota, max_file_size, or the SLO limits of /info (max_manifest_segments, max_manifest_size)",
  422: "the body's MD5 did not match the ETag sent with it: the data changed or was corrupted in transit",
  507: "the Swift cluster is out of space",
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
  const reason = swiftReason(body, text) || `HTTP ${status}`;
  const meta: ErrorMeta = { vendor: "swift", operation, httpStatus: status };
  const remedy = REMEDIES[status];
  if (remedy) meta.remedy = remedy;
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) meta.retryAfterMs = retryAfter * 1000;
  const message = `Swift ${operation}${target ? ` ${target}` : ""}: ${reason}`;
  if (status === 401 || status === 403) return new AuthError(message, { meta });
  if (status === 404) return new NotFoundError(message, { meta });
  if (status === 409 || status === 412) return new ConflictError(message, { meta });
  // 498 is Swift's ratelimit answer; 429 other proxies'; 5xx are transient except 507 (full).
  if (status === 429 || status === 498 || (status >= 500 && status !== 507 && status !== 501))
    return new TransientError(message, { meta });
  if (status === 400 || status === 411 || status === 413 || status === 416)
    return new InputError(message, { meta });
  return new VendorError(message, { meta });
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
