/**
 * The VRG's pure classifiers as tables, one snapshot per row: `classifyPairing` (waiting for a
 * pairing to be normal), `classifyStrategy` (waiting for a strategy's volumes), `classifyDeletion`
 * (waiting for a strategy to go), and the code tables the outputs show (`pairingState`,
 * `describeCode`, `capacity`, `describeVrgStatus`).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { PollVerdict } from "../../../provider/core/poll";
import { classifyPairing, pairingState } from "../../../provider/vendors/vrg/pairing";
import { classifyDeletion, classifyStrategy } from "../../../provider/vendors/vrg/strategy";
import { capacity, describeCode, VOLUME_STATUS } from "../../../provider/vendors/vrg/states";
import { describeVrgStatus } from "../../../provider/vendors/vrg/status";
import type {
  PairingRecord,
  StrategyRecord,
  StrategySpec,
  VolumeRecord,
} from "../../../provider/vendors/vrg/wire";

/** What a row expects of a verdict: its status and state, words of its message, a remedy. */
interface Verdict {
  status: PollVerdict["status"];
  state?: string;
  message?: RegExp;
  remedy?: RegExp;
  vendorDetail?: Record<string, string>;
}

function assertVerdict(v: PollVerdict, want: Verdict): void {
  assert.equal(v.status, want.status);
  if (want.state !== undefined) assert.equal("state" in v ? v.state : undefined, want.state);
  if (want.message) assert.match("message" in v ? (v.message ?? "") : "", want.message);
  const meta = v.status === "failure" ? v.meta : undefined;
  if (want.remedy) assert.match(meta?.remedy ?? "", want.remedy);
  if (want.vendorDetail) assert.deepEqual(meta?.vendorDetail, want.vendorDetail);
}

// ---- pairing ---------------------------------------------------------------------------------

const peer = { peerIp: "10.2.0.1", peerPort: 7000 };
const pairingRows: Array<[string, PairingRecord, Verdict]> = [
  ["normal with this peer", { ...peer, status: 1 }, { status: "success" }],
  ["normal, peer not reported", { status: 1 }, { status: "success" }],
  ["normal, port not reported", { peerIp: peer.peerIp, status: 1 }, { status: "success" }],
  [
    "normal with another peer",
    { peerIp: "10.2.0.9", peerPort: 7000, status: 1 },
    { status: "failure", state: "normal", message: /now paired with 10\.2\.0\.9:7000, not 10\.2\.0\.1:7000/ },
  ],
  [
    "normal with this address on another port",
    { peerIp: peer.peerIp, peerPort: 7001, status: 1 },
    { status: "failure", state: "normal", message: /now paired with 10\.2\.0\.1:7001/ },
  ],
  [
    "pairing with this peer",
    { ...peer, status: 2 },
    { status: "pending", state: "pairing", message: /status 2/ },
  ],
  [
    "pairing with another peer",
    { peerIp: "10.2.0.9", status: 2 },
    { status: "failure", state: "pairing", message: /now paired with 10\.2\.0\.9:\?/ },
  ],
  [
    "pairing failed",
    { ...peer, status: 3 },
    {
      status: "failure",
      state: "failed",
      message: /reports status 3 \(pairing failed/,
      remedy: /peer VRG is up/,
    },
  ],
  ["unpaired (not yet)", { status: 4 }, { status: "pending", state: "unpaired" }],
  [
    "unpaired, an old peer still reported",
    { peerIp: "10.2.0.9", status: 4 },
    { status: "pending", state: "unpaired" },
  ],
  [
    "link broken",
    { ...peer, status: 5 },
    {
      status: "failure",
      state: "linkBroken",
      message: /the link to 10\.2\.0\.1:7000 is broken \(status 5/,
      remedy: /restore the replication network/,
    },
  ],
  ["no status", {}, { status: "pending", state: "unknown", message: /status \?/ }],
  ["a status not in the table", { ...peer, status: 9 }, { status: "pending", state: "unknown(9)" }],
];

for (const [name, record, want] of pairingRows) {
  test(`classifyPairing: ${name}`, () => assertVerdict(classifyPairing(record, peer), want));
}

// ---- strategy --------------------------------------------------------------------------------

const VM = "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b";
const production: StrategySpec = {
  role: "production",
  vmUuid: VM,
  encryption: "none",
  compression: false,
  volumes: [
    { volUuid: "v1", slot: 1 },
    { volUuid: "v2", slot: 2 },
  ],
};
const dr: StrategySpec = {
  role: "dr",
  vmUuid: VM,
  agentIp: "192.168.40.17",
  agentPort: 7100,
  volumes: [
    { volUuid: "v1", slot: 1, volumeUrl: "nas://10.0.0.5/dr/v1", volType: "NAS" },
    { volUuid: "v2", slot: 2, volumeUrl: "nas://10.0.0.5/dr/v2", volType: "NAS" },
  ],
};
/** A listed strategy with these volumes: `v1: 1` is v1 with volStatus 1, `v1` none reported. */
function listed(...vols: Array<string | [string, number]>): StrategyRecord {
  const volumes: VolumeRecord[] = vols.map((v) =>
    typeof v === "string" ? { volUuid: v } : { volUuid: v[0], volStatus: v[1] },
  );
  return { vmUuid: VM, volumes };
}

const strategyRows: Array<[string, StrategySpec, StrategyRecord | undefined, Verdict]> = [
  ["not listed yet", production, undefined, { status: "pending", state: "notListed" }],
  ["production: every volume listed", production, listed("v1", "v2"), { status: "success" }],
  [
    "production: a volume not listed yet",
    production,
    listed("v1"),
    { status: "pending", state: "volumesMissing", message: /volumes not listed yet: v2$/ },
  ],
  ["dr: every volume normal", dr, listed(["v1", 1], ["v2", 1]), { status: "success" }],
  [
    "dr: a volume being set",
    dr,
    listed(["v1", 1], ["v2", 5]),
    { status: "pending", state: "volume v2 setting", message: /volume v2: being set \(volStatus 5\)/ },
  ],
  [
    "dr: a volume path error",
    dr,
    listed(["v1", 2], ["v2", 1]),
    {
      status: "failure",
      state: "pathError",
      message: /volume v1: volume path error/,
      remedy: /volumeUrl must exist/,
      vendorDetail: { v1: "2" },
    },
  ],
  [
    "dr: a type error and a volume used by another VRG",
    dr,
    listed(["v1", 3], ["v2", 4]),
    {
      status: "failure",
      state: "typeError, usedByOtherVrg",
      remedy: /declare the volType.*; the DR volume is configured on another VRG/,
      vendorDetail: { v1: "3", v2: "4" },
    },
  ],
  [
    "dr: a deletion failed on a volume",
    dr,
    listed(["v1", 6], ["v2", 1]),
    { status: "failure", state: "deleteFailed", remedy: /forceOnFailure/ },
  ],
  [
    "dr: a volume status not in the table fails",
    dr,
    listed(["v1", 7], ["v2", 1]),
    { status: "failure", state: "unknown(7)" },
  ],
  [
    "dr: an error outweighs a missing volume",
    dr,
    listed(["v1", 2]),
    { status: "failure", state: "pathError" },
  ],
  [
    // Today's behaviour: the failure check looks at the declared volumes only, the settling
    // check at every listed one, so the wait stays pending until it times out.
    "dr: an undeclared volume in error does not fail the wait, it keeps it pending",
    dr,
    listed(["v1", 1], ["v2", 1], ["v9", 2]),
    { status: "pending", state: "volume v9 pathError" },
  ],
];

for (const [name, spec, record, want] of strategyRows) {
  test(`classifyStrategy: ${name}`, () => assertVerdict(classifyStrategy(record, spec), want));
}

const deletionRows: Array<[string, StrategyRecord | undefined, boolean, string[], Verdict]> = [
  ["gone", undefined, false, [], { status: "success" }],
  [
    "still listed",
    listed(["v1", 1]),
    false,
    [],
    { status: "pending", state: "listed", message: /still listed/ },
  ],
  [
    "a volume's deletion failed",
    listed(["v1", 6], ["v2", 1]),
    false,
    [],
    {
      status: "failure",
      state: "deleteFailed",
      message: /volume v1: deletion failed/,
      remedy: /forceOnFailure/,
    },
  ],
  [
    "a volume's deletion failed, forced",
    listed(["v1", 6]),
    true,
    [],
    { status: "pending", state: "deleteFailed", message: /volume v1/ },
  ],
  [
    "a failure seen before this deletion began",
    listed(["v1", 6]),
    false,
    ["v1"],
    { status: "pending", state: "deleteFailed" },
  ],
  [
    "a new failure beside an earlier one names only the new one",
    listed(["v1", 6], ["v2", 6]),
    false,
    ["v1"],
    { status: "failure", state: "deleteFailed", message: /^volume v2: deletion failed[^;]*$/ },
  ],
];

for (const [name, record, force, earlier, want] of deletionRows) {
  test(`classifyDeletion: ${name}`, () =>
    assertVerdict(classifyDeletion(record, force, new Set(earlier)), want));
}

// ---- code tables -----------------------------------------------------------------------------

const pairingStates: Array<[number | undefined, string]> = [
  [1, "normal"],
  [2, "pairing"],
  [3, "failed"],
  [4, "unpaired"],
  [5, "linkBroken"],
  [0, "unknown(0)"],
  [undefined, "unknown"],
];
for (const [code, name] of pairingStates) {
  test(`pairingState: ${code} is ${name}`, () => assert.equal(pairingState(code).name, name));
}

const volumeStates: Array<[number | undefined, string]> = [
  [1, "normal"],
  [2, "pathError"],
  [3, "typeError"],
  [4, "usedByOtherVrg"],
  [5, "setting"],
  [6, "deleteFailed"],
  [7, "unknown(7)"],
  [Number.NaN, "unknown"],
];
for (const [code, name] of volumeStates) {
  test(`describeCode(VOLUME_STATUS): ${code} is ${name}`, () =>
    assert.equal(describeCode(VOLUME_STATUS, code).name, name));
}

const capacities: Array<[number | undefined, { kb: number | null; state: string }]> = [
  [2048, { kb: 2048, state: "ok" }],
  [0, { kb: 0, state: "ok" }],
  [-1, { kb: null, state: "cacheUnused" }],
  [-2, { kb: null, state: "cacheLoading" }],
  [-3, { kb: null, state: "invalid" }],
  [undefined, { kb: null, state: "unknown" }],
];
for (const [kb, want] of capacities) {
  test(`capacity: ${kb} KB`, () => assert.deepEqual(capacity(kb), want));
}

test("describeVrgStatus: status names and capacity states", () => {
  assert.deepEqual(describeVrgStatus({ status: 1, availableCapacityKb: 1024, totalCapacityKb: 4096 }), {
    status: 1,
    state: "normal",
    availableCapacityKb: 1024,
    availableCapacityState: "ok",
    totalCapacityKb: 4096,
    totalCapacityState: "ok",
  });
  assert.deepEqual(describeVrgStatus({ status: 2, availableCapacityKb: -2, totalCapacityKb: -1 }), {
    status: 2,
    state: "abnormal",
    availableCapacityKb: null,
    availableCapacityState: "cacheLoading",
    totalCapacityKb: null,
    totalCapacityState: "cacheUnused",
  });
  assert.equal(describeVrgStatus({}).state, "unknown");
});
