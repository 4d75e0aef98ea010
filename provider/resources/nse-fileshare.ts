/** The `NseFileShare` resource class (NetApp Service Engine 2.1): outputs declared, no logic. */
import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { NseFileShareArgs } from "../args/nse";

const provider = makeShell("NseFileShare");

/**
 * A file share on an NSE file server, created by an NSE job that is waited for (the share's id
 * is known as soon as NSE accepts it). A share of this name on the same file server is adopted,
 * so nothing is created twice. Share path, file server, security style and subtenant replace
 * (the old share is deleted first); everything else, `drEnabled` included, updates in place.
 * Delete waits for NSE's job and confirms the share is gone. Refresh shows out-of-band changes
 * of the declared inputs.
 */
export class NseFileShare extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly sharePath: pulumi.Output<string>;
  declare readonly fileserverId: pulumi.Output<string>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly serviceLevel: pulumi.Output<string>;
  declare readonly protocol: pulumi.Output<"nfs" | "cifs" | "multiprotocol">;
  declare readonly drEnabled: pulumi.Output<boolean | undefined>;
  /** The share's state as NSE reports it ("Operational" …), null when it does not say. */
  declare readonly state: pulumi.Output<string | null>;
  declare readonly tenantId: pulumi.Output<string | null>;
  declare readonly fileserverName: pulumi.Output<string | null>;
  /** Where NFS clients mount it (null when NSE does not say). */
  declare readonly nfsEndpoint: pulumi.Output<string | null>;
  /** Where CIFS clients map it (null when NSE does not say). */
  declare readonly cifsEndpoint: pulumi.Output<string | null>;
  declare readonly zone: pulumi.Output<string | null>;
  /** Whether NSE can replicate this share to a DR site. */
  declare readonly drAvailable: pulumi.Output<boolean | null>;
  /** The share's snapshots as NSE lists them (scheduled and named ones). */
  declare readonly snapshots: pulumi.Output<Array<{ name: string; created?: string }>>;
  /** True when the share existed before and was taken over. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The id of the NSE job that created it (null when adopted): see getNseJob. */
  declare readonly createJobId: pulumi.Output<string | null>;

  constructor(name: string, args: NseFileShareArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        state: undefined,
        tenantId: undefined,
        fileserverName: undefined,
        nfsEndpoint: undefined,
        cifsEndpoint: undefined,
        zone: undefined,
        drAvailable: undefined,
        snapshots: undefined,
        adopted: undefined,
        createJobId: undefined,
      },
      opts,
      "drplane",
      "NseFileShare",
    );
  }
}
