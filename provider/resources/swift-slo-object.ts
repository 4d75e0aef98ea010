/** The `SloObject` resource class (a shell: the handler is dynamic/swift-slo-object.ts). */
import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { SwiftConnectionArgs } from "../args/swift";

const provider = makeShell("SloObject");

export interface SloObjectArgs {
  /** The Swift account (Keystone v3 project or tempauth account) and how to authenticate. */
  connection: pulumi.Input<SwiftConnectionArgs>;
  /** The container of the manifest (it must exist). Changing it replaces the object. */
  container: pulumi.Input<string>;
  /** Object name. Changing it replaces the object. */
  name: pulumi.Input<string>;
  /** Path of the local file (relative paths start at the program's directory)… */
  file?: pulumi.Input<string>;
  /** …or a Pulumi FileAsset. */
  source?: pulumi.Input<pulumi.asset.FileAsset>;
  /** Segment size in bytes: default 10 MiB (as the seed), grown to stay within 1000 segments. */
  segmentSize?: pulumi.Input<number>;
  /** Where segments go: default "<container>_segments" (created when missing, with the container's policy). */
  segmentContainer?: pulumi.Input<string>;
  /** Content-Type of the object; application/octet-stream when omitted. */
  contentType?: pulumi.Input<string>;
  /** X-Object-Meta-* (names are case-insensitive). Metadata not declared here is removed. */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Segment uploads in flight (default 4). */
  concurrency?: pulumi.Input<number>;
  /** Replace the content of an object that already exists instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A large file stored as a Swift static large object: streamed in segments (parallel, each
 * MD5-verified), resumable after a crash, replaced atomically (new segments, manifest swap,
 * old segments deleted), deleted with its segments. Previews only stat the file; it is
 * re-hashed when its size or mtime changes.
 */
export class SloObject extends pulumi.dynamic.Resource {
  declare readonly container: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The SLO ETag (unquoted hex): MD5 of the concatenated segment MD5s. */
  declare readonly etag: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number>;
  declare readonly segmentCount: pulumi.Output<number>;
  /** The segment container in use. */
  declare readonly effectiveSegmentContainer: pulumi.Output<string>;
  /** The prefix of the current segments inside it. */
  declare readonly segmentPrefix: pulumi.Output<string>;
  declare readonly effectiveSegmentSize: pulumi.Output<number>;
  declare readonly actualContentType: pulumi.Output<string>;
  declare readonly lastModified: pulumi.Output<string>;
  declare readonly storageUrl: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SloObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        etag: undefined,
        size: undefined,
        segmentCount: undefined,
        effectiveSegmentContainer: undefined,
        segmentPrefix: undefined,
        effectiveSegmentSize: undefined,
        actualContentType: undefined,
        lastModified: undefined,
        storageUrl: undefined,
        url: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "SloObject",
    );
  }
}
