/**
 * The VM shapes of the vendor contract (/work/notes/ovirt-api.md): what a VM should be
 * (`VmSpec` and its NICs, disks and cloud-init) and what it is (`VmRecord`). Sizes are MiB/GiB;
 * the wire (bytes, strings) is the client's business. Also the operation context the VM flows
 * pass between their steps.
 */
import type { OvirtClient } from "./client";
import type { DialectAdapter } from "./dialect";

export type RunState = "running" | "stopped";
export type BootDevice = "hd" | "cdrom" | "network";

export interface NicSpec {
  name: string;
  interface?: "virtio" | "e1000" | "rtl8139";
  /** vNIC profile name or id. */
  vnicProfile?: string;
  /** Logical network name or id (v4: its vNIC profile of the same name, else its only one). */
  network?: string;
}

export interface DiskSpec {
  /** Alias; unique per VM. */
  name: string;
  /** Name or id. */
  storageDomain: string;
  sizeGiB: number;
  /** Default cow. */
  format?: "cow" | "raw";
  /** Default true for cow, false for raw. */
  sparse?: boolean;
  /** Default virtio_scsi. */
  interface?: "virtio" | "virtio_scsi" | "ide" | "sata";
  bootable?: boolean;
}

export interface NicConfigurationSpec {
  name: string;
  bootProtocol: "dhcp" | "static" | "none";
  address?: string;
  netmask?: string;
  gateway?: string;
  onBoot?: boolean;
}

export interface InitializationSpec {
  hostName?: string;
  userName?: string;
  /** Write-only: the engine reads it back as "******". */
  rootPassword?: string;
  authorizedSshKeys?: string;
  customScript?: string;
  dnsServers?: string;
  dnsSearch?: string;
  timezone?: string;
  nicConfigurations?: NicConfigurationSpec[];
}

export interface VmSpec {
  name: string;
  /** Name or id. */
  cluster: string;
  /** Name or id, default "Blank". */
  template?: string;
  memoryMiB: number;
  memoryGuaranteedMiB?: number;
  memoryMaxMiB?: number;
  cpu?: { sockets: number; cores: number; threads: number };
  /** e.g. "rhel_7x64", default "other". */
  osType?: string;
  bootDevices?: BootDevice[];
  description?: string;
  highAvailability?: boolean;
  deleteProtected?: boolean;
  nics?: NicSpec[];
  disks?: DiskSpec[];
  /** ISO file id in an ISO domain; "" or undefined = empty drive. */
  cdromIso?: string;
  /** Default "stopped". */
  runState?: RunState;
  /** Persisted; applies at the first boot only. */
  initialization?: InitializationSpec;
  /** Run-once parameters of a start drplane does. */
  startOverrides?: { bootDevices?: BootDevice[]; initialization?: InitializationSpec };
}

export interface NicRecord {
  id: string;
  name: string;
  interface?: string;
  /** vNIC profile id. */
  vnicProfile?: string;
  /** Network id (v3, or when the engine names it). */
  network?: string;
  /** Added to the contract: the names of the above, for comparing with declared names. */
  vnicProfileName?: string;
  networkName?: string;
  mac?: string;
}

export interface DiskRecord {
  /** Disk id. */
  id: string;
  /** v4 attachment id. */
  attachmentId?: string;
  name: string;
  /** Storage domain id. */
  storageDomain?: string;
  /** Added to the contract: the storage domain's name. */
  storageDomainName?: string;
  sizeGiB: number;
  format?: string;
  sparse?: boolean;
  interface?: string;
  bootable?: boolean;
  status: string;
  /** A disk the VM got from its template (adopted, never detached). */
  fromTemplate?: boolean;
}

export interface VmRecord {
  id: string;
  name: string;
  /** Cluster id. */
  cluster: string;
  clusterName?: string;
  /** Template id. */
  template?: string;
  status: string;
  memoryMiB: number;
  memoryGuaranteedMiB?: number;
  memoryMaxMiB?: number;
  cpu: { sockets: number; cores: number; threads: number };
  osType?: string;
  bootDevices: string[];
  description?: string;
  highAvailability: boolean;
  deleteProtected: boolean;
  nics: NicRecord[];
  disks: DiskRecord[];
  cdromIso?: string;
  isInitialized?: boolean;
  initialization?: Omit<InitializationSpec, "rootPassword">;
  nextRunConfigurationExists: boolean;
  /** The pending configuration (GET ?next_run=true) when one exists: the same fields as above. */
  nextRun?: Partial<Omit<VmRecord, "nextRun">>;
  /** Guest agent addresses (may be empty). */
  ips: string[];
}

/** What every step of one VM operation shares. */
export interface VmOp {
  client: OvirtClient;
  adapter: DialectAdapter;
  /** Sent on every write of the operation, printed in its errors. */
  correlationId: string;
  /** Clock time by which the whole operation must be done. */
  deadline: number;
  onProgress?: (message: string) => void;
}
