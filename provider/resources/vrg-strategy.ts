import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { Timeouts } from "../args/common";
import type { DrVolumeArgs, ProductionVolumeArgs, VrgConnectionArgs } from "../args/vrg";

const provider = makeShell("VmDrStrategy");

interface VmDrStrategyCommonArgs {
  /** The VRG that holds this side's configuration. */
  connection: pulumi.Input<VrgConnectionArgs>;
  /** The protected VM's UUID. Changing it replaces. */
  vmUuid: pulumi.Input<string>;
  /** The VM's id (i-xxxxxxxx). */
  vmId?: pulumi.Input<string>;
  vmName?: pulumi.Input<string>;
  /** "xen" (default: every volume needs a slot) or "kvm". */
  platform?: pulumi.Input<"xen" | "kvm">;
  /** Take over a different strategy the VRG already has for this VM (else create fails, naming the differences). */
  adopt?: pulumi.Input<boolean>;
  /** delFlag on delete: "normal" (default), "force", or "forceOnFailure" (normal, then force if it fails). */
  deleteMode?: pulumi.Input<"normal" | "force" | "forceOnFailure">;
  /** Wait limits (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

/** The production side: which volumes are replicated, and how the stream is protected. */
export interface ProductionVmDrStrategyArgs extends VmDrStrategyCommonArgs {
  role: pulumi.Input<"production">;
  /** "none" (default) or "aes128". */
  encryption?: pulumi.Input<"none" | "aes128">;
  /** Compress the replication stream (default false). */
  compression?: pulumi.Input<boolean>;
  volumes: pulumi.Input<pulumi.Input<ProductionVolumeArgs>[]>;
}

/** The DR side: which writeagent receives the VM's data, and where each volume is written. */
export interface DrVmDrStrategyArgs extends VmDrStrategyCommonArgs {
  role: pulumi.Input<"dr">;
  /** URN of the host the DR VM runs on. */
  hostUrn?: pulumi.Input<string>;
  /** The writeagent's IPv4 address. */
  agentIp: pulumi.Input<string>;
  /** The writeagent's port. */
  agentPort: pulumi.Input<number>;
  volumes: pulumi.Input<pulumi.Input<DrVolumeArgs>[]>;
}

export type VmDrStrategyArgs = ProductionVmDrStrategyArgs | DrVmDrStrategyArgs;

export interface VolumeStatus {
  volUuid: string;
  /** volStatus (DR side): 1 normal, 2 path error, 3 type error, 4 used by another VRG, 5 setting, 6 delete failed; null on the production side. */
  status: number | null;
  state: string;
  meaning: string;
}

/**
 * The DR configuration of one VM on one VRG (FusionCompute VRG `vmstrategy`), production or
 * DR role. Create waits until every volume is in place and reports each failed volume with
 * its meaning; delete honours deleteMode and waits until the VRG no longer lists the VM.
 */
export class VmDrStrategy extends pulumi.dynamic.Resource {
  declare readonly role: pulumi.Output<"production" | "dr">;
  declare readonly vmUuid: pulumi.Output<string>;
  declare readonly vrgUuid: pulumi.Output<string | undefined>;
  declare readonly volumeStatuses: pulumi.Output<VolumeStatus[]>;
  /** False when a volume is in an error state (see volumeStatuses). */
  declare readonly healthy: pulumi.Output<boolean>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: VmDrStrategyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        vrgUuid: undefined,
        volumeStatuses: undefined,
        healthy: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "VmDrStrategy",
    );
  }
}
