/** Types shared by SimServer and the simulators built on it (see framework.ts). */
import type { Clock } from "../../provider/core/clock";

export interface SimRequest {
  method: string;
  /** Path without query string, trailing slash removed. */
  path: string;
  /** Route key of the matched route ("POST /x/:id"), or null for unknown routes. */
  routeKey: string | null;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when empty or not JSON (see bodyError). */
  body: unknown;
  rawBody: Buffer;
  /** Set when a non-empty body failed to parse as JSON. */
  bodyError?: Error;
  clock: Clock;
  /** Aborted when the client disconnects before the answer or the server stops. */
  signal: AbortSignal;
  /** "http://127.0.0.1:PORT" as the client addressed us (Host header). */
  baseUrl: string;
  remoteAddress: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** object → JSON, string → text/plain, Buffer → application/octet-stream, undefined → empty. */
  body?: unknown;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** Throw from a handler to answer with this status/body/headers. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(`simulated HTTP ${status}`);
    this.name = "SimHttpError";
  }
}

export interface SimServerOptions {
  /** Shown in error messages. */
  name?: string;
  /** Time source for simulator state (default systemClock). */
  clock?: Clock;
  /** Serve HTTPS with this key/cert (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  host?: string;
  port?: number;
  /** Unknown route (allowedMethods empty) or wrong method (allowedMethods non-empty). */
  notFound?: (req: SimRequest, info: { allowedMethods: string[] }) => SimResponse;
  /** Unexpected handler error → response (default 500 {error}). */
  onError?: (err: unknown, req: SimRequest) => SimResponse;
  /** Body for injected `status` faults that give none (e.g. the vendor's "busy" error object). */
  faultBody?: (status: number, req: SimRequest) => unknown;
  /** Extra header names to mask in the log (besides credentials and tokens). */
  redactHeader?: (name: string) => boolean;
  /** Oldest log entries are dropped past this (counters stay exact). Default 10000. */
  maxLogEntries?: number;
  /** Larger bodies get 413. Default 16 MiB. */
  maxBodyBytes?: number;
}

export interface SimLogEntry {
  seq: number;
  method: string;
  path: string;
  /** Query string without "?" ("" when none). */
  query: string;
  /** Matched route key or null. */
  route: string | null;
  /** Status sent; 0 while in flight or when the socket was reset without an answer. */
  status: number;
  /** The connection was destroyed (reset or resetAfterHandling fault). */
  reset: boolean;
  /** Short description of the fault that fired, if any. */
  fault?: string;
  /** Redacted copy of the request headers. */
  headers: Record<string, string>;
  /** clock.now() when the request arrived. */
  at: number;
}
