/** The `SwiftContainer` resource class (a shell: the handler is dynamic/swift-container.ts). */
import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { SwiftConnectionArgs } from "../args/swift";

const provider = makeShell("SwiftContainer");

export interface SwiftContainerArgs {
  /** The Swift account (Keystone v3 project or tempauth account) and how to authenticate. */
  connection: pulumi.Input<SwiftConnectionArgs>;
  /** Container name (no "/"). Changing it replaces the container. */
  name: pulumi.Input<string>;
  /** Storage policy, e.g. "gold"; the cluster default when omitted. Immutable: changing it replaces (delete first). */
  storagePolicy?: pulumi.Input<string>;
  /** X-Container-Meta-* (names are case-insensitive). Metadata not declared here is removed. */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** X-Container-Read ACL, e.g. ".r:*,.rlistings" or "project:user". */
  readAcl?: pulumi.Input<string>;
  /** X-Container-Write ACL. */
  writeAcl?: pulumi.Input<string>;
  /** Keep old versions of overwritten objects in another container: X-History-Location (default) or X-Versions-Location ("stack"). */
  versioning?: pulumi.Input<{ location: pulumi.Input<string>; mode?: pulumi.Input<"history" | "stack"> }>;
  /** Container quotas (X-Container-Meta-Quota-Bytes / -Count). */
  quota?: pulumi.Input<{ bytes?: pulumi.Input<number>; count?: pulumi.Input<number> }>;
  /** On delete, first delete every object and the SLO segments they reference (default false: a non-empty container fails). */
  forceDestroy?: pulumi.Input<boolean>;
  /** Manage a container that already exists (its settings are converged) instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/** An OpenStack Swift container. Refresh shows out-of-band changes to its settings as drift. */
export class SwiftContainer extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly storagePolicy: pulumi.Output<string>;
  /** The policy Swift reports (canonical name). */
  declare readonly actualStoragePolicy: pulumi.Output<string>;
  declare readonly metadata: pulumi.Output<Record<string, string>>;
  /** The account URL, e.g. https://swift.example/v1/AUTH_<project>. */
  declare readonly storageUrl: pulumi.Output<string>;
  /** The container URL. */
  declare readonly url: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SwiftContainerArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        storagePolicy: args.storagePolicy,
        metadata: args.metadata,
        actualStoragePolicy: undefined,
        storageUrl: undefined,
        url: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "SwiftContainer",
    );
  }
}
