/**
 * oVirt / RHEV authentication (reference §1.2, §2). v4: OAuth password grant at
 * `POST /ovirt-engine/sso/oauth/token` (form body, `scope=ovirt-app-api`), then
 * `Authorization: Bearer`; there is no refresh, an expired token answers 401 and the session
 * layer logs in once more; logout is `POST /ovirt-engine/services/sso-logout`. SSO errors come as
 * `{error_code, error}` or `{error, error_description}` (errors.ts reads both). v3 (RHEV 3.6, no
 * SSO): Basic with `Prefer: persistent-auth` on a GET of the API root, which answers the root
 * (its product version) and a `JSESSIONID` cookie; later requests send the cookie and `Prefer`;
 * a request without `Prefer` ends the session (the logout). Passwords, Basic headers and tokens
 * are registered with core/redact; a refused password is never sent again (login-guard.ts).
 */
import type { Clock } from "../../core/clock";
import { call } from "../../core/call";
import { resolveCredentials } from "../../core/credentials";
import { AuthError, isDrplaneError, VendorError } from "../../core/errors";
import type { HttpEndpoint } from "../../core/http";
import { registerSecret } from "../../core/redact";
import { obj, str } from "./codec";
import { OVIRT_ERRORS, ovirtHttpError, readFault } from "./errors";
import { ovirtLoginGuard } from "./login-guard";

export const SSO_TOKEN_PATH = "/ovirt-engine/sso/oauth/token";
export const SSO_LOGOUT_PATH = "/ovirt-engine/services/sso-logout";
export const SSO_SCOPE = "ovirt-app-api";

/** What a login needs to know about the client. */
export interface AuthTarget {
  endpoint: HttpEndpoint;
  origin: string;
  profile: string;
  username?: string;
  clock: Clock;
}

export type OvirtSession =
  | { kind: "bearer"; token: string }
  /** v3: the session cookie (absent when the engine set none: Basic is sent on every call). */
  | { kind: "cookie"; cookie?: string; basic: string; root: unknown };

function form(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

/** Wraps a refusal with who was refused, and remembers it (never for a transient failure). */
function refused(t: AuthTarget, err: unknown, account: string, password: string, user: string): unknown {
  if (!isDrplaneError(err, "DRP_AUTH")) return err;
  const wrapped = new AuthError(
    `oVirt ${t.origin} refused the login of user ${user} (profile "${t.profile}"): ${err.summary.replace(/^oVirt login: /, "")}`,
    {
      cause: err,
      meta: {
        ...err.meta,
        remedy:
          "check the username (user@domain, e.g. admin@internal) and the password in stack config or the environment; not retried",
      },
    },
  );
  ovirtLoginGuard.recordRejection(account, password, wrapped);
  return wrapped;
}

/** The OAuth password grant (v4). A 404 means the engine has no SSO (RHEV 3.6). */
export async function oauthLogin(t: AuthTarget): Promise<OvirtSession> {
  const { username, password } = resolveCredentials(t.profile, t.username);
  const account = `${t.origin}|${username}`;
  ovirtLoginGuard.assertMayLogin(account, password, t.clock.now());
  let body: unknown;
  try {
    const res = await call(t.endpoint, {
      method: "POST",
      path: SSO_TOKEN_PATH,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: () => form({ grant_type: "password", scope: SSO_SCOPE, username, password }),
      operation: "login",
      idempotent: true,
      errors: OVIRT_ERRORS,
      retry: { clock: t.clock },
    });
    body = res.body;
    const token = str(obj(body)?.access_token);
    if (!token) {
      // Some SSO versions answer a refusal with 200 and an error body.
      if (readFault(body)) throw ovirtHttpError("login", 400, body);
      throw new VendorError(`oVirt ${t.origin} answered the SSO login without an access_token`, {
        meta: { vendor: "ovirt", operation: "login", httpStatus: res.status },
      });
    }
    registerSecret(token);
    ovirtLoginGuard.recordSuccess(account);
    return { kind: "bearer", token };
  } catch (err) {
    throw refused(t, err, account, password, username);
  }
}

/** The v3 login: GET of the API root at `base` with Basic and `Prefer: persistent-auth`. */
export async function basicLogin(t: AuthTarget, base: string): Promise<OvirtSession> {
  const { username, password } = resolveCredentials(t.profile, t.username);
  const account = `${t.origin}|${username}`;
  ovirtLoginGuard.assertMayLogin(account, password, t.clock.now());
  const basic = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
  registerSecret(basic.slice("Basic ".length));
  try {
    const res = await call(t.endpoint, {
      method: "GET",
      path: base,
      headers: { authorization: basic, prefer: "persistent-auth", version: "3", accept: "application/json" },
      operation: "login",
      idempotent: true,
      errors: OVIRT_ERRORS,
      retry: { clock: t.clock },
    });
    const cookie = /JSESSIONID=([^;,\s]+)/.exec(res.headers["set-cookie"] ?? "")?.[1];
    if (cookie) registerSecret(cookie);
    ovirtLoginGuard.recordSuccess(account);
    return { kind: "cookie", basic, root: res.body, ...(cookie ? { cookie: `JSESSIONID=${cookie}` } : {}) };
  } catch (err) {
    throw refused(t, err, account, password, username);
  }
}

/** The headers that authenticate one request of a session. */
export function authHeaders(s: OvirtSession): Record<string, string> {
  if (s.kind === "bearer") return { authorization: `Bearer ${s.token}` };
  return s.cookie ? { cookie: s.cookie, prefer: "persistent-auth" } : { authorization: s.basic };
}

/**
 * Ends a session, best effort: v4 revokes the token at the SSO; v3 sends one request without
 * `Prefer: persistent-auth`, which closes the engine's session.
 */
export async function logoutSession(t: AuthTarget, base: string, s: OvirtSession): Promise<void> {
  if (s.kind === "bearer") {
    await call(t.endpoint, {
      method: "POST",
      path: SSO_LOGOUT_PATH,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form({ scope: SSO_SCOPE, token: s.token }),
      operation: "logout",
      idempotent: true,
      errors: OVIRT_ERRORS,
      retry: { clock: t.clock, maxAttempts: 2 },
    });
    return;
  }
  if (!s.cookie) return;
  await call(t.endpoint, {
    method: "GET",
    path: base,
    headers: { cookie: s.cookie, version: "3", accept: "application/json" },
    operation: "logout",
    idempotent: true,
    errors: OVIRT_ERRORS,
    retry: { clock: t.clock, maxAttempts: 2 },
  });
}
