/**
 * Authentication (reference §1.2 and §2):
 * - v4 OAuth SSO: `POST /ovirt-engine/sso/oauth/token` (form: grant_type=password, scope
 *   ovirt-app-api, username, password) → `{access_token, scope, exp, token_type}`; then
 *   `Authorization: Bearer`. An expired or revoked token gets 401. Logout:
 *   `POST /ovirt-engine/services/sso-logout` (form token=..).
 * - Basic (`user@domain:password`) on every request, or once with `Prefer: persistent-auth`,
 *   which opens a session: `Set-Cookie: JSESSIONID=..`. Later requests send the cookie and
 *   `Prefer: persistent-auth`; a request with the cookie but without `Prefer` closes the session
 *   after it is answered (the v3 SDK's logout). Optional `Session-TTL: <minutes>`.
 * Token and session lifetimes are idle lifetimes on the simulator clock.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";
import { SimHttpError, type SimRequest, type SimResponse, type SimServer } from "../framework";

export interface AuthCounters {
  ssoLogins: number;
  basicLogins: number;
  failedLogins: number;
  tokensRevoked: number;
  tokensExpired: number;
  sessionsCreated: number;
  sessionsClosed: number;
  sessionsExpired: number;
}

interface TokenRecord {
  user: string;
  lastUsed: number;
  dead?: "revoked" | "expired";
}

interface SessionRecord {
  user: string;
  lastUsed: number;
  ttlMs: number;
  dead?: "closed" | "expired";
}

/** Who made a request, and what the router must do with the session afterwards. */
export interface Caller {
  user: string;
  via: "bearer" | "session" | "basic";
  setCookie?: string;
  /** Session to close once the request is answered (cookie without `Prefer: persistent-auth`). */
  closeSession?: string;
}

export const UNAUTHORIZED: SimResponse = {
  status: 401,
  headers: { "WWW-Authenticate": 'Basic realm="RESTAPI"' },
};

export class AuthStore {
  readonly counters: AuthCounters = {
    ssoLogins: 0,
    basicLogins: 0,
    failedLogins: 0,
    tokensRevoked: 0,
    tokensExpired: 0,
    sessionsCreated: 0,
    sessionsClosed: 0,
    sessionsExpired: 0,
  };
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private expireAfter: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly users: Record<string, string>,
    private readonly tokenTtlMs: number,
    private readonly sessionTtlMs: number,
    /** Called on each successful login (the engine logs event 30). */
    private readonly onLogin: (user: string) => void,
  ) {}

  checkPassword(user: string, password: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.users, user) && this.users[user] === password;
  }

  issueToken(user: string): string {
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { user, lastUsed: this.clock.now() });
    this.counters.ssoLogins += 1;
    this.onLogin(user);
    return token;
  }

  revokeToken(token: string): boolean {
    const t = this.tokens.get(token);
    if (!t || t.dead) return false;
    t.dead = "revoked";
    this.counters.tokensRevoked += 1;
    return true;
  }

  /** Every live token expires now (the next Bearer request gets 401). */
  expireAllTokens(): void {
    for (const t of this.tokens.values())
      if (!t.dead) {
        t.dead = "expired";
        this.counters.tokensExpired += 1;
      }
  }

  /** Every live token expires after `n` more Bearer-authenticated requests ("mid-operation"). */
  expireTokensAfter(n: number): void {
    this.expireAfter = Math.max(0, n);
    if (this.expireAfter === 0) {
      this.expireAfter = undefined;
      this.expireAllTokens();
    }
  }

  liveTokens(): number {
    this.sweep();
    return [...this.tokens.values()].filter((t) => !t.dead).length;
  }

  liveSessions(): number {
    this.sweep();
    return [...this.sessions.values()].filter((s) => !s.dead).length;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const t of this.tokens.values())
      if (!t.dead && now - t.lastUsed >= this.tokenTtlMs) {
        t.dead = "expired";
        this.counters.tokensExpired += 1;
      }
    for (const s of this.sessions.values())
      if (!s.dead && now - s.lastUsed >= s.ttlMs) {
        s.dead = "expired";
        this.counters.sessionsExpired += 1;
      }
  }

  /** Authenticates an API request; throws 401 (empty body) when it cannot. */
  authenticate(req: SimRequest, bearerAllowed: boolean): Caller {
    this.sweep();
    const now = this.clock.now();
    const authz = req.headers["authorization"] ?? "";
    const persistent = /persistent-auth/i.test(req.headers["prefer"] ?? "");
    const bearer = /^Bearer\s+(\S+)$/i.exec(authz);
    if (bearer) {
      const t = bearerAllowed ? this.tokens.get(bearer[1]!) : undefined;
      if (!t || t.dead) throw new SimHttpError(401, undefined, { "WWW-Authenticate": "Bearer" });
      t.lastUsed = now;
      if (this.expireAfter !== undefined) {
        this.expireAfter -= 1;
        if (this.expireAfter <= 0) {
          this.expireAfter = undefined;
          this.expireAllTokens(); // this request passes; the next one finds its token expired
        }
      }
      return { user: t.user, via: "bearer" };
    }
    const sessionId = /(?:^|;\s*)JSESSIONID=([^;]+)/.exec(req.headers["cookie"] ?? "")?.[1];
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (sessionId && session && !session.dead) {
      session.lastUsed = now;
      return persistent
        ? { user: session.user, via: "session" }
        : { user: session.user, via: "session", closeSession: sessionId };
    }
    const basic = /^Basic\s+(\S+)$/i.exec(authz);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? "" : decoded.slice(colon + 1);
      if (!this.checkPassword(user, password)) {
        this.counters.failedLogins += 1;
        throw new SimHttpError(401, undefined, UNAUTHORIZED.headers);
      }
      this.counters.basicLogins += 1;
      if (!persistent) return { user, via: "basic" };
      const id = randomBytes(18).toString("hex");
      const ttlHeader = Number(req.headers["session-ttl"]);
      const ttlMs = Number.isFinite(ttlHeader) && ttlHeader > 0 ? ttlHeader * 60_000 : this.sessionTtlMs;
      this.sessions.set(id, { user, lastUsed: now, ttlMs });
      this.counters.sessionsCreated += 1;
      this.onLogin(user);
      return { user, via: "basic", setCookie: id };
    }
    throw new SimHttpError(401, undefined, UNAUTHORIZED.headers);
  }

  closeSession(id: string): void {
    const s = this.sessions.get(id);
    if (s && !s.dead) {
      s.dead = "closed";
      this.counters.sessionsClosed += 1;
    }
  }

  /** Every live v3/Basic session ends now. */
  expireAllSessions(): void {
    for (const s of this.sessions.values())
      if (!s.dead) {
        s.dead = "expired";
        this.counters.sessionsExpired += 1;
      }
  }
}

function ssoError(code: string, message: string): SimResponse {
  return { status: 400, body: { error_code: code, error: message } };
}

/** `/ovirt-engine/sso/oauth/token` and `/ovirt-engine/services/sso-logout` (modes with SSO). */
export function installSsoRoutes(server: SimServer, auth: AuthStore, enabled: () => boolean): void {
  server.route("POST", "/ovirt-engine/sso/oauth/token", (req) => {
    if (!enabled()) return { status: 404 };
    const form = new URLSearchParams(req.rawBody.toString("utf8"));
    const grant = form.get("grant_type");
    if (!grant) return ssoError("invalid_request", "No grant_type found in request.");
    if (grant !== "password")
      return ssoError("unsupported_grant_type", `The grant type ${grant} is not supported.`);
    const scope = form.get("scope") ?? "";
    if (!scope.split(/\s+/).includes("ovirt-app-api"))
      return ssoError("invalid_scope", `The scope '${scope}' is not valid for the client.`);
    const user = form.get("username") ?? "";
    const password = form.get("password") ?? "";
    if (!auth.checkPassword(user, password)) {
      auth.counters.failedLogins += 1;
      return ssoError(
        "access_denied",
        `Cannot authenticate user '${user}': The username or password is incorrect..`,
      );
    }
    const token = auth.issueToken(user);
    return {
      status: 200,
      body: { access_token: token, scope, exp: "9223372036854775807", token_type: "bearer" },
    };
  });
  server.route("POST", "/ovirt-engine/services/sso-logout", (req) => {
    if (!enabled()) return { status: 404 };
    const form = new URLSearchParams(req.rawBody.toString("utf8"));
    auth.revokeToken(form.get("token") ?? "");
    return { status: 200, body: {} };
  });
}
