/**
 * Never retry a rejected password, across a whole process: the core session layer already
 * shares one login among concurrent callers; a guard covers the callers that come later
 * (another resource, a refresh, a retry, a dialect probe). Once a vendor has refused a
 * password for an account, that same password is not sent there again, and while an account is
 * known to be locked nothing is sent at all. A changed password (new config or environment) is
 * tried once. Only a salted fingerprint of the secret is kept; state is process-wide, so every
 * copy of the module agrees. One guard per vendor (`new LoginGuard("vrg", { lockMs })`).
 */
import { createHash } from "node:crypto";
import { AuthError, type DrplaneError } from "./errors";
import { processWide } from "./process-state";

interface Rejection {
  fingerprint: string;
  error: DrplaneError;
}

interface GuardState {
  rejected: Map<string, Rejection>;
  lockedUntil: Map<string, { until: number; error: DrplaneError }>;
}

export interface LoginGuardOptions {
  /** How long a vendor locks an account after too many failures (for `recordLock`). */
  lockMs?: number;
}

export class LoginGuard {
  private readonly state: GuardState;

  constructor(
    private readonly vendor: string,
    private readonly options: LoginGuardOptions = {},
  ) {
    this.state = processWide<GuardState>(`${vendor}.login-guard`, () => ({
      rejected: new Map(),
      lockedUntil: new Map(),
    }));
  }

  /** A one-way fingerprint of the secret, so the guard never holds it. */
  private fingerprint(secret: string): string {
    return createHash("sha256").update(`drplane-${this.vendor}-guard:${secret}`).digest("hex");
  }

  /** Throws, without any request, when this login is known to fail. */
  assertMayLogin(account: string, secret: string, now: number): void {
    const lock = this.state.lockedUntil.get(account);
    if (lock && now < lock.until) {
      throw new AuthError(`${lock.error.summary}; not trying again before the lock expires`, {
        cause: lock.error,
        meta: { ...lock.error.meta },
      });
    }
    const rejection = this.state.rejected.get(account);
    if (rejection && rejection.fingerprint === this.fingerprint(secret)) {
      throw new AuthError(
        `${rejection.error.summary} (answered earlier in this run; this password is not sent again)`,
        { cause: rejection.error, meta: { ...rejection.error.meta } },
      );
    }
  }

  /** Records a definitive refusal of these credentials. */
  recordRejection(account: string, secret: string, error: DrplaneError): void {
    this.state.rejected.set(account, { fingerprint: this.fingerprint(secret), error });
  }

  /** Records that the account is locked from `now` for the vendor's lock duration. */
  recordLock(account: string, now: number, error: DrplaneError): void {
    this.state.lockedUntil.set(account, { until: now + (this.options.lockMs ?? 0), error });
  }

  /** A successful login clears what was remembered for the account. */
  recordSuccess(account: string): void {
    this.state.rejected.delete(account);
    this.state.lockedUntil.delete(account);
  }

  /** Forget everything (tests). */
  reset(): void {
    this.state.rejected.clear();
    this.state.lockedUntil.clear();
  }
}
