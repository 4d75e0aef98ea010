/**
 * Reads of VM DR strategies, coalesced per VRG (seed 001 §3.8.3). Refreshing a stack with
 * hundreds of VmDrStrategy resources on one VRG must not cost one request each, whatever
 * fraction of them was deleted out of band:
 *
 * 1. Reads made at about the same time are gathered by a process-wide micro-batcher into
 *    `GET vmstrategy?vmUuid=a&vmUuid=b…` (≤ 100 uuids, the seed's page limit, and a URL no
 *    longer than `maxUrlLength`). 10440308 ("no VM on this VRG") answers "none" for all.
 * 2. A batch refused as a whole because one of its VMs does not exist (10440400) is answered
 *    from the VRG's paged listing (`limit=100&offset=…`), which is authoritative for absence:
 *    pages overlap by `PAGE_OVERLAP` entries and each page must repeat the previous page's last
 *    entry, so a listing that passes is known to have skipped no strategy even if some were
 *    deleted while it was read. Only when that check fails (the VRG's strategies changed a lot
 *    during the listing, or it does not keep a stable order) are the missing uuids confirmed by
 *    splitting batches. Absence therefore costs no extra request in the normal case.
 * 3. The engine bounds how many reads are in flight (`--parallel`), so a refresh arrives in
 *    waves of a few reads. When one VRG sees `LISTING_THRESHOLD` plain reads within a burst,
 *    the reader lists the VRG once and answers the rest of the burst from that listing.
 * A listing answers each VM at most once: a second read of the same VM (a later refresh in
 *    the same process) reads live, so a strategy deleted out of band after it was read is never
 *    reported present from the listing. Waits after writes ask for `fresh` reads: batched
 *    (concurrent waits share requests) but never answered from a listing, and every write
 *    drops the VRG's listing.
 */
import { isDrplaneError, type DrplaneError } from "../../core/errors";
import { MicroBatcher, sharedBatcher } from "../../core/batch";
import { processWide } from "../../core/process-state";
import { BASE_PATH, type VrgClient } from "./client";
import { CODE } from "./errors";
import { strategyWire, type StrategyRecord } from "./wire";

/** §3.8.3: at most 100 VMs per page. */
export const PAGE_LIMIT = 100;
/** Entries each page repeats from the previous one (the consistency check of a listing). */
export const PAGE_OVERLAP = 10;
export const DEFAULT_MAX_URL_LENGTH = 6000;
/** Plain reads of one VRG within a burst before its strategies are listed whole. */
export const LISTING_THRESHOLD = 16;
const BURST_WINDOW_MS = 30_000;
const LISTING_TTL_MS = 30_000;
/** A safety stop for paging (45 000 VMs; a VRG is sized for about 150). */
const MAX_PAGES = 500;

export interface ReaderStats {
  batches: number;
  listings: number;
  snapshotHits: number;
}

/** The VRG's strategies as one paged listing saw them. */
export interface StrategyListing {
  byUuid: Map<string, StrategyRecord>;
  /** Every page repeated the previous page's last entry: no strategy was skipped. */
  complete: boolean;
  /** Pages read. */
  pages: number;
}

interface HeldListing extends StrategyListing {
  at: number;
  /** VMs (lower case) already answered from it: their next read is live. */
  served: Set<string>;
}

interface ReaderState {
  client: VrgClient;
  listing?: HeldListing;
  inFlight?: Promise<HeldListing>;
  /** The served set of the listing in flight (reads answered meanwhile are added to it). */
  servedByNext?: Set<string>;
  /** Plain reads since `since`, and the VMs they answered before a listing existed. */
  burst: { since: number; reads: number; answered: Set<string> };
  stats: ReaderStats;
}

function readers(): Map<string, ReaderState> {
  return processWide("vrg.strategy-readers", () => new Map<string, ReaderState>());
}

function stateFor(client: VrgClient): ReaderState {
  const all = readers();
  let s = all.get(client.sessionKey);
  if (!s) {
    s = { client, burst: newBurst(0), stats: { batches: 0, listings: 0, snapshotHits: 0 } };
    all.set(client.sessionKey, s);
  }
  // The latest client wins (same VRG and account; its clock and options are the current ones).
  s.client = client;
  return s;
}

const lower = (uuid: string) => uuid.toLowerCase();

function newBurst(since: number): ReaderState["burst"] {
  return { since, reads: 0, answered: new Set() };
}

/** The URL a batched query for these uuids makes. */
export function batchUrl(client: VrgClient, uuids: readonly string[]): string {
  const query = uuids.map((u) => `vmUuid=${encodeURIComponent(u)}`).join("&");
  return `${client.origin}${BASE_PATH}/vmstrategy?${query}`;
}

function isNotFound(err: unknown): err is DrplaneError {
  return isDrplaneError(err, "DRP_NOT_FOUND");
}

/** One `GET vmstrategy?vmUuid=…`; throws when the VRG refuses the batch. */
async function queryOnce(client: VrgClient, uuids: string[]): Promise<Map<string, StrategyRecord>> {
  const res = await client.call<unknown>({
    method: "GET",
    path: "/vmstrategy",
    query: { vmUuid: uuids },
    operation: "queryVmStrategy",
    idempotent: true,
  });
  // UUIDs compare case-insensitively: the answer may spell them otherwise than we asked.
  const asked = new Map(uuids.map((u) => [lower(u), u]));
  const out = new Map<string, StrategyRecord>();
  for (const r of strategyWire.listFromWire(res.body)) {
    const key = asked.get(lower(r.vmUuid));
    if (key !== undefined) out.set(key, r);
  }
  return out;
}

/** True when a refused batch settles "absent" for every uuid in it (no VM at all, or a single uuid). */
function absentForAll(err: DrplaneError, uuids: string[]): boolean {
  return err.meta.vendorCode === CODE.noVmInSystem || uuids.length === 1;
}

/**
 * GET vmstrategy?vmUuid=…: the strategies of these VMs, by uuid (absent = not configured).
 * Splits the batch in halves when the VRG refuses it as a whole for one unknown uuid (used
 * for fresh reads and when a listing cannot settle absence).
 */
export async function queryByUuid(client: VrgClient, uuids: string[]): Promise<Map<string, StrategyRecord>> {
  if (uuids.length === 0) return new Map();
  try {
    return await queryOnce(client, uuids);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (absentForAll(err, uuids)) return new Map();
    const half = Math.ceil(uuids.length / 2);
    const [a, b] = await Promise.all([
      queryByUuid(client, uuids.slice(0, half)),
      queryByUuid(client, uuids.slice(half)),
    ]);
    return new Map([...a, ...b]);
  }
}

/**
 * GET vmstrategy?limit=100&offset=…: every strategy of the VRG, page by page, each page
 * overlapping the previous one by PAGE_OVERLAP entries. `complete` says whether each page
 * repeated the previous page's last entry (then no entry can have been skipped by deletions
 * between two pages, as long as the VRG keeps its order).
 */
export async function listStrategies(client: VrgClient): Promise<StrategyListing> {
  const byUuid = new Map<string, StrategyRecord>();
  let complete = true;
  let previousLast: string | undefined;
  let pages = 0;
  for (let offset = 0; pages < MAX_PAGES; offset += PAGE_LIMIT - PAGE_OVERLAP) {
    let list: StrategyRecord[];
    try {
      pages++;
      const res = await client.call<unknown>({
        method: "GET",
        path: "/vmstrategy",
        query: { limit: PAGE_LIMIT, offset },
        operation: "listVmStrategies",
        idempotent: true,
      });
      list = strategyWire.listFromWire(res.body);
    } catch (err) {
      // 10440308: no VM at all (a VRG may say so instead of listing nothing).
      if (!isNotFound(err)) throw err;
      list = [];
    }
    if (previousLast !== undefined && !list.some((r) => lower(r.vmUuid) === previousLast)) complete = false;
    for (const r of list) byUuid.set(lower(r.vmUuid), r);
    if (list.length < PAGE_LIMIT) return { byUuid, complete, pages };
    previousLast = lower(list[list.length - 1]!.vmUuid);
  }
  return { byUuid, complete: false, pages };
}

/** Every strategy of the VRG (see listStrategies). */
export async function listAllStrategies(client: VrgClient): Promise<StrategyRecord[]> {
  return [...(await listStrategies(client)).byUuid.values()];
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

// ---- the process-wide reader -----------------------------------------------------------

function startListing(state: ReaderState): Promise<HeldListing> {
  state.stats.listings++;
  // VMs this burst already answered are not answered again from the listing (read live).
  const served = new Set(state.burst.answered);
  state.servedByNext = served;
  state.burst = newBurst(state.client.clock.now());
  const inFlight: Promise<HeldListing> = listStrategies(state.client).then(
    (l) => {
      const held = { ...l, at: state.client.clock.now(), served };
      if (state.inFlight === inFlight) {
        state.listing = held;
        state.inFlight = undefined;
      }
      return held;
    },
    (err: unknown) => {
      if (state.inFlight === inFlight) state.inFlight = undefined;
      throw err;
    },
  );
  state.inFlight = inFlight;
  return inFlight;
}

/** The listing being read or a recent one, if any (failures of an in-flight one are ignored). */
async function currentListing(state: ReaderState): Promise<HeldListing | undefined> {
  if (state.inFlight) {
    const l = await state.inFlight.catch(() => undefined);
    if (l) return l;
  }
  const l = state.listing;
  if (l && state.client.clock.now() - l.at <= LISTING_TTL_MS) return l;
  state.listing = undefined;
  return undefined;
}

type Answer = { settled: true; record: StrategyRecord | undefined } | { settled: false };

/** What a listing says about one VM, once per VM (its next read is live). */
function answerFrom(state: ReaderState, listing: HeldListing, uuid: string): Answer {
  const key = lower(uuid);
  if (listing.served.has(key)) return { settled: false };
  listing.served.add(key);
  const record = listing.byUuid.get(key);
  if (record || listing.complete) {
    state.stats.snapshotHits++;
    return { settled: true, record };
  }
  return { settled: false };
}

/** A refused batch: its VMs are answered from a listing that has not answered them yet. */
async function settleFromListing(state: ReaderState, uuids: string[]): Promise<Map<string, StrategyRecord>> {
  let listing = await currentListing(state);
  if (!listing || uuids.some((u) => listing!.served.has(lower(u)))) listing = await startListing(state);
  const out = new Map<string, StrategyRecord>();
  const unsettled: string[] = [];
  for (const u of uuids) {
    const a = answerFrom(state, listing, u);
    if (!a.settled) unsettled.push(u);
    else if (a.record) out.set(u, a.record);
  }
  for (const [u, r] of await queryByUuid(state.client, unsettled)) out.set(u, r);
  return out;
}

function batcherFor(client: VrgClient, fresh: boolean): MicroBatcher<string, StrategyRecord> {
  const key = client.sessionKey;
  return sharedBatcher(`vrg-strategies|${key}|${fresh ? "fresh" : "plain"}`, () => {
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
        if (fresh) return queryByUuid(state.client, uuids);
        try {
          return await queryOnce(state.client, uuids);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          if (absentForAll(err, uuids)) return new Map();
          return settleFromListing(state, uuids);
        }
      },
    });
  });
}

export interface ReadOptions {
  /** Must reflect the VRG after a write of ours: batched, never from a listing. */
  fresh?: boolean;
}

/** The strategy of one VM on this VRG, or undefined when it has none. Coalesced. */
export async function readStrategy(
  client: VrgClient,
  vmUuid: string,
  opts: ReadOptions = {},
): Promise<StrategyRecord | undefined> {
  if (opts.fresh) return batcherFor(client, true).load(vmUuid);
  const state = stateFor(client);
  const listing = await currentListing(state);
  if (listing) {
    const a = answerFrom(state, listing, vmUuid);
    if (a.settled) return a.record;
  }
  const now = client.clock.now();
  if (now - state.burst.since > BURST_WINDOW_MS) state.burst = newBurst(now);
  state.burst.reads++;
  if (!state.inFlight && state.burst.reads >= LISTING_THRESHOLD) {
    const fresh = await startListing(state).catch(() => undefined);
    if (fresh) {
      const a = answerFrom(state, fresh, vmUuid);
      if (a.settled) return a.record;
    }
  } else if (state.inFlight) {
    const l = await currentListing(state);
    if (l) {
      const a = answerFrom(state, l, vmUuid);
      if (a.settled) return a.record;
    }
  }
  const record = await batcherFor(client, false).load(vmUuid);
  markAnswered(state, vmUuid);
  return record;
}

/** A VM answered live: a listing that exists now or comes later in this burst does not answer it again. */
function markAnswered(state: ReaderState, uuid: string): void {
  const key = lower(uuid);
  if (state.inFlight && state.servedByNext) state.servedByNext.add(key);
  else if (state.listing) state.listing.served.add(key);
  else state.burst.answered.add(key);
}

/** Drops what is remembered about this VRG's strategies (after any write). */
export function invalidateStrategies(client: VrgClient): void {
  const state = readers().get(client.sessionKey);
  if (!state) return;
  state.listing = undefined;
  state.inFlight = undefined;
  state.servedByNext = undefined;
  state.burst = newBurst(0);
}

/** Counters of this VRG's reader (tests and benchmarks). */
export function readerStats(client: VrgClient): ReaderStats {
  return { ...stateFor(client).stats };
}

/** Forget every reader (tests). */
export function resetStrategyReaders(): void {
  readers().clear();
}
