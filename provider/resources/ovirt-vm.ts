import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { VmArgs } from "../args/ovirt-vm";

const provider = makeShell("Vm");

/**
 * A virtual machine on oVirt 4.x or RHEV 3.6 with its NICs, disks, CD-ROM, run state and
 * cloud-init. Create adopts nothing unless asked, waits for the image, every disk and the run
 * state; updates apply live where the engine allows and otherwise wait for the next restart
 * (`pendingChanges`); destroy stops the VM first and waits until the engine no longer has it.
 */
export class Vm extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly vmId: pulumi.Output<string>;
  /** The engine's status: down, up, powering_up, … */
  declare readonly status: pulumi.Output<string>;
  /** Guest addresses reported by the guest agent (empty without one). */
  declare readonly ips: pulumi.Output<string[]>;
  /** True once the VM has booted (its persisted initialization has been used). */
  declare readonly isInitialized: pulumi.Output<boolean>;
  declare readonly nextRunConfigurationExists: pulumi.Output<boolean>;
  /** Declared fields waiting for the VM's next restart. */
  declare readonly pendingChanges: pulumi.Output<string[]>;
  /** MAC address per NIC name. */
  declare readonly nicMacs: pulumi.Output<Record<string, string | null>>;
  /** Disk id per declared disk name. */
  declare readonly diskIds: pulumi.Output<Record<string, string>>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: VmArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        vmId: undefined,
        status: undefined,
        ips: undefined,
        isInitialized: undefined,
        nextRunConfigurationExists: undefined,
        pendingChanges: undefined,
        nicMacs: undefined,
        diskIds: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "Vm",
    );
  }
}
