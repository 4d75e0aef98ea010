/**
 * A failed exchange (no HTTP status: refused, reset, timed out, TLS) → a drplane error, the
 * same for buffered calls and streams: TransientError with `meta.mayHaveReachedServer`
 * (false only when nothing can have reached the server), AuthError when the server's
 * certificate is not trusted. An abort by the caller's own signal is passed through.
 */
import { AuthError, TransientError } from "./errors";
import { redactUrl } from "./redact";

const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** What `networkError` needs to know about the request. */
export interface FailedRequest {
  method: string;
  url: URL;
  vendor: string;
  operation: string;
  signal?: AbortSignal;
}

export function networkError(
  err: unknown,
  req: FailedRequest,
  timedOutAfterMs: number | undefined,
  sent: boolean,
): Error {
  if (req.signal?.aborted) return err as Error;
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  const target = `${req.method} ${redactUrl(req.url.origin + req.url.pathname)}`;
  const meta = {
    vendor: req.vendor,
    operation: req.operation,
    mayHaveReachedServer: sent || !connectOnly(code),
  };
  if (timedOutAfterMs !== undefined) {
    return new TransientError(`${target} timed out after ${timedOutAfterMs} ms`, {
      cause: err,
      meta: { ...meta, remedy: "check that the endpoint is reachable; the call may be retried" },
    });
  }
  if (code && (CONNECT_ERRORS.has(code) || code.startsWith("UND_ERR"))) {
    return new TransientError(`${target} failed: ${code}`, { cause: err, meta });
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (/certificate|self[- ]signed|SSL|TLS/i.test(msg) || /CERT|SSL/.test(code ?? "")) {
    return new AuthError(`${target}: TLS verification of the server failed (${code ?? msg})`, {
      cause: err,
      meta: {
        ...meta,
        mayHaveReachedServer: false,
        remedy: "give the server's CA certificate as caBundle (or, for a lab only, insecure: true)",
      },
    });
  }
  return new TransientError(`${target} failed: ${msg}`, { cause: err, meta });
}

/** True when the failure happened before any byte could reach the server. */
function connectOnly(code: string | undefined): boolean {
  return (
    code === "ECONNREFUSED" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH" ||
    code === "EAI_AGAIN"
  );
}
