/**
 * Hitachi Configuration Manager REST simulator (embedded flavour, base path /ConfigurationManager).
 *
 *   const pair = await startHitachiPair({ clock });             // seed 000's two arrays, one fabric
 *   pair.local.url, pair.remote.url                              // "http://127.0.0.1:PORT"
 *   pair.local.registrations()                                   // assertions on array state
 *   pair.local.server.faults.add({ route: "POST /ConfigurationManager/v1/objects/remote-storages", status: 503 });
 *   await pair.stop();
 *
 * See test/sim/README.md for what is modelled and where each behaviour comes from.
 */
import type { Clock } from "../../../provider/core/clock";
import { HitachiArray, type HitachiArrayOptions } from "./array";
import { HitachiFabric } from "./fabric";

export { HitachiArray } from "./array";
export { MODEL_PREFIXES, deriveStorageDeviceId } from "./models";
export type { HitachiArrayOptions, JobFailure, RemoteStorageRecord, StorageInfo } from "./array";
export { HitachiFabric, normalizeAddress } from "./fabric";
export { KART, hitachiError, errorForStatus } from "./errors";
export type { HitachiErrorObject, KartDefinition, KartName } from "./errors";
export type { JobView, JobOutcome, HitachiJob } from "./jobs";
export type { HitachiSession, SessionCounters } from "./sessions";
export { BASE_PATH, OBJECTS_PATH, REMOTE_STORAGES_PATH, JOBS_PATH, SESSIONS_PATH } from "./paths";

/** Creates an array, starts its REST server on 127.0.0.1:0, and joins its fabric. */
export async function startHitachiArray(options: HitachiArrayOptions): Promise<HitachiArray> {
  const array = new HitachiArray(options);
  await array.start();
  return array;
}

/** Seed 000 parameter table: credentials, models and serial numbers of the two arrays. */
export const SEED_LOCAL = {
  model: "VSP G800",
  serialNumber: 410000,
  storageDeviceId: "836000410000",
  users: { local_user: "local_pass" },
} as const;
export const SEED_REMOTE = {
  model: "VSP G200",
  serialNumber: 420000,
  storageDeviceId: "832000420000",
  users: { remote_user: "remote_pass" },
} as const;

export interface HitachiPairOptions {
  clock?: Clock;
  /** Options applied to both arrays (users/model/serial default to the seed's). */
  common?: Partial<HitachiArrayOptions>;
  /** Per-array overrides. */
  local?: Partial<HitachiArrayOptions>;
  remote?: Partial<HitachiArrayOptions>;
}

export interface HitachiPair {
  local: HitachiArray;
  remote: HitachiArray;
  fabric: HitachiFabric;
  /** Stops both servers (safe to call twice). */
  stop(): Promise<void>;
}

/**
 * Two arrays in one fabric: local VSP G800 #410000 ("836000410000", local_user/local_pass) and
 * remote VSP G200 #420000 ("832000420000", remote_user/remote_pass), as in seed 000.
 */
export async function startHitachiPair(options: HitachiPairOptions = {}): Promise<HitachiPair> {
  const fabric =
    options.local?.fabric ?? options.remote?.fabric ?? options.common?.fabric ?? new HitachiFabric();
  const make = (
    seed: typeof SEED_LOCAL | typeof SEED_REMOTE,
    own: Partial<HitachiArrayOptions> | undefined,
  ): HitachiArrayOptions => ({
    model: seed.model,
    serialNumber: seed.serialNumber,
    storageDeviceId: seed.storageDeviceId,
    users: { ...seed.users },
    clock: options.clock,
    ...options.common,
    ...own,
    fabric,
  });
  const local = new HitachiArray(make(SEED_LOCAL, options.local));
  const remote = new HitachiArray(make(SEED_REMOTE, options.remote));
  try {
    await local.start();
    await remote.start();
  } catch (err) {
    await Promise.allSettled([local.stop(), remote.stop()]);
    throw err;
  }
  return {
    local,
    remote,
    fabric,
    stop: async () => {
      await Promise.allSettled([local.stop(), remote.stop()]);
    },
  };
}
