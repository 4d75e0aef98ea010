/**
 * NSE authentication (reference Part A4): `POST /v2.1/auth/signin` with `{username, password}`
 * answers the envelope with `result.records[0] = {user, token}`, a JWT sent as
 * `Authorization: Bearer <jwt>` (the header is UNCONFIRMED: the docs say "JWT Bearer"). The
 * token's lifetime is undocumented, so it is read from the JWT's `exp` (lifetime `exp - iat`,
 * else `exp` against the client's clock) and the token is renewed
 * shortly before it with `POST /v2.1/auth/refresh` (no body, the current token; same answer).
 * A refused password is never sent again in this process (`nseLoginGuard`, core/login-guard);
 * passwords and tokens are registered with core/redact. No sign-out is documented: a token is
 * simply dropped.
 */
import { call } from "../../core/call";
import type { Clock } from "../../core/clock";
import { resolveCredentials } from "../../core/credentials";
import { AuthError, isDrplaneError, VendorError } from "../../core/errors";
import type { HttpEndpoint } from "../../core/http";
import { LoginGuard } from "../../core/login-guard";
import { registerSecret } from "../../core/redact";
import { NSE_ERRORS } from "./errors";

export const SIGNIN_PATH = "/v2.1/auth/signin";
export const REFRESH_PATH = "/v2.1/auth/refresh";
/** A token is renewed this close to its expiry (or at 90 % of a shorter lifetime). */
export const TOKEN_MARGIN_MS = 60_000;

/** NSE may lock accounts after failed sign-ins (policy undocumented): a refused password is sent once. */
export const nseLoginGuard = new LoginGuard("nse");

/** Forget every refusal (tests). */
export function resetNseLoginGuard(): void {
  nseLoginGuard.reset();
}

/** What a sign-in needs to know about the client. */
export interface AuthTarget {
  endpoint: HttpEndpoint;
  origin: string;
  basePath: string;
  profile: string;
  username?: string;
  clock: Clock;
}

/** A signed-in token; `renewAt`/`expiresAt` are on the client's injected clock (undefined: unknown). */
export interface NseToken {
  token: string;
  /** The user the token belongs to (for messages). */
  username: string;
  issuedAt: number;
  expiresAt?: number;
  renewAt?: number;
}

/** The JWT's payload claims (`exp`, `iat` in seconds); undefined when the token is no JWT. */
export function jwtClaims(token: string): { exp?: number; iat?: number } | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    return { exp: num(payload.exp), iat: num(payload.iat) };
  } catch {
    return undefined;
  }
}

/**
 * The token's lifetime in ms from the moment it was issued: `exp - iat` when the token says
 * when it was issued, else `exp` against `now` (the client's clock, which is wall time in
 * production; NSE's JWT `exp` is wall time in seconds, so a skewed clock renews early or meets
 * a 401 and signs in again). Undefined when the token carries no `exp` or the reading is
 * absurd (not positive).
 */
export function tokenLifetimeMs(token: string, now: number): number | undefined {
  const claims = jwtClaims(token);
  if (claims?.exp === undefined) return undefined;
  const ms = claims.iat !== undefined ? (claims.exp - claims.iat) * 1000 : claims.exp * 1000 - now;
  return ms > 0 ? ms : undefined;
}

/** The token from a sign-in or refresh answer: `result.records[0].token` (or `result.token`). */
export function tokenOf(body: unknown): string | undefined {
  const result = (body as { result?: unknown } | undefined)?.result as Record<string, unknown> | undefined;
  const records = result?.records;
  const first = Array.isArray(records) ? (records[0] as Record<string, unknown> | undefined) : result;
  const token = first?.token;
  return typeof token === "string" && token ? token : undefined;
}

function tokenFrom(
  t: AuthTarget,
  body: unknown,
  username: string,
  sentAt: number,
  op: string,
  status: number,
): NseToken {
  const token = tokenOf(body);
  if (!token) {
    throw new VendorError(`NSE ${t.origin} answered ${op} without a token (result.records[0].token)`, {
      meta: { vendor: "nse", operation: op, httpStatus: status },
    });
  }
  registerSecret(token);
  const lifeMs = tokenLifetimeMs(token, sentAt);
  if (lifeMs === undefined) return { token, username, issuedAt: sentAt };
  const margin = Math.min(TOKEN_MARGIN_MS, lifeMs / 10);
  return { token, username, issuedAt: sentAt, expiresAt: sentAt + lifeMs, renewAt: sentAt + lifeMs - margin };
}

/** Wraps a refusal with who was refused and remembers it (never a transient failure). */
function refused(t: AuthTarget, err: unknown, account: string, password: string, user: string): unknown {
  if (!isDrplaneError(err, "DRP_AUTH")) return err;
  const wrapped = new AuthError(
    `NSE ${t.origin} refused the sign-in of user ${user} (profile "${t.profile}"): ${err.summary.replace(/^NSE login: /, "")}`,
    {
      cause: err,
      meta: {
        ...err.meta,
        remedy:
          "check the username and the password in stack config or the environment; this password is not sent again in this run",
      },
    },
  );
  nseLoginGuard.recordRejection(account, password, wrapped);
  return wrapped;
}

/** `POST /v2.1/auth/signin` (operation "login": a 401 here is a refusal, never a stale session). */
export async function signin(t: AuthTarget): Promise<NseToken> {
  const { username, password } = resolveCredentials(t.profile, t.username);
  const account = `${t.origin}${t.basePath}|${username}`;
  nseLoginGuard.assertMayLogin(account, password, t.clock.now());
  const sentAt = t.clock.now();
  try {
    // A sign-in creates nothing a repeat could duplicate: retried on 5xx like a read.
    const res = await call(t.endpoint, {
      method: "POST",
      path: t.basePath + SIGNIN_PATH,
      headers: { accept: "application/json", "content-type": "application/json" },
      body: { username, password },
      operation: "login",
      idempotent: true,
      errors: NSE_ERRORS,
      retry: { clock: t.clock },
    });
    const token = tokenFrom(t, res.body, username, sentAt, "login", res.status);
    nseLoginGuard.recordSuccess(account);
    return token;
  } catch (err) {
    throw refused(t, err, account, password, username);
  }
}

/**
 * `POST /v2.1/auth/refresh` with the current token: a new token of the same user. A 401 (the
 * token is no longer valid) propagates, and the session layer signs in again once.
 */
export async function refreshToken(t: AuthTarget, current: NseToken): Promise<NseToken> {
  const sentAt = t.clock.now();
  const res = await call(t.endpoint, {
    method: "POST",
    path: t.basePath + REFRESH_PATH,
    headers: { accept: "application/json", authorization: `Bearer ${current.token}` },
    operation: "refreshToken",
    idempotent: true,
    errors: NSE_ERRORS,
    retry: { clock: t.clock },
  });
  return tokenFrom(t, res.body, current.username, sentAt, "refreshToken", res.status);
}
