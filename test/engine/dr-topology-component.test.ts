/**
 * Engine level: the DrTopology component (test/engine/programs/topology: examples/dr-topology's
 * storage and replication part in one declaration) through the real `pulumi` CLI on a local file
 * backend, installed from `npm pack`'s tarball, against the simulated DR site: up creates the
 * storage registration, the pairing, both strategies and both alarm servers as children of the
 * component → `preview --expect-no-changes` passes → no canary password or session token in
 * `pulumi stack export` → removing the alarm receiver deletes only the alarm servers → destroy
 * leaves nothing on the arrays and VRGs.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf, type StateResource } from "./stack";
import {
  ALARM_RECEIVER,
  ERP_VM,
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
    }));
    tokens = recordIssuedTokens(site);
  });

  after(async () => {
    await teardown(stack, site);
  });

  test("up creates the link, the pairing, both strategies and both alarm servers as children of the component", async () => {
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

    const preview = await stack.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, explain(preview));
    assert.ok(
      preview.resources.every((r) => r.op === "same"),
      JSON.stringify(opsOf(preview)),
    );
  });

  test("pulumi stack export holds no password or session token", async () => {
    const text = await stack.exportText();
    for (const [profile, c] of Object.entries(site.credentials)) {
      assert.ok(!text.includes(c.password), `the ${profile} password is in the exported state`);
    }
    assert.ok(tokens.length > 0, "the simulators issued session tokens");
    for (const token of tokens) assert.ok(!text.includes(token), "a session token is in the exported state");
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
  });

  test("destroy leaves nothing on the arrays and VRGs, and no token stays live", async () => {
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
