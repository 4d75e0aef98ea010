/**
 * A refused oVirt password is sent once per process: the engine's AAA (LDAP, IPA, AD) may lock
 * an account after a few failures, so once the engine has refused a password for a user, that
 * same password is not sent to that engine again (another resource, a refresh, the v3 probe of
 * `apiVersion: "auto"`). A changed password (new config or environment) is tried once. Only a
 * fingerprint of the password is kept. State is process-wide, so every module copy agrees.
 */
import { createHash } from "node:crypto";
import { AuthError, type DrplaneError } from "../../core/errors";
import { processWide } from "../../core/process-state";

interface Rejection {
  fingerprint: string;
  error: DrplaneError;
}

const rejected = processWide("ovirt.login-guard", () => new Map<string, Rejection>());

function fingerprint(password: string): string {
  return createHash("sha256").update(`drplane-ovirt-guard:${password}`).digest("hex");
}

/** Throws, without any request, when this password was refused earlier in this process. */
export function assertMayLogin(account: string, password: string): void {
  const r = rejected.get(account);
  if (r && r.fingerprint === fingerprint(password)) {
    throw new AuthError(
      `${r.error.summary} (answered earlier in this run; this password is not sent again)`,
      {
        cause: r.error,
        meta: { ...r.error.meta },
      },
    );
  }
}

export function recordRejection(account: string, password: string, error: DrplaneError): void {
  rejected.set(account, { fingerprint: fingerprint(password), error });
}

export function recordSuccess(account: string): void {
  rejected.delete(account);
}

/** Forget every refusal (tests). */
export function resetOvirtLoginGuard(): void {
  rejected.clear();
}
