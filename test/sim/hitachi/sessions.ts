/**
 * Sessions of one array (reference §1.3): 32-hex token + integer sessionId, `aliveTime` seconds of
 * IDLE timeout on the clock (every authenticated use refreshes it), a cap on live sessions.
 * Dead sessions are kept (bounded) so a job can ask whether a token was alive at an earlier
 * clock time (jobs settle lazily, see jobs.ts).
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";

export interface HitachiSession {
  readonly sessionId: number;
  readonly token: string;
  readonly userId: string;
  readonly aliveTimeSec: number;
  readonly ipAddress: string;
  readonly createdAt: number;
  lastAccessAt: number;
  /** Clock time it was discarded (DELETE) or force-expired (expireAllSessions). */
  endedAt?: number;
  /** Already counted in sessionsExpired / sessionsDiscarded. */
  accounted?: "expired" | "discarded";
}

export interface SessionCounters {
  /** Successful POST /sessions. */
  logins: number;
  /** POST /sessions rejected for credentials. */
  failedLogins: number;
  sessionsCreated: number;
  sessionsDiscarded: number;
  /** Sessions that idled out or were force-expired. */
  sessionsExpired: number;
  /** Highest number of simultaneously live sessions seen. */
  peakLiveSessions: number;
}

const MAX_DEAD_KEPT = 5000;

export class SessionStore {
  readonly counters: SessionCounters = {
    logins: 0,
    failedLogins: 0,
    sessionsCreated: 0,
    sessionsDiscarded: 0,
    sessionsExpired: 0,
    peakLiveSessions: 0,
  };
  private readonly byToken = new Map<string, HitachiSession>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly cap: number,
    /** Extra life past aliveTime (the real array may keep a session ~5 s longer). Default 0. */
    private readonly graceMs: number,
  ) {}

  /** New session, or undefined when `cap` sessions are live. */
  create(userId: string, aliveTimeSec: number, ipAddress: string): HitachiSession | undefined {
    if (this.live().length >= this.cap) return undefined;
    const now = this.clock.now();
    const session: HitachiSession = {
      sessionId: this.nextId++,
      token: randomBytes(16).toString("hex"),
      userId,
      aliveTimeSec,
      ipAddress,
      createdAt: now,
      lastAccessAt: now,
    };
    this.byToken.set(session.token, session);
    this.counters.logins += 1;
    this.counters.sessionsCreated += 1;
    this.counters.peakLiveSessions = Math.max(this.counters.peakLiveSessions, this.live().length);
    return session;
  }

  /** Fills every free slot up to the cap with sessions of `userId`. Returns how many. */
  fill(userId: string, aliveTimeSec: number, ipAddress: string): number {
    let added = 0;
    while (this.create(userId, aliveTimeSec, ipAddress)) added += 1;
    return added;
  }

  /** The live session for a token, refreshed (an authenticated use), or undefined. */
  use(token: string): HitachiSession | undefined {
    const session = this.byToken.get(token);
    const now = this.clock.now();
    if (!session || !this.aliveAt(session, now)) {
      this.sweep();
      return undefined;
    }
    session.lastAccessAt = now;
    return session;
  }

  /** Whether the session behind `token` was alive at clock time `t` (for jobs settled late). */
  tokenAliveAt(token: string, t: number): boolean {
    const session = this.byToken.get(token);
    return session !== undefined && this.aliveAt(session, t);
  }

  /** Refreshes the idle timer as of clock time `t` (a use by another array during a job). */
  touchAt(token: string, t: number): void {
    const session = this.byToken.get(token);
    if (session && this.aliveAt(session, t)) session.lastAccessAt = Math.max(session.lastAccessAt, t);
  }

  aliveAt(session: HitachiSession, t: number): boolean {
    if (session.endedAt !== undefined && session.endedAt <= t) return false;
    if (t <= session.lastAccessAt) return t >= session.createdAt;
    return t <= session.lastAccessAt + session.aliveTimeSec * 1000 + this.graceMs;
  }

  live(): HitachiSession[] {
    this.sweep();
    const now = this.clock.now();
    return [...this.byToken.values()].filter((s) => this.aliveAt(s, now));
  }

  byId(sessionId: number): HitachiSession | undefined {
    const now = this.clock.now();
    for (const s of this.byToken.values()) if (s.sessionId === sessionId && this.aliveAt(s, now)) return s;
    return undefined;
  }

  discard(session: HitachiSession): void {
    session.endedAt = this.clock.now();
    if (!session.accounted) {
      session.accounted = "discarded";
      this.counters.sessionsDiscarded += 1;
    }
  }

  /** Ends every live session now, as if they had all idled out. */
  expireAll(): number {
    const live = this.live();
    const now = this.clock.now();
    for (const s of live) {
      s.endedAt = now;
      s.accounted = "expired";
      this.counters.sessionsExpired += 1;
    }
    return live.length;
  }

  /** Counts idle-expired sessions and forgets the oldest dead ones past a bound. */
  private sweep(): void {
    const now = this.clock.now();
    let dead = 0;
    for (const s of this.byToken.values()) {
      if (this.aliveAt(s, now)) continue;
      dead += 1;
      if (!s.accounted) {
        s.accounted = "expired";
        this.counters.sessionsExpired += 1;
      }
    }
    if (dead <= MAX_DEAD_KEPT) return;
    for (const [token, s] of this.byToken) {
      if (dead <= MAX_DEAD_KEPT) break;
      if (!this.aliveAt(s, now)) {
        this.byToken.delete(token);
        dead -= 1;
      }
    }
  }
}
