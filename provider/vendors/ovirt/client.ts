/**
 * The oVirt / RHEV REST client (reference §1, §2; seed 002 §3.1). It finds the API's base path
 * and dialect BEFORE acting, by reading the API root's `product_info.version`: v4 at
 * `/ovirt-engine/api` with `Version: 4` and OAuth; v3 (RHEV 3.6) at `/ovirt-engine/api` or `/api`
 * with `Version: 3` and a Basic → JSESSIONID session; oVirt 4.0–4.3's v3 at `/ovirt-engine/api/v3`.
 * `apiVersion: "auto"` asks the SSO first (a 404 there means no oVirt 4 SSO, so RHEV 3.x), then
 * reads the root; readings that disagree fail and name every probe. The result is shared per
 * endpoint and account for the process. Every call goes through core/call (OVIRT_ERRORS) inside a
 * shared session (core/session: one login, re-login once on 401, logout when drained). Writes
 * carry the operation's `Correlation-Id`, and errors print it. Knows nothing about Pulumi.
 */
import { randomBytes } from "node:crypto";
import { call, type VendorRequest } from "../../core/call";
import { outsideScope } from "../../core/call-scope";
import { systemClock, type Clock } from "../../core/clock";
import { isDrplaneError, VendorError, type DrplaneError } from "../../core/errors";
import type { HttpEndpoint, HttpRequest, TlsOptions } from "../../core/http";
import { underBasePath } from "../../core/http";
import { processWide } from "../../core/process-state";
import { drainSessions, sessionKey, withSession, type SessionHooks } from "../../core/session";
import {
  authHeaders,
  basicLogin,
  logoutSession,
  oauthLogin,
  type AuthTarget,
  type OvirtSession,
} from "./auth";
import { at, str } from "./codec";
import { adapterFor, type DialectAdapter, type OvirtDialect } from "./dialect";
import { OVIRT_ERRORS } from "./errors";

export type { OvirtDialect } from "./dialect";

export const V4_PATH = "/ovirt-engine/api";
export const V3_PATHS = ["/ovirt-engine/api", "/api"] as const;
export const V3_ON_4X_PATH = "/ovirt-engine/api/v3";
/** Keep an idle session this long before logging out, so a run's calls share one login. */
export const DEFAULT_LINGER_MS = 30_000;

export interface OvirtConnection {
  /** https://engine.example.com[:port] (scheme://host[:port] only; a trailing API path is dropped). */
  endpoint: string;
  /** Credential profile (core/credentials); the user looks like admin@internal. */
  profile: string;
  username?: string;
  tls?: TlsOptions;
  /** Default "auto": read the API root's product version. */
  apiVersion?: "auto" | "v4" | "v3";
  /** Default "/ovirt-engine/api" (v3 is also tried at "/api", and at "/ovirt-engine/api/v3" on oVirt 4.0–4.3). */
  apiPath?: string;
  /** How long an idle session is kept before logout (default 30 s; 0 = at once). */
  lingerMs?: number;
}

/** What detection found: the dialect, where it lives and the engine's version. */
export interface OvirtApi {
  dialect: OvirtDialect;
  /** The API base path: "/ovirt-engine/api", "/api" or "/ovirt-engine/api/v3". */
  base: string;
  /** "4.5.4", "3.6.13". */
  productVersion: string;
  major: number;
  minor: number;
  /** The probes detection made, in order (for messages). */
  tried: string[];
}

/** `path` is below the API base ("/vms/123") or absolute; idempotent calls are retried. */
export interface OvirtRequest extends Omit<VendorRequest, "timeoutMs"> {
  /** The operation's Correlation-Id: sent on writes (not on GET) and printed in their errors. */
  correlationId?: string;
  /** Statuses that are answers, not errors (404 for a lookup). */
  accept?: readonly number[];
  target?: string;
}

export interface OvirtResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

/** A Correlation-Id for one logical operation: ≤ 36 characters of [A-Za-z0-9_-] (reference §1.7). */
export function newCorrelationId(operation: string): string {
  const op = operation.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 17);
  return `drp-${op}-${randomBytes(7).toString("hex")}`.slice(0, 36);
}

/** The same error with "(Correlation-Id: …)" in its message and `meta.vendorDetail.correlationId`. */
export function withCorrelationId(err: unknown, correlationId: string): unknown {
  if (!isDrplaneError(err) || err.meta.vendorDetail?.correlationId) return err;
  const Ctor = err.constructor as new (message: string, options: object) => DrplaneError;
  return new Ctor(`${err.summary} (Correlation-Id: ${correlationId})`, {
    cause: err.cause,
    meta: { ...err.meta, vendorDetail: { ...err.meta.vendorDetail, correlationId } },
  });
}

const detections = processWide("ovirt.api-detections", () => new Map<string, Promise<OvirtApi>>());

/** Forget detected dialects (tests). */
export function resetOvirtDetections(): void {
  detections.clear();
}

export class OvirtClient {
  readonly origin: string;
  readonly endpoint: HttpEndpoint;

  constructor(
    readonly connection: OvirtConnection,
    readonly clock: Clock = systemClock,
  ) {
    this.origin = connection.endpoint.replace(/\/+$/, "").replace(/\/(ovirt-engine\/)?api(\/v[34])?$/i, "");
    this.endpoint = { baseUrl: this.origin, tls: connection.tls, concurrency: 8 };
  }

  private get authTarget(): AuthTarget {
    const c = this.connection;
    return {
      endpoint: this.endpoint,
      origin: this.origin,
      profile: c.profile,
      username: c.username,
      clock: this.clock,
    };
  }

  private sessionKeyFor(dialect: OvirtDialect, base: string): string {
    return sessionKey(
      "ovirt",
      this.origin,
      `${dialect}@${base}`,
      this.connection.profile,
      this.connection.username,
    );
  }

  private hooksFor(dialect: OvirtDialect, base: string): SessionHooks<OvirtSession> {
    return {
      login: () => (dialect === "v4" ? oauthLogin(this.authTarget) : basicLogin(this.authTarget, base)),
      logout: (s) => logoutSession(this.authTarget, base, s),
      lingerMs: this.connection.lingerMs ?? DEFAULT_LINGER_MS,
      clock: this.clock,
    };
  }

  /** Runs `fn` in the shared session of this engine, dialect and account. */
  private inSession<T>(dialect: OvirtDialect, base: string, fn: (s: OvirtSession) => Promise<T>): Promise<T> {
    return withSession(this.sessionKeyFor(dialect, base), this.hooksFor(dialect, base), fn);
  }

  /** The detected API (once per endpoint, account and settings, for the process). */
  api(): Promise<OvirtApi> {
    const c = this.connection;
    const key = [this.origin, c.profile, c.username ?? "", c.apiVersion ?? "auto", c.apiPath ?? ""].join("|");
    const cached = detections.get(key);
    if (cached) return cached;
    // Shared by every later call: not bound to the first caller's deadline.
    const found = outsideScope(() => this.detect()).catch((err: unknown) => {
      if (detections.get(key) === found) detections.delete(key);
      throw err;
    });
    detections.set(key, found);
    return found;
  }

  async dialect(): Promise<OvirtDialect> {
    return (await this.api()).dialect;
  }

  async productVersion(): Promise<string> {
    return (await this.api()).productVersion;
  }

  async adapter(): Promise<DialectAdapter> {
    return adapterFor(await this.dialect());
  }

  /** One authenticated call through core/call, in the shared session (replayed once on a 401). */
  async request<T = unknown>(r: OvirtRequest): Promise<OvirtResponse<T>> {
    const api = await this.api();
    return this.inSession(api.dialect, api.base, (s) => this.exchange<T>(api.dialect, api.base, s, r));
  }

  private async exchange<T>(
    dialect: OvirtDialect,
    base: string,
    s: OvirtSession,
    r: OvirtRequest,
  ): Promise<OvirtResponse<T>> {
    const write = r.method !== "GET" && r.method !== "HEAD";
    const cid = write ? r.correlationId : undefined;
    const headers: Record<string, string> = {
      accept: "application/json",
      version: dialect === "v4" ? "4" : "3",
      ...authHeaders(s),
      ...(cid ? { "correlation-id": cid } : {}),
      ...(r.body !== undefined ? { "content-type": "application/json" } : {}),
      ...r.headers,
    };
    const res = await call<T>(this.endpoint, {
      method: r.method,
      path: underBasePath(base, r.path),
      query: r.query,
      body: r.body,
      headers,
      operation: r.operation,
      idempotent: r.idempotent,
      errors: OVIRT_ERRORS,
      accept: r.accept,
      target: r.target,
      retry: { clock: this.clock },
      ...(cid ? { mapError: (err: unknown) => withCorrelationId(err, cid) } : {}),
    });
    return { status: res.status, body: res.body, headers: res.headers };
  }

  /** GET of a path; undefined on 404 (an unknown or non-GUID id: reference §1.13). */
  async getOrUndefined<T = unknown>(
    path: string,
    operation: string,
    query?: HttpRequest["query"],
  ): Promise<T | undefined> {
    const res = await this.request<T>({
      method: "GET",
      path,
      query,
      operation,
      idempotent: true,
      accept: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** Logs out idle sessions now (every vendor's, as core/session drainSessions does at the end of a run). */
  async close(): Promise<void> {
    await drainSessions();
  }

  private async readRoot(dialect: OvirtDialect, base: string): Promise<unknown> {
    return this.inSession(dialect, base, async (s) => {
      if (s.kind === "cookie" && s.root !== undefined) return s.root;
      return (
        await this.exchange(dialect, base, s, {
          method: "GET",
          path: "",
          operation: "readApiRoot",
          idempotent: true,
        })
      ).body;
    });
  }

  private async detect(): Promise<OvirtApi> {
    const wanted = this.connection.apiVersion ?? "auto";
    const tried: string[] = [];
    if (wanted === "v4") return this.detectV4(tried, false);
    if (wanted === "v3") return this.detectV3(tried, false);
    return this.detectV4(tried, true);
  }

  /** SSO, then the root at the v4 path; with `fallback`, a missing SSO sends detection to v3. */
  private async detectV4(tried: string[], fallback: boolean): Promise<OvirtApi> {
    const base = this.connection.apiPath ?? V4_PATH;
    let root: unknown;
    try {
      root = await this.readRoot("v4", base);
    } catch (err) {
      if (fallback && isDrplaneError(err, "DRP_NOT_FOUND") && err.meta.operation === "login") {
        tried.push(`POST ${"/ovirt-engine/sso/oauth/token"}: 404 (no oVirt 4 SSO)`);
        return this.detectV3(tried, true);
      }
      throw err;
    }
    const v = versionOf(root);
    tried.push(`SSO login, then GET ${base} (Version: 4): product ${v?.text ?? "unknown"}`);
    if (!v) throw this.disagreement(tried, `the API root at ${base} has no product_info.version`);
    if (v.major < 4) {
      throw this.disagreement(
        tried,
        `the engine has OAuth SSO (oVirt 4) but its API root reports product ${v.text}`,
      );
    }
    return { dialect: "v4", base, productVersion: v.text, major: v.major, minor: v.minor, tried };
  }

  /** Basic + session at each v3 candidate path; oVirt 4.0–4.3 answers at /ovirt-engine/api/v3. */
  private async detectV3(tried: string[], auto: boolean): Promise<OvirtApi> {
    const own = this.connection.apiPath;
    const candidates = own ? [own] : [...V3_PATHS];
    for (const base of candidates) {
      let root: unknown;
      try {
        root = await this.readRoot("v3", base);
      } catch (err) {
        if (isDrplaneError(err, "DRP_NOT_FOUND") || isDrplaneError(err, "DRP_INPUT")) {
          // 404: nothing there; 400: an engine that serves no v3 (oVirt 4.4+ refuses `Version: 3`).
          tried.push(`GET ${base} (Version: 3): ${err.meta.httpStatus ?? "?"}`);
          continue;
        }
        throw err;
      }
      const v = versionOf(root);
      tried.push(`GET ${base} (Version: 3): product ${v?.text ?? "unknown"}`);
      if (!v) throw this.disagreement(tried, `the API root at ${base} has no product_info.version`);
      if (v.major === 3)
        return { dialect: "v3", base, productVersion: v.text, major: v.major, minor: v.minor, tried };
      if (auto) {
        throw this.disagreement(
          tried,
          `the engine has no OAuth SSO (so not oVirt 4) but reports product ${v.text}`,
        );
      }
      if (v.major === 4 && v.minor <= 3) {
        const v3base = own && /\/v3$/.test(own) ? own : V3_ON_4X_PATH;
        if (v3base !== base) {
          await this.readRoot("v3", v3base);
          tried.push(`GET ${v3base} (Version: 3): answered`);
        }
        return { dialect: "v3", base: v3base, productVersion: v.text, major: v.major, minor: v.minor, tried };
      }
      throw this.disagreement(
        tried,
        `apiVersion "v3" was asked for, but engine ${v.text} has no v3 API (removed in oVirt 4.4); use apiVersion "v4" or "auto"`,
      );
    }
    throw this.disagreement(
      tried,
      auto
        ? "no oVirt / RHEV API answered at any of the paths tried"
        : 'apiVersion "v3" was asked for, but no v3 API answered (oVirt 4.4 and later have none); use apiVersion "v4" or "auto"',
    );
  }

  private disagreement(tried: string[], what: string): VendorError {
    return new VendorError(
      `oVirt ${this.origin}: cannot tell the API dialect: ${what} (tried: ${tried.join("; ")})`,
      {
        meta: {
          vendor: "ovirt",
          operation: "detectApi",
          remedy: 'set apiVersion ("v4" or "v3") and apiPath on the connection to the engine\'s actual API',
        },
      },
    );
  }
}

/** `product_info.version` of an API root: {major, minor, build, full_version}. */
export function versionOf(root: unknown): { major: number; minor: number; text: string } | undefined {
  const v = at(root, "product_info", "version");
  const major = Number(str(at(v, "major")));
  if (!Number.isFinite(major)) return undefined;
  const minor = Number(str(at(v, "minor")) ?? 0);
  const build = str(at(v, "build"));
  return { major, minor, text: [major, minor, ...(build !== undefined ? [build] : [])].join(".") };
}
