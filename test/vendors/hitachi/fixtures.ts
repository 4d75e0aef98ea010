/**
 * Shared setup of the Hitachi client tests: one ManualClock shared by the simulator and the
 * client, seed 000's credentials, a spec builder, and a teardown that checks no session is
 * left open.
 */
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { closeAllAgents } from "../../../provider/core/http";
import { drainSessions } from "../../../provider/core/session";
import { HitachiClient } from "../../../provider/vendors/hitachi/client";
import type { RemoteStorageSpec } from "../../../provider/vendors/hitachi/register";
import {
  startHitachiPair,
  type HitachiArray,
  type HitachiPair,
  type HitachiPairOptions,
} from "../../sim/hitachi";

export const REMOTE_ID = "832000420000";
export const LOCAL_ID = "836000410000";
export const POST_ROUTE = "POST /ConfigurationManager/v1/objects/remote-storages";
export const LOGIN_ROUTE = "POST /ConfigurationManager/v1/objects/sessions";
export const LOGOUT_ROUTE = "DELETE /ConfigurationManager/v1/objects/sessions/:sessionId";
export const JOBS_LIST_ROUTE = "GET /ConfigurationManager/v1/objects/jobs";

export const CREDENTIALS = {
  local: { username: "local_user", password: "local_pass" },
  remote: { username: "remote_user", password: "remote_pass" },
};

export interface Fixture {
  clock: ManualClock;
  pair: HitachiPair;
  /** A spec for local → remote (or `remote` given) with a 10-minute timeout. */
  spec(overrides?: Partial<RemoteStorageSpec>, remote?: HitachiArray): RemoteStorageSpec;
  /** Drains sessions, checks none is left open, stops the arrays. */
  stop(extra?: HitachiArray[]): Promise<void>;
}

export async function startFixture(
  options: Omit<HitachiPairOptions, "clock"> = {},
  credentials: Record<string, { username: string; password: string }> = CREDENTIALS,
): Promise<Fixture> {
  const clock = new ManualClock();
  const pair = await startHitachiPair({
    clock,
    ...options,
    common: { jobDurationMs: { registerMs: 8_000, deleteMs: 5_000 }, ...options.common },
  });
  setStackCredentials(JSON.stringify(credentials));
  return {
    clock,
    pair,
    spec(overrides = {}, remote = pair.remote) {
      return {
        local: new HitachiClient({ endpoint: pair.local.url, profile: "local" }, clock),
        remote: new HitachiClient({ endpoint: remote.url, profile: "remote" }, clock),
        restServerIp: remote.restServerIp,
        restServerPort: remote.restServerPort,
        isMutualDiscovery: true,
        timeoutMs: 10 * 60_000,
        ...overrides,
      };
    },
    async stop(extra = []) {
      try {
        await drainSessions();
        for (const array of [pair.local, pair.remote, ...extra])
          assert.equal(array.liveSessions, 0, `sessions left open on ${array.storageDeviceId}`);
      } finally {
        clearStackCredentials();
        await closeAllAgents();
        await Promise.allSettled([pair.stop(), ...extra.map((a) => a.stop())]);
      }
    },
  };
}

/** Calls `fn` once, the first time the clock reaches `at` (clock ms after now). */
export function onceAt(clock: ManualClock, afterMs: number, fn: () => void): void {
  const at = clock.now() + afterMs;
  const off = clock.onAdvance((now) => {
    if (now < at) return;
    off();
    fn();
  });
}
