/**
 * VRG login sessions and account lockout (seed 001 §2.1.1, §2.1.4, §3.1.2, §3.1.3).
 *
 * - Token validity 600 000 ms on the clock (§3.1.2 `validity`). Whether it is counted from login
 *   ("absolute") or from the last use ("idle") is UNCONFIRMED; reference addendum item 8 reads it
 *   as fixed from login, so "absolute" is the default.
 * - Three consecutive wrong passwords lock the account for 5 minutes (§2.1.4, 10440207); while
 *   locked every attempt is refused with 10440208, even with the right password (addendum item 8).
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";

export type TokenExpiry = "absolute" | "idle";

export interface VrgToken {
  readonly token: string;
  readonly user: string;
  readonly createdAt: number;
  lastUsedAt: number;
  /** Clock time of logout or expireAllTokens(). */
  endedAt?: number;
}

export interface VrgSessionCounters {
  /** Successful logins (tokens issued). */
  logins: number;
  /** Login attempts refused for any reason (unknown user, bad key format, wrong password, locked). */
  failedLogins: number;
  /** Successful logouts. */
  logouts: number;
  /** Times an account got locked (the 10440207 answers). */
  lockouts: number;
}

export interface LockState {
  /** Wrong passwords since the last success or unlock. */
  consecutiveFailures: number;
  locked: boolean;
  /** Clock time the lock ends (only while locked). */
  lockedUntil?: number;
}

const MAX_ENDED_KEPT = 5000;

export class VrgSessions {
  readonly counters: VrgSessionCounters = { logins: 0, failedLogins: 0, logouts: 0, lockouts: 0 };
  private readonly tokens = new Map<string, VrgToken>();
  private readonly locks = new Map<string, { failures: number; lockedUntil?: number }>();

  constructor(
    private readonly clock: Clock,
    readonly validityMs: number,
    readonly expiry: TokenExpiry,
    readonly lockAfter: number,
    readonly lockMs: number,
  ) {}

  create(user: string): VrgToken {
    const now = this.clock.now();
    const token: VrgToken = { token: randomBytes(24).toString("hex"), user, createdAt: now, lastUsedAt: now };
    this.tokens.set(token.token, token);
    this.counters.logins += 1;
    this.prune();
    return token;
  }

  /** The live token (refreshed when expiry is "idle"), or undefined. */
  use(token: string | undefined): VrgToken | undefined {
    if (!token) return undefined;
    const found = this.tokens.get(token);
    const now = this.clock.now();
    if (!found || !this.alive(found, now)) return undefined;
    found.lastUsedAt = now;
    return found;
  }

  alive(token: VrgToken, now = this.clock.now()): boolean {
    if (token.endedAt !== undefined && token.endedAt <= now) return false;
    const from = this.expiry === "idle" ? token.lastUsedAt : token.createdAt;
    return now < from + this.validityMs;
  }

  end(token: VrgToken): void {
    token.endedAt = this.clock.now();
  }

  live(): VrgToken[] {
    const now = this.clock.now();
    return [...this.tokens.values()].filter((t) => this.alive(t, now));
  }

  /** Ends every live token now; returns how many. */
  expireAll(): number {
    const live = this.live();
    for (const t of live) this.end(t);
    return live.length;
  }

  // ---- lockout ------------------------------------------------------------------------------

  lockState(user: string): LockState {
    const state = this.currentLock(user);
    if (!state) return { consecutiveFailures: 0, locked: false };
    return state.lockedUntil !== undefined
      ? { consecutiveFailures: state.failures, locked: true, lockedUntil: state.lockedUntil }
      : { consecutiveFailures: state.failures, locked: false };
  }

  isLocked(user: string): boolean {
    return this.currentLock(user)?.lockedUntil !== undefined;
  }

  /** Records a wrong password; returns true when this one locked the account. */
  recordWrongPassword(user: string): boolean {
    const state = this.currentLock(user) ?? { failures: 0 };
    state.failures += 1;
    this.locks.set(user, state);
    if (state.failures >= this.lockAfter) {
      state.lockedUntil = this.clock.now() + this.lockMs;
      this.counters.lockouts += 1;
      return true;
    }
    return false;
  }

  recordSuccess(user: string): void {
    this.locks.delete(user);
  }

  /** Test hook: clears failures and lock of one user (or of every user). */
  resetLock(user?: string): void {
    if (user === undefined) this.locks.clear();
    else this.locks.delete(user);
  }

  /** Test hook: locks a user now, as three wrong passwords would. */
  lock(user: string, ms = this.lockMs): void {
    this.locks.set(user, { failures: this.lockAfter, lockedUntil: this.clock.now() + ms });
  }

  /** The lock record, with an elapsed lock cleared (failures start again from 0). */
  private currentLock(user: string): { failures: number; lockedUntil?: number } | undefined {
    const state = this.locks.get(user);
    if (state?.lockedUntil !== undefined && state.lockedUntil <= this.clock.now()) {
      this.locks.delete(user);
      return undefined;
    }
    return state;
  }

  private prune(): void {
    if (this.tokens.size <= MAX_ENDED_KEPT) return;
    const now = this.clock.now();
    for (const [key, t] of this.tokens) {
      if (this.tokens.size <= MAX_ENDED_KEPT) break;
      if (!this.alive(t, now)) this.tokens.delete(key);
    }
  }
}
