/**
 * Level 1: refresh at scale. Reads of many VmDrStrategy resources on one VRG go through the
 * handler's `read` (what the provider host runs on `pulumi refresh`) and are coalesced into
 * batched `GET vmstrategy?vmUuid=…` queries and, for a large burst, one paged listing.
 * Counts are of HTTP requests the simulator received; nothing here measures time.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { drainSessions } from "../../../provider/core/session";
import { vmDrStrategyHandler } from "../../../provider/dynamic/vrg-strategy";
import { postStrategy } from "../../../provider/vendors/vrg/strategy";
import {
  listStrategies,
  PAGE_LIMIT,
  readStrategy,
  resetStrategyReaders,
  batchUrl,
} from "../../../provider/vendors/vrg/strategy-reader";
import { startVrg, type VrgSim } from "../../sim/vrg";
import type { VrgClient } from "../../../provider/vendors/vrg/client";
import { cleanSlate, clientFor, newVm, productionOf, useCredentials, type TestVm } from "./fixtures";

const QUERY = "GET /vrgservice/vmstrategy";

let clock: ManualClock;
let vrg: VrgSim;

beforeEach(async () => {
  clock = new ManualClock();
  vrg = await startVrg({ clock, role: "production" });
  useCredentials();
});

afterEach(async () => {
  await cleanSlate();
  await vrg.stop();
});

/** `n` VMs protected on the VRG, then a fresh process-like state (no token, no cache, empty log). */
async function protect(n: number): Promise<TestVm[]> {
  const client = clientFor(vrg, clock);
  const vms = Array.from({ length: n }, () => newVm(1));
  for (let i = 0; i < vms.length; i += 25) {
    await Promise.all(
      vms.slice(i, i + 25).map((vm) => {
        vrg.addVm(vm);
        return postStrategy(client, productionOf(vm));
      }),
    );
  }
  await drainSessions();
  resetStrategyReaders();
  vrg.server.resetLog();
  return vms;
}

/** The state a VmDrStrategy has after `pulumi up` (what refresh sends to read). */
function stateOf(vm: TestVm): Record<string, any> {
  const s = productionOf(vm);
  return {
    __drplaneName: `vm-${vm.uuid.slice(0, 8)}`,
    connection: { endpoint: vrg.url, profile: "prod" },
    platform: "xen",
    adopt: false,
    deleteMode: "normal",
    ...s,
    vrgUuid: vrg.uuid,
    volumeStatuses: [],
    healthy: true,
    adopted: false,
  };
}

function refresh(vm: TestVm) {
  return vmDrStrategyHandler.read(`${vrg.uuid}/${vm.uuid}`, stateOf(vm));
}

/** Runs reads with at most `parallel` in flight, as the engine's --parallel does. */
async function refreshAll(vms: TestVm[], parallel: number) {
  const results: Array<Awaited<ReturnType<typeof refresh>>> = new Array(vms.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < vms.length) {
        const i = next++;
        results[i] = await refresh(vms[i]!);
      }
    }),
  );
  return results;
}

test("refreshing 500 strategies at once: at most 12 HTTP requests and one login (naive: 500 + 1)", async () => {
  const vms = await protect(500);
  const loginsBefore = vrg.logins;
  const results = await refreshAll(vms, 500);
  assert.ok(
    results.every((r, i) => r.id === `${vrg.uuid}/${vms[i]!.uuid}`),
    "every strategy found",
  );
  assert.ok(
    results.every((r, i) => r.props?.volumes?.[0]?.volUuid === vms[i]!.volumes[0]),
    "each read got its own VM's volumes",
  );
  const requests = vrg.requestCount("*");
  assert.ok(requests <= 12, `${requests} requests`);
  assert.equal(vrg.logins - loginsBefore, 1, "one login");
  for (const e of vrg.server.requests(QUERY)) {
    const uuids = new URLSearchParams(e.query).getAll("vmUuid").length;
    assert.ok(uuids <= PAGE_LIMIT, `a batch of ${uuids} uuids`);
    const limit = Number(new URLSearchParams(e.query).get("limit") ?? 0);
    assert.ok(limit <= PAGE_LIMIT);
  }
});

test("refreshing 500 strategies eight at a time (the engine's --parallel): still at most 12 requests", async () => {
  const vms = await protect(500);
  const loginsBefore = vrg.logins;
  const results = await refreshAll(vms, 8);
  assert.ok(results.every((r) => r.id));
  const requests = vrg.requestCount("*");
  assert.ok(requests <= 12, `${requests} requests`);
  assert.equal(vrg.logins - loginsBefore, 1);
});

test("refresh drops strategies deleted out of band and keeps the others, even inside a batch", async () => {
  const vms = await protect(40);
  const gone = [vms[3]!, vms[17]!, vms[31]!];
  for (const vm of gone) vrg.removeStrategy(vm.uuid);
  const results = await refreshAll(vms, 40);
  results.forEach((r, i) => {
    if (gone.includes(vms[i]!)) assert.deepEqual(r, {}, `vm ${i} is gone`);
    else assert.ok(r.id, `vm ${i} is still there`);
  });
});

test("a whole batch refused for one unknown VM (10440400) is split, not failed", async () => {
  const vms = await protect(10);
  vrg.removeStrategy(vms[4]!.uuid);
  const client = clientFor(vrg, clock);
  const records = await Promise.all(vms.map((vm) => readStrategy(client, vm.uuid, { fresh: true })));
  assert.deepEqual(
    records.map((r) => r !== undefined),
    vms.map((_, i) => i !== 4),
  );
  const batches = vrg.server.requests(QUERY).length;
  assert.ok(batches >= 2 && batches <= 10, `${batches} queries`);
});

test("a VRG with no VM at all (10440308) answers 'gone' for every read", async () => {
  const vms = await protect(3);
  for (const vm of vms) vrg.removeStrategy(vm.uuid);
  const results = await refreshAll(vms, 3);
  assert.deepEqual(results, [{}, {}, {}]);
});

test("batches respect the URL length bound", async () => {
  const vms = await protect(60);
  const client = clientFor(vrg, clock, { maxUrlLength: 1_200 });
  const records = await Promise.all(vms.map((vm) => readStrategy(client, vm.uuid, { fresh: true })));
  assert.ok(records.every(Boolean));
  const queries = vrg.server.requests(QUERY);
  assert.ok(queries.length >= 3, `${queries.length} queries for 60 uuids under 1200 characters`);
  for (const q of queries) {
    const uuids = new URLSearchParams(q.query).getAll("vmUuid");
    assert.ok(batchUrl(client, uuids).length <= 1_200);
  }
});

test("reads after a write never come from a stale listing", async () => {
  const vms = await protect(30);
  const client = clientFor(vrg, clock);
  await refreshAll(vms, 30);
  const target = vms[0]!;
  await postStrategy(client, productionOf(target, { compression: false }));
  const r = await refresh(target);
  assert.equal(r.props?.compression, false, "the read sees the new value");
});

test("a VM UUID declared in another case is still found (UUIDs compare case-insensitively)", async () => {
  const vms = await protect(20);
  const upper = vms.map((vm) => ({ ...vm, uuid: vm.uuid.toUpperCase() }));
  const results = await refreshAll(upper, 20);
  assert.ok(
    results.every((r) => r.id),
    "found in the batched answers and in the listing",
  );
  const client = clientFor(vrg, clock);
  assert.ok(await readStrategy(client, upper[0]!.uuid, { fresh: true }));
});

/** Deletes `fraction` of the VMs' strategies out of band, spread over the list. */
function vanish(vms: TestVm[], fraction: number): Set<TestVm> {
  const gone = new Set<TestVm>();
  vms.forEach((vm, i) => {
    if (Math.floor((i + 1) * fraction) > Math.floor(i * fraction)) gone.add(vm);
  });
  for (const vm of gone) vrg.removeStrategy(vm.uuid);
  return gone;
}

function assertRefreshed(vms: TestVm[], gone: Set<TestVm>, results: Array<Record<string, any>>): void {
  results.forEach((r, i) => {
    if (gone.has(vms[i]!)) assert.deepEqual(r, {}, `vm ${i} is gone`);
    else assert.equal(r.id, `${vrg.uuid}/${vms[i]!.uuid}`, `vm ${i} is still there`);
  });
}

test("the issue's case: 200 strategies, 50 deleted out of band, refreshed eight at a time: at most 12 requests", async () => {
  const vms = await protect(200);
  const gone = vanish(vms, 0.25);
  assert.equal(gone.size, 50);
  const results = await refreshAll(vms, 8);
  assertRefreshed(vms, gone, results);
  const requests = vrg.requestCount("*");
  assert.ok(requests <= 12, `${requests} requests`);
});

for (const [fraction, parallel] of [
  [0.02, 8],
  [0.25, 500],
  [0.5, 8],
  [0.9, 16],
  [0.99, 8],
] as const) {
  test(`500 strategies with ${fraction * 100} % vanished, ${parallel} reads in flight: at most 12 requests, every answer right`, async () => {
    const vms = await protect(500);
    const gone = vanish(vms, fraction);
    const results = await refreshAll(vms, parallel);
    assertRefreshed(vms, gone, results);
    const requests = vrg.requestCount("*");
    assert.ok(requests <= 12, `${requests} requests`);
  });
}

test("a refresh reads live: a VM deleted out of band after an earlier refresh in the same process is reported gone", async () => {
  const vms = await protect(30);
  const first = await refreshAll(vms, 30);
  assert.ok(first.every((r) => r.id));
  vrg.removeStrategy(vms[5]!.uuid);
  const second = await refreshAll(vms, 30);
  assert.deepEqual(second[5], {}, "not served from the first refresh's listing");
  assert.ok(second.every((r, i) => i === 5 || r.id));
});

/** A stand-in client whose listing pages come from `entries`, with `between` run after each page. */
function pagedClient(entries: string[], between: (page: number) => void): VrgClient {
  let page = 0;
  return {
    call: async (opts: { query: { limit: number; offset: number } }) => {
      const { limit, offset } = opts.query;
      const vmList = entries
        .slice(offset, offset + limit)
        .map((vmUuid) => ({ flag: 1, vmUuid, volList: [] }));
      between(page++);
      return { status: 200, headers: {}, body: { vmList } };
    },
  } as unknown as VrgClient;
}

test("a listing is complete (authoritative for absence) only when each page repeats the previous page's last entry", async () => {
  const entries = Array.from(
    { length: 250 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  );
  const calm = await listStrategies(pagedClient([...entries], () => {}));
  assert.equal(calm.complete, true);
  assert.equal(calm.byUuid.size, 250);
  assert.equal(calm.pages, 3, "pages at offsets 0, 90, 180");
  // A few deletions between pages shift entries into the overlap: nothing is skipped.
  const few = [...entries];
  const someGone = await listStrategies(pagedClient(few, (p) => (p === 0 ? few.splice(0, 5) : undefined)));
  assert.equal(someGone.complete, true);
  assert.equal(someGone.byUuid.size, 250, "every entry seen (the 5 deleted ones on the first page)");
  // Many deletions between pages would skip entries: the listing says it is not complete.
  const many = [...entries];
  const churned = await listStrategies(pagedClient(many, (p) => (p === 0 ? many.splice(0, 30) : undefined)));
  assert.equal(churned.complete, false);
});
