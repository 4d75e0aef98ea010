/** The `NseFileShareSnapshot` resource class (NetApp Service Engine 2.1): outputs declared, no logic. */
import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { NseFileShareSnapshotArgs } from "../args/nse";

const provider = makeShell("NseFileShareSnapshot");

/**
 * A named snapshot of an NSE file share, taken by an NSE job that is waited for; one of this
 * name that already exists is taken over. A new share or name takes a new snapshot (the old
 * one is deleted after). Delete removes the snapshot.
 */
export class NseFileShareSnapshot extends pulumi.dynamic.Resource {
  declare readonly fileShareId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** When NSE says it was taken (null until NSE lists it). */
  declare readonly created: pulumi.Output<string | null>;
  /** True when a snapshot of this name existed before and was taken over. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: NseFileShareSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, __drplaneName: name, created: undefined, adopted: undefined, requestedAt: undefined },
      opts,
      "drplane",
      "NseFileShareSnapshot",
    );
  }
}
