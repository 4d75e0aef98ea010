/**
 * The VRG's login guard (core/login-guard): three wrong passwords in a row lock a VRG account
 * for 5 minutes (seed 001 §2.1.4, 10440207), so a refused X-Auth-Key is never sent to that VRG
 * for that user again in this process, and nothing is sent while the account is locked.
 */
import { LoginGuard } from "../../core/login-guard";

/** The seed's lock duration (10440207: "帐户锁定 5 分钟"). */
export const LOCK_MS = 5 * 60_000;

export const vrgLoginGuard = new LoginGuard("vrg", { lockMs: LOCK_MS });

/** Forget everything (tests). */
export function resetLoginGuard(): void {
  vrgLoginGuard.reset();
}
