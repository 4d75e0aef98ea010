/**
 * The NetApp Service Engine (NSE 2.1) REST client (seed 003, reference Part A). The API lives
 * under a configurable base path (default "/api": the docs show `https://<host>/api` and paths
 * `/v2.1/...`, UNCONFIRMED; "" allowed). Every call goes through core/call with `NSE_ERRORS`,
 * inside a shared token (core/session: one sign-in per endpoint and account for the process,
 * renewed with `/v2.1/auth/refresh` shortly before the JWT's `exp`, signed in again once on a
 * 401). Answers are unwrapped from the envelope `{status: {user_message, …}, result: {records,
 * total_records, …}}`: a single object is `records[0]`. Knows nothing about Pulumi.
 */
import { call, type VendorRequest } from "../../core/call";
import { outsideScope } from "../../core/call-scope";
import { systemClock, type Clock } from "../../core/clock";
import { AuthError, isDrplaneError } from "../../core/errors";
import type { HttpEndpoint, TlsOptions } from "../../core/http";
import { underBasePath } from "../../core/http";
import { log } from "../../core/log";
import { sessionKey, withSession, type SessionHooks, type SessionRejected } from "../../core/session";
import { refreshToken, signin, type AuthTarget, type NseToken } from "./auth";
import { envelopeMessage, NSE_ERRORS, readEnvelopeStatus } from "./errors";

export const DEFAULT_BASE_PATH = "/api";
/** Keep an idle token this long (NSE documents no sign-out), so a run's calls share one sign-in. */
export const DEFAULT_LINGER_MS = 300_000;
/** The vendorCode of the (local, never sent) error that makes the session layer sign in again. */
const TOKEN_EXPIRED = "drplane:token-expired";

export interface NseConnection {
  /** https://nse.example.com (scheme://host[:port]). */
  endpoint: string;
  /** Default "/api" (UNCONFIRMED); "" when the API answers at the origin. */
  basePath?: string;
  /** Credential profile (core/credentials). */
  profile: string;
  username?: string;
  tls?: TlsOptions;
  /** How long an idle token is kept (default 5 min). */
  lingerMs?: number;
}

/** One NSE call: `path` below the base path ("/v2.1/fileshares"), or an absolute URL. */
export interface NseRequest extends Omit<VendorRequest, "headers"> {
  /** Statuses that are answers, not errors (404 for a lookup). */
  accept?: number[];
  headers?: Record<string, string>;
  target?: string;
}

/** An unwrapped answer: `result.records` (a single object is records[0]) and the totals. */
export interface NseResponse<T> {
  status: number;
  records: T[];
  /** `result.total_records` (lists: all matching records, not only this page). */
  total?: number;
  /** `result.returned_records`. */
  returned?: number;
  /** `status.user_message`. */
  message?: string;
}

/** The shared token of one endpoint and account; refreshed in place. */
interface NseSession {
  current: NseToken;
  refreshing?: Promise<void>;
}

/** A 401 outside the sign-in, or a token found expired before anything was sent. */
export const nseSessionRejected: SessionRejected = (err) =>
  isDrplaneError(err, "DRP_AUTH") &&
  err.meta.operation !== "login" &&
  (err.meta.httpStatus === 401 || err.meta.vendorCode === TOKEN_EXPIRED);

/** Unwraps an NSE envelope: records (result.records, or result itself when it is an object without them), totals, message. */
export function unwrapEnvelope<T>(status: number, body: unknown): NseResponse<T> {
  const message = envelopeMessage(readEnvelopeStatus(body));
  const result =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>).result : undefined;
  let records: T[] = [];
  let total: number | undefined;
  let returned: number | undefined;
  if (Array.isArray(result)) records = result as T[];
  else if (typeof result === "object" && result !== null) {
    const r = result as Record<string, unknown>;
    if (Array.isArray(r.records)) records = r.records as T[];
    else if (r.records === undefined && Object.keys(r).length > 0 && !("total_records" in r))
      records = [r as T];
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    total = num(r.total_records);
    returned = num(r.returned_records);
  }
  return {
    status,
    records,
    ...(total !== undefined ? { total } : {}),
    ...(returned !== undefined ? { returned } : {}),
    ...(message ? { message } : {}),
  };
}

export class NseClient {
  readonly origin: string;
  readonly basePath: string;
  readonly endpoint: HttpEndpoint;

  constructor(
    readonly connection: NseConnection,
    readonly clock: Clock = systemClock,
  ) {
    this.origin = connection.endpoint.replace(/\/+$/, "");
    const base = (connection.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, "");
    this.basePath = base && !base.startsWith("/") ? `/${base}` : base;
    this.endpoint = { baseUrl: this.origin, tls: connection.tls, concurrency: 8 };
  }

  private get authTarget(): AuthTarget {
    const c = this.connection;
    return {
      endpoint: this.endpoint,
      origin: this.origin,
      basePath: this.basePath,
      profile: c.profile,
      username: c.username,
      clock: this.clock,
    };
  }

  /** The NSE and account a token belongs to: the key of the shared session. */
  get sessionKey(): string {
    return sessionKey("nse", this.origin + this.basePath, this.connection.profile, this.connection.username);
  }

  private hooks(): SessionHooks<NseSession> {
    return {
      login: async () => ({ current: await signin(this.authTarget) }),
      // No sign-out is documented: the token is dropped and expires on NSE.
      logout: async () => undefined,
      lingerMs: this.connection.lingerMs ?? DEFAULT_LINGER_MS,
      clock: this.clock,
    };
  }

  /**
   * A token to send now: refreshed (once for all concurrent callers) past its renewal point;
   * an expired one is not sent, the session layer signs in again. A refresh that fails for a
   * reason other than the token (a 5xx that outlived its retries) keeps the current token
   * while it is valid.
   */
  private async tokenFor(s: NseSession): Promise<string> {
    const now = this.clock.now();
    const t = s.current;
    if (t.renewAt === undefined || now < t.renewAt) return t.token;
    if (t.expiresAt !== undefined && now >= t.expiresAt) {
      throw new AuthError(`NSE ${this.origin}: the token of ${t.username} has expired`, {
        meta: { vendor: "nse", operation: "refreshToken", vendorCode: TOKEN_EXPIRED },
      });
    }
    // Shared by every caller of this token: not bound to the first one's deadline.
    s.refreshing ??= outsideScope(() => refreshToken(this.authTarget, t))
      .then((next) => {
        s.current = next;
      })
      .finally(() => {
        s.refreshing = undefined;
      });
    try {
      await s.refreshing;
    } catch (err) {
      if (isDrplaneError(err, "DRP_AUTH")) throw err;
      log.debug("nse", `token refresh failed, the current token is still valid: ${String(err)}`);
    }
    return s.current.token;
  }

  /** One call: envelope unwrapped; JWT Bearer, refreshed before exp, signed in again once on a 401. */
  async request<T = unknown>(req: NseRequest): Promise<NseResponse<T>> {
    return withSession(
      this.sessionKey,
      this.hooks(),
      async (s) => {
        const token = await this.tokenFor(s);
        const res = await call(this.endpoint, {
          method: req.method,
          path: underBasePath(this.basePath, req.path),
          query: req.query,
          body: req.body,
          headers: {
            accept: "application/json",
            ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
            ...req.headers,
            authorization: `Bearer ${token}`,
          },
          timeoutMs: req.timeoutMs,
          operation: req.operation,
          idempotent: req.idempotent,
          errors: NSE_ERRORS,
          accept: req.accept,
          target: req.target,
          retry: { clock: this.clock },
        });
        return unwrapEnvelope<T>(res.status, res.body);
      },
      nseSessionRejected,
    );
  }
}
