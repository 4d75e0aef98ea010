/**
 * Hitachi Configuration Manager REST client (embedded flavour, base path
 * /ConfigurationManager): API version gate, sessions (Basic login → `Session <token>`,
 * always discarded), authenticated calls with `Authorization` and `Remote-Authorization`,
 * and job waits through core/poll. Knows nothing about Pulumi.
 */
import { systemClock, type Clock } from "../../core/clock";
import { resolveCredentials } from "../../core/credentials";
import { AuthError, InputError, isDrplaneError, VendorError } from "../../core/errors";
import { send, type HttpEndpoint, type HttpRequest, type TlsOptions } from "../../core/http";
import { poll, type PollResult } from "../../core/poll";
import { registerSecret } from "../../core/redact";
import { withRetry } from "../../core/retry";
import { withSession, type SessionHooks } from "../../core/session";
import { hitachiHttpError } from "./errors";
import { classifyHitachiJob, type HitachiJob } from "./jobs";

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

export interface CallOptions {
  method: HttpRequest["method"];
  path: string;
  body?: unknown;
  query?: HttpRequest["query"];
  operation: string;
  /** GET/DELETE-by-id are idempotent and retried on transient failures; POSTs are not. */
  idempotent: boolean;
  session?: HitachiSession;
  remoteSession?: HitachiSession;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface JobWaitOptions {
  what: string;
  timeoutMs: number;
  clock?: Clock;
  onState?: (state: string, elapsedMs: number) => void;
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
    return `hitachi|${this.connection.endpoint}|${this.connection.profile}|${this.connection.username ?? ""}`;
  }

  /** One HTTP call; maps error statuses; retries transient failures when idempotent. */
  async call<T>(opts: CallOptions): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.session) headers.authorization = `Session ${opts.session.token}`;
    if (opts.remoteSession) headers["remote-authorization"] = `Session ${opts.remoteSession.token}`;
    const once = async () => {
      const res = await send<T>(this.endpoint, {
        method: opts.method,
        path: BASE_PATH + opts.path,
        query: opts.query,
        body: opts.body,
        headers,
        timeoutMs: opts.timeoutMs,
        vendor: "hitachi",
        operation: opts.operation,
      });
      if (res.status >= 400)
        throw hitachiHttpError(opts.operation, res.status, res.body, res.text, res.headers);
      return res;
    };
    return opts.idempotent ? withRetry(once, { clock: this.clock }) : once();
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

  private sessionHooks(): SessionHooks<HitachiSession> {
    return {
      login: () => this.login(),
      logout: (s) => this.logout(s),
      lingerMs: 0,
    };
  }

  /** Creates a session with Basic auth. A rejected password is never retried. */
  async login(): Promise<HitachiSession> {
    const { username, password } = resolveCredentials(this.connection.profile, this.connection.username);
    const basic = Buffer.from(`${username}:${password}`).toString("base64");
    registerSecret(basic);
    const res = await this.call<HitachiSession>({
      method: "POST",
      path: "/v1/objects/sessions",
      body: { aliveTime: this.connection.aliveTimeSeconds ?? 300 },
      headers: { authorization: `Basic ${basic}` },
      operation: "login",
      // Session creation has no side effect worth protecting except the 64-session cap, so
      // transient failures (503 at the cap) are retried; a 401 is an AuthError and is not.
      idempotent: true,
    }).catch((err: unknown) => {
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
    return { token: res.body.token, sessionId: res.body.sessionId };
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

  /** Runs `fn` with a shared session; it is discarded when the last user is done. */
  withSession<T>(fn: (session: HitachiSession) => Promise<T>): Promise<T> {
    return withSession(this.sessionKey, this.sessionHooks(), fn);
  }

  /** Waits for an asynchronous job to reach Completed; throws JobFailedError on Failed. */
  async waitForJob(
    session: HitachiSession,
    job: HitachiJob,
    opts: JobWaitOptions,
  ): Promise<PollResult<HitachiJob>> {
    const first = classifyHitachiJob(job);
    if (first.status === "success") return { snapshot: job, elapsedMs: 0, polls: 0 };
    return poll<HitachiJob>({
      what: `Hitachi job ${job.jobId} (${opts.what})`,
      jobId: String(job.jobId),
      describe: async () =>
        (
          await this.call<HitachiJob>({
            method: "GET",
            path: `/v1/objects/jobs/${job.jobId}`,
            session,
            operation: "getJob",
            idempotent: true,
          })
        ).body,
      classify: classifyHitachiJob,
      timeoutMs: opts.timeoutMs,
      clock: opts.clock ?? this.clock,
      onState: opts.onState,
      meta: { vendor: "hitachi", operation: opts.what },
    });
  }
}
