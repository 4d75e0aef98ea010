/**
 * HTTP over undici: one pooled Agent per origin and TLS setting, process-wide; TLS verified
 * by default; per-request timeout (capped by the time left before the caller's deadline, see
 * core/call-scope); JSON helpers; redacted errors. No retries here: retry is one layer, in
 * core/retry, decided by whether the call is idempotent.
 */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { Agent, request as undiciRequest } from "undici";
import { cappedTimeout } from "./call-scope";
import { endpointLimiter } from "./limits";
import { warnOnce } from "./log";
import { networkError } from "./network-error";
import { processWide } from "./process-state";

export interface TlsOptions {
  /** PEM text of CA certificates to trust, or a path to a PEM file. */
  caBundle?: string;
  /** Skip certificate verification. Explicit opt-in; a warning is logged once per origin. */
  insecure?: boolean;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "COPY";
  /** Absolute URL, or a path appended to the endpoint's base URL. */
  path: string;
  query?: Record<string, string | number | boolean | Array<string | number> | undefined>;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; Buffers, strings and streams as they are. */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Shown in errors: "hitachi createRemoteStorage". */
  vendor: string;
  operation: string;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text (or undefined when empty). */
  body: T;
  text: string;
}

export interface HttpEndpoint {
  baseUrl: string;
  tls?: TlsOptions;
  /** Max requests in flight to this origin, process-wide. */
  concurrency?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

interface HttpState {
  agents: Map<string, Agent>;
}
const state = processWide<HttpState>("http", () => ({ agents: new Map() }));

function loadCa(caBundle: string): string {
  return caBundle.includes("-----BEGIN") ? caBundle : readFileSync(caBundle, "utf8");
}

/** The shared Agent for an origin + TLS setting (created on first use, kept for the process). */
export function agentFor(origin: string, tls: TlsOptions = {}): Agent {
  const key = `${origin}|${tls.insecure ? "insecure" : "verify"}|${tls.caBundle ?? ""}`;
  let agent = state.agents.get(key);
  if (!agent) {
    if (tls.insecure && origin.startsWith("https:")) {
      warnOnce(
        `insecure:${origin}`,
        "tls",
        `certificate verification is DISABLED for ${origin} (insecure: true). Use caBundle instead in production.`,
      );
    }
    agent = new Agent({
      connections: 16,
      keepAliveTimeout: 10_000,
      connect: {
        rejectUnauthorized: !tls.insecure,
        ...(tls.caBundle ? { ca: loadCa(tls.caBundle) } : {}),
      },
    });
    state.agents.set(key, agent);
  }
  return agent;
}

/** Closes every pooled connection (tests, and the end of a demo run). */
export async function closeAllAgents(): Promise<void> {
  const agents = [...state.agents.values()];
  state.agents.clear();
  await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
}

/** An absolute http(s) URL (e.g. a link the API returned), used as it is. */
const isAbsoluteUrl = (path: string) => /^https?:\/\//.test(path);

/** `path` under an API's base path (e.g. "/service" + "/sites"), or an absolute URL as it is. */
export function underBasePath(basePath: string, path: string): string {
  return isAbsoluteUrl(path) ? path : basePath + path;
}

export function buildUrl(baseUrl: string, path: string, query?: HttpRequest["query"]): URL {
  const url = isAbsoluteUrl(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, "") + path);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  return url;
}

/**
 * A request body as undici takes it: strings and Buffers as they are; a Readable or an async
 * iterable of Buffers streamed (the latter is how large uploads avoid a stream's per-chunk
 * allocations, see vendors/swift/hashing); anything else as JSON.
 */
export function encodeBody(
  body: unknown,
  headers: Record<string, string>,
): string | Buffer | Readable | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string" || Buffer.isBuffer(body)) return body;
  if (typeof (body as Readable).pipe === "function") return body as Readable;
  // undici sends async iterables (lib/core/request.js, isIterable) though its types omit them.
  if (typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] === "function")
    return body as unknown as Readable;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  return JSON.stringify(body);
}

/**
 * Sends one request. Resolves for every HTTP status (the vendor client maps statuses to
 * errors); rejects with TransientError for network failures and timeouts, with
 * `meta.mayHaveReachedServer` telling whether a non-idempotent call needs a lookup first.
 */
export async function send<T = unknown>(endpoint: HttpEndpoint, req: HttpRequest): Promise<HttpResponse<T>> {
  const url = buildUrl(endpoint.baseUrl, req.path, req.query);
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  const body = encodeBody(req.body, headers);
  // The caller's deadline (a poll's, a createOnce's) caps the per-request timeout.
  const timeoutMs = cappedTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const limiter = endpointLimiter(url.origin, endpoint.concurrency);
  return limiter.run(async () => {
    let sent = false;
    try {
      const res = await undiciRequest(url, {
        method: req.method,
        headers,
        body,
        signal,
        dispatcher: agentFor(url.origin, endpoint.tls),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      sent = true;
      const text = await res.body.text();
      const resHeaders = flatHeaders(res.headers);
      return { status: res.statusCode, headers: resHeaders, body: parseBody(text, resHeaders) as T, text };
    } catch (err) {
      throw networkError(err, { ...req, url }, timeout.aborted ? timeoutMs : undefined, sent);
    }
  });
}

/** undici's response headers as one lower-cased string per name. */
export function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export function parseBody(text: string, headers: Record<string, string>): unknown {
  if (!text) return undefined;
  const type = headers["content-type"] ?? "";
  if (type.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
