/**
 * What an operator checks on a VRG (seed 001 §3.4-§3.6, §3.8.3) and the management-network
 * change (§3.9). Read-only except `changeManagementNetwork`.
 */
import { InputError } from "../../core/errors";
import type { VrgClient } from "./client";
import { capacity, describeCode, DR_STATUS, NET_TYPE, VRG_STATUS } from "./states";
import {
  drStatusWire,
  modMngNetWire,
  netInfosWire,
  vrgStatusWire,
  type ManagementNetwork,
  type NetInfoRecord,
  type VrgStatusRecord,
} from "./wire";

export interface VrgStatus {
  status: number | null;
  state: string;
  availableCapacityKb: number | null;
  availableCapacityState: string;
  totalCapacityKb: number | null;
  totalCapacityState: string;
}

export function describeVrgStatus(r: VrgStatusRecord): VrgStatus {
  const available = capacity(r.availableCapacityKb);
  const total = capacity(r.totalCapacityKb);
  return {
    status: r.status ?? null,
    state: describeCode(VRG_STATUS, r.status).name,
    availableCapacityKb: available.kb,
    availableCapacityState: available.state,
    totalCapacityKb: total.kb,
    totalCapacityState: total.state,
  };
}

/** GET vrgstatus (§3.4). */
export async function getVrgStatus(client: VrgClient): Promise<VrgStatus> {
  const res = await client.call<unknown>({
    method: "GET",
    path: "/vrgstatus",
    operation: "getVrgStatus",
    idempotent: true,
  });
  return describeVrgStatus(vrgStatusWire.fromWire(res.body));
}

export interface NetInfo extends NetInfoRecord {
  /** management | cna | peerVrg (§3.5 types 0, 1, 2). */
  network: string;
}

/** GET netinfos (§3.5): management, CNA and peer-VRG networks. */
export async function getNetInfos(client: VrgClient): Promise<NetInfo[]> {
  const res = await client.call<unknown>({
    method: "GET",
    path: "/netinfos",
    operation: "getNetInfos",
    idempotent: true,
  });
  return netInfosWire.fromWire(res.body).map((n) => ({ ...n, network: describeCode(NET_TYPE, n.type).name }));
}

export interface VmDrStatus {
  vmUuid: string;
  status: number | null;
  state: string;
  meaning: string;
}

/**
 * GET vmdrstatus/<vmUuid>/ (§3.6). The seed allows it only on the DR side during a failover;
 * 10440400 (no such VM) is a NotFoundError.
 */
export async function getVmDrStatus(client: VrgClient, vmUuid: string): Promise<VmDrStatus> {
  const res = await client.call<unknown>({
    method: "GET",
    path: `/vmdrstatus/${encodeURIComponent(vmUuid)}/`,
    operation: "getVmDrStatus",
    idempotent: true,
  });
  const status = drStatusWire.fromWire(res.body);
  const d = describeCode(DR_STATUS, status);
  return { vmUuid, status: status ?? null, state: d.name, meaning: d.meaning };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export interface ManagementNetworkChange {
  /** What the VRG answered (§3.9: IP, netmask, netGateway). */
  applied: Partial<ManagementNetwork>;
  /** The endpoint to use from now on: same scheme and port, the new address. */
  newEndpoint: string;
}

/**
 * POST modmngnet/ (§3.9): changes the VRG's management IP, mask and gateway. This changes
 * the address the client talks to, so it is an operation, not declared state: afterwards,
 * use `newEndpoint` (resources whose `connection.endpoint` changes update in place after
 * checking that the VRG at the new address is the same VRG). The token shared for the old
 * address is left to expire (core/session has no way to drop one key's session early).
 * Not retried: the old address may stop answering mid-call.
 */
export async function changeManagementNetwork(
  client: VrgClient,
  network: ManagementNetwork,
): Promise<ManagementNetworkChange> {
  for (const [k, v] of Object.entries(network)) {
    if (!IPV4.test(v)) {
      throw new InputError(`modmngnet: ${k} must be an IPv4 address (dotted quad), got "${v}"`, {
        meta: { vendor: "vrg", operation: "changeManagementNetwork", property: k },
      });
    }
  }
  const res = await client.callWithBody<unknown>({
    method: "POST",
    path: "/modmngnet/",
    object: "modmngnet",
    write: (style) => modMngNetWire.toWire(network, style),
    operation: "changeManagementNetwork",
    idempotent: false,
  });
  const url = new URL(client.origin);
  url.hostname = network.ip;
  return { applied: modMngNetWire.fromWire(res.body), newEndpoint: url.origin };
}
