/**
 * Hitachi Configuration Manager REST client (embedded flavour, base path
 * /ConfigurationManager): API version gate, sessions (Basic login → `Session <token>`,
 * always discarded), authenticated calls with `Authorization` and `Remote-Authorization`,
 * and `getJob` (job waits: jobs.ts `waitForHitachiJob` on core/poll). Knows nothing about Pulumi.
 */
import { systemClock, type Clock } from "../../core/clock";
import { resolveCredentials } from "../../core/credentials";
import { call, type VendorRequest } from "../../core/call";
import { AuthError, InputError, isDrplaneError, TransientError, VendorError } from "../../core/errors";
import type { HttpEndpoint, TlsOptions } from "../../core/http";
import { processWide } from "../../core/process-state";
import { registerSecret } from "../../core/redact";
import type { RetryOptions } from "../../core/retry";
import { rejectedBy401, sessionKey, withSession, type SessionHooks } from "../../core/session";
import { HITACHI_ERRORS } from "./errors";
import type { HitachiJob } from "./jobs";

export const BASE_PATH = "/ConfigurationManager";
/** The seed's sample requires API version 1.3.x or newer (seed 000, step 4). */
export const MIN_API_VERSION: [number, number] = [1, 3];

export interface HitachiConnection {
  /** https://host[:port] of the REST server (GUM/SVP for the embedded API). */
  endpoint: string;
  /** Credential profile: its password comes from stack config or DRPLANE_<PROFILE>_PASSWORD. */
  profile: string;
  username?: string;
  tls?: TlsOptions;
  /** Session idle timeout asked for at login, 1..300 s (default 300; ≥ 60 for remote sessions). */
  aliveTimeSeconds?: number;
}

export interface HitachiSession {
  token: string;
  sessionId: number;
}

/** GET/DELETE-by-id are idempotent and retried on transient failures; POSTs are not. */
export interface CallOptions extends VendorRequest {
  session?: HitachiSession;
  remoteSession?: HitachiSession;
  /** Options of the retry site of an idempotent call (deadline, progress on retry…). */
  retry?: Omit<RetryOptions, "clock">;
}

export interface SessionOptions {
  /**
   * Clock time until which a login refused with 503 (the 64-session cap, or busy) is retried
   * with backoff. Without it, the default attempt cap applies.
   */
  deadline?: number;
  onProgress?: (message: string) => void;
}

/** Clock time of the last call we made with a session (shared by every client). */
const lastUse = new WeakMap<HitachiSession, number>();
/**
 * Sessions left for the array to expire: not logged out on release, because a job we started
 * may still need them. `byJob` lets a later flow in the same process log one out once it has
 * seen that job complete (key: local endpoint + job id).
 */
const left = processWide("hitachi.sessionsLeftForJobs", () => ({
  abandoned: new WeakSet<HitachiSession>(),
  byJob: new Map<string, { client: HitachiClient; session: HitachiSession }>(),
}));
/** Which session's `Authorization` an array rejected with 401 (to replace only that one). */
const rejectedSession = new WeakMap<object, string>();

/** Network failures that mean the server (or something between) dropped the connection. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && !code.startsWith("DRP_")) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export class HitachiClient {
  readonly endpoint: HttpEndpoint;

  constructor(
    readonly connection: HitachiConnection,
    readonly clock: Clock = systemClock,
  ) {
    this.endpoint = { baseUrl: connection.endpoint, tls: connection.tls, concurrency: 8 };
  }

  get sessionKey(): string {
    return sessionKey("hitachi", this.connection.endpoint, this.connection.profile, this.connection.username);
  }

  /** One HTTP call through the core call path (HITACHI_ERRORS; retried when idempotent). */
  async call<T>(opts: CallOptions): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.session) headers.authorization = `Session ${opts.session.token}`;
    if (opts.remoteSession) headers["remote-authorization"] = `Session ${opts.remoteSession.token}`;
    const { session } = opts;
    return call<T>(this.endpoint, {
      method: opts.method,
      path: BASE_PATH + opts.path,
      query: opts.query,
      body: opts.body,
      headers,
      timeoutMs: opts.timeoutMs,
      operation: opts.operation,
      idempotent: opts.idempotent,
      errors: HITACHI_ERRORS,
      retry: { ...opts.retry, clock: this.clock },
      onResponse: (status) => {
        if (session && status !== 401) lastUse.set(session, this.clock.now());
      },
      mapError: (err) => {
        if (session && isDrplaneError(err, "DRP_AUTH") && err.meta.httpStatus === 401)
          rejectedSession.set(err, session.token);
        return this.describeNetworkError(err, opts.operation);
      },
    });
  }

  /** "connection reset by <endpoint> during <operation>" instead of a bare socket code. */
  private describeNetworkError(err: unknown, operation: string): unknown {
    const code = networkCode(err);
    if (!isDrplaneError(err, "DRP_TRANSIENT") || !code || !RESET_CODES.has(code)) return err;
    return new TransientError(
      `connection reset by ${new URL(this.connection.endpoint).origin} during ${operation} (${code})`,
      { cause: err, meta: err.meta },
    );
  }

  /** GET configuration/version, checked against the seed's minimum (1.3). */
  async apiVersion(): Promise<string> {
    const res = await this.call<{ apiVersion?: string }>({
      method: "GET",
      path: "/configuration/version",
      operation: "getApiVersion",
      idempotent: true,
    });
    const version = res.body?.apiVersion;
    if (typeof version !== "string") {
      throw new VendorError(`Hitachi ${this.connection.endpoint} returned no apiVersion`, {
        meta: { vendor: "hitachi", operation: "getApiVersion" },
      });
    }
    const [major = 0, minor = 0] = version.split(".").map((n) => Number.parseInt(n, 10));
    const [reqMajor, reqMinor] = MIN_API_VERSION;
    if (major < reqMajor || (major === reqMajor && minor < reqMinor)) {
      throw new InputError(
        `Hitachi REST API at ${this.connection.endpoint} is version ${version}; remote storage registration needs ${reqMajor}.${reqMinor}.x or newer`,
        {
          meta: {
            vendor: "hitachi",
            operation: "getApiVersion",
            remedy: "upgrade Configuration Manager / the array microcode",
          },
        },
      );
    }
    return version;
  }

  private sessionHooks(opts: SessionOptions): SessionHooks<HitachiSession> {
    return {
      login: () => this.login(opts),
      logout: (s) => (left.abandoned.has(s) ? Promise.resolve() : this.logout(s)),
      lingerMs: 0,
    };
  }

  /**
   * Creates a session with Basic auth. A rejected password is never retried. A 503 (the array
   * at its 64-session cap, or busy) is waited out with backoff until `opts.deadline`.
   */
  async login(opts: SessionOptions = {}): Promise<HitachiSession> {
    const { username, password } = resolveCredentials(this.connection.profile, this.connection.username);
    const basic = Buffer.from(`${username}:${password}`).toString("base64");
    registerSecret(basic);
    const res = await this.createSession(basic, opts).catch((err: unknown) => {
      if (isDrplaneError(err, "DRP_AUTH")) {
        throw new AuthError(
          `Hitachi ${this.connection.endpoint} rejected the credentials of profile "${this.connection.profile}" (user ${username})`,
          {
            cause: err,
            meta: {
              ...err.meta,
              remedy: "check the username and the password in stack config or the environment; not retried",
            },
          },
        );
      }
      throw err;
    });
    registerSecret(res.body.token);
    const session = { token: res.body.token, sessionId: res.body.sessionId };
    lastUse.set(session, this.clock.now());
    return session;
  }

  /**
   * POST sessions, one retry site: transient failures get the usual few retries; a 503 (the
   * 64-session cap, or busy) is waited out past them with backoff until `opts.deadline`,
   * with a progress line.
   */
  private async createSession(basic: string, opts: SessionOptions): Promise<{ body: HitachiSession }> {
    const origin = new URL(this.connection.endpoint).origin;
    let reported: number | undefined;
    const report = (delayMs: number) => {
      const now = this.clock.now();
      if (reported !== undefined && now - reported < 60_000) return;
      reported = now;
      const left =
        opts.deadline !== undefined ? `, for up to ${Math.round((opts.deadline - now) / 1000)} s more` : "";
      opts.onProgress?.(
        `${origin} is at its session limit (HTTP 503 on login); waiting ${Math.max(1, Math.round(delayMs / 1000))} s and trying again${left}`,
      );
    };
    return this.call<HitachiSession>({
      method: "POST",
      path: "/v1/objects/sessions",
      body: { aliveTime: this.aliveTimeSeconds },
      headers: { authorization: `Basic ${basic}` },
      operation: "login",
      // No side effect worth protecting; a 401 is an AuthError and is never retried.
      idempotent: true,
      retry: {
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
        untilDeadline: (err) => err.meta.httpStatus === 503,
        onRetry: (err, _attempt, delayMs) => {
          if (err.meta.httpStatus === 503) report(delayMs);
        },
      },
    });
  }

  get aliveTimeSeconds(): number {
    return this.connection.aliveTimeSeconds ?? 300;
  }

  /**
   * Keeps `session` from idling out while a job on another array needs it: when it has not been
   * used for a third of its aliveTime, a cheap authenticated GET (`sessions/{id}`, as Cinder
   * uses to test liveness) refreshes it. Best effort: a failure is reported, not thrown.
   */
  async keepAlive(session: HitachiSession, onProgress?: (message: string) => void): Promise<void> {
    const last = lastUse.get(session) ?? 0;
    if (this.clock.now() - last < (this.aliveTimeSeconds * 1000) / 3) return;
    try {
      await this.call({
        method: "GET",
        path: `/v1/objects/sessions/${session.sessionId}`,
        session,
        operation: "keepSessionAlive",
        idempotent: true,
      });
    } catch (err) {
      lastUse.set(session, this.clock.now()); // do not hammer a failing server on every poll
      onProgress?.(
        `could not keep the session on ${new URL(this.connection.endpoint).origin} alive: ${
          isDrplaneError(err) ? err.summary : String(err)
        }`,
      );
    }
  }

  /**
   * Leaves `session` for the array to expire: it is not logged out when released, because a
   * job we started (that outlives this run) still needs it.
   */
  abandon(session: HitachiSession, job?: { localEndpoint: string; jobId: string }): void {
    left.abandoned.add(session);
    if (job) left.byJob.set(`${job.localEndpoint}|${job.jobId}`, { client: this, session });
  }

  /** Logs out the session left for job `jobId` of `localEndpoint`, now that it has completed. */
  static async releaseLeftFor(localEndpoint: string, jobId: string): Promise<void> {
    const key = `${localEndpoint}|${jobId}`;
    const entry = left.byJob.get(key);
    if (!entry) return;
    left.byJob.delete(key);
    left.abandoned.delete(entry.session);
    await entry.client.logout(entry.session).catch(() => undefined); // it may have idled out
  }

  async logout(session: HitachiSession): Promise<void> {
    await this.call({
      method: "DELETE",
      path: `/v1/objects/sessions/${session.sessionId}`,
      session,
      operation: "discardSession",
      idempotent: true,
    });
  }

  /**
   * Runs `fn` with a shared session; it is discarded when the last user is done. It is
   * replaced (and `fn` replayed) only when this array rejected this session with 401: a 401
   * from another array, inside a nested withSession, is not ours to act on.
   */
  withSession<T>(fn: (session: HitachiSession) => Promise<T>, opts: SessionOptions = {}): Promise<T> {
    let current: HitachiSession | undefined;
    return withSession(
      this.sessionKey,
      this.sessionHooks(opts),
      (session) => {
        current = session;
        return fn(session);
      },
      (err) =>
        rejectedBy401(err) &&
        typeof err === "object" &&
        err !== null &&
        rejectedSession.get(err) === current?.token,
    );
  }

  /** GET /v1/objects/jobs/{id} (seed 000 step 3). */
  async getJob(session: HitachiSession, jobId: number | string): Promise<HitachiJob> {
    const res = await this.call<HitachiJob>({
      method: "GET",
      path: `/v1/objects/jobs/${encodeURIComponent(String(jobId))}`,
      session,
      operation: "getJob",
      idempotent: true,
    });
    return res.body;
  }
}
