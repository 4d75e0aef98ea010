/** The public argument types of `Vm` (pulumi.Input shapes). */
import type * as pulumi from "@pulumi/pulumi";
import type { Timeouts } from "./common";
import type { OvirtConnectionArgs } from "./ovirt";

export type BootDevice = "hd" | "cdrom" | "network";

export interface VmNicArgs {
  /** Unique within the VM (nic1). */
  name: pulumi.Input<string>;
  /** "virtio" (default), "e1000" or "rtl8139". */
  interface?: pulumi.Input<"virtio" | "e1000" | "rtl8139">;
  /** The vNIC profile (name or id); or give `network` (its default profile). */
  vnicProfile?: pulumi.Input<string>;
  network?: pulumi.Input<string>;
}

export interface VmDiskArgs {
  /** Unique within the VM (its alias). */
  name: pulumi.Input<string>;
  /** The storage domain (name or id). Changing it replaces the VM. */
  storageDomain: pulumi.Input<string>;
  /** Size in GiB: growing it extends the disk in place; shrinking replaces the VM. */
  sizeGiB: pulumi.Input<number>;
  /** "cow" (qcow2, default) or "raw". Changing it replaces the VM. */
  format?: pulumi.Input<"cow" | "raw">;
  sparse?: pulumi.Input<boolean>;
  /** "virtio_scsi" (default), "virtio", "ide" or "sata". */
  interface?: pulumi.Input<"virtio" | "virtio_scsi" | "ide" | "sata">;
  bootable?: pulumi.Input<boolean>;
}

export interface VmInitializationArgs {
  hostName?: pulumi.Input<string>;
  userName?: pulumi.Input<string>;
  /** The root password is this credential profile's password (stack config or DRPLANE_<PROFILE>_PASSWORD), never an input. */
  rootPasswordProfile?: pulumi.Input<string>;
  authorizedSshKeys?: pulumi.Input<string>;
  /** cloud-init user data (#cloud-config …). */
  customScript?: pulumi.Input<string>;
  dnsServers?: pulumi.Input<string>;
  dnsSearch?: pulumi.Input<string>;
  timezone?: pulumi.Input<string>;
  nicConfigurations?: pulumi.Input<
    pulumi.Input<{
      name: pulumi.Input<string>;
      bootProtocol: pulumi.Input<"dhcp" | "static" | "none">;
      address?: pulumi.Input<string>;
      netmask?: pulumi.Input<string>;
      gateway?: pulumi.Input<string>;
      onBoot?: pulumi.Input<boolean>;
    }>[]
  >;
}

export interface VmArgs {
  connection: pulumi.Input<OvirtConnectionArgs>;
  /** The VM's name, unique in the cluster: an existing VM of this exact name is adopted (see `adopt`). */
  name: pulumi.Input<string>;
  /** The cluster (name or id). Changing it replaces. */
  cluster: pulumi.Input<string>;
  /** The template (name or id, default "Blank"). Changing it replaces. */
  template?: pulumi.Input<string>;
  memoryMiB: pulumi.Input<number>;
  memoryGuaranteedMiB?: pulumi.Input<number>;
  memoryMaxMiB?: pulumi.Input<number>;
  cpu?: pulumi.Input<{
    sockets: pulumi.Input<number>;
    cores: pulumi.Input<number>;
    threads: pulumi.Input<number>;
  }>;
  /** The engine's OS type, e.g. "rhel_7x64" (default "other"). */
  osType?: pulumi.Input<string>;
  bootDevices?: pulumi.Input<pulumi.Input<BootDevice>[]>;
  description?: pulumi.Input<string>;
  highAvailability?: pulumi.Input<boolean>;
  /** While true, destroy fails with a clear message (set it false first). */
  deleteProtected?: pulumi.Input<boolean>;
  /** NICs, reconciled both ways (an undeclared NIC is removed). */
  nics?: pulumi.Input<pulumi.Input<VmNicArgs>[]>;
  /** Disks besides the template's, reconciled both ways (an undeclared disk is detached; see detachOnly). */
  disks?: pulumi.Input<pulumi.Input<VmDiskArgs>[]>;
  /** ISO file in an ISO domain to insert ("" or unset: empty drive). Changed live while the VM runs. */
  cdromIso?: pulumi.Input<string>;
  /** "stopped" (default) or "running": start waits for up; stop is ACPI shutdown, then a hard stop. */
  runState?: pulumi.Input<"running" | "stopped">;
  /** cloud-init, persisted on the VM: the engine applies it at the first boot only. */
  initialization?: pulumi.Input<VmInitializationArgs>;
  /** A change of `initialization` after the first boot: "warn" (default: kept, a warning printed) or "replace". */
  initializationChanges?: pulumi.Input<"warn" | "replace">;
  /** Run-once parameters for a start this resource does (seed 2.20, 2.21). */
  startOverrides?: pulumi.Input<{
    bootDevices?: pulumi.Input<pulumi.Input<BootDevice>[]>;
    initialization?: pulumi.Input<VmInitializationArgs>;
  }>;
  /** Changes the engine defers to the next restart: "never" (default: listed in pendingChanges) or "reboot" now. */
  applyNextRun?: pulumi.Input<"reboot" | "never">;
  /** Keep disk images when a disk is undeclared or the VM is destroyed (detach only). */
  detachOnly?: pulumi.Input<boolean>;
  /** Adopt an existing VM of this exact name in the cluster (default true: nothing is created twice); false makes create fail naming it. */
  adopt?: pulumi.Input<boolean>;
  /** Wait limits (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}
