/**
 * The "VRG fabric": the network between simulated VRGs, a registry of VRGs by "ip:port". A VRG is
 * reachable at its replication address (netinfos type 2, the address a peer puts in
 * `vrgmap` dstIp/dstPort), at its management address (netinfos type 0, moved by modmngnet) and at
 * "127.0.0.1:<http port>". VRGs talk in-process, not over HTTP: the peer's request log does not
 * show pairing traffic and HTTP faults on the peer do not affect it (stop the peer, or call
 * breakLink(), to cut it off).
 */
import type { VrgSim } from "./vrg";

export class VrgFabric {
  private readonly byAddress = new Map<string, VrgSim>();
  private readonly members = new Set<VrgSim>();

  /** Makes `vrg` reachable at each "ip:port" (replaces its earlier addresses). */
  attach(vrg: VrgSim, addresses: string[]): void {
    this.detach(vrg);
    this.members.add(vrg);
    for (const address of addresses) this.byAddress.set(normalizeAddress(address), vrg);
  }

  /** Makes `vrg` unreachable (called by VrgSim.stop()). */
  detach(vrg: VrgSim): void {
    for (const [address, member] of this.byAddress) if (member === vrg) this.byAddress.delete(address);
  }

  lookup(ip: string, port: number): VrgSim | undefined {
    return this.byAddress.get(normalizeAddress(`${ip}:${port}`));
  }

  /** Addresses that currently resolve to `vrg`. */
  addressesOf(vrg: VrgSim): string[] {
    return [...this.byAddress].filter(([, member]) => member === vrg).map(([address]) => address);
  }

  /** Every VRG that ever joined (running or not). */
  vrgs(): VrgSim[] {
    return [...this.members];
  }
}

/** "LOCALHOST:7000" → "127.0.0.1:7000". */
export function normalizeAddress(address: string): string {
  const match = /^\[?(.+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) return address.trim().toLowerCase();
  const host = match[1]!.toLowerCase();
  return `${host === "localhost" ? "127.0.0.1" : host}:${Number(match[2])}`;
}
