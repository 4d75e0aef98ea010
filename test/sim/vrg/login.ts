/**
 * The VRG's login object (seed 001 §3.1): GET versions, POST session (X-Auth-User + X-Auth-Key,
 * the lowercase hex SHA-256 of the password; 10440200/10440201/10440202/10440207/10440208) and
 * DELETE session (10440205 when armed by failNextLogout). Tokens and lockout live in sessions.ts.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";
import { vrgFail, type VrgErrorName } from "./errors";
import type { VrgSimOptions } from "./modes";
import { BASE_PATH } from "./paths";
import { VrgSessions, type VrgToken } from "./sessions";

/** Default credentials: user "user" (§3.1.2 "X-Auth-User 恒为 user"); the password is ours. */
export const DEFAULT_VRG_USER = "user";
export const DEFAULT_VRG_PASSWORD = "VrgSim@2015";
const DEFAULT_USERS = { [DEFAULT_VRG_USER]: DEFAULT_VRG_PASSWORD };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export class VrgLogin {
  readonly sessions: VrgSessions;
  private readonly users: Record<string, string>;
  private pendingLogoutFailures = 0;

  constructor(
    clock: Clock,
    private readonly options: VrgSimOptions,
    private readonly uuid: string,
  ) {
    this.users = { ...(options.users ?? DEFAULT_USERS) };
    this.sessions = new VrgSessions(
      clock,
      options.tokenValidityMs ?? 600_000,
      options.tokenExpiry ?? "absolute",
      options.lockAfterFailures ?? 3,
      options.lockMs ?? 300_000,
    );
  }

  /** The first configured user (the default of the lock controls). */
  get defaultUser(): string {
    return Object.keys(this.users)[0] ?? "user";
  }

  /** The next logout answers 10440205 (the token stays valid). */
  failNextLogout(): void {
    this.pendingLogoutFailures += 1;
  }

  login(user: string | undefined, key: string | undefined): VrgToken {
    const refuse = (name: VrgErrorName, detail?: string): never => {
      this.sessions.counters.failedLogins += 1;
      return vrgFail(name, detail);
    };
    if (user === undefined || key === undefined)
      return refuse("invalidParameter", "X-Auth-User and X-Auth-Key are required");
    if (user.length < 1 || user.length > 20)
      return refuse("invalidParameter", "X-Auth-User length must be 1..20");
    if (this.sessions.isLocked(user)) return refuse("accountLocked");
    if (!Object.prototype.hasOwnProperty.call(this.users, user)) return refuse("userNotFound");
    const format = this.options.acceptUppercaseKey ? /^[0-9a-f]{64}$/i : /^[0-9a-f]{64}$/;
    if (!format.test(key))
      return refuse("invalidPassword", "X-Auth-Key must be the SHA-256 of the password in hex");
    if (key.toLowerCase() !== sha256Hex(this.users[user]!)) {
      return refuse(this.sessions.recordWrongPassword(user) ? "lockedNow" : "wrongPassword");
    }
    this.sessions.recordSuccess(user);
    return this.sessions.create(user);
  }

  logout(token: VrgToken): void {
    if (this.pendingLogoutFailures > 0) {
      this.pendingLogoutFailures -= 1;
      vrgFail("logoutFailed");
    }
    this.sessions.end(token);
    this.sessions.counters.logouts += 1;
  }

  versions(): unknown {
    return { versions: [{ version: this.options.version ?? "v1.0", loginUri: `${BASE_PATH}/session` }] };
  }

  loginBody(): { validity: number; uuid: string } {
    return { validity: this.sessions.validityMs, uuid: this.uuid };
  }
}
