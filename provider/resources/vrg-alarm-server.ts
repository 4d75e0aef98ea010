import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { VrgAlarmServerArgs } from "../args/vrg";

export type { VrgAlarmServerArgs };

const provider = makeShell("VrgAlarmServer");

/**
 * Where a VRG sends its alarms (FusionCompute VRG `trapinfo`). Changes update in place;
 * delete sets the seed's "none" value (0.0.0.0).
 */
export class VrgAlarmServer extends pulumi.dynamic.Resource {
  declare readonly ip: pulumi.Output<string>;
  declare readonly port: pulumi.Output<number>;
  declare readonly vrgUuid: pulumi.Output<string | undefined>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: VrgAlarmServerArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, __drplaneName: name, vrgUuid: undefined, adopted: undefined },
      opts,
      "drplane",
      "VrgAlarmServer",
    );
  }
}
