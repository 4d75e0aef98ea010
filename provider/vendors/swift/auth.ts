/**
 * Authentication for Swift: Keystone v3 password auth scoped to a project (by id, or by name
 * + domain; the user by id, or by name + domain), with the storage URL taken from the
 * token's service catalog, and Swift v1.0 auth (tempauth) for development setups. Passwords
 * come only from core/credentials (stack config or DRPLANE_<PROFILE>_PASSWORD); every token
 * is registered for redaction. Knows nothing about Pulumi.
 */
import { call } from "../../core/call";
import { systemClock, type Clock } from "../../core/clock";
import { resolveCredentials } from "../../core/credentials";
import { AuthError, isDrplaneError, VendorError } from "../../core/errors";
import type { HttpEndpoint, TlsOptions } from "../../core/http";
import { log } from "../../core/log";
import { registerSecret } from "../../core/redact";
import { SWIFT_ERRORS } from "./errors";

export type SwiftAuthType = "keystone" | "tempauth";
export type EndpointInterface = "public" | "internal" | "admin";

/** Where a Swift account is and who we are there. Never a password. */
export interface SwiftConnection {
  /** Keystone: the v3 identity URL (…:5000/v3; "/v3" is added when missing). tempauth: …/auth/v1.0. */
  authUrl: string;
  authType: SwiftAuthType;
  /** Credential profile: the password comes from stack config or DRPLANE_<PROFILE>_PASSWORD. */
  profile: string;
  /** Keystone user name (with userDomainId/Name), or tempauth "account:user". */
  username?: string;
  /** Keystone user id (instead of username + domain). */
  userId?: string;
  userDomainId?: string;
  userDomainName?: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  /** Region of the object-store endpoint in the catalog (default: the first listed). */
  region?: string;
  /** Endpoint interface in the catalog (default "public"). */
  interface?: EndpointInterface;
  tls?: TlsOptions;
}

export interface SwiftToken {
  token: string;
  /** The account URL, e.g. http://127.0.0.1:8081/v1/AUTH_<project id>. */
  storageUrl: string;
  /** Clock time the login was sent (on the client's injected Clock). */
  issuedAt: number;
  /** Clock time the token expires (same clock); undefined when the server did not say. */
  expiresAt?: number;
  authType: SwiftAuthType;
}

/** Concurrent requests per Swift/Keystone origin, process-wide (SLO pools share it). */
export const SWIFT_ENDPOINT_CONCURRENCY = 16;

export function keystoneTokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, "");
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

function endpointOf(url: string, tls: TlsOptions | undefined): HttpEndpoint {
  return { baseUrl: new URL(url).origin, tls, concurrency: SWIFT_ENDPOINT_CONCURRENCY };
}

/** A human label for the identity, for messages (never the password). */
export function describeIdentity(conn: SwiftConnection): string {
  if (conn.authType === "tempauth") return `tempauth user ${conn.username ?? "(from profile)"}`;
  const user = conn.userId
    ? `user id ${conn.userId}`
    : `user ${conn.username ?? "(from profile)"}@${conn.userDomainId ?? conn.userDomainName ?? "?"}`;
  const project = conn.projectId
    ? `project id ${conn.projectId}`
    : `project ${conn.projectName}@${conn.projectDomainId ?? conn.projectDomainName ?? "?"}`;
  return `${user}, ${project}`;
}

/**
 * Logs in with the connection's auth type. A refused password is never retried. Token times
 * are on `clock` (a ManualClock test can age a token).
 */
export async function login(conn: SwiftConnection, clock: Clock = systemClock): Promise<SwiftToken> {
  log.debug("swift", `logging in (${conn.authType}, ${describeIdentity(conn)}) at ${conn.authUrl}`);
  try {
    const token =
      conn.authType === "tempauth" ? await tempauthLogin(conn, clock) : await keystoneLogin(conn, clock);
    const ttl = token.expiresAt ? `${Math.round((token.expiresAt - clock.now()) / 1000)} s` : "unknown";
    log.debug("swift", `logged in (${conn.authType}, ${describeIdentity(conn)}; token valid ${ttl})`);
    return token;
  } catch (err) {
    if (isDrplaneError(err, "DRP_AUTH") && err.meta.httpStatus === 401) {
      throw new AuthError(
        `${conn.authType === "tempauth" ? "tempauth" : "Keystone"} at ${conn.authUrl} rejected the credentials of profile "${conn.profile}" (${describeIdentity(conn)})`,
        {
          cause: err,
          meta: {
            ...err.meta,
            property: "connection.profile",
            remedy:
              "check the user, domain and project inputs and the profile's password in stack config or the environment; not retried",
          },
        },
      );
    }
    throw err;
  }
}

async function tempauthLogin(conn: SwiftConnection, clock: Clock): Promise<SwiftToken> {
  const { username, password } = resolveCredentials(conn.profile, conn.username);
  const issuedAt = clock.now();
  const res = await call(endpointOf(conn.authUrl, conn.tls), {
    method: "GET",
    path: conn.authUrl,
    headers: { "x-auth-user": username, "x-auth-key": password },
    operation: "login",
    target: conn.authUrl,
    idempotent: true,
    errors: SWIFT_ERRORS,
    retry: { clock },
  });
  const token = res.headers["x-auth-token"] ?? res.headers["x-storage-token"];
  const storageUrl = res.headers["x-storage-url"];
  if (!token || !storageUrl) {
    throw new VendorError(`tempauth at ${conn.authUrl} answered without X-Auth-Token / X-Storage-Url`, {
      meta: { vendor: "swift", operation: "login", httpStatus: res.status },
    });
  }
  registerSecret(token);
  const ttl = Number(res.headers["x-auth-token-expires"]);
  return {
    token,
    storageUrl: storageUrl.replace(/\/+$/, ""),
    issuedAt,
    ...(Number.isFinite(ttl) && ttl > 0 ? { expiresAt: issuedAt + ttl * 1000 } : {}),
    authType: "tempauth",
  };
}

interface CatalogEndpoint {
  url: string;
  interface: string;
  region_id?: string;
  region?: string;
}
interface KeystoneTokenBody {
  token?: {
    expires_at?: string;
    catalog?: Array<{ type: string; name?: string; endpoints?: CatalogEndpoint[] }>;
  };
}

function keystoneAuthBody(conn: SwiftConnection, username: string, password: string): unknown {
  const domain = (id?: string, name?: string) => (id ? { id } : { name });
  const user = conn.userId
    ? { id: conn.userId, password }
    : { name: username, domain: domain(conn.userDomainId, conn.userDomainName), password };
  const project = conn.projectId
    ? { id: conn.projectId }
    : { name: conn.projectName, domain: domain(conn.projectDomainId, conn.projectDomainName) };
  return {
    auth: { identity: { methods: ["password"], password: { user } }, scope: { project } },
  };
}

async function keystoneLogin(conn: SwiftConnection, clock: Clock): Promise<SwiftToken> {
  const { username, password } = resolveCredentials(conn.profile, conn.userId ?? conn.username);
  const url = keystoneTokensUrl(conn.authUrl);
  const issuedAt = clock.now();
  // A password grant creates nothing that a repeat could duplicate: retried like a read.
  const res = await call<KeystoneTokenBody>(endpointOf(url, conn.tls), {
    method: "POST",
    path: url,
    body: keystoneAuthBody(conn, username, password),
    operation: "login",
    target: url,
    idempotent: true,
    errors: SWIFT_ERRORS,
    retry: { clock },
  });
  const token = res.headers["x-subject-token"];
  if (!token) {
    throw new VendorError(`Keystone at ${url} answered ${res.status} without X-Subject-Token`, {
      meta: { vendor: "swift", operation: "login", httpStatus: res.status },
    });
  }
  registerSecret(token);
  // expires_at is wall time on Keystone's clock: its lifetime, measured against Keystone's own
  // Date header (else our wall clock), is counted on the injected clock from the login.
  const expires = Date.parse(res.body?.token?.expires_at ?? "");
  const serverNow = Date.parse(res.headers.date ?? "");
  const lifeMs = expires - (Number.isFinite(serverNow) ? serverNow : Date.now());
  return {
    token,
    storageUrl: objectStoreUrl(conn, res.body),
    issuedAt,
    ...(Number.isFinite(lifeMs) ? { expiresAt: issuedAt + lifeMs } : {}),
    authType: "keystone",
  };
}

/** catalog[type=object-store].endpoints[interface, region].url; never built from the project id. */
function objectStoreUrl(conn: SwiftConnection, body: KeystoneTokenBody | undefined): string {
  const iface = conn.interface ?? "public";
  const all = (body?.token?.catalog ?? [])
    .filter((s) => s.type === "object-store")
    .flatMap((s) => s.endpoints ?? []);
  const match = all.find(
    (e) => e.interface === iface && (!conn.region || e.region_id === conn.region || e.region === conn.region),
  );
  if (!match) {
    const seen = all.map((e) => `${e.interface}@${e.region_id ?? e.region ?? "?"}`).join(", ") || "none";
    throw new VendorError(
      `the Keystone catalog has no object-store endpoint for interface ${iface}${conn.region ? ` in region ${conn.region}` : ""}`,
      {
        meta: {
          vendor: "swift",
          operation: "login",
          property: conn.region ? "connection.region" : "connection.interface",
          vendorCause: `object-store endpoints in the catalog: ${seen}`,
          remedy: "set connection.region / connection.interface to one that is listed",
        },
      },
    );
  }
  return match.url.replace(/\/+$/, "");
}
