/**
 * Shared, reference-counted vendor sessions. Concurrent operations on one endpoint+user
 * share a single login (single-flight); when the last user releases it, it is logged out
 * (after `lingerMs`, 0 = at once). A session rejected mid-operation is invalidated and the
 * operation is replayed once with a fresh login. Wrong passwords are never retried: login
 * errors propagate to every waiter of that single flight. Keys are built by `sessionKey`, one
 * format for every vendor; ages are read from the injected Clock.
 */
import { outsideScope } from "./call-scope";
import { systemClock, type Clock } from "./clock";
import { AuthError, isDrplaneError } from "./errors";
import { processWide } from "./process-state";

export interface SessionHooks<S> {
  login: () => Promise<S>;
  logout: (session: S) => Promise<void>;
  /** Keep an unused session this long before logging out (default 0). */
  lingerMs?: number;
  /** Sessions older than this are not handed out again (e.g. a token validity). */
  maxAgeMs?: number;
  /** The clock `maxAgeMs` is measured on (default: the system clock). */
  clock?: Clock;
}

/** The one session-key format: "<vendor>|<part>|<part>…" (the vendor first: messages name it). */
export function sessionKey(vendor: string, ...parts: Array<string | undefined>): string {
  return [vendor, ...parts.map((p) => p ?? "")].join("|");
}

interface Entry<S> {
  hooks: SessionHooks<S>;
  session: Promise<S>;
  users: number;
  createdAt: number;
  invalid: boolean;
  timer?: NodeJS.Timeout;
}

interface SessionState {
  entries: Map<string, Entry<unknown>>;
}
const state = processWide<SessionState>("sessions", () => ({ entries: new Map() }));
/** Logouts in progress, awaited by `drainSessions`. */
const pendingLogouts = processWide("sessions.pendingLogouts", () => new Set<Promise<void>>());

function acquire<S>(key: string, hooks: SessionHooks<S>): Entry<S> {
  const clock = hooks.clock ?? systemClock;
  let entry = state.entries.get(key) as Entry<S> | undefined;
  const stale = entry && hooks.maxAgeMs !== undefined && clock.now() - entry.createdAt > hooks.maxAgeMs;
  if (!entry || entry.invalid || stale) {
    if (entry) retire(key, entry);
    // Shared by every operation that uses the key: not bound to the first one's deadline.
    const session = outsideScope(() => hooks.login());
    entry = { hooks, session, users: 0, createdAt: clock.now(), invalid: false };
    const created = entry;
    // A failed login is not cached: the next caller (not a concurrent one) may try again.
    session.catch(() => {
      if (state.entries.get(key) === created) state.entries.delete(key);
    });
    state.entries.set(key, entry as Entry<unknown>);
  }
  if (entry.timer) {
    clearTimeout(entry.timer);
    entry.timer = undefined;
  }
  entry.users++;
  return entry;
}

/** Takes an entry out of use; logs it out now if nobody holds it, else on last release. */
function retire<S>(key: string, entry: Entry<S>): Promise<void> | undefined {
  if (state.entries.get(key) === entry) state.entries.delete(key);
  entry.invalid = true;
  if (entry.users > 0) return undefined;
  return logoutQuietly(entry);
}

function logoutQuietly<S>(entry: Entry<S>): Promise<void> {
  const p = outsideScope(async () => {
    try {
      await entry.hooks.logout(await entry.session);
    } catch {
      // The session is useless either way; the server's idle timeout reclaims it.
    }
  });
  pendingLogouts.add(p);
  return p.finally(() => pendingLogouts.delete(p));
}

async function release<S>(key: string, entry: Entry<S>): Promise<void> {
  entry.users--;
  if (entry.users > 0) return;
  if (entry.invalid || !entry.hooks.lingerMs) {
    await retire(key, entry);
    return;
  }
  entry.timer = outsideScope(() => setTimeout(() => void retire(key, entry), entry.hooks.lingerMs));
  entry.timer.unref();
}

/** True for the error a vendor returns when a session/token is no longer valid. */
export type SessionRejected = (err: unknown) => boolean;

export const rejectedBy401: SessionRejected = (err) =>
  isDrplaneError(err, "DRP_AUTH") && err.meta.httpStatus === 401 && err.meta.operation !== "login";

/**
 * Runs `fn` with a shared session for `key`, replaying it once with a new session if the
 * vendor says the session is no longer valid.
 */
export async function withSession<S, T>(
  key: string,
  hooks: SessionHooks<S>,
  fn: (session: S) => Promise<T>,
  rejected: SessionRejected = rejectedBy401,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const entry = acquire(key, hooks);
    try {
      const session = await entry.session;
      return await fn(session);
    } catch (err) {
      if (attempt === 1 && rejected(err)) {
        entry.invalid = true;
        continue;
      }
      if (rejected(err)) {
        throw new AuthError(`session for ${key.split("|")[0]} was rejected twice in a row`, {
          cause: err,
          meta: isDrplaneError(err) ? err.meta : {},
        });
      }
      throw err;
    } finally {
      await release(key, entry);
    }
  }
}

/** Logs out idle lingering sessions and waits for logouts in progress (end of run, tests). */
export async function drainSessions(): Promise<void> {
  for (const [key, entry] of [...state.entries]) {
    if (entry.users === 0) {
      if (entry.timer) clearTimeout(entry.timer);
      void retire(key, entry);
    }
  }
  await Promise.all([...pendingLogouts]);
}
