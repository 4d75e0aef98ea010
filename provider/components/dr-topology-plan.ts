/**
 * What a DrTopology declares, worked out before anything is registered: the checks of its
 * arguments (one InputError naming every bad field, so a bad topology registers nothing), the
 * names of its child resources (derived from the topology's name, so two topologies in one
 * stack never collide), and each child's arguments derived from the topology's. The sites'
 * optional parts (standby VMs, file shares) are worked out in dr-topology-parts.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../core/errors";
import type { DrTopologyArgs, DrTopologyVmArgs } from "../args/dr-topology";
import type { RemoteStorageArgs } from "../args/hitachi";
import type {
  DrVmDrStrategyArgs,
  ProductionVmDrStrategyArgs,
  VrgAlarmServerArgs,
  VrgPairingArgs,
} from "../args/vrg";
import { nameChecker, partFailures } from "./dr-topology-parts";

/** The type token of the component. */
export const DR_TOPOLOGY_TYPE = "drplane:index:DrTopology";

/** An alarm receiver's port when none is given (SNMP traps). */
export const DEFAULT_TRAP_PORT = 162;

/** The child resources' names. */
export const childNames = (topology: string) => ({
  link: `${topology}-link`,
  pairing: `${topology}-pairing`,
  production: (vm: string) => `${topology}-${vm}-prod`,
  dr: (vm: string) => `${topology}-${vm}-dr`,
  productionTraps: `${topology}-prod-traps`,
  drTraps: `${topology}-dr-traps`,
});

/** A bad field and what is wrong with it. */
export interface TopologyFailure {
  property: string;
  reason: string;
}

/** A value given as such, not as an Output or a Promise (only those can be checked here). */
function plain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value)) return false;
  return !(
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * What is wrong with the arguments, field by field, as far as plain values tell. Values the
 * child resources check anyway (shapes, ranges) are left to their checks; these are the rules
 * that only the topology can state, or that would otherwise surface late, on one child.
 */
export function topologyFailures(args: DrTopologyArgs): TopologyFailure[] {
  const failures: TopologyFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  if (args.storageLink !== undefined) {
    const missing = (["production", "dr"] as const).filter((site) => args[site]?.storage === undefined);
    if (missing.length > 0)
      fail(
        "storageLink",
        `is given but ${missing.map((s) => `${s}.storage`).join(" and ")} ${missing.length > 1 ? "are" : "is"} not: the storage registration needs both sites' storage`,
      );
  }

  // The standby VMs' and the file shares' names (dr-topology-parts.ts).
  partFailures(args, fail);

  const vms = args.protectedVms ?? [];
  if (!Array.isArray(vms)) {
    fail("protectedVms", "must be a list of VMs");
    return failures;
  }
  const checkName = nameChecker("protectedVms", "strategies", fail);
  const uuids = new Map<string, number>();
  vms.forEach((vm: DrTopologyVmArgs, i) => {
    const at = `protectedVms[${i}]`;
    checkName(vm.name, i);
    if (typeof vm.uuid === "string") {
      const first = uuids.get(vm.uuid.toLowerCase());
      if (first !== undefined)
        fail(
          `${at}.uuid`,
          `"${vm.uuid}" is protected twice (also protectedVms[${first}]): a VRG holds one strategy per VM`,
        );
      else uuids.set(vm.uuid.toLowerCase(), i);
    }
    if (!Array.isArray(vm.volumes) || vm.volumes.length === 0) {
      fail(`${at}.volumes`, "is empty: a protected VM needs at least one volume");
      return;
    }
    // The strategies' check: on Xen (the default platform) every volume needs a slot.
    if (plain(vm.platform) && (vm.platform === undefined || vm.platform === "xen")) {
      vm.volumes.forEach((vol, j) => {
        if (vol.slot === undefined)
          fail(
            `${at}.volumes[${j}].slot`,
            'is missing: on Xen (the default platform) every volume needs a slot (seqNum 1-40); set platform: "kvm" for a KVM host',
          );
      });
    }
  });
  return failures;
}

/** Throws one InputError naming every bad field (before any child is registered). */
export function checkTopology(name: string, args: DrTopologyArgs): void {
  const failures = topologyFailures(args);
  if (failures.length === 0) return;
  throw new InputError(`DrTopology ${name}: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`, {
    meta: { property: failures[0]!.property },
  });
}

/** The storage registration (DR array registered with the production array), when both sites have storage. */
export function linkArgs(args: DrTopologyArgs): RemoteStorageArgs | undefined {
  const local = args.production.storage;
  const remote = args.dr.storage;
  if (local === undefined || remote === undefined) return undefined;
  return { ...args.storageLink, local, remote };
}

/** The production VRG paired with the DR VRG's replication address. */
export function pairingArgs(args: DrTopologyArgs): VrgPairingArgs {
  return {
    ...args.pairing,
    connection: args.production.vrg,
    peerIp: args.dr.vrgPeer.ip,
    peerPort: args.dr.vrgPeer.port,
  };
}

/** What both strategies of a VM say about the VM itself. */
function vmFields(vm: DrTopologyVmArgs) {
  return {
    vmUuid: vm.uuid,
    vmId: vm.id,
    vmName: vm.name,
    platform: vm.platform,
    adopt: vm.adopt,
  };
}

/** The VM's production strategy: its volumes as `{volUuid, slot}`. */
export function productionStrategyArgs(
  args: DrTopologyArgs,
  vm: DrTopologyVmArgs,
): ProductionVmDrStrategyArgs {
  return {
    ...vm.production,
    connection: args.production.vrg,
    role: "production",
    ...vmFields(vm),
    volumes: vm.volumes.map((v) => pulumi.output({ volUuid: v.volUuid, slot: v.slot })),
  };
}

/** The VM's DR strategy: its volumes as `{volUuid, slot, ...dr}`. */
export function drStrategyArgs(args: DrTopologyArgs, vm: DrTopologyVmArgs): DrVmDrStrategyArgs {
  return {
    ...vm.dr,
    connection: args.dr.vrg,
    role: "dr",
    ...vmFields(vm),
    volumes: vm.volumes.map((v) => pulumi.output({ volUuid: v.volUuid, slot: v.slot, ...v.dr })),
  };
}

/** One site's alarm receiver (the port defaults to 162). */
export function alarmArgs(args: DrTopologyArgs, site: "production" | "dr"): VrgAlarmServerArgs | undefined {
  const receiver = args.alarmReceiver;
  if (receiver === undefined) return undefined;
  return { ...receiver, connection: args[site].vrg, port: receiver.port ?? DEFAULT_TRAP_PORT };
}
