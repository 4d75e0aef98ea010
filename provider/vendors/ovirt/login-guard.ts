/**
 * The oVirt engine's login guard (core/login-guard): the engine's AAA (LDAP, IPA, AD) may lock
 * an account after a few failures, so a password the engine refused for a user is not sent to
 * that engine again in this process (another resource, a refresh, the v3 probe of
 * `apiVersion: "auto"`). A changed password is tried once.
 */
import { LoginGuard } from "../../core/login-guard";

export const ovirtLoginGuard = new LoginGuard("ovirt");

/** Forget every refusal (tests). */
export function resetOvirtLoginGuard(): void {
  ovirtLoginGuard.reset();
}
