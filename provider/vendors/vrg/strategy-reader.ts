/**
 * Reads of VM DR strategies, coalesced per VRG (seed 001 §3.8.3). Refreshing a stack with
 * hundreds of VmDrStrategy resources on one VRG must not cost one request each:
 *
 * 1. Reads made at about the same time are gathered by a process-wide micro-batcher into
 *    `GET vmstrategy?vmUuid=a&vmUuid=b…` (≤ 100 uuids, the seed's page limit, and a URL no
 *    longer than `maxUrlLength`). A batch that fails as a whole because one uuid does not
 *    exist (10440400) is split in halves until every uuid has its own answer, and 10440308
 *    ("no VM on this VRG") answers "none" for all.
 * 2. The engine bounds how many reads are in flight (`--parallel`), so a refresh arrives in
 *    waves of a few reads. When one VRG sees `LISTING_THRESHOLD` plain reads within a burst,
 *    the reader lists the VRG's strategies page by page (`limit=100&offset=…`) once and
 *    answers the rest of the burst from that snapshot. A uuid missing from the snapshot is
 *    confirmed by a batched query before it is reported gone, so a VM that moved between
 *    pages is never dropped from state.
 * Waits after writes ask for `fresh` reads: they are batched (concurrent waits share
 * requests) but never answered from a snapshot, and every write drops the VRG's snapshot.
 */
import { isDrplaneError, type DrplaneError } from "../../core/errors";
import { MicroBatcher, sharedBatcher } from "../../core/batch";
import { BASE_PATH, type VrgClient } from "./client";
import { CODE } from "./errors";
import { strategyWire, type StrategyRecord } from "./wire";
import { processWide } from "../../core/process-state";

/** §3.8.3: at most 100 VMs per page. */
export const PAGE_LIMIT = 100;
export const DEFAULT_MAX_URL_LENGTH = 6000;
/** Plain reads of one VRG within a burst before its strategies are listed whole. */
export const LISTING_THRESHOLD = 16;
const BURST_WINDOW_MS = 30_000;
const SNAPSHOT_TTL_MS = 30_000;
/** A safety stop for paging (50 000 VMs; a VRG is sized for about 150). */
const MAX_PAGES = 500;

export interface ReaderStats {
  batches: number;
  listings: number;
  snapshotHits: number;
}

interface ReaderState {
  client: VrgClient;
  snapshot?: { at: number; byUuid: Map<string, StrategyRecord> };
  listing?: Promise<Map<string, StrategyRecord>>;
  burst: { since: number; reads: number };
  stats: ReaderStats;
}

function readers(): Map<string, ReaderState> {
  return processWide("vrg.strategy-readers", () => new Map<string, ReaderState>());
}

function readerKey(client: VrgClient): string {
  return client.sessionKey;
}

function stateFor(client: VrgClient): ReaderState {
  const all = readers();
  const key = readerKey(client);
  let s = all.get(key);
  if (!s) {
    s = { client, burst: { since: 0, reads: 0 }, stats: { batches: 0, listings: 0, snapshotHits: 0 } };
    all.set(key, s);
  }
  // The latest client wins (same VRG and account; its clock and options are the current ones).
  s.client = client;
  return s;
}

/** The URL a batched query for these uuids makes. */
export function batchUrl(client: VrgClient, uuids: readonly string[]): string {
  const query = uuids.map((u) => `vmUuid=${encodeURIComponent(u)}`).join("&");
  return `${client.origin}${BASE_PATH}/vmstrategy?${query}`;
}

function batcherFor(client: VrgClient): MicroBatcher<string, StrategyRecord> {
  const key = readerKey(client);
  return sharedBatcher(`vrg-strategies|${key}`, () => {
    // The batcher outlives the client that created it: it always uses the reader's latest.
    const current = () => readers().get(key) ?? stateFor(client);
    return new MicroBatcher<string, StrategyRecord>({
      maxBatch: PAGE_LIMIT,
      fits: (uuids) => {
        const c = current().client;
        return batchUrl(c, uuids).length <= (c.connection.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH);
      },
      run: async (uuids) => {
        const state = current();
        state.stats.batches++;
        return queryByUuid(state.client, uuids);
      },
    });
  });
}

function isNotFound(err: unknown): err is DrplaneError {
  return isDrplaneError(err, "DRP_NOT_FOUND");
}

/**
 * GET vmstrategy?vmUuid=…: the strategies of these VMs, by uuid (absent = not configured).
 * Splits the batch when the VRG refuses it as a whole for one unknown uuid.
 */
export async function queryByUuid(client: VrgClient, uuids: string[]): Promise<Map<string, StrategyRecord>> {
  const out = new Map<string, StrategyRecord>();
  if (uuids.length === 0) return out;
  try {
    const res = await client.call<unknown>({
      method: "GET",
      path: "/vmstrategy",
      query: { vmUuid: uuids },
      operation: "queryVmStrategy",
      idempotent: true,
    });
    // UUIDs compare case-insensitively: the answer may spell them otherwise than we asked.
    const asked = new Map(uuids.map((u) => [u.toLowerCase(), u]));
    for (const r of strategyWire.listFromWire(res.body)) {
      const key = asked.get(r.vmUuid.toLowerCase());
      if (key !== undefined) out.set(key, r);
    }
    return out;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (err.meta.vendorCode === CODE.noVmInSystem || uuids.length === 1) return out;
    const half = Math.ceil(uuids.length / 2);
    const [a, b] = await Promise.all([
      queryByUuid(client, uuids.slice(0, half)),
      queryByUuid(client, uuids.slice(half)),
    ]);
    return new Map([...a, ...b]);
  }
}

/** GET vmstrategy?limit=100&offset=…: every strategy of the VRG, page by page. */
export async function listAllStrategies(client: VrgClient): Promise<StrategyRecord[]> {
  const all: StrategyRecord[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    let list: StrategyRecord[];
    try {
      const res = await client.call<unknown>({
        method: "GET",
        path: "/vmstrategy",
        query: { limit: PAGE_LIMIT, offset: page * PAGE_LIMIT },
        operation: "listVmStrategies",
        idempotent: true,
      });
      list = strategyWire.listFromWire(res.body);
    } catch (err) {
      // 10440308: no VM at all (a VRG may say so instead of listing nothing).
      if (isNotFound(err)) return all;
      throw err;
    }
    all.push(...list);
    if (list.length < PAGE_LIMIT) return all;
  }
  return all;
}

/** GET vmstrategy?faultVms=1 (§3.8.3): VMs that lost their writeagent. At most 100 are listed. */
export async function listFaultVms(client: VrgClient): Promise<StrategyRecord[]> {
  try {
    const res = await client.call<unknown>({
      method: "GET",
      path: "/vmstrategy",
      query: { faultVms: 1 },
      operation: "listFaultVms",
      idempotent: true,
    });
    return strategyWire.listFromWire(res.body);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

export interface ReadOptions {
  /** Must reflect the VRG after a write of ours: batched, never from a snapshot. */
  fresh?: boolean;
}

/** The strategy of one VM on this VRG, or undefined when it has none. Coalesced. */
export async function readStrategy(
  client: VrgClient,
  vmUuid: string,
  opts: ReadOptions = {},
): Promise<StrategyRecord | undefined> {
  const state = stateFor(client);
  if (!opts.fresh) {
    const now = client.clock.now();
    if (state.snapshot && now - state.snapshot.at <= SNAPSHOT_TTL_MS) {
      const hit = state.snapshot.byUuid.get(vmUuid.toLowerCase());
      if (hit) {
        state.stats.snapshotHits++;
        return hit;
      }
    } else {
      if (now - state.burst.since > BURST_WINDOW_MS) state.burst = { since: now, reads: 0 };
      state.burst.reads++;
      if (!state.listing && state.burst.reads >= LISTING_THRESHOLD) state.listing = startListing(state);
      if (state.listing) {
        const byUuid = await state.listing.catch(() => undefined);
        const hit = byUuid?.get(vmUuid.toLowerCase());
        if (hit) {
          state.stats.snapshotHits++;
          return hit;
        }
      }
    }
  }
  return batcherFor(client).load(vmUuid);
}

function startListing(state: ReaderState): Promise<Map<string, StrategyRecord>> {
  state.stats.listings++;
  const listing = listAllStrategies(state.client).then(
    (records) => {
      const byUuid = new Map(records.map((r) => [r.vmUuid.toLowerCase(), r]));
      if (state.listing === listing) {
        state.snapshot = { at: state.client.clock.now(), byUuid };
        state.listing = undefined;
      }
      return byUuid;
    },
    (err: unknown) => {
      if (state.listing === listing) state.listing = undefined;
      throw err;
    },
  );
  return listing;
}

/** Drops what is remembered about this VRG's strategies (after any write). */
export function invalidateStrategies(client: VrgClient): void {
  const state = readers().get(readerKey(client));
  if (!state) return;
  state.snapshot = undefined;
  state.listing = undefined;
  state.burst = { since: 0, reads: 0 };
}

/** Counters of this VRG's reader (tests and benchmarks). */
export function readerStats(client: VrgClient): ReaderStats {
  return { ...stateFor(client).stats };
}

/** Forget every reader (tests). */
export function resetStrategyReaders(): void {
  readers().clear();
}
