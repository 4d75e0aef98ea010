/**
 * The streaming twin of core/http `send`: the response body is handed over as a stream
 * instead of being buffered, for large transfers. Same pooled Agent, same per-origin limiter
 * (the slot is held until the body stream ends or is destroyed), same network-error mapping
 * (also for a failure in the middle of the body). Timeouts: one for the response headers
 * (capped by the caller's deadline, as in `send`) and an idle timeout between body chunks,
 * no total timeout, so a large transfer takes as long as it keeps moving.
 */
import { PassThrough, type Readable } from "node:stream";
import { request as undiciRequest } from "undici";
import { cappedTimeout } from "./call-scope";
import { agentFor, buildUrl, DEFAULT_TIMEOUT_MS, encodeBody, flatHeaders } from "./http";
import type { HttpEndpoint, HttpRequest } from "./http";
import { endpointLimiter } from "./limits";
import { networkError } from "./network-error";

export interface StreamRequest extends HttpRequest {
  /** Longest pause between two body chunks, either way (default 60 s). */
  idleTimeoutMs?: number;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, string>;
  /** Read it to the end or destroy it: it holds a slot of the origin's limiter until then. */
  body: Readable;
}

/**
 * Sends one request and resolves when the response headers arrive, with the body as a
 * stream. Resolves for every HTTP status; rejects (and the body stream errors) with the
 * network-error mapping of core/network-error.
 */
export async function sendStream(endpoint: HttpEndpoint, req: StreamRequest): Promise<StreamResponse> {
  const url = buildUrl(endpoint.baseUrl, req.path, req.query);
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  const body = encodeBody(req.body, headers);
  const headersTimeoutMs = cappedTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const idleTimeoutMs = req.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const release = await endpointLimiter(url.origin, endpoint.concurrency).acquire();
  const failed = { ...req, url };
  let res: Awaited<ReturnType<typeof undiciRequest>>;
  try {
    res = await undiciRequest(url, {
      method: req.method,
      headers,
      body,
      signal: req.signal,
      dispatcher: agentFor(url.origin, endpoint.tls),
      headersTimeout: headersTimeoutMs,
      bodyTimeout: idleTimeoutMs,
    });
  } catch (err) {
    release();
    const code = (err as { code?: string }).code;
    throw networkError(err, failed, code === "UND_ERR_HEADERS_TIMEOUT" ? headersTimeoutMs : undefined, false);
  }
  const out = new PassThrough();
  out.once("close", release);
  res.body.once("error", (err: unknown) => {
    const code = (err as { code?: string }).code;
    out.destroy(networkError(err, failed, code === "UND_ERR_BODY_TIMEOUT" ? idleTimeoutMs : undefined, true));
  });
  // A consumer that gives up (destroys its end) stops the download and frees the slot.
  out.once("close", () => {
    if (!res.body.destroyed) res.body.destroy();
  });
  res.body.pipe(out);
  return { status: res.statusCode, headers: flatHeaders(res.headers), body: out };
}
