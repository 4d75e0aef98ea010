/**
 * What the VRG reports about itself and its networks (seed 001 §3.4 vrgstatus, §3.5 netinfos)
 * and the management-network change (§3.9 modmngnet). netinfos type 0 is the management
 * network (moved by modmngnet), type 1 the CNA network, type 2 the replication address peers
 * pair with. `port` of types 0 and 2 defaults to the HTTP server's port.
 */
import type { Clock } from "../../../provider/core/clock";
import { vrgFail } from "./errors";
import type { VrgStatusInfo } from "./models";
import type { VrgSimOptions } from "./modes";
import { isHostIp, isNetmask, requireValid } from "./validate";

interface ManagementNet {
  ip: string;
  netmask: string;
  gateway: string;
}

export class VrgSystem {
  private vrgStatus: VrgStatusInfo;
  private management: ManagementNet;
  private eth0Missing = false;
  private readonly mngNetLog: Array<ManagementNet & { at: number }> = [];

  /**
   * `port` is the HTTP server's port now; `moved` runs after an accepted modmngnet (the VRG
   * joins the fabric at its new address).
   */
  constructor(
    private readonly clock: Clock,
    private readonly options: VrgSimOptions,
    private readonly port: () => number,
    private readonly moved: () => void,
  ) {
    this.vrgStatus = {
      status: 1,
      availableCapacity: 104_857_600,
      totalCapacity: 104_857_600,
      ...options.status,
    };
    const mgmt = options.network?.management;
    this.management = {
      ip: mgmt?.ip ?? "127.0.0.1",
      netmask: mgmt?.netmask ?? "255.0.0.0",
      gateway: mgmt?.gateway ?? "127.0.0.254",
    };
  }

  /** netinfos type 2: what a peer puts in vrgmap dstIp/dstPort. */
  get replicationAddress(): { ip: string; port: number } {
    const r = this.options.network?.replication;
    return { ip: r?.ip ?? "127.0.0.1", port: r?.port ?? this.port() };
  }

  /** netinfos type 0 now (modmngnet changes it). */
  get managementNetwork(): { ip: string; port: number; netmask: string; gateway: string } {
    return { ...this.management, port: this.port() };
  }

  /** Every modmngnet accepted, oldest first. */
  get managementChanges(): Array<{ ip: string; netmask: string; gateway: string; at: number }> {
    return this.mngNetLog.map((c) => ({ ...c }));
  }

  setVrgStatus(patch: Partial<VrgStatusInfo>): void {
    this.vrgStatus = { ...this.vrgStatus, ...patch };
  }

  /** GET netinfos answers 10440305 while true. */
  setEth0Missing(missing: boolean): void {
    this.eth0Missing = missing;
  }

  statusBody(): unknown {
    const s = this.vrgStatus;
    return {
      status: this.options.sampleTypes ? String(s.status) : s.status,
      availableCapacity: s.availableCapacity,
      totalCapacity: s.totalCapacity,
    };
  }

  netInfosBody(): unknown {
    if (this.eth0Missing) vrgFail("eth0Missing");
    const cna = this.options.network?.cna;
    const rep = this.replicationAddress;
    return {
      netInfos: [
        { type: 0, ...this.managementNetwork },
        {
          type: 1,
          ip: cna?.ip ?? "127.0.0.1",
          port: cna?.port ?? 9100,
          netmask: cna?.netmask ?? "255.0.0.0",
        },
        {
          type: 2,
          ip: rep.ip,
          port: rep.port,
          netmask: this.options.network?.replication?.netmask ?? "255.0.0.0",
        },
      ],
    };
  }

  changeManagementNet(body: Record<string, unknown>): unknown {
    const ip = requireValid(body, "newIp", isHostIp, "invalidIp");
    const netmask = requireValid(body, "newMask", isNetmask, "invalidParameter");
    const gateway = requireValid(body, "newGateway", isHostIp, "invalidParameter");
    if (!sameSubnet(ip, gateway, netmask))
      vrgFail("invalidParameter", "newGateway is not in the newIp/newMask subnet");
    this.management = { ip, netmask, gateway };
    this.mngNetLog.push({ ...this.management, at: this.clock.now() });
    this.moved();
    return { IP: ip, netmask, netGateway: gateway };
  }
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function sameSubnet(a: string, b: string, mask: string): boolean {
  const m = ipToInt(mask);
  return (ipToInt(a) & m) >>> 0 === (ipToInt(b) & m) >>> 0;
}
