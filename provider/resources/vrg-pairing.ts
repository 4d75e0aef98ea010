import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { VrgPairingArgs } from "../args/vrg";

export type { VrgPairingArgs };

const provider = makeShell("VrgPairing");

/**
 * The pairing of a VRG with its peer (FusionCompute VRG `vrgmap`). Create waits until the
 * link is normal; a failed pairing or a broken link is an error naming the state. Refresh
 * drops it when the VRG is unpaired and shows a failed or broken link as drift.
 */
export class VrgPairing extends pulumi.dynamic.Resource {
  declare readonly peerIp: pulumi.Output<string>;
  declare readonly peerPort: pulumi.Output<number>;
  /** The VRG's uuid (from its login answer). */
  declare readonly vrgUuid: pulumi.Output<string | undefined>;
  /** Pairing status: 1 normal, 2 pairing, 3 failed, 4 unpaired, 5 link broken. */
  declare readonly status: pulumi.Output<number>;
  /** The status by name: normal, pairing, failed, unpaired, linkBroken. */
  declare readonly state: pulumi.Output<string>;
  declare readonly meaning: pulumi.Output<string>;
  /** True when the VRG was already paired with this peer when the resource was created. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: VrgPairingArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        vrgUuid: undefined,
        status: undefined,
        state: undefined,
        meaning: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "VrgPairing",
    );
  }
}
