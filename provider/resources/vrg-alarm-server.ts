import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { VrgConnectionArgs } from "../args/vrg";

const provider = makeShell("VrgAlarmServer");

export interface VrgAlarmServerArgs {
  connection: pulumi.Input<VrgConnectionArgs>;
  /** The alarm (SNMP trap) receiver's IPv4 address. */
  ip: pulumi.Input<string>;
  /** Its port. */
  port: pulumi.Input<number>;
  /** Replace a receiver the VRG already has with another address (else create fails, naming it). */
  adopt?: pulumi.Input<boolean>;
}

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
