/**
 * NSE authentication (reference A4): `POST /v2.1/auth/signin {username, password}` → records[0]
 * = {user, token}, a JWT (HS256, payload {username, exp} as the docs' samples); `POST
 * /v2.1/auth/refresh` with a valid Bearer token → the same shape with a new token;
 * `Authorization: Bearer <jwt>` on every other call. Lifetime on the simulator clock; a missing,
 * malformed, badly signed, expired or revoked token → 401 in the envelope.
 */
import { createHmac } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";
import { NseError } from "./envelope";
import type { UserRecord } from "./models";

const SECRET = "nse-sim-jwt-secret";

const b64url = (s: string | Buffer): string => Buffer.from(s).toString("base64url");

export function signJwt(payload: object): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** The payload of a well-signed JWT, or undefined. */
export function verifyJwt(token: string): { username: string; exp: number } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const expected = createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url");
  if (sig !== expected) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof payload["username"] !== "string" || typeof payload["exp"] !== "number") return undefined;
    return { username: payload["username"], exp: payload["exp"] };
  } catch {
    return undefined;
  }
}

export interface NseAuthCounters {
  signins: number;
  failedSignins: number;
  refreshes: number;
  /** Requests refused with 401 for their token. */
  rejectedTokens: number;
}

const unauthorized = (verbose: string): NseError =>
  new NseError(401, verbose, "Unauthorized.", { "www-authenticate": 'Bearer realm="nse"' });

export class TokenStore {
  readonly counters: NseAuthCounters = { signins: 0, failedSignins: 0, refreshes: 0, rejectedTokens: 0 };
  /** token → issue sequence; revocation drops every token issued before a mark. */
  private readonly issued = new Map<string, number>();
  private seq = 0;
  private revokedBelow = 0;
  private expireCountdown: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly users: Map<string, UserRecord>,
    public lifetimeMs: number,
  ) {}

  /** Checks the password; 401 when refused (never locks: the docs name no lockout). */
  signin(username: unknown, password: unknown): { user: UserRecord; token: string } {
    if (typeof username !== "string" || typeof password !== "string" || !username)
      throw new NseError(400, "username and password are required.");
    const user = this.users.get(username);
    if (!user || user.password !== password) {
      this.counters.failedSignins += 1;
      throw new NseError(401, "Invalid username or password.", "Authentication failed.");
    }
    this.counters.signins += 1;
    return { user, token: this.issue(user) };
  }

  refresh(user: UserRecord): string {
    this.counters.refreshes += 1;
    return this.issue(user);
  }

  private issue(user: UserRecord): string {
    const exp = Math.floor((this.clock.now() + this.lifetimeMs) / 1000);
    const token = signJwt({ username: user.username, exp });
    this.issued.set(token, ++this.seq);
    return token;
  }

  /** The caller of an `Authorization: Bearer` header, or a 401. */
  authenticate(header: string | undefined): UserRecord {
    if (this.expireCountdown !== undefined) {
      if (this.expireCountdown <= 0) {
        this.expireAll();
        this.expireCountdown = undefined;
      } else this.expireCountdown -= 1;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    if (!match) return this.reject("Missing bearer token.");
    const token = match[1]!;
    const payload = verifyJwt(token);
    const seq = this.issued.get(token);
    if (!payload || seq === undefined) return this.reject("Invalid token.");
    if (seq <= this.revokedBelow || this.clock.now() >= payload.exp * 1000)
      return this.reject("Token expired.");
    const user = this.users.get(payload.username);
    if (!user) return this.reject("Invalid token.");
    return user;
  }

  private reject(verbose: string): never {
    this.counters.rejectedTokens += 1;
    throw unauthorized(verbose);
  }

  /** Every token issued so far stops working at once. */
  expireAll(): void {
    this.revokedBelow = this.seq;
  }

  /** The next `n` authenticated requests pass; then every token issued so far expires. */
  expireAfter(n: number): void {
    this.expireCountdown = Math.max(0, n);
  }

  liveTokens(): number {
    let n = 0;
    for (const [token, seq] of this.issued) {
      const p = verifyJwt(token);
      if (p && seq > this.revokedBelow && this.clock.now() < p.exp * 1000) n += 1;
    }
    return n;
  }
}

/** The signin/refresh record (reference A4). */
export function signinRecord(user: UserRecord, token: string): object {
  const [first = user.username, last = ""] = user.username.split(/[-_.]/, 2);
  return {
    user: {
      id: user.id,
      username: user.username,
      firstName: first,
      lastName: last,
      displayName: user.username,
      email: `${user.username}@example.com`,
      tenancies: user.tenancies,
    },
    token,
  };
}
