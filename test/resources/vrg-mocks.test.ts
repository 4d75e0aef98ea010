/**
 * Level 2: the VRG resource classes under pulumi.runtime.setMocks, constructed from the
 * staged package as a user's program would: type tokens, a small by-reference provider that
 * requires only the dynamic module, no secret captured, outputs declared.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "../host/stage";
import { assertThinShell, recordRegistrations, type Registered } from "./mock-registry";

let registered: Registered[] = [];
let constructed: Record<string, pulumi.CustomResource> = {};

before(() => {
  registered = recordRegistrations();
});

const SECRET = "vrg-secret-must-not-be-captured-7";

async function construct(): Promise<Registered[]> {
  const api = stagedApi();
  process.env.DRPLANE_VRGPROD_PASSWORD = SECRET;
  const connection = { endpoint: "http://127.0.0.1:8080", profile: "vrgprod" };
  const resources = [
    new api.VrgPairing("prod-to-dr", { connection, peerIp: "192.168.100.20", peerPort: 7000 }),
    new api.VmDrStrategy("app-prod", {
      connection,
      role: "production",
      vmUuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
      encryption: "aes128",
      volumes: [{ volUuid: "vol-1", slot: 1 }],
    }),
    new api.VmDrStrategy("app-dr", {
      connection: { ...connection, keyStyle: "snake" },
      role: "dr",
      vmUuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
      agentIp: "192.168.40.17",
      agentPort: 7100,
      volumes: [{ volUuid: "vol-1", volumeUrl: "nas://10.0.0.5/dr/vol-1", volType: "NAS", slot: 1 }],
    }),
    new api.VrgAlarmServer("traps", { connection, ip: "10.0.0.9", port: 162 }),
  ];
  constructed = Object.fromEntries(resources.map((r, i) => [["pairing", "prod", "dr", "traps"][i]!, r]));
  await Promise.all(resources.map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))));
  return registered;
}

test("each VRG resource registers with its drplane type token and a small by-reference provider", async () => {
  const regs = await construct();
  const expected: Record<string, string> = {
    "prod-to-dr": "pulumi-nodejs:dynamic/drplane:VrgPairing",
    "app-prod": "pulumi-nodejs:dynamic/drplane:VmDrStrategy",
    "app-dr": "pulumi-nodejs:dynamic/drplane:VmDrStrategy",
    traps: "pulumi-nodejs:dynamic/drplane:VrgAlarmServer",
  };
  for (const [name, type] of Object.entries(expected)) {
    const r = regs.find((x) => x.name === name);
    assert.ok(r, `${name} registered`);
    assert.equal(r.type, type);
    assertThinShell(r, SECRET);
    assert.ok(!("password" in r.inputs.connection), "connections carry no password");
  }
  // Outputs are registered (seeded undefined), so they are Outputs of the resource objects.
  const outputsOf = (r: pulumi.CustomResource, keys: string[]) =>
    keys.every((k) => pulumi.Output.isInstance((r as unknown as Record<string, unknown>)[k]));
  assert.ok(outputsOf(constructed.prod!, ["vrgUuid", "volumeStatuses", "healthy", "adopted"]));
  assert.ok(outputsOf(constructed.pairing!, ["vrgUuid", "status", "state", "meaning", "adopted"]));
  assert.ok(outputsOf(constructed.traps!, ["ip", "port", "vrgUuid"]));
});

test("every VRG resource of the package shares one serialized provider text per kind", async () => {
  const regs = registered.filter((r) => r.type.endsWith(":VmDrStrategy"));
  assert.equal(regs.length, 2);
  assert.equal(regs[0]!.inputs.__provider, regs[1]!.inputs.__provider);
});

test("the data functions are plain async functions of the public API", () => {
  const api = stagedApi();
  for (const fn of [
    api.getVrgStatus,
    api.getVrgNetInfos,
    api.getVmDrStatus,
    api.getVrgPairing,
    api.getVrgFaultVms,
  ]) {
    assert.equal(typeof fn, "function");
  }
  assert.equal(typeof api.vrg.changeManagementNetwork, "function", "modmngnet is a client operation");
});
