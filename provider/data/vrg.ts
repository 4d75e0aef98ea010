/**
 * VRG data functions: what an operator checks in a GitOps loop, as plain async functions.
 * They run in the program's own process (not in the provider host), read-only, also during
 * preview. Call them from a program with `pulumi.output(getVrgStatus(conn))`, or from any
 * script. The password is resolved as for resources: the stack's `drplane:credentials`
 * (when running under Pulumi) or DRPLANE_<PROFILE>_PASSWORD.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { vmUuidSchema, vrgClient, vrgConnectionSchema } from "../inputs/vrg";
import type { VrgClient } from "../vendors/vrg/client";
import { getPairing, pairingState } from "../vendors/vrg/pairing";
import { ROLE_FLAG } from "../vendors/vrg/states";
import {
  getNetInfos,
  getVmDrStatus as queryVmDrStatus,
  getVrgStatus as queryVrgStatus,
  type NetInfo,
  type VmDrStatus,
  type VrgStatus,
} from "../vendors/vrg/status";
import { volumeStates, type VolumeState } from "../vendors/vrg/strategy";
import { listFaultVms } from "../vendors/vrg/strategy-reader";
import type { VrgConnectionArgs } from "../args/vrg";
import { checkedArgs, keptAlive, loadStackCredentials } from "./kit";

export type { NetInfo, VmDrStatus, VrgStatus, VolumeState };

/** Bad arguments fail before any request, naming the argument (as check does for resources). */
function validated(what: string, connection: VrgConnectionArgs, vmUuid?: string): VrgConnectionArgs {
  const schema = z
    .object({ connection: vrgConnectionSchema, ...(vmUuid !== undefined ? { vmUuid: vmUuidSchema } : {}) })
    .strict();
  checkedArgs(what, schema, { connection, ...(vmUuid !== undefined ? { vmUuid } : {}) });
  return connection;
}

function client(what: string, connection: VrgConnectionArgs, vmUuid?: string): VrgClient {
  const c = validated(what, connection, vmUuid);
  loadStackCredentials();
  // A program makes a few calls and exits: log out as soon as they are done.
  return vrgClient(c, { lingerMs: 0 });
}

/** GET vrgstatus: 1 normal / 2 abnormal, and the cache capacity in KB (null with its state when not a size). */
export async function getVrgStatus(connection: VrgConnectionArgs): Promise<VrgStatus> {
  return queryVrgStatus(client("getVrgStatus", connection));
}

/** GET netinfos: the management (0), CNA (1) and peer-VRG (2) networks with ip, port, netmask, gateway. */
export async function getVrgNetInfos(connection: VrgConnectionArgs): Promise<NetInfo[]> {
  return getNetInfos(client("getVrgNetInfos", connection));
}

/**
 * GET vmdrstatus/<vmUuid>: 1 incremental (queue), 2 incremental (CBT), 3 consistency check.
 * The seed allows it on the DR side during a failover.
 */
export async function getVmDrStatus(connection: VrgConnectionArgs, vmUuid: string): Promise<VmDrStatus> {
  return queryVmDrStatus(client("getVmDrStatus", connection, vmUuid), vmUuid);
}

export interface VrgPairingStatus {
  peerIp: string | null;
  peerPort: number | null;
  status: number | null;
  state: string;
  meaning: string;
}

/** GET vrgmap: the VRG's pairing as it is now. */
export async function getVrgPairing(connection: VrgConnectionArgs): Promise<VrgPairingStatus> {
  const r = await getPairing(client("getVrgPairing", connection));
  const s = pairingState(r.status);
  return {
    peerIp: r.peerIp ?? null,
    peerPort: r.peerPort ?? null,
    status: r.status ?? null,
    state: s.name,
    meaning: s.meaning,
  };
}

export interface FaultVm {
  vmUuid: string;
  role: "production" | "dr" | null;
  agentIp: string | null;
  agentPort: number | null;
  volumes: VolumeState[];
}

export interface FaultVmList {
  vms: FaultVm[];
  /** The VRG lists at most 100 (§3.8.3): true when the list may be cut short. */
  truncated: boolean;
}

/** GET vmstrategy?faultVms=1: VMs that lost their writeagent. */
export async function getVrgFaultVms(connection: VrgConnectionArgs): Promise<FaultVmList> {
  const list = await listFaultVms(client("getVrgFaultVms", connection));
  return {
    vms: list.map((r) => ({
      vmUuid: r.vmUuid,
      role: r.flag === ROLE_FLAG.production ? "production" : r.flag === ROLE_FLAG.dr ? "dr" : null,
      agentIp: r.agentIp ?? null,
      agentPort: r.agentPort ?? null,
      volumes: volumeStates(r),
    })),
    truncated: list.length >= 100,
  };
}

/** getVrgStatus with a Pulumi input (e.g. an endpoint that is another resource's output). */
export function getVrgStatusOutput(connection: pulumi.Input<VrgConnectionArgs>): pulumi.Output<VrgStatus> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getVrgStatus(c as VrgConnectionArgs)));
}

/** getVrgNetInfos with a Pulumi input. */
export function getVrgNetInfosOutput(connection: pulumi.Input<VrgConnectionArgs>): pulumi.Output<NetInfo[]> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getVrgNetInfos(c as VrgConnectionArgs)));
}

/** getVmDrStatus with Pulumi inputs. */
export function getVmDrStatusOutput(
  connection: pulumi.Input<VrgConnectionArgs>,
  vmUuid: pulumi.Input<string>,
): pulumi.Output<VmDrStatus> {
  return pulumi
    .all([connection, vmUuid])
    .apply(([c, u]) => keptAlive(() => getVmDrStatus(c as VrgConnectionArgs, u)));
}

/** getVrgPairing with a Pulumi input. */
export function getVrgPairingOutput(
  connection: pulumi.Input<VrgConnectionArgs>,
): pulumi.Output<VrgPairingStatus> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getVrgPairing(c as VrgConnectionArgs)));
}

/** getVrgFaultVms with a Pulumi input. */
export function getVrgFaultVmsOutput(
  connection: pulumi.Input<VrgConnectionArgs>,
): pulumi.Output<FaultVmList> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getVrgFaultVms(c as VrgConnectionArgs)));
}
