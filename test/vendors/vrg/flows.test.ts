/**
 * Level 1: the VRG flows (pairing, both strategy roles, deletion, alarm server, status reads,
 * modmngnet) against a production + DR simulator pair, including the faults an operator
 * meets: a pairing that fails, a broken link, a volume that ends in error, a deletion that
 * fails and is then forced, a lost reply after a set.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { isDrplaneError } from "../../../provider/core/errors";
import {
  ensureAlarmServer,
  getAlarmServer,
  removeAlarmServer,
} from "../../../provider/vendors/vrg/alarm-server";
import type { VrgClient } from "../../../provider/vendors/vrg/client";
import { ensurePairing, getPairing, removePairing } from "../../../provider/vendors/vrg/pairing";
import {
  changeManagementNetwork,
  getNetInfos,
  getVmDrStatus,
  getVrgStatus,
} from "../../../provider/vendors/vrg/status";
import { ensureStrategy, removeStrategy } from "../../../provider/vendors/vrg/strategy";
import { listFaultVms } from "../../../provider/vendors/vrg/strategy-reader";
import { startVrgPair, VOL_STATUS, type VrgPair } from "../../sim/vrg";
import { cleanSlate, clientFor, drOf, newVm, productionOf, useCredentials, type TestVm } from "./fixtures";

const SET = "POST /vrgservice/vmstrategy";

let clock: ManualClock;
let pair: VrgPair;
let prod: VrgClient;
let dr: VrgClient;
let vm: TestVm;

beforeEach(async () => {
  clock = new ManualClock();
  pair = await startVrgPair({ clock, common: { pairingMs: 3_000, volumeSetMs: 4_000, deleteMs: 2_000 } });
  useCredentials();
  prod = clientFor(pair.production, clock, { profile: "prod" });
  dr = clientFor(pair.dr, clock, { profile: "dr" });
  vm = newVm(2);
  pair.addVm(vm);
});

afterEach(async () => {
  await cleanSlate();
  assert.equal(pair.production.liveTokens + pair.dr.liveTokens, 0, "tokens logged out");
  await pair.stop();
});

function peer() {
  const a = pair.dr.replicationAddress;
  return { peerIp: a.ip, peerPort: a.port };
}

// ---- pairing --------------------------------------------------------------------------

test("pairs with the peer, waits through 'pairing' to 'normal', and a re-run adopts without posting", async () => {
  const progress: string[] = [];
  const r = await ensurePairing({
    client: prod,
    ...peer(),
    timeoutMs: 60_000,
    onProgress: (m) => progress.push(m),
  });
  assert.equal(r.record.status, 1);
  assert.equal(r.adopted, false);
  assert.equal(r.vrgUuid, pair.production.uuid);
  assert.ok(
    progress.some((m) => /pairing after \d+ s/.test(m)),
    progress.join("\n"),
  );
  const again = await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 });
  assert.equal(again.adopted, true);
  assert.equal(pair.production.requestCount("POST /vrgservice/vrgmap"), 1);
  // The DR side sees the pairing too, and declaring it there adopts it.
  const fromDr = await ensurePairing({
    client: dr,
    peerIp: pair.production.replicationAddress.ip,
    peerPort: pair.production.replicationAddress.port,
    timeoutMs: 60_000,
  });
  assert.equal(fromDr.adopted, true);
});

test("a pairing that fails surfaces status 3 with its meaning; the next run pairs again", async () => {
  pair.production.failNextPairing();
  await assert.rejects(ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 }), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
    assert.match(err.message, /pairing with .* failed: the VRG reports status 3 \(pairing failed/);
    assert.equal(err.meta.lastState, "failed");
    assert.match(err.message, /remedy: check that the peer VRG is up/);
    return true;
  });
  const r = await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 });
  assert.equal(r.record.status, 1);
  assert.equal(pair.production.requestCount("POST /vrgservice/vrgmap"), 2);
});

test("a peer that never answers times out naming the last state", async () => {
  await pair.dr.stop();
  await assert.rejects(ensurePairing({ client: prod, ...peer(), timeoutMs: 2_000 }), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TIMEOUT"));
    assert.equal(err.meta.lastState, "pairing");
    return true;
  });
});

test("a broken link is reported as status 5 and fails a converge without deleting anything", async () => {
  await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 });
  pair.production.breakLink();
  assert.equal((await getPairing(prod)).status, 5);
  await assert.rejects(
    ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 }),
    /link to .* is broken \(status 5/,
  );
  assert.equal(pair.production.requestCount("DELETE /vrgservice/vrgmap"), 0);
  pair.production.restoreLink();
  assert.equal((await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 })).record.status, 1);
});

test("a VRG paired with another peer is a conflict naming it", async () => {
  await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 });
  await assert.rejects(
    ensurePairing({ client: prod, peerIp: "10.20.30.40", peerPort: 7000, timeoutMs: 60_000 }),
    (err: unknown) => isDrplaneError(err, "DRP_CONFLICT") && err.message.includes(peer().peerIp),
  );
});

test("removePairing deletes and waits until unpaired; already unpaired is done", async () => {
  await ensurePairing({ client: prod, ...peer(), timeoutMs: 60_000 });
  assert.deepEqual(await removePairing({ client: prod, ...peer(), timeoutMs: 60_000 }), {
    alreadyGone: false,
  });
  assert.equal(pair.production.pairing().status, 4);
  assert.deepEqual(await removePairing({ client: prod, ...peer(), timeoutMs: 60_000 }), {
    alreadyGone: true,
  });
});

// ---- strategies -----------------------------------------------------------------------

test("production strategy: set, listed with its volumes, re-run adopts without posting", async () => {
  const r = await ensureStrategy({ client: prod, strategy: productionOf(vm), timeoutMs: 60_000 });
  assert.equal(r.set, true);
  assert.deepEqual(
    r.record.volumes.map((v) => v.volUuid),
    vm.volumes,
  );
  const again = await ensureStrategy({ client: prod, strategy: productionOf(vm), timeoutMs: 60_000 });
  assert.equal(again.adopted, true);
  assert.equal(pair.production.requestCount(SET), 1);
  assert.equal(pair.production.strategy(vm.uuid)?.encryptOption, 1);
});

test("DR strategy: waits while volumes are 'setting' (5) until every one is normal (1)", async () => {
  const progress: string[] = [];
  const r = await ensureStrategy({
    client: dr,
    strategy: drOf(vm),
    timeoutMs: 60_000,
    onProgress: (m) => progress.push(m),
  });
  assert.deepEqual(
    r.record.volumes.map((v) => v.volStatus),
    [1, 1],
  );
  assert.ok(
    progress.some((m) => m.includes("setting")),
    progress.join("\n"),
  );
});

test("a DR volume that ends in error fails with each volume's meaning", async () => {
  pair.dr.failVolume(vm.uuid, vm.volumes[0]!, VOL_STATUS.pathError);
  pair.dr.failVolume(vm.uuid, vm.volumes[1]!, VOL_STATUS.usedByOtherVrg);
  await assert.rejects(
    ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
      assert.match(err.message, new RegExp(`volume ${vm.volumes[0]}: volume path error.*volStatus 2`));
      assert.match(
        err.message,
        new RegExp(`volume ${vm.volumes[1]}: the volume is configured on another VRG.*volStatus 4`),
      );
      return true;
    },
  );
});

test("a different existing strategy is a conflict naming the differences; adopt sets it over", async () => {
  await ensureStrategy({
    client: prod,
    strategy: productionOf(vm, { compression: false }),
    timeoutMs: 60_000,
  });
  await assert.rejects(
    ensureStrategy({ client: prod, strategy: productionOf(vm), timeoutMs: 60_000 }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_CONFLICT"));
      assert.match(err.message, /compression is false \(declared true\)/);
      assert.match(err.message, /adopt: true/);
      return true;
    },
  );
  const r = await ensureStrategy({
    client: prod,
    strategy: productionOf(vm),
    adopt: true,
    timeoutMs: 60_000,
  });
  assert.equal(r.record.compression, true);
});

test("a set whose reply is lost is looked up, not posted twice", async () => {
  pair.dr.server.faults.add({ route: SET, resetAfterHandling: true, times: 1 });
  const r = await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  assert.equal(r.record.volumes.length, 2);
  assert.equal(pair.dr.requestCount(SET), 1);
});

test("a 503 on the set is retried (nothing reached the model) and sets once", async () => {
  pair.production.server.faults.add({ route: SET, status: 503, times: 2 });
  await ensureStrategy({ client: prod, strategy: productionOf(vm), timeoutMs: 60_000 });
  assert.equal(pair.production.counters.strategiesSet, 1);
});

test("deletion answers the DR status seen before it, waits until the VM is gone; again is a no-op", async () => {
  await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  const r = await removeStrategy({ client: dr, vmUuid: vm.uuid, mode: "normal", timeoutMs: 60_000 });
  assert.equal(r.alreadyGone, false);
  assert.equal(r.forced, false);
  assert.ok(r.drStatus === 1 || r.drStatus === 3, `drStatus ${r.drStatus}`);
  assert.equal(r.drStatusName, r.drStatus === 1 ? "incrementalQueue" : "consistencyCheck");
  assert.equal(pair.dr.strategy(vm.uuid), undefined);
  const again = await removeStrategy({ client: dr, vmUuid: vm.uuid, mode: "normal", timeoutMs: 60_000 });
  assert.equal(again.alreadyGone, true);
});

test("a normal deletion that fails (volumes 6) says so; forceOnFailure then deletes with delFlag 2", async () => {
  await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  pair.dr.failNextDelete(vm.uuid, { sticky: true });
  await assert.rejects(
    removeStrategy({ client: dr, vmUuid: vm.uuid, mode: "normal", timeoutMs: 60_000 }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
      assert.match(err.message, /deletion failed/);
      assert.match(err.message, /forceOnFailure/);
      return true;
    },
  );
  assert.ok(pair.dr.strategy(vm.uuid), "still configured");
  const progress: string[] = [];
  const r = await removeStrategy({
    client: dr,
    vmUuid: vm.uuid,
    mode: "forceOnFailure",
    timeoutMs: 60_000,
    onProgress: (m) => progress.push(m),
  });
  assert.equal(r.forced, true);
  assert.equal(pair.dr.strategy(vm.uuid), undefined);
  assert.ok(
    progress.some((m) => m.includes("delFlag 2")),
    progress.join("\n"),
  );
  const bodies = pair.dr.server.requests(`POST /vrgservice/vmstrategy/${vm.uuid}`);
  assert.ok(bodies.length >= 2);
});

test("forceOnFailure in one go: the normal deletion fails, then the forced one succeeds", async () => {
  await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  pair.dr.failNextDelete(vm.uuid);
  const progress: string[] = [];
  const r = await removeStrategy({
    client: dr,
    vmUuid: vm.uuid,
    mode: "forceOnFailure",
    timeoutMs: 60_000,
    onProgress: (m) => progress.push(m),
  });
  assert.equal(r.forced, true);
  assert.equal(pair.dr.strategy(vm.uuid), undefined);
  assert.ok(
    progress.some((m) => /normal deletion failed.*deletion failed/.test(m)),
    progress.join("\n"),
  );
});

test("volumes left in 6 by a failed deletion are cleared by setting the strategy again (update's reset)", async () => {
  await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  pair.dr.failNextDelete(vm.uuid);
  await assert.rejects(removeStrategy({ client: dr, vmUuid: vm.uuid, mode: "normal", timeoutMs: 60_000 }));
  const r = await ensureStrategy({
    client: dr,
    strategy: drOf(vm),
    adopt: true,
    reset: true,
    timeoutMs: 60_000,
  });
  assert.equal(r.set, true);
  assert.deepEqual(
    r.record.volumes.map((v) => v.volStatus),
    [1, 1],
  );
});

// ---- alarm server, status, modmngnet ---------------------------------------------------

test("alarm server: set, adopt identical, conflict on another address, remove restores 0.0.0.0", async () => {
  const r = await ensureAlarmServer({ client: prod, ip: "10.0.0.9", port: 162 });
  assert.deepEqual(r, { trap: { ip: "10.0.0.9", port: 162 }, adopted: false });
  assert.equal((await ensureAlarmServer({ client: prod, ip: "10.0.0.9", port: 162 })).adopted, true);
  await assert.rejects(ensureAlarmServer({ client: prod, ip: "10.0.0.10", port: 162 }), (e: unknown) =>
    isDrplaneError(e, "DRP_CONFLICT"),
  );
  assert.deepEqual(await removeAlarmServer(prod, { ip: "10.0.0.9", port: 162 }), { alreadyGone: false });
  assert.equal(pair.production.trapInfo, undefined);
  assert.equal(await getAlarmServer(prod), undefined, "10440402 reads as none");
});

test("status reads: vrgstatus, netinfos by network, vmdrstatus, fault VMs", async () => {
  const s = await getVrgStatus(prod);
  assert.equal(s.state, "normal");
  assert.equal(s.totalCapacityKb, 104_857_600);
  pair.production.setVrgStatus({ status: 2, availableCapacity: -2 });
  const s2 = await getVrgStatus(prod);
  assert.equal(s2.state, "abnormal");
  assert.equal(s2.availableCapacityKb, null);
  assert.equal(s2.availableCapacityState, "cacheLoading");
  const nets = await getNetInfos(prod);
  assert.deepEqual(
    nets.map((n) => n.network),
    ["management", "cna", "peerVrg"],
  );
  await ensureStrategy({ client: dr, strategy: drOf(vm), timeoutMs: 60_000 });
  pair.dr.setDrStatus(vm.uuid, 2);
  assert.deepEqual(await getVmDrStatus(dr, vm.uuid), {
    vmUuid: vm.uuid,
    status: 2,
    state: "incrementalCbt",
    meaning: "incremental (CBT)",
  });
  await assert.rejects(getVmDrStatus(dr, "00000000-0000-4000-8000-000000000000"), (e: unknown) =>
    isDrplaneError(e, "DRP_NOT_FOUND"),
  );
  assert.deepEqual(await listFaultVms(dr), []);
  pair.dr.setVmFault(vm.uuid, true);
  assert.deepEqual(
    (await listFaultVms(dr)).map((r) => r.vmUuid),
    [vm.uuid],
  );
});

test("modmngnet changes the management network and says which endpoint to use next", async () => {
  const r = await changeManagementNetwork(prod, {
    ip: "127.0.0.9",
    netmask: "255.0.0.0",
    gateway: "127.0.0.254",
  });
  assert.deepEqual(r.applied, { ip: "127.0.0.9", netmask: "255.0.0.0", gateway: "127.0.0.254" });
  assert.equal(r.newEndpoint, `http://127.0.0.9:${pair.production.server.port}`);
  assert.equal(pair.production.managementNetwork.ip, "127.0.0.9");
  await assert.rejects(
    changeManagementNetwork(prod, { ip: "not-an-ip", netmask: "255.0.0.0", gateway: "127.0.0.254" }),
    (e: unknown) => isDrplaneError(e, "DRP_INPUT"),
  );
  assert.equal(pair.production.managementChanges.length, 1, "bad input never sent");
});
