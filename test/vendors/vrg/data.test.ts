/**
 * Level 1: the VRG data functions of the public API (what an operator checks in a GitOps
 * loop), in-process against a simulator pair, with the password from the environment as a
 * plain script would have it.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { isDrplaneError } from "../../../provider/core/errors";
import {
  getVmDrStatus,
  getVrgFaultVms,
  getVrgNetInfos,
  getVrgPairing,
  getVrgStatus,
} from "../../../provider/data/vrg";
import { VrgClient } from "../../../provider/vendors/vrg/client";
import { ensureStrategy } from "../../../provider/vendors/vrg/strategy";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrgPair, type VrgPair } from "../../sim/vrg";
import { cleanSlate, drOf } from "./fixtures";

let pair: VrgPair;
const vm = { uuid: randomUUID(), volumes: ["vol-d-1"] };

before(async () => {
  pair = await startVrgPair({ paired: true, common: { volumeSetMs: 100 } });
  pair.addVm(vm);
  process.env.DRPLANE_OPS_USERNAME = DEFAULT_VRG_USER;
  process.env.DRPLANE_OPS_PASSWORD = DEFAULT_VRG_PASSWORD;
});

after(async () => {
  delete process.env.DRPLANE_OPS_USERNAME;
  delete process.env.DRPLANE_OPS_PASSWORD;
  await cleanSlate();
  assert.equal(pair.production.liveTokens + pair.dr.liveTokens, 0, "data functions log out");
  await pair.stop();
});

const prod = () => ({ endpoint: pair.production.url, profile: "ops" });
const dr = () => ({ endpoint: pair.dr.url, profile: "ops" });

test("VRG status, networks and pairing as an operator reads them", async () => {
  const status = await getVrgStatus(prod());
  assert.equal(status.state, "normal");
  assert.equal(status.totalCapacityState, "ok");
  const nets = await getVrgNetInfos(prod());
  const peerNet = nets.find((n) => n.network === "peerVrg");
  assert.ok(peerNet);
  assert.equal(peerNet.port, pair.production.replicationAddress.port);
  const pairing = await getVrgPairing(prod());
  assert.equal(pairing.state, "normal");
  assert.equal(pairing.peerPort, pair.dr.replicationAddress.port);
});

test("VM DR status and the fault-VM list on the DR side", async () => {
  const client = new VrgClient({ endpoint: pair.dr.url, profile: "ops", lingerMs: 0 });
  await ensureStrategy({ client, strategy: drOf(vm), timeoutMs: 60_000 });
  pair.dr.setDrStatus(vm.uuid, 3);
  const s = await getVmDrStatus(dr(), vm.uuid);
  assert.equal(s.state, "consistencyCheck");
  assert.equal((await getVrgFaultVms(dr())).vms.length, 0);
  pair.dr.setVmFault(vm.uuid, true);
  const faults = await getVrgFaultVms(dr());
  assert.deepEqual(
    faults.vms.map((f) => [f.vmUuid, f.role, f.agentIp]),
    [[vm.uuid, "dr", "192.168.40.17"]],
  );
  assert.equal(faults.truncated, false);
});

test("bad arguments fail before any request, naming the argument", async () => {
  const before = pair.dr.requestCount("*");
  await assert.rejects(getVmDrStatus(dr(), "vm-1"), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_INPUT"));
    assert.match(err.message, /vmUuid/);
    return true;
  });
  await assert.rejects(getVrgStatus({ endpoint: "ftp://x", profile: "ops" }), /connection\.endpoint/);
  assert.equal(pair.dr.requestCount("*"), before);
});
