/**
 * Engine level: the DrTopology component (test/engine/programs/topology: examples/dr-topology in
 * one declaration) through the real `pulumi` CLI on a local file backend, installed from `npm
 * pack`'s tarball, against the simulated DR site with its oVirt engine and NSE: up creates the
 * storage registration, the pairing, both strategies, both alarm servers, the data domain, the
 * stopped standby VM and the file share as children of the component → `preview
 * --expect-no-changes` passes → no canary password (the oVirt and NSE profiles' included) or
 * session token in `pulumi stack export` → removing the alarm receiver deletes only the alarm
 * servers → destroy leaves nothing on the arrays, VRGs, engine or NSE.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { expectNoChanges, expectNoSecretsInState } from "./assertions";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf, type StateResource } from "./stack";
import {
  ALARM_RECEIVER,
  ERP_SHARE,
  ERP_VM,
  STANDBY,
  canaryCredentials,
  leftoversAfterStop,
  recordIssuedTokens,
  siteWithStack,
  teardown,
  type DrSite,
} from "./dr-site";
import { PAIR_STATUS } from "../sim/vrg";

const PROGRAM = path.join(__dirname, "programs", "topology");
const TOPOLOGY_TYPE = "drplane:index:DrTopology";
const CHILDREN = [
  "topology-link",
  "topology-pairing",
  "topology-erp-prod",
  "topology-erp-dr",
  "topology-prod-traps",
  "topology-dr-traps",
  "topology-dr-data",
  "topology-erp-standby-standby",
  "topology-erp-data-share",
];

const parentOf = (r: StateResource) => (r as StateResource & { parent?: string }).parent;

describe("the DrTopology component on the real engine", { concurrency: false }, () => {
  let site: DrSite;
  let stack: EngineStack;
  let tokens: string[];

  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(PROGRAM), "topology", {
      credentials: canaryCredentials("topology"),
      jobDurationMs: 1500,
      ovirt: "ovirt-4.4",
      nse: true,
    }));
    tokens = recordIssuedTokens(site);
  });

  after(async () => {
    await teardown(stack, site);
  });

  test("up creates the link, the pairing, both strategies, both alarm servers, the data domain, the standby VM and the share as children of the component", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.deepEqual(opsOf(up), {
      topology: "create",
      ...Object.fromEntries(CHILDREN.map((c) => [c, "create"])),
    });

    const state = await stack.stateResources();
    const component = state.find((r) => r.type === TOPOLOGY_TYPE);
    assert.ok(component, "the component is in the state");
    for (const name of CHILDREN) {
      const child = state.find((r) => r.urn.endsWith(`::${name}`));
      assert.ok(child, `${name} is in the state`);
      assert.equal(parentOf(child), component.urn, `${name}'s parent is the component`);
    }
    assert.equal(component.outputs?.pairingState, "normal");
    assert.deepEqual((component.outputs?.vms as Record<string, { healthy?: boolean }>).erp?.healthy, true);

    // What the simulators hold: the declaration reached both sites.
    const { hitachi, vrg } = site;
    assert.deepEqual(
      hitachi.local.registrations().map((r) => r.storageDeviceId),
      [hitachi.remote.storageDeviceId],
    );
    const pairing = vrg.production.pairing();
    assert.equal(pairing.status, PAIR_STATUS.normal);
    assert.equal(pairing.dstIp, vrg.dr.replicationAddress.ip);
    const prod = vrg.production.strategy(ERP_VM.uuid);
    const dr = vrg.dr.strategy(ERP_VM.uuid);
    assert.ok(prod && dr, "the VM is protected on both VRGs");
    assert.equal(prod.encryptOption, 1, "production options reach the production strategy");
    assert.equal(dr.agentIp, "10.50.0.31", "DR options reach the DR strategy");
    assert.deepEqual(
      prod.volList.map((v) => v.seqNum),
      [1, 2],
    );
    assert.deepEqual(
      dr.volList.map((v) => [v.seqNum, v.volumeUrl]),
      [
        [1, "/service/sites/2A4B0C7E/volumes/1201"],
        [2, "/service/sites/2A4B0C7E/volumes/1202"],
      ],
    );
    for (const v of [vrg.production, vrg.dr]) assert.deepEqual(v.trapInfo, ALARM_RECEIVER);
    const engine = site.ovirt!;
    assert.equal(engine.domain(STANDBY.domain)?.status, "active");
    const standby = engine.vm(STANDBY.vm);
    assert.equal(standby?.status, "down", "the standby VM is created stopped");
    assert.equal(standby?.cdrom, STANDBY.iso);
    assert.deepEqual(
      engine.vmDisks(standby!.id).map((d) => d.alias),
      ["erp-standby-os"],
    );
    const shares = site.nse!.shares();
    assert.deepEqual(
      shares.map((x) => [x.name, x.dr_enabled, x.size_gb]),
      [[ERP_SHARE.name, true, 500]],
    );
    const outputs = component.outputs as {
      standby?: { dataDomain?: string; vms?: Record<string, { id?: string; status?: string }> };
      fileShares?: Record<string, { id?: string; state?: string }>;
    };
    assert.equal(outputs.standby?.vms?.["erp-standby"]?.status, "down");
    assert.equal(outputs.standby?.vms?.["erp-standby"]?.id, standby!.id, "the registered id is the engine's");
    assert.ok(outputs.standby?.dataDomain, "the data domain's id is registered");
    assert.equal(outputs.fileShares?.["erp-data"]?.id, shares[0]!.id);
    assert.equal(outputs.fileShares?.["erp-data"]?.state, "Operational");

    await expectNoChanges(stack);
  });

  test("pulumi stack export holds no password or session token", async () => {
    const text = await expectNoSecretsInState(stack, site, tokens);
    assert.ok(
      site.credentials["ovirt-dr"] && site.credentials.nse,
      "the engine and NSE profiles are checked too",
    );
    assert.ok(!text.includes(site.nse!.backendPassword), "NSE's back-end password is in the exported state");
  });

  test("without an alarm receiver the component declares no alarm servers: up deletes only those", async () => {
    const rm = await stack.pulumi(["config", "rm", "alarmReceiverIp"]);
    assert.equal(rm.code, 0, explain(rm));
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.deepEqual(opsOf(up), {
      topology: "same",
      ...Object.fromEntries(CHILDREN.map((c) => [c, c.endsWith("-traps") ? "delete" : "same"])),
    });
    assert.equal(site.vrg.production.trapInfo, undefined);
    assert.equal(site.vrg.dr.trapInfo, undefined);
    assert.ok(site.vrg.dr.strategy(ERP_VM.uuid), "the rest is untouched");
    assert.equal(site.ovirt!.vm(STANDBY.vm)?.status, "down");
    assert.equal(site.nse!.shares().length, 1);
  });

  test("destroy leaves nothing on the arrays, VRGs, engine or NSE, and no token stays live", async () => {
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, explain(destroy));
    assert.ok(
      destroy.resources.every((r) => r.op === "delete"),
      JSON.stringify(opsOf(destroy)),
    );
    assert.deepEqual(await leftoversAfterStop(site), []);
    assert.deepEqual(await stack.stateResources(), []);
  });
});
