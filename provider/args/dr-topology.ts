/**
 * The public argument types of the DrTopology component: both sites of a DR setup in one
 * declaration. Every field is derived from the argument types of the resources the component
 * creates (RemoteStorage, VrgPairing, VmDrStrategy, VrgAlarmServer), so their documentation and
 * check rules apply unchanged (docs/dr-topology.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RemoteStorageArgs } from "./hitachi";
import type {
  DrVmDrStrategyArgs,
  DrVolumeArgs,
  ProductionVmDrStrategyArgs,
  ProductionVolumeArgs,
  VrgAlarmServerArgs,
  VrgPairingArgs,
} from "./vrg";

/** The fields of T, each of them also accepted as an Output or a Promise (docs kept). */
export type InputFields<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** One site of the topology: its storage array's REST server (optional) and its VRG. */
export interface DrTopologySiteArgs {
  /**
   * The site's Hitachi Configuration Manager REST server (`{endpoint, profile, username?,
   * caBundle?, insecure?}`, as RemoteStorage `local`/`remote`). When both sites have one, the DR
   * array is registered with the production array (RemoteStorage `<name>-link`).
   */
  storage?: RemoteStorageArgs["local"];
  /**
   * The site's VRG (`{endpoint, profile, …}`, as the VRG resources' `connection`). Production:
   * where the pairing and the production strategies are set; DR: where the DR strategies are.
   */
  vrg: VrgPairingArgs["connection"];
}

/** The DR site: as a production site, plus the address the production VRG pairs with. */
export interface DrTopologyDrSiteArgs extends DrTopologySiteArgs {
  /** The DR VRG's address on the replication network (its netinfo type 2), which the production VRG pairs with. Changing it replaces the pairing. */
  vrgPeer: {
    /** The DR VRG's replication IPv4 address (VrgPairing `peerIp`). */
    ip: VrgPairingArgs["peerIp"];
    /** Its port (VrgPairing `peerPort`). */
    port: VrgPairingArgs["peerPort"];
  };
}

/** Options of the storage registration (RemoteStorage `<name>-link`): every RemoteStorage input but the two arrays. */
export type DrTopologyStorageLinkArgs = Omit<RemoteStorageArgs, "local" | "remote">;

/** Options of the VRG pairing (VrgPairing `<name>-pairing`): every VrgPairing input but the VRG and its peer. */
export type DrTopologyPairingArgs = Omit<VrgPairingArgs, "connection" | "peerIp" | "peerPort">;

/** One protected volume: its production side, and where the DR site writes its copy. */
export interface DrTopologyVolumeArgs extends InputFields<ProductionVolumeArgs> {
  /** Where the DR copy is written: the DR strategy's volume fields (volumeUrl, dsUrn, volType, drExtParams). */
  dr: InputFields<Omit<DrVolumeArgs, "volUuid" | "slot">>;
}

/** The production strategy's own options (VmDrStrategy `<name>-<vm>-prod`). */
export type DrTopologyProductionVmArgs = Pick<
  ProductionVmDrStrategyArgs,
  "encryption" | "compression" | "deleteMode" | "timeouts"
>;

/** The DR strategy's own options (VmDrStrategy `<name>-<vm>-dr`): the writeagent, the DR host, delete and wait options. */
export type DrTopologyDrVmArgs = Omit<
  DrVmDrStrategyArgs,
  "connection" | "role" | "vmUuid" | "vmId" | "vmName" | "platform" | "adopt" | "volumes"
>;

/** A VM protected on both sites: a production strategy and a DR strategy over the same volumes. */
export interface DrTopologyVmArgs {
  /** The protected VM's UUID (`vmUuid` of both strategies). Changing it replaces both. */
  uuid: ProductionVmDrStrategyArgs["vmUuid"];
  /** The VM's id, i-xxxxxxxx (`vmId` of both strategies). */
  id?: ProductionVmDrStrategyArgs["vmId"];
  /**
   * The VM's name: `vmName` of both strategies, and part of their resource names
   * (`<topology>-<name>-prod`, `<topology>-<name>-dr`), so a plain string, unique in the topology.
   * Renaming it replaces both strategies.
   */
  name: string;
  /** "xen" (default: every volume needs a slot) or "kvm", on both strategies. */
  platform?: ProductionVmDrStrategyArgs["platform"];
  /** Take over a different strategy either VRG already has for this VM (else create fails, naming the differences). */
  adopt?: ProductionVmDrStrategyArgs["adopt"];
  /** Options of the production strategy. */
  production?: DrTopologyProductionVmArgs;
  /** The DR strategy: which writeagent receives the VM's data, on which host. */
  dr: DrTopologyDrVmArgs;
  /** The protected volumes, at least one: each gives the production strategy `{volUuid, slot}` and the DR strategy `{volUuid, slot, ...dr}`. */
  volumes: DrTopologyVolumeArgs[];
}

/** The SNMP trap receiver both VRGs send their alarms to (VrgAlarmServer `<name>-prod-traps`, `<name>-dr-traps`). */
export interface DrTopologyAlarmReceiverArgs extends Omit<VrgAlarmServerArgs, "connection" | "port"> {
  /** Its port (default 162). */
  port?: VrgAlarmServerArgs["port"];
}

/** Both sites of a DR setup, declared once (DrTopology). */
export interface DrTopologyArgs {
  /** The production site: its array (optional) and its VRG. */
  production: DrTopologySiteArgs;
  /** The DR site: its array (optional), its VRG and the VRG's replication address. */
  dr: DrTopologyDrSiteArgs;
  /** Options of the storage registration; the registration is created iff both sites have `storage` (options without it are an error). */
  storageLink?: DrTopologyStorageLinkArgs;
  /** Options of the VRG pairing. */
  pairing?: DrTopologyPairingArgs;
  /** The VMs protected on both sites (none by default). */
  protectedVms?: DrTopologyVmArgs[];
  /** Where both VRGs send their alarms; without it the component declares no alarm receiver. */
  alarmReceiver?: DrTopologyAlarmReceiverArgs;
}
