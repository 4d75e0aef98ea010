/**
 * Protects VRG accounts from lockout: three wrong passwords in a row lock the account for 5
 * minutes (seed 001 §2.1.4, 10440207). The core session layer already shares one login among
 * concurrent callers; this guard covers the callers that come later in the same process
 * (another resource, a refresh, a retry): once the VRG has rejected a password, that same
 * password is never sent to that VRG for that user again, and while an account is known to
 * be locked nothing is sent at all. A changed password (new config or environment) is tried
 * once. State is process-wide (globalThis) so every copy of this module agrees.
 */
import { createHash } from "node:crypto";
import { AuthError, type DrplaneError } from "../../core/errors";
import { processWide } from "../../core/process-state";

/** The seed's lock duration (10440207: "帐户锁定 5 分钟"). */
export const LOCK_MS = 5 * 60_000;

interface Rejection {
  fingerprint: string;
  error: DrplaneError;
}

interface GuardState {
  rejected: Map<string, Rejection>;
  lockedUntil: Map<string, { until: number; error: DrplaneError }>;
}

const state = processWide<GuardState>("vrg.login-guard", () => ({
  rejected: new Map(),
  lockedUntil: new Map(),
}));

/** A one-way fingerprint of the X-Auth-Key, so the guard never holds the key itself. */
function fingerprint(authKey: string): string {
  return createHash("sha256").update(`drplane-vrg-guard:${authKey}`).digest("hex");
}

/** Throws, without any request, when this login is known to fail. */
export function assertMayLogin(account: string, authKey: string, now: number): void {
  const lock = state.lockedUntil.get(account);
  if (lock && now < lock.until) {
    throw new AuthError(`${lock.error.summary}; not trying again before the lock expires`, {
      cause: lock.error,
      meta: { ...lock.error.meta },
    });
  }
  const rejection = state.rejected.get(account);
  if (rejection && rejection.fingerprint === fingerprint(authKey)) {
    throw new AuthError(
      `${rejection.error.summary} (answered earlier in this run; this password is not sent again)`,
      {
        cause: rejection.error,
        meta: { ...rejection.error.meta },
      },
    );
  }
}

/** Records a definitive refusal of these credentials. */
export function recordRejection(account: string, authKey: string, error: DrplaneError): void {
  state.rejected.set(account, { fingerprint: fingerprint(authKey), error });
}

/** Records that the account is locked from `now` for the seed's lock duration. */
export function recordLock(account: string, now: number, error: DrplaneError): void {
  state.lockedUntil.set(account, { until: now + LOCK_MS, error });
}

/** A successful login clears what was remembered for the account. */
export function recordSuccess(account: string): void {
  state.rejected.delete(account);
  state.lockedUntil.delete(account);
}

/** Forget everything (tests). */
export function resetLoginGuard(): void {
  state.rejected.clear();
  state.lockedUntil.clear();
}
