/**
 * Level 1: `check` of the VRG handlers, called directly (no request can happen: there is no
 * VRG). Failures name the property the user wrote, including an unknown key itself rather
 * than the object holding it, and catch what the VRG would refuse.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { vrgAlarmServerHandler } from "../../../provider/dynamic/vrg-alarm-server";
import { vrgPairingHandler } from "../../../provider/dynamic/vrg-pairing";
import { vmDrStrategyHandler } from "../../../provider/dynamic/vrg-strategy";

const connection = { endpoint: "http://192.168.10.21:8080", profile: "vrg-prod" };
const vmUuid = "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b";

function production(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    connection,
    role: "production",
    vmUuid,
    volumes: [
      { volUuid: "vol-a", slot: 1 },
      { volUuid: "vol-b", slot: 2 },
    ],
    ...extra,
  };
}

function byProperty(failures: Array<{ property: string; reason: string }>): Record<string, string> {
  return Object.fromEntries(failures.map((f) => [f.property, f.reason]));
}

test("volume UUIDs that differ only in case are duplicates (the VRG refuses them with 10440306)", async () => {
  const r = await vmDrStrategyHandler.check(
    {},
    production({
      volumes: [
        { volUuid: "0B4D-SYS", slot: 1 },
        { volUuid: "0b4d-sys", slot: 2 },
      ],
    }),
  );
  const f = byProperty(r.failures ?? []);
  assert.deepEqual(Object.keys(f), ["volumes[1].volUuid"]);
  assert.match(f["volumes[1].volUuid"]!, /duplicate volume UUID.*volumes\[0\].*10440306/);
});

test("an unknown key is named itself, at the top level and inside an object", async () => {
  const r = await vmDrStrategyHandler.check(
    {},
    production({
      drExtra: true,
      connection: { ...connection, keystyle: "snake" },
      volumes: [{ volUuid: "vol-a", slot: 1, size: 10 }],
    }),
  );
  const f = byProperty(r.failures ?? []);
  assert.deepEqual(Object.keys(f).sort(), ["connection.keystyle", "drExtra", "volumes[0].size"]);
  for (const reason of Object.values(f)) assert.match(reason, /unknown property/);
  const p = await vrgPairingHandler.check({}, { connection, peerIp: "10.0.0.2", peerPort: 7000, peerPrt: 1 });
  assert.deepEqual(
    (p.failures ?? []).map((x) => x.property),
    ["peerPrt"],
  );
  const a = await vrgAlarmServerHandler.check(
    {},
    { connection: { ...connection, extra: 1 }, ip: "10.0.0.5", port: 162 },
  );
  assert.deepEqual(
    (a.failures ?? []).map((x) => x.property),
    ["connection.extra"],
  );
});

test("an unknown key beside another failure on the same object keeps both failures", async () => {
  const r = await vmDrStrategyHandler.check(
    {},
    production({ connection: { profile: "vrg-prod", keyStyl: "snake" } }),
  );
  const f = byProperty(r.failures ?? []);
  assert.ok(f["connection.keyStyl"], JSON.stringify(r.failures));
  assert.ok(f["connection.endpoint"], JSON.stringify(r.failures));
});
