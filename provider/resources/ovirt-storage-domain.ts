import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { StorageDomainArgs } from "../args/ovirt";

const provider = makeShell("StorageDomain");

/**
 * An oVirt / RHEV NFS storage domain (data or ISO): created on a host, attached to a data
 * center and activated, each step awaited (seed 2.10-2.13). A domain of exactly this name is
 * adopted, so nothing is created twice. Delete puts it in maintenance, detaches it and removes
 * it (the export's data is kept unless `formatOnDelete`). Refresh sees a domain that went to
 * maintenance or was detached (`status`, `dataCenterId`).
 */
export class StorageDomain extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly type: pulumi.Output<"data" | "iso">;
  declare readonly dataCenter: pulumi.Output<string>;
  /** active | maintenance | unattached | locked … as the engine reports it in the data center. */
  declare readonly status: pulumi.Output<string>;
  /** The id of the data center it is attached to (undefined when detached). */
  declare readonly dataCenterId: pulumi.Output<string | undefined>;
  declare readonly availableGiB: pulumi.Output<number | undefined>;
  declare readonly usedGiB: pulumi.Output<number | undefined>;
  /** True when the domain existed before and was taken over. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: StorageDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        status: undefined,
        dataCenterId: undefined,
        availableGiB: undefined,
        usedGiB: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "StorageDomain",
    );
  }
}
