/**
 * Swift object-storage client: one shared token per connection (process-wide, single-flight,
 * re-issued once on 401 or shortly before it expires, on the injected clock), authenticated
 * calls with path encoding through the core call path (SWIFT_ERRORS; transient retries for
 * idempotent calls only), a streamed twin for downloads, and the cluster's /info limits.
 * Request bodies may be factories so that a replayed call (401, transient failure) re-opens
 * its stream. Knows nothing about Pulumi.
 */
import type { Readable } from "node:stream";
import { call, callStream, type CallOptions } from "../../core/call";
import { outsideScope } from "../../core/call-scope";
import { systemClock, type Clock } from "../../core/clock";
import { AuthError, InputError, isDrplaneError, type DrplaneError } from "../../core/errors";
import type { HttpEndpoint, HttpRequest, HttpResponse } from "../../core/http";
import type { StreamResponse } from "../../core/http-stream";
import { processWide } from "../../core/process-state";
import type { RetryOptions } from "../../core/retry";
import { rejectedBy401, sessionKey, withSession, type SessionHooks } from "../../core/session";
import { login, SWIFT_ENDPOINT_CONCURRENCY, type SwiftConnection, type SwiftToken } from "./auth";
import { SWIFT_ERRORS } from "./errors";

export type SwiftBody =
  string | Buffer | Record<string, unknown> | unknown[] | (() => Readable | AsyncIterable<Buffer>);

export interface SwiftRequest {
  method: HttpRequest["method"];
  /** Container name (encoded here). Omit for account-level calls. */
  container?: string;
  /** Object name; "/" is kept as the pseudo-directory separator, everything else is encoded. */
  object?: string;
  query?: HttpRequest["query"];
  headers?: Record<string, string>;
  /** A factory for streams: called again when the call is replayed. */
  body?: SwiftBody;
  operation: string;
  /** GET/HEAD/PUT/DELETE of a named object or container are idempotent; retried on transient errors. */
  idempotent: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses that are answers, not errors (e.g. 404 for a lookup). */
  accept?: number[];
}

export interface SwiftStreamRequest extends Omit<SwiftRequest, "accept"> {
  /** Longest pause between two body chunks (default 60 s); no total timeout. */
  idleTimeoutMs?: number;
}

export interface SwiftInfo {
  maxFileSize: number;
  maxManifestSegments: number;
  maxManifestSize: number;
  minSegmentSize: number;
  maxMetaNameLength: number;
  maxMetaValueLength: number;
  maxMetaCount: number;
  maxMetaOverallSize: number;
  maxObjectNameLength: number;
  maxContainerNameLength: number;
  containerListingLimit: number;
  /** Undefined when the bulk middleware is absent. */
  bulkDeleteMax?: number;
  /** Storage policies: canonical name and every alias (names are case-insensitive). */
  policies: Array<{ name: string; aliases: string[] }>;
  slo: boolean;
}

/** Defaults of a stock Swift, used where /info is silent. */
export const SWIFT_DEFAULT_LIMITS = {
  maxFileSize: 5 * 1024 ** 3 + 2,
  maxManifestSegments: 1000,
  maxManifestSize: 8 * 1024 * 1024,
  minSegmentSize: 1,
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaCount: 90,
  maxMetaOverallSize: 4096,
  maxObjectNameLength: 1024,
  maxContainerNameLength: 256,
  containerListingLimit: 10000,
};

interface ClientState {
  info: Map<string, { at: number; info: Promise<SwiftInfo> }>;
}
const state = processWide<ClientState>("swift.client", () => ({ info: new Map() }));

const INFO_TTL_MS = 10 * 60_000;
/** Tokens stay cached this long after their last use (they are reused across resources). */
const TOKEN_LINGER_MS = 30 * 60_000;

/** The vendorCode of the (local, never sent) error that makes the session layer re-issue a token. */
const TOKEN_DUE = "drplane:token-due";

/** Encodes a container/object path; "." and ".." segments cannot be addressed in a URL. */
export function objectPath(container: string, object?: string): string {
  const c = `/${encodeURIComponent(container)}`;
  if (object === undefined) return c;
  return `${c}/${object.split("/").map(encodeURIComponent).join("/")}`;
}

export class SwiftClient {
  constructor(
    readonly connection: SwiftConnection,
    readonly retry: RetryOptions = {},
  ) {}

  get sessionKey(): string {
    const c = this.connection;
    return sessionKey(
      "swift",
      c.authType,
      c.authUrl,
      c.profile,
      c.username,
      c.userId,
      c.userDomainId ?? c.userDomainName,
      c.projectId ?? `${c.projectName ?? ""}@${c.projectDomainId ?? c.projectDomainName ?? ""}`,
      c.region,
      c.interface,
    );
  }

  /** The clock token expiry and the /info cache are measured on (`retry.clock`, else the system's). */
  get clock(): Clock {
    return this.retry.clock ?? systemClock;
  }

  private hooks(): SessionHooks<SwiftToken> {
    return {
      login: () => login(this.connection, this.clock),
      logout: async () => undefined,
      lingerMs: TOKEN_LINGER_MS,
      clock: this.clock,
    };
  }

  /** Runs `fn` with the shared token, re-issuing it once if Swift answers 401 or it is about to expire. */
  withToken<T>(fn: (token: SwiftToken) => Promise<T>): Promise<T> {
    return withSession(
      this.sessionKey,
      this.hooks(),
      async (token) => {
        if (token.expiresAt !== undefined) {
          const life = token.expiresAt - token.issuedAt;
          if (this.clock.now() > token.expiresAt - Math.min(120_000, life / 4)) {
            throw new AuthError(`Swift token of ${token.storageUrl} due for renewal`, {
              meta: { vendor: "swift", operation: "renewToken", vendorCode: TOKEN_DUE },
            });
          }
        }
        return fn(token);
      },
      (err) => (isDrplaneError(err, "DRP_AUTH") && err.meta.vendorCode === TOKEN_DUE) || rejectedBy401(err),
    );
  }

  /** The account URL (storage URL) of this connection. */
  storageUrl(): Promise<string> {
    return this.withToken(async (t) => t.storageUrl);
  }

  /**
   * One authenticated call. Resolves for 2xx and the `accept` statuses; maps the rest to
   * drplane errors. Idempotent calls are retried on transient failures (each attempt gets a
   * fresh body from a factory); a 401 re-issues the token and replays once.
   */
  request<T = unknown>(req: SwiftRequest): Promise<HttpResponse<T>> {
    return this.withToken((token) => {
      const { url, opts } = this.callOf(token, req);
      return call<T>(this.endpoint(url), { ...opts, accept: req.accept });
    });
  }

  /**
   * `request`'s streaming twin (core `callStream`): resolves once the headers of a 2xx answer
   * arrive, with the body as a stream (read it to the end or destroy it). Same limiter, error
   * mapping and retries (up to the headers) as `request`; an idle timeout instead of a total one.
   */
  requestStream(req: SwiftStreamRequest): Promise<StreamResponse> {
    return this.withToken((token) => {
      const { url, opts } = this.callOf(token, req);
      return callStream(this.endpoint(url), { ...opts, idleTimeoutMs: req.idleTimeoutMs });
    });
  }

  private callOf(
    token: SwiftToken,
    req: SwiftRequest | SwiftStreamRequest,
  ): { url: string; opts: CallOptions } {
    const path = req.container === undefined ? "" : objectPath(req.container, req.object);
    const url = token.storageUrl + path;
    const target =
      req.container === undefined ? "account" : `${req.container}${req.object ? `/${req.object}` : ""}`;
    return {
      url,
      opts: {
        method: req.method,
        path: url,
        query: req.query,
        headers: { ...req.headers, "x-auth-token": token.token },
        body: req.body,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        operation: req.operation,
        target,
        idempotent: req.idempotent,
        errors: SWIFT_ERRORS,
        errorFrom: 300,
        retry: this.retry,
      },
    };
  }

  endpoint(url: string): HttpEndpoint {
    return {
      baseUrl: new URL(url).origin,
      tls: this.connection.tls,
      concurrency: SWIFT_ENDPOINT_CONCURRENCY,
    };
  }

  /** The cluster's capabilities (GET /info, no auth), cached for 10 minutes per cluster. */
  async info(): Promise<SwiftInfo> {
    const storageUrl = await this.storageUrl();
    const infoUrl = infoUrlOf(storageUrl);
    const cached = state.info.get(infoUrl);
    if (cached && this.clock.now() - cached.at < INFO_TTL_MS) return cached.info;
    // Shared by every later caller for 10 minutes: not bound to this caller's deadline.
    const info = outsideScope(() => fetchInfo(this, infoUrl));
    state.info.set(infoUrl, { at: this.clock.now(), info });
    info.catch(() => state.info.delete(infoUrl));
    return info;
  }
}

/** /info lives at the proxy root, beside /v1: http://h:8080/v1/AUTH_x → http://h:8080/info. */
export function infoUrlOf(storageUrl: string): string {
  const url = new URL(storageUrl);
  const i = url.pathname.search(/\/v1(\/|$)/);
  url.pathname = `${i >= 0 ? url.pathname.slice(0, i) : ""}/info`;
  return url.toString();
}

async function fetchInfo(client: SwiftClient, infoUrl: string): Promise<SwiftInfo> {
  const res = await call<Record<string, any>>(client.endpoint(infoUrl), {
    method: "GET",
    path: infoUrl,
    operation: "info",
    idempotent: true,
    errors: SWIFT_ERRORS,
    retry: client.retry,
  });
  const body = (typeof res.body === "object" && res.body) || {};
  const swift = body.swift ?? {};
  const slo = body.slo;
  const num = (v: unknown, fallback: number) => (typeof v === "number" && v > 0 ? v : fallback);
  const d = SWIFT_DEFAULT_LIMITS;
  return {
    maxFileSize: num(swift.max_file_size, d.maxFileSize),
    maxManifestSegments: num(slo?.max_manifest_segments, d.maxManifestSegments),
    maxManifestSize: num(slo?.max_manifest_size, d.maxManifestSize),
    minSegmentSize: num(slo?.min_segment_size, d.minSegmentSize),
    maxMetaNameLength: num(swift.max_meta_name_length, d.maxMetaNameLength),
    maxMetaValueLength: num(swift.max_meta_value_length, d.maxMetaValueLength),
    maxMetaCount: num(swift.max_meta_count, d.maxMetaCount),
    maxMetaOverallSize: num(swift.max_meta_overall_size, d.maxMetaOverallSize),
    maxObjectNameLength: num(swift.max_object_name_length, d.maxObjectNameLength),
    maxContainerNameLength: num(swift.max_container_name_length, d.maxContainerNameLength),
    containerListingLimit: num(swift.container_listing_limit, d.containerListingLimit),
    ...(body.bulk_delete ? { bulkDeleteMax: num(body.bulk_delete.max_deletes_per_request, 1000) } : {}),
    policies: Array.isArray(swift.policies)
      ? swift.policies.map((p: { name?: string; aliases?: string }) => ({
          name: p.name ?? "",
          aliases: (p.aliases ?? p.name ?? "")
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        }))
      : [],
    slo: slo !== undefined,
  };
}

/** True for the "not found" answer of any Swift call. */
export function isNotFound(err: unknown): err is DrplaneError {
  return isDrplaneError(err, "DRP_NOT_FOUND");
}

/** Fails when the cluster has no SLO middleware (a clear error instead of a 400 later). */
export function requireSlo(info: SwiftInfo, storageUrl: string): void {
  if (!info.slo) {
    throw new InputError(
      `the Swift cluster of ${storageUrl} does not advertise static large objects in /info`,
      {
        meta: {
          vendor: "swift",
          operation: "info",
          remedy: "enable the slo middleware in the proxy pipeline",
        },
      },
    );
  }
}

/** Lower-cased `x-<kind>-meta-*` headers as a name → value map. */
export function metaFromHeaders(
  headers: Record<string, string>,
  kind: "container" | "object",
): Record<string, string> {
  const prefix = `x-${kind}-meta-`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Case-insensitive metadata comparison (Swift title-cases names). */
export function sameMetadata(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  const norm = (m: Record<string, string> | undefined) =>
    JSON.stringify(
      Object.entries(m ?? {})
        .map(([k, v]) => [k.toLowerCase(), v])
        .sort(([x], [y]) => (x! < y! ? -1 : x! > y! ? 1 : 0)),
    );
  return norm(a) === norm(b);
}
