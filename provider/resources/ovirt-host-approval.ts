import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { HostApprovalArgs } from "../args/ovirt";

const provider = makeShell("HostApproval");

/**
 * Approves a host waiting for approval (`pending_approval`) into a cluster and waits until it
 * is `up` (seed 2.9). A host already up in that cluster is taken as approved. Deleting this
 * resource does nothing on the engine: the host stays approved and in its cluster.
 */
export class HostApproval extends pulumi.dynamic.Resource {
  declare readonly host: pulumi.Output<string>;
  declare readonly cluster: pulumi.Output<string>;
  /** The host's name as the engine reports it. */
  declare readonly hostName: pulumi.Output<string>;
  /** The host's status (up, maintenance, non_operational …). */
  declare readonly status: pulumi.Output<string>;
  /** The id of the cluster the host is in. */
  declare readonly clusterId: pulumi.Output<string | undefined>;
  declare readonly address: pulumi.Output<string | undefined>;

  constructor(name: string, args: HostApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        hostName: undefined,
        status: undefined,
        clusterId: undefined,
        address: undefined,
      },
      opts,
      "drplane",
      "HostApproval",
    );
  }
}
