import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { DrVmDrStrategyArgs, ProductionVmDrStrategyArgs, VmDrStrategyArgs } from "../args/vrg";

export type { DrVmDrStrategyArgs, ProductionVmDrStrategyArgs, VmDrStrategyArgs };

const provider = makeShell("VmDrStrategy");

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
