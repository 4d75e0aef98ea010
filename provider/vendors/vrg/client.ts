/**
 * Huawei FusionCompute VRG REST client (`/vrgservice`, seed 001): version query, login with
 * `X-Auth-User` + `X-Auth-Key` (lowercase hex SHA-256 of the password) and the token from the
 * `X-Auth-Token` response header, shared process-wide per VRG and user (single-flight login,
 * reused until close to its 600 000 ms validity, re-login once on 10440102 "not logged in /
 * timed out", logout when the last user is done and the linger time has passed). A wrong
 * password is never retried (login-guard.ts). Every authenticated call takes the shared
 * token for itself, so a wait longer than the token's validity simply logs in again.
 * Knows nothing about Pulumi.
 */
import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../../core/clock";
import { resolveCredentials } from "../../core/credentials";
import { call, type VendorRequest } from "../../core/call";
import { outsideScope } from "../../core/call-scope";
import { AuthError, isDrplaneError, VendorError, type DrplaneError } from "../../core/errors";
import type { HttpEndpoint, TlsOptions } from "../../core/http";
import { underBasePath } from "../../core/http";
import { processWide } from "../../core/process-state";
import { registerSecret } from "../../core/redact";
import { sessionKey, withSession, type SessionHooks, type SessionRejected } from "../../core/session";
import { CODE, VRG_ERRORS } from "./errors";
import { sendInStyle } from "./key-style";
import { vrgLoginGuard } from "./login-guard";
import { loginWire, versionsWire, type KeyStyle, type VrgVersion } from "./wire";

export const BASE_PATH = "/vrgservice";
/** §2.1.1: "VRG 版本的 <version> 为 v1.0". */
export const DEFAULT_API_VERSION = "v1.0";
/** §3.1.2: token validity 600 000 ms. */
export const TOKEN_VALIDITY_MS = 600_000;
/** A token is renewed this close to its expiry (or at 90 % of a shorter validity). */
const TOKEN_MARGIN_MS = 60_000;
/** The vendorCode of the (local, never sent) error that makes the session layer renew a token. */
const TOKEN_DUE = "drplane:token-due";
/** Keep an idle token this long before logging out, so bursts of calls share one login. */
export const DEFAULT_LINGER_MS = 20_000;

export interface VrgConnection {
  /** http(s)://<vrg-ip>:<port> (the seed's http port is 8080); a trailing /vrgservice is accepted. */
  endpoint: string;
  /** Credential profile: the password comes from stack config or DRPLANE_<PROFILE>_PASSWORD. */
  profile: string;
  username?: string;
  tls?: TlsOptions;
  /**
   * The body key style tried first where this VRG has not shown its reading yet: "camel" (the
   * seed's tables, default) or "snake" (its vrgmap sample). The other style is tried once when
   * the VRG refuses the keys (10440101), and what works is remembered per VRG and body
   * (key-style.ts), so the default works against either reading.
   */
  keyStyle?: KeyStyle;
  /** `version=` of the Accept header (default v1.0); "auto" picks the last of GET /versions. */
  apiVersion?: string;
  /** Accept-Language: en_US (default) or zh_CN (errorDes in Chinese). */
  language?: "en_US" | "zh_CN";
  /** How long an idle token is kept before logout (default 20 s; 0 = log out at once). */
  lingerMs?: number;
  /** Longest URL a batched vmstrategy query may use (default 6000 characters). */
  maxUrlLength?: number;
}

export interface VrgSession {
  token: string;
  /** The VRG's unique id from the login answer (§3.1.2 `uuid`). */
  vrgUuid?: string;
  /** The login answer's `validity` (§3.1.2; 600 000 ms when absent). */
  validityMs: number;
  /** Clock time the token expires (validity counted from before the login was sent). */
  expiresAt: number;
  /** Clock time after which the token is renewed instead of used. */
  renewAt: number;
}

/** `path` is below /vrgservice ("/vrgmap"); reads and set-to-a-value writes are idempotent. */
export interface VrgCall extends VendorRequest {
  /** Send the shared token (default true). */
  auth?: boolean;
}

export interface VrgResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

/**
 * True for the VRG's "not logged in or timed out" (any status), a 401 outside login, or a
 * token due for renewal (found before sending anything).
 */
export const vrgSessionRejected: SessionRejected = (err) =>
  isDrplaneError(err, "DRP_AUTH") &&
  err.meta.operation !== "login" &&
  (err.meta.vendorCode === CODE.notLoggedIn ||
    err.meta.vendorCode === TOKEN_DUE ||
    err.meta.httpStatus === 401);

/** `apiVersion: "auto"`: the version list is fetched once per process and VRG. */
function versionCache(): Map<string, Promise<{ version: string; loginPath: string }>> {
  return processWide(
    "vrg.api-versions",
    () => new Map<string, Promise<{ version: string; loginPath: string }>>(),
  );
}

/** Forget the fetched version lists (tests). */
export function resetVersionCache(): void {
  versionCache().clear();
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export class VrgClient {
  readonly endpoint: HttpEndpoint;
  readonly origin: string;

  constructor(
    readonly connection: VrgConnection,
    readonly clock: Clock = systemClock,
  ) {
    this.origin = connection.endpoint.replace(/\/+$/, "").replace(/\/vrgservice$/i, "");
    this.endpoint = { baseUrl: this.origin, tls: connection.tls, concurrency: 8 };
  }

  /** The VRG and account a token belongs to: the key of the shared session. */
  get sessionKey(): string {
    return sessionKey("vrg", this.origin, this.connection.profile, this.connection.username);
  }

  private acceptHeader(version: string): string {
    return `application/json;version=${version};charset=UTF-8`;
  }

  /** One HTTP call with the seed's headers; maps error bodies; no session handling, no retry. */
  send<T>(opts: VrgCall, token?: string): Promise<VrgResponse<T>> {
    return this.exchange<T>(opts, token, false);
  }

  /**
   * One logical request through the core call path (VRG_ERRORS), retried on transient
   * failures when `idempotent`; `mapError` sees each failed attempt first.
   */
  private async exchange<T>(
    opts: VrgCall,
    token: string | undefined,
    idempotent: boolean,
    mapError?: (err: unknown) => unknown,
  ): Promise<VrgResponse<T>> {
    const { version } = await this.resolvedVersion();
    const headers: Record<string, string> = {
      accept: this.acceptHeader(version),
      "accept-language": this.connection.language ?? "en_US",
      ...opts.headers,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json;charset=UTF-8";
    if (token) headers["x-auth-token"] = token;
    const res = await call<T>(this.endpoint, {
      method: opts.method,
      path: underBasePath(BASE_PATH, opts.path),
      query: opts.query,
      body: opts.body,
      headers,
      timeoutMs: opts.timeoutMs,
      operation: opts.operation,
      idempotent,
      errors: VRG_ERRORS,
      retry: { clock: this.clock },
      ...(mapError ? { mapError } : {}),
    });
    return { status: res.status, body: res.body, headers: res.headers };
  }

  /**
   * An authenticated call: takes the shared token, retries transient failures when
   * idempotent, and is replayed once with a fresh login if the VRG says the token is no
   * longer valid (the VRG rejected it before acting, so a replay is safe for any method).
   */
  async call<T>(opts: VrgCall): Promise<VrgResponse<T>> {
    if (opts.auth === false) return this.exchange<T>(opts, undefined, opts.idempotent);
    return this.withSession((s) => this.exchange<T>(opts, s.token, opts.idempotent));
  }

  /**
   * An authenticated call whose JSON body is written by `write(style)` in the key style this
   * VRG reads for `object` (key-style.ts): a per-call fact, learnt once per VRG and body.
   */
  async callWithBody<T>(
    opts: Omit<VrgCall, "body"> & { object: string; write: (style: KeyStyle) => unknown },
  ): Promise<VrgResponse<T>> {
    const { object, write, ...call } = opts;
    return sendInStyle(this.origin, object, this.connection.keyStyle, write, (body) =>
      this.call<T>({ ...call, body }),
    );
  }

  /**
   * Runs `fn` with the shared session of this VRG and account. A token past its renewal point
   * (from the login answer's validity) is not used: the session layer logs in again first.
   */
  withSession<T>(fn: (session: VrgSession) => Promise<T>): Promise<T> {
    const checked = async (s: VrgSession): Promise<T> => {
      if (this.clock.now() >= s.renewAt) {
        throw new AuthError(`VRG ${this.origin}: token due for renewal`, {
          meta: { vendor: "vrg", operation: "renewToken", vendorCode: TOKEN_DUE },
        });
      }
      return fn(s);
    };
    return withSession(this.sessionKey, this.sessionHooks(), checked, vrgSessionRejected);
  }

  /** The VRG's uuid (from the shared login; no extra request once logged in). */
  async vrgUuid(): Promise<string | undefined> {
    return this.withSession(async (s) => s.vrgUuid);
  }

  private sessionHooks(): SessionHooks<VrgSession> {
    return {
      login: () => this.login(),
      logout: (s) => this.logout(s),
      lingerMs: this.connection.lingerMs ?? DEFAULT_LINGER_MS,
    };
  }

  /** GET /versions (§3.1.1): the versions this VRG supports and their login URIs. No token. */
  async versions(): Promise<VrgVersion[]> {
    const res = await call<unknown>(this.endpoint, {
      method: "GET",
      path: `${BASE_PATH}/versions`,
      headers: { accept: "application/json;charset=UTF-8" },
      operation: "versions",
      idempotent: true,
      errors: VRG_ERRORS,
      retry: { clock: this.clock },
    });
    return versionsWire.fromWire(res.body);
  }

  private resolvedVersion(): Promise<{ version: string; loginPath: string }> {
    const wanted = this.connection.apiVersion ?? DEFAULT_API_VERSION;
    if (wanted !== "auto") return Promise.resolve({ version: wanted, loginPath: "/session" });
    const cache = versionCache();
    const cached = cache.get(this.origin);
    if (cached) return cached;
    // Shared by every later call to this VRG: not bound to the first caller's deadline.
    const fetched = outsideScope(() => this.versions()).then(
      (list) => {
        const last = list.filter((v) => v.version).at(-1);
        if (!last) {
          throw new VendorError(`VRG ${this.origin} lists no API version`, {
            meta: { vendor: "vrg", operation: "versions" },
          });
        }
        const uri = (last.loginUri ?? `${BASE_PATH}/session`).replace(/<basic_uri>/i, BASE_PATH);
        const loginPath = uri.replace(new RegExp(`^.*?${BASE_PATH}`, "i"), "") || "/session";
        return { version: last.version, loginPath };
      },
      (err: unknown) => {
        if (cache.get(this.origin) === fetched) cache.delete(this.origin);
        throw err;
      },
    );
    cache.set(this.origin, fetched);
    return fetched;
  }

  /**
   * POST /session (§3.1.2). Never repeated after the VRG has judged the password: a business
   * error is final, and a reply lost after the request may have reached the VRG is not
   * retried either (it may have counted as a wrong attempt). Only refused connections and
   * 5xx answers are retried.
   */
  async login(): Promise<VrgSession> {
    const { username, password } = resolveCredentials(this.connection.profile, this.connection.username);
    const authKey = sha256Hex(password);
    // The unsalted hash works as a password: it is a secret too.
    registerSecret(authKey);
    const account = `${this.origin}|${username}`;
    vrgLoginGuard.assertMayLogin(account, authKey, this.clock.now());
    const { loginPath } = await this.resolvedVersion();
    const sentAt = this.clock.now();
    let res: VrgResponse;
    try {
      res = await this.exchange(
        {
          method: "POST",
          path: loginPath,
          headers: { "x-auth-user": username, "x-auth-key": authKey },
          operation: "login",
          idempotent: true,
          auth: false,
        },
        undefined,
        true,
        (err) => lostLoginReply(err) ?? err,
      );
    } catch (err) {
      throw this.loginFailure(err, account, authKey, username);
    }
    const token = res.headers["x-auth-token"];
    if (!token) {
      throw new VendorError(`VRG ${this.origin} answered the login without an X-Auth-Token header`, {
        meta: { vendor: "vrg", operation: "login", httpStatus: res.status },
      });
    }
    registerSecret(token);
    vrgLoginGuard.recordSuccess(account);
    const info = loginWire.fromWire(res.body);
    const validityMs = info.validityMs && info.validityMs > 0 ? info.validityMs : TOKEN_VALIDITY_MS;
    const margin = Math.min(TOKEN_MARGIN_MS, validityMs / 10);
    return {
      token,
      vrgUuid: info.vrgUuid,
      validityMs,
      expiresAt: sentAt + validityMs,
      renewAt: sentAt + validityMs - margin,
    };
  }

  private loginFailure(err: unknown, account: string, authKey: string, username: string): unknown {
    if (!isDrplaneError(err, "DRP_AUTH")) return err;
    const code = err.meta.vendorCode;
    const wrapped = new AuthError(
      `VRG ${this.origin} refused the login of user ${username} (profile "${this.connection.profile}"): ${err.summary.replace(/^VRG login: /, "")}`,
      {
        cause: err,
        meta: {
          ...err.meta,
          remedy:
            err.meta.remedy ??
            "check the username and the password in stack config or the environment; not retried",
        },
      },
    );
    if (code === CODE.lockedNow || code === CODE.locked)
      vrgLoginGuard.recordLock(account, this.clock.now(), wrapped);
    else vrgLoginGuard.recordRejection(account, authKey, wrapped);
    return wrapped;
  }

  /**
   * DELETE /session (§3.1.3); best effort (a 10440205 "logout failed" is ignored). A token
   * past its validity is already gone on the VRG: nothing is sent.
   */
  async logout(session: VrgSession): Promise<void> {
    if (this.clock.now() >= session.expiresAt) return;
    await this.send(
      { method: "DELETE", path: "/session", operation: "logout", idempotent: true, auth: false },
      session.token,
    );
  }
}

/** A login whose reply was lost may have been judged: fail instead of trying the password again. */
function lostLoginReply(err: unknown): DrplaneError | undefined {
  if (!isDrplaneError(err, "DRP_TRANSIENT")) return undefined;
  if (err.meta.httpStatus !== undefined || err.meta.mayHaveReachedServer === false) return undefined;
  return new VendorError(
    `the VRG's answer to the login was lost (${err.summary}); not retried, because a wrong password counts towards the account lock`,
    { cause: err, meta: { ...err.meta, remedy: "run again" } },
  );
}
