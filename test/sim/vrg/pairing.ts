/**
 * The VRG's pairing object (seed 001 §3.7 vrgmap): POST pairs with the VRG of the fabric at
 * dstIp:dstPort (status 2 for `pairingMs`, then 1 or 3), DELETE unpairs (4), GET reports the
 * status; a broken link or a stopped peer shows 5. A peer paired by another VRG shows that
 * pairing as its own (`mirrorPairing`). Every status is computed from the clock.
 */
import { isHostIp, isPort, requireValid } from "./validate";
import { PAIR_STATUS, type PairingView, type PairStatus } from "./models";
import type { VrgSim } from "./vrg";

export interface PairingRecord {
  dstIp: string;
  dstPort: number;
  startedAt: number;
  readyAt: number;
  willFail: boolean;
  /** Frozen on the first look at or after readyAt. */
  outcome?: 1 | 3;
  brokenAt?: number;
}

export class VrgPairing {
  /** This VRG's own pairing (undefined: none; a mirrored one belongs to the peer). */
  record: PairingRecord | undefined;
  /** POST vrgmap requests that started a pairing. */
  started = 0;
  private pendingFailures = 0;

  constructor(private readonly vrg: VrgSim) {}

  /** The next POST vrgmap ends in status 3 (failed) after pairingMs. */
  failNext(): void {
    this.pendingFailures += 1;
  }

  /** The current normal pairing shows 5 (link broken) from now on, on both sides. */
  breakLink(): void {
    const record = this.record ?? this.mirrorSource()?.vrgmap.record;
    const status = this.view().status;
    if (!record || status !== PAIR_STATUS.normal)
      throw new Error(`breakLink: pairing status is ${status}, not 1`);
    record.brokenAt = this.vrg.clock.now();
  }

  /** Undoes breakLink(). */
  restoreLink(): void {
    const record = this.record ?? this.mirrorSource()?.vrgmap.record;
    if (record) delete record.brokenAt;
  }

  /** Pairs with `peer` at once (status 1 now, no HTTP), as if a POST vrgmap had completed. */
  pairWith(peer: VrgSim): void {
    const { ip, port } = peer.replicationAddress;
    const now = this.vrg.clock.now();
    this.record = { dstIp: ip, dstPort: port, startedAt: now, readyAt: now, willFail: false };
  }

  view(): PairingView {
    const now = this.vrg.clock.now();
    if (this.record) {
      const r = this.record;
      return { status: this.statusOf(r, now), dstIp: r.dstIp, dstPort: r.dstPort, mirrored: false };
    }
    const source = this.mirrorSource();
    if (source) {
      const a = source.replicationAddress;
      return {
        status: source.vrgmap.statusOf(source.vrgmap.record!, now),
        dstIp: a.ip,
        dstPort: a.port,
        mirrored: true,
      };
    }
    return { status: PAIR_STATUS.unpaired, mirrored: false };
  }

  /** POST vrgmap. */
  add(body: Record<string, unknown>): void {
    const dstIp = requireValid(body, "dstIp", isHostIp, "invalidIp");
    const dstPort = requireValid(body, "dstPort", isPort, "invalidPort");
    const now = this.vrg.clock.now();
    const current = this.record;
    if (current && current.dstIp === dstIp && current.dstPort === dstPort) {
      const status = this.statusOf(current, now);
      if (status === PAIR_STATUS.normal || status === PAIR_STATUS.pairing) return;
    }
    const willFail = this.pendingFailures > 0;
    if (willFail) this.pendingFailures -= 1;
    this.record = {
      dstIp,
      dstPort,
      startedAt: now,
      readyAt: now + (this.vrg.options.pairingMs ?? 3000),
      willFail,
    };
    this.started += 1;
  }

  /** DELETE vrgmap (idempotent; tears a mirrored pairing down on the peer). */
  remove(): void {
    if (this.record) {
      this.record = undefined;
      return;
    }
    const source = this.mirrorSource();
    if (source) source.vrgmap.record = undefined;
  }

  /** GET vrgmap. */
  body(): unknown {
    const p = this.view();
    return p.dstIp === undefined
      ? { status: p.status }
      : { dstIp: p.dstIp, dstPort: p.dstPort, status: p.status };
  }

  /** Pairing status of one of this VRG's records at `now` (§3.7.3). */
  statusOf(record: PairingRecord, now: number): PairStatus {
    if (now < record.readyAt) return PAIR_STATUS.pairing;
    if (record.outcome === undefined) {
      record.outcome = !record.willFail && this.peerOf(record) ? PAIR_STATUS.normal : PAIR_STATUS.failed;
    }
    if (record.outcome === PAIR_STATUS.failed) return PAIR_STATUS.failed;
    if (record.brokenAt !== undefined && record.brokenAt <= now) return PAIR_STATUS.linkBroken;
    return this.peerOf(record) ? PAIR_STATUS.normal : PAIR_STATUS.linkBroken;
  }

  private peerOf(record: PairingRecord): VrgSim | undefined {
    const peer = this.vrg.fabric.lookup(record.dstIp, record.dstPort);
    return peer && peer !== this.vrg && peer.running ? peer : undefined;
  }

  /** Another VRG whose own pairing points at us and is (or was) established. */
  private mirrorSource(): VrgSim | undefined {
    const now = this.vrg.clock.now();
    const fabric = this.vrg.fabric;
    for (const other of fabric.vrgs()) {
      const record = other.vrgmap.record;
      if (other === this.vrg || !other.running || !record) continue;
      if (other.options.mirrorPairing === false) continue;
      if (fabric.lookup(record.dstIp, record.dstPort) !== this.vrg) continue;
      const status = other.vrgmap.statusOf(record, now);
      if (status === PAIR_STATUS.normal || status === PAIR_STATUS.linkBroken) return other;
    }
    return undefined;
  }
}
