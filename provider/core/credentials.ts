/**
 * Secrets never live in resource inputs, state or serialized provider code. A resource names
 * a profile (and optionally a username); the password is resolved at call time from
 *   1. the stack's secret config `drplane:credentials` (structured: profile → {username, password}),
 *      captured by the provider's `configure`, then
 *   2. environment variables DRPLANE_<PROFILE>_USERNAME / DRPLANE_<PROFILE>_PASSWORD.
 * Every resolved secret is registered for redaction.
 */
import { AuthError } from "./errors";
import { registerSecret } from "./redact";
import { processWide } from "./process-state";

export interface Credentials {
  username: string;
  password: string;
  /** Where the password came from, for messages ("stack config", "environment"). */
  source: string;
}

interface ProfileConfig {
  username?: string;
  password?: string;
}

interface CredentialState {
  profiles: Record<string, ProfileConfig>;
}
const state = processWide<CredentialState>("credentials", () => ({ profiles: {} }));

export const CONFIG_KEY = "drplane:credentials";

/**
 * Stores the stack's credentials config. Synchronous on purpose: the provider host caches
 * the provider before `configure` resolves, so nothing may await before this runs.
 */
export function setStackCredentials(raw: unknown): void {
  if (raw === undefined || raw === null || raw === "") return;
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new AuthError(`stack config ${CONFIG_KEY} is not valid JSON`, {
        meta: {
          remedy: `set it with: pulumi config set --secret --path '${CONFIG_KEY}.<profile>.password' <password>`,
        },
      });
    }
  }
  if (typeof parsed !== "object" || parsed === null) return;
  for (const [profile, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) continue;
    const { username, password } = value as ProfileConfig;
    registerSecret(password);
    state.profiles[profile] = {
      ...(typeof username === "string" ? { username } : {}),
      ...(typeof password === "string" ? { password } : {}),
    };
  }
}

/** Forget configured credentials (tests). */
export function clearStackCredentials(): void {
  state.profiles = {};
}

export function envPrefix(profile: string): string {
  return `DRPLANE_${profile.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}

/**
 * Resolves the credentials of a profile. `username` from the resource input wins over
 * config and environment (it is not secret); the password comes only from config or env.
 */
export function resolveCredentials(profile: string, username?: string): Credentials {
  const configured = state.profiles[profile];
  const prefix = envPrefix(profile);
  const user = username ?? configured?.username ?? process.env[`${prefix}_USERNAME`];
  let password = configured?.password;
  let source = "stack config";
  if (password === undefined) {
    password = process.env[`${prefix}_PASSWORD`];
    source = "environment";
  }
  const missing = [!user && "username", password === undefined && "password"].filter(Boolean);
  if (!user || password === undefined) {
    throw new AuthError(`no ${missing.join(" or ")} for credential profile "${profile}"`, {
      meta: {
        property: "profile",
        remedy:
          `set them in the stack's config (pulumi config set --secret --path '${CONFIG_KEY}.${profile}.password' …; ` +
          `and '${CONFIG_KEY}.${profile}.username' or the resource's username input), ` +
          `or in the environment of pulumi as ${prefix}_USERNAME and ${prefix}_PASSWORD`,
      },
    });
  }
  registerSecret(password);
  return { username: user, password, source };
}
