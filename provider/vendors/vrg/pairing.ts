/**
 * VRG pairing (seed 001 §3.7): POST vrgmap {dstIp, dstPort} pairs this VRG with a peer, GET
 * vrgmap reports {dstIp, dstPort, status} (1 normal, 2 pairing, 3 failed, 4 unpaired, 5 link
 * broken), DELETE vrgmap removes the mapping. A VRG has one pairing. `ensurePairing` and
 * `removePairing` are idempotent flows: look first, then act, then wait by querying (the
 * seed: "after configuring, query the pairing status").
 */
import { ConflictError } from "../../core/errors";
import { poll, type PollVerdict } from "../../core/poll";
import type { VrgClient } from "./client";
import { describeCode, PAIRING_STATUS } from "./states";
import { pairingWire, type PairingRecord, type PairingRequest } from "./wire";

export const PAIRING = { normal: 1, pairing: 2, failed: 3, unpaired: 4, linkBroken: 5 } as const;

export async function getPairing(client: VrgClient): Promise<PairingRecord> {
  const res = await client.call<unknown>({
    method: "GET",
    path: "/vrgmap",
    operation: "getPairing",
    idempotent: true,
  });
  return pairingWire.fromWire(res.body);
}

/** POST vrgmap. Setting the same peer again is harmless, so it is retried on transient failures. */
export async function postPairing(client: VrgClient, peer: PairingRequest): Promise<void> {
  await client.callWithBody({
    method: "POST",
    path: "/vrgmap",
    object: "vrgmap",
    write: (style) => pairingWire.toWire(peer, style),
    operation: "addPairing",
    idempotent: true,
  });
}

export async function deletePairingRequest(client: VrgClient): Promise<void> {
  await client.call({ method: "DELETE", path: "/vrgmap", operation: "deletePairing", idempotent: true });
}

export function pairingState(status: number | undefined): { name: string; meaning: string } {
  return describeCode(PAIRING_STATUS, status);
}

/** True when the VRG's pairing (in any state but unpaired) points at this peer. */
export function samePeer(record: PairingRecord, peer: PairingRequest): boolean {
  return (
    record.peerIp === peer.peerIp && (record.peerPort === undefined || record.peerPort === peer.peerPort)
  );
}

function isPaired(record: PairingRecord): boolean {
  return record.status !== undefined && record.status !== PAIRING.unpaired;
}

/** Classifies a pairing snapshot while waiting for `normal`. */
export function classifyPairing(record: PairingRecord, peer: PairingRequest): PollVerdict {
  const s = pairingState(record.status);
  const where = `${peer.peerIp}:${peer.peerPort}`;
  if (isPaired(record) && record.peerIp !== undefined && !samePeer(record, peer)) {
    return {
      status: "failure",
      state: s.name,
      message: `the VRG is now paired with ${record.peerIp}:${record.peerPort ?? "?"}, not ${where}`,
    };
  }
  switch (record.status) {
    case PAIRING.normal:
      return { status: "success" };
    case PAIRING.failed:
      return {
        status: "failure",
        state: s.name,
        // The waiter's message opens with "pairing with <peer> failed": say only what the VRG says.
        message: `the VRG reports status 3 (${s.meaning})`,
        meta: {
          remedy:
            "check that the peer VRG is up and that its peer-VRG network (netinfo type 2) is reachable on that address and port",
        },
      };
    case PAIRING.linkBroken:
      return {
        status: "failure",
        state: s.name,
        message: `the link to ${where} is broken (status 5: ${s.meaning})`,
        meta: { remedy: "restore the replication network between the two VRGs, then run again" },
      };
    default:
      return { status: "pending", state: s.name, message: `status ${record.status ?? "?"}: ${s.meaning}` };
  }
}

export interface PairingSpec extends PairingRequest {
  client: VrgClient;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}

export interface PairingResult {
  record: PairingRecord;
  /** True when the VRG was already paired (or pairing) with this peer: nothing was posted. */
  adopted: boolean;
  vrgUuid?: string;
}

/** Waits until the pairing is normal; `live`, when given, is a snapshot already read. */
async function waitForPairing(spec: PairingSpec, what: string, live?: PairingRecord): Promise<PairingRecord> {
  const r = await poll<PairingRecord>({
    what,
    describe: () => getPairing(spec.client),
    first: live ? { snapshot: live } : undefined,
    classify: (rec) => classifyPairing(rec, spec),
    timeoutMs: spec.timeoutMs,
    clock: spec.client.clock,
    onProgress: spec.onProgress,
    meta: { vendor: "vrg", operation: "getPairing" },
  });
  return r.snapshot;
}

/**
 * Pairs the VRG with the peer unless it already is (then it is adopted), and waits until
 * the pairing is normal. A pairing with another peer is a conflict; a failed pairing with
 * this peer is posted again; a broken link fails with its meaning (nothing is deleted).
 */
export async function ensurePairing(spec: PairingSpec): Promise<PairingResult> {
  const { client } = spec;
  const peer = { peerIp: spec.peerIp, peerPort: spec.peerPort };
  const where = `${spec.peerIp}:${spec.peerPort}`;
  const live = await getPairing(client);
  const vrgUuid = await client.vrgUuid();
  if (isPaired(live) && !samePeer(live, peer)) {
    throw new ConflictError(
      `this VRG is already paired with ${live.peerIp}:${live.peerPort ?? "?"} (status ${live.status}: ${pairingState(live.status).meaning}); declared ${where}`,
      {
        meta: {
          vendor: "vrg",
          operation: "addPairing",
          remedy: "delete that pairing first (a VRG has one peer), or declare it",
        },
      },
    );
  }
  const adopted =
    live.status === PAIRING.normal || live.status === PAIRING.pairing || live.status === PAIRING.linkBroken;
  if (adopted) {
    spec.onProgress?.(`already paired with ${where} (${pairingState(live.status).name}); adopting it`);
  } else {
    if (live.status === PAIRING.failed)
      spec.onProgress?.(`an earlier pairing with ${where} failed; pairing again`);
    await postPairing(client, peer);
    spec.onProgress?.(`pairing with ${where} requested`);
  }
  // An adopted pairing is judged on the snapshot just read; after a POST, the VRG is read again.
  const record = await waitForPairing(spec, `pairing with ${where}`, adopted ? live : undefined);
  return { record, adopted, vrgUuid };
}

export interface RemovePairingSpec extends PairingRequest {
  client: VrgClient;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}

/**
 * Deletes the pairing and waits until the VRG reports unpaired (4). Already unpaired, or
 * paired with another peer than ours (someone re-paired it), is left alone.
 */
export async function removePairing(spec: RemovePairingSpec): Promise<{ alreadyGone: boolean }> {
  const { client } = spec;
  const live = await getPairing(client);
  if (!isPaired(live)) return { alreadyGone: true };
  if (live.peerIp !== undefined && !samePeer(live, spec)) {
    spec.onProgress?.(
      `the VRG is paired with ${live.peerIp}:${live.peerPort ?? "?"} now, not ${spec.peerIp}:${spec.peerPort}; left alone`,
    );
    return { alreadyGone: true };
  }
  await deletePairingRequest(client);
  spec.onProgress?.(`unpairing from ${spec.peerIp}:${spec.peerPort} requested`);
  await poll<PairingRecord>({
    what: `unpairing from ${spec.peerIp}:${spec.peerPort}`,
    describe: () => getPairing(client),
    classify: (rec) =>
      isPaired(rec)
        ? { status: "pending", state: pairingState(rec.status).name, message: `status ${rec.status}` }
        : { status: "success" },
    timeoutMs: spec.timeoutMs,
    clock: client.clock,
    onProgress: spec.onProgress,
    meta: { vendor: "vrg", operation: "deletePairing" },
  });
  return { alreadyGone: false };
}
