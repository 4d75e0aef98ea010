/**
 * The public argument types of the DrTopology component: both sites of a DR setup in one
 * declaration. Every field is derived from the argument types of the resources the component
 * creates (RemoteStorage, VrgPairing, VmDrStrategy, VrgAlarmServer, StorageDomain, Vm,
 * NseFileShare), so their documentation and check rules apply unchanged (docs/dr-topology.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RemoteStorageArgs } from "./hitachi";
import type { NseFileShareArgs } from "./nse";
import type { StorageDomainArgs } from "./ovirt";
import type { VmArgs } from "./ovirt-vm";
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

/** One file share on NSE (NseFileShare `<name>-<share>-share`): every NseFileShare input but the connection. */
export interface DrTopologyFileShareArgs extends Omit<NseFileShareArgs, "connection" | "name"> {
  /**
   * The share's name on NSE, and part of its resource name (`<topology>-<name>-share`), so a
   * plain string, unique in the topology. Renaming it replaces the share (see docs/dr-topology.md).
   */
  name: string;
}

/** The production site's file shares on NetApp Service Engine. */
export interface DrTopologyFileSharesArgs {
  /** Where NSE is and who we are there (`{endpoint, profile, basePath?, …}`, NseFileShare `connection`). */
  nse: NseFileShareArgs["connection"];
  /** The shares (e.g. with `drEnabled: true`, so NSE replicates them to the DR site). */
  shares: DrTopologyFileShareArgs[];
}

/** The production site: its array (optional), its VRG and, optionally, its NSE file shares. */
export interface DrTopologyProductionSiteArgs extends DrTopologySiteArgs {
  /** File shares on NetApp Service Engine (NseFileShare `<name>-<share>-share` each). */
  fileShares?: DrTopologyFileSharesArgs;
}

/** The DR site's data domain (StorageDomain `<name>-dr-data`): every StorageDomain input but the engine. */
export type DrTopologyDataDomainArgs = Omit<StorageDomainArgs, "connection">;

/** One standby VM (Vm `<name>-<vm>-standby`): every Vm input but the engine. */
export interface DrTopologyStandbyVmArgs extends Omit<VmArgs, "connection" | "name"> {
  /**
   * The VM's name on the engine, and part of its resource name (`<topology>-<name>-standby`), so
   * a plain string, unique in the topology. Renaming it replaces the VM (see docs/dr-topology.md).
   */
  name: string;
}

/** The DR site's standby VMs on oVirt / RHEV, ready to be started on failover. */
export interface DrTopologyStandbyArgs {
  /** The DR site's engine (`{endpoint, profile, apiVersion?, apiPath?, …}`, the `connection` of the domain and the VMs). */
  engine: VmArgs["connection"];
  /** An NFS data domain for the VMs' disks (StorageDomain `<name>-dr-data`); the VMs are created after it and destroyed before it. */
  dataDomain?: DrTopologyDataDomainArgs;
  /** The standby VMs (Vm `<name>-<vm>-standby` each), e.g. `runState: "stopped"` with disks on the data domain. */
  vms: DrTopologyStandbyVmArgs[];
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
  /** Standby VMs on the DR site's oVirt / RHEV engine (optional). */
  standby?: DrTopologyStandbyArgs;
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
  /** The production site: its array (optional), its VRG and its NSE file shares (optional). */
  production: DrTopologyProductionSiteArgs;
  /** The DR site: its array (optional), its VRG, the VRG's replication address and its standby VMs (optional). */
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
