/**
 * The composed call, written once for every vendor: send → an error from the one status
 * table with the vendor's error table (core/status) → retry (core/retry `withRetry`, the one
 * retry site) when the call is idempotent. `call` buffers the response; `callStream` is its
 * streaming twin (core/http-stream) for large transfers. Request bodies may be factories, so
 * that every attempt gets a fresh stream.
 */
import type { Readable } from "node:stream";
import { systemClock } from "./clock";
import { parseBody, send, type HttpEndpoint, type HttpRequest, type HttpResponse } from "./http";
import { sendStream, type StreamResponse } from "./http-stream";
import { withRetry, type RetryOptions } from "./retry";
import { httpError, type VendorErrorTable } from "./status";

/** A request body, or a factory called once per attempt (a file stream cannot be read twice). */
export type CallBody = unknown | (() => Readable | AsyncIterable<Buffer> | Buffer | string);

export interface CallOptions extends Omit<HttpRequest, "body" | "vendor"> {
  body?: CallBody;
  /** Shown in network errors (default: the error table's vendor). */
  vendor?: string;
  /** Retried on transient failures (only when repeating it cannot do harm). */
  idempotent: boolean;
  errors: VendorErrorTable;
  /** Statuses that are answers, not errors (e.g. 404 for a lookup). */
  accept?: readonly number[];
  /** The first status that is an error unless accepted (default 400; Swift: 300). */
  errorFrom?: number;
  /** Named in the message after the operation: "Swift getObject c/o: …". */
  target?: string;
  /** Clock, attempt cap, deadline… of the retry site (idempotent calls). */
  retry?: RetryOptions;
  /** Sees every response before it is mapped (e.g. to note when a session was last used). */
  onResponse?: (status: number) => void;
  /** Rewrites the failure of one attempt before the retry decision (a clearer message, a class). */
  mapError?: (err: unknown) => unknown;
}

/**
 * What a vendor client's request says, before the client adds its auth, base path and error
 * table: vendors extend it (Hitachi sessions, VRG `auth`, oVirt Correlation-Id) instead of
 * declaring the same fields again.
 */
export type VendorRequest = Pick<
  CallOptions,
  "method" | "path" | "query" | "body" | "operation" | "idempotent" | "headers" | "timeoutMs"
>;

/** The HTTP request of one attempt. */
function attemptOf(opts: CallOptions): HttpRequest {
  const { body, ...rest } = opts;
  return {
    ...rest,
    vendor: opts.vendor ?? opts.errors.vendor,
    body: typeof body === "function" ? (body as () => unknown)() : body,
  };
}

/** Runs one attempt with the call's error mapping, and retries it when idempotent. */
function composed<R>(opts: CallOptions, attempt: () => Promise<R>): Promise<R> {
  const once = async () => {
    try {
      return await attempt();
    } catch (err) {
      throw opts.mapError ? opts.mapError(err) : err;
    }
  };
  return opts.idempotent
    ? withRetry(once, { ...opts.retry, signal: opts.signal ?? opts.retry?.signal })
    : once();
}

function isError(status: number, opts: CallOptions): boolean {
  return status >= (opts.errorFrom ?? 400) && !opts.accept?.includes(status);
}

/** One logical request with a buffered response: resolves for 2xx and accepted statuses. */
export function call<T = unknown>(endpoint: HttpEndpoint, opts: CallOptions): Promise<HttpResponse<T>> {
  const clock = opts.retry?.clock ?? systemClock;
  return composed(opts, async () => {
    const res = await send<T>(endpoint, attemptOf(opts));
    opts.onResponse?.(res.status);
    if (isError(res.status, opts))
      throw httpError(opts.errors, opts.operation, res, { target: opts.target, clock });
    return res;
  });
}

export interface StreamCallOptions extends CallOptions {
  /** Longest pause between two body chunks (default 60 s); there is no total timeout. */
  idleTimeoutMs?: number;
}

/**
 * `call`'s streaming twin: resolves with the body as a stream once the headers of a 2xx (or
 * accepted) response arrive. Only the request up to the headers is retried; a failure later
 * in the body errors the stream with the same network-error mapping (TransientError).
 */
export function callStream(endpoint: HttpEndpoint, opts: StreamCallOptions): Promise<StreamResponse> {
  const clock = opts.retry?.clock ?? systemClock;
  return composed(opts, async () => {
    const res = await sendStream(endpoint, { ...attemptOf(opts), idleTimeoutMs: opts.idleTimeoutMs });
    opts.onResponse?.(res.status);
    if (!isError(res.status, opts)) return res;
    const text = await readText(res.body);
    throw httpError(
      opts.errors,
      opts.operation,
      { status: res.status, headers: res.headers, text, body: parseBody(text, res.headers) },
      { target: opts.target, clock },
    );
  });
}

/** An error body, read to its end (error bodies are small; at most 64 KiB is kept). */
async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (size < 65_536) chunks.push(Buffer.from(chunk as Buffer));
      size += (chunk as Buffer).length;
    }
  } catch {
    // the status already says what failed
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, 65_536);
}
