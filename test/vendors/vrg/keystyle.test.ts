/**
 * Level 1: the wire key style is a fact of each VRG and each request body, not a connection
 * setting (issue 9). Seed 001's tables are camelCase and its vrgmap sample is snake_case
 * (`dst_ip`); every other sample is camelCase. With default settings drplane must work
 * against a VRG of either reading: it sends the table's camelCase first and, when the VRG
 * refuses the keys (10440101, before acting), the other style once, and remembers per VRG
 * and body which one it took.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { isDrplaneError } from "../../../provider/core/errors";
import { ensureAlarmServer } from "../../../provider/vendors/vrg/alarm-server";
import { VrgClient } from "../../../provider/vendors/vrg/client";
import { ensurePairing, removePairing } from "../../../provider/vendors/vrg/pairing";
import { ensureStrategy, removeStrategy } from "../../../provider/vendors/vrg/strategy";
import { startVrgPair, type VrgPair, type VrgPairOptions } from "../../sim/vrg";
import { cleanSlate, drOf, newVm, productionOf, useCredentials } from "./fixtures";

const VRGMAP = "POST /vrgservice/vrgmap";
const SET = "POST /vrgservice/vmstrategy";

let clock: ManualClock;
let pair: VrgPair | undefined;

beforeEach(() => {
  clock = new ManualClock();
  useCredentials();
});

afterEach(async () => {
  await cleanSlate();
  await pair?.stop();
  pair = undefined;
});

async function start(opts: VrgPairOptions): Promise<VrgPair> {
  pair = await startVrgPair({
    clock,
    common: { pairingMs: 1_000, volumeSetMs: 1_000, deleteMs: 1_000 },
    ...opts,
  });
  return pair;
}

/** What a resource's handler builds: no keyStyle unless the user set one. */
function client(endpoint: string, profile: string, keyStyle?: "camel" | "snake"): VrgClient {
  return new VrgClient({ endpoint, profile, ...(keyStyle ? { keyStyle } : {}) }, clock);
}

function refusedBodies(p: VrgPair, route: string): number {
  return p.production.server.requests(route).filter((e) => e.status === 400).length;
}

/** Pairing, a production strategy, its deletion, a DR strategy: the whole VRG surface that has bodies. */
async function exercise(p: VrgPair, prod: VrgClient, dr: VrgClient): Promise<void> {
  const peer = p.dr.replicationAddress;
  const paired = await ensurePairing({
    client: prod,
    peerIp: peer.ip,
    peerPort: peer.port,
    timeoutMs: 60_000,
  });
  assert.equal(paired.record.status, 1);
  const vm = newVm(2);
  p.addVm(vm);
  const set = await ensureStrategy({ client: prod, strategy: productionOf(vm), timeoutMs: 60_000 });
  assert.equal(set.record.encryption, "aes128");
  const drSet = await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  assert.equal(drSet.record.volumes[0]!.volStatus, 1);
  await ensureAlarmServer({ client: prod, ip: "192.168.10.5", port: 162 });
  const removed = await removeStrategy({ client: prod, vmUuid: vm.uuid, mode: "force", timeoutMs: 60_000 });
  assert.equal(removed.forced, true);
  assert.equal(p.production.strategy(vm.uuid), undefined, "deleted");
}

test("default settings work against a VRG that reads the seed's snake_case vrgmap sample and camelCase elsewhere", async () => {
  const p = await start({
    common: { vrgmapKeyStyle: "snake", pairingMs: 1_000, volumeSetMs: 1_000, deleteMs: 1_000 },
  });
  const prod = client(p.production.url, "prod");
  await exercise(p, prod, client(p.dr.url, "dr"));
  assert.equal(p.production.server.requests(VRGMAP).length, 2, "camelCase refused once, then snake_case");
  assert.equal(refusedBodies(p, SET), 0, "strategies were sent camelCase at once");
  // Remembered for this VRG: the next pairing (another resource, another client) posts once.
  const peer = p.dr.replicationAddress;
  await removePairing({ client: prod, peerIp: peer.ip, peerPort: peer.port, timeoutMs: 60_000 });
  await ensurePairing({
    client: client(p.production.url, "prod"),
    peerIp: peer.ip,
    peerPort: peer.port,
    timeoutMs: 60_000,
  });
  assert.equal(p.production.server.requests(VRGMAP).length, 3, "one more POST, in snake_case");
  assert.equal(refusedBodies(p, VRGMAP), 1);
});

test("default settings work against a VRG that reads snake_case everywhere", async () => {
  const p = await start({ keyStyle: "snake" });
  await exercise(p, client(p.production.url, "prod"), client(p.dr.url, "dr"));
  assert.equal(refusedBodies(p, VRGMAP), 1);
  assert.equal(refusedBodies(p, SET), 1, "learnt once for strategies of this VRG");
});

test("default settings against a camelCase VRG send every body once", async () => {
  const p = await start({ keyStyle: "camel" });
  await exercise(p, client(p.production.url, "prod"), client(p.dr.url, "dr"));
  for (const vrg of [p.production, p.dr]) {
    const refused = vrg.server.requests("*").filter((e) => e.method === "POST" && e.status === 400);
    assert.deepEqual(
      refused.map((e) => e.path),
      [],
    );
  }
});

test('keyStyle: "snake" (the vrgmap sample) no longer breaks strategies and deletions on a camelCase VRG', async () => {
  const p = await start({
    common: { vrgmapKeyStyle: "snake", pairingMs: 1_000, volumeSetMs: 1_000, deleteMs: 1_000 },
  });
  await exercise(p, client(p.production.url, "prod", "snake"), client(p.dr.url, "dr", "snake"));
  assert.equal(refusedBodies(p, VRGMAP), 0, "the preferred style was right for vrgmap");
});

test("a body the VRG refuses in both styles fails with the VRG's answer to the declared one, and sets nothing", async () => {
  const p = await start({ keyStyle: "camel" });
  const vm = newVm(1);
  p.addVm({ uuid: vm.uuid, volumes: ["another-volume"] });
  await assert.rejects(
    ensureStrategy({
      client: client(p.production.url, "prod"),
      strategy: productionOf(vm),
      timeoutMs: 60_000,
    }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_INPUT"), String(err));
      assert.match(err.message, /invalid input parameter/);
      assert.match(err.message, /does not belong to VM/, "the camelCase answer (the VRG's own reason)");
      assert.match(err.message, /with snake_case keys: .*invalid input parameter/);
      return true;
    },
  );
  assert.equal(p.production.strategy(vm.uuid), undefined);
});
