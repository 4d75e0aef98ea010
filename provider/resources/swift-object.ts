/** The `SwiftObject` resource class (a shell: the handler is dynamic/swift-object.ts). */
import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { SwiftConnectionArgs } from "../args/swift";

const provider = makeShell("SwiftObject");

export interface SwiftObjectArgs {
  /** The Swift account (Keystone v3 project or tempauth account) and how to authenticate. */
  connection: pulumi.Input<SwiftConnectionArgs>;
  /** The container (it must exist, e.g. a SwiftContainer's name). Changing it replaces the object. */
  container: pulumi.Input<string>;
  /** Object name; "/" makes pseudo-directories. Changing it replaces the object. */
  name: pulumi.Input<string>;
  /** The content as a string… */
  content?: pulumi.Input<string>;
  /** …or a local file (up to 5 GiB; use SloObject for larger files)… */
  file?: pulumi.Input<string>;
  /** …or a Pulumi FileAsset / StringAsset. */
  source?: pulumi.Input<pulumi.asset.Asset>;
  /** A directory marker: an empty object with content type application/directory (as the seed creates them). */
  directory?: pulumi.Input<boolean>;
  /** Content-Type; when omitted Swift guesses from the name. */
  contentType?: pulumi.Input<string>;
  /** X-Object-Meta-* (names are case-insensitive). Metadata not declared here is removed. */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Overwrite and manage an object that already exists with other content instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A small Swift object, uploaded with its MD5 verified against the ETag Swift returns.
 * A content change (found in preview) updates it in place.
 */
export class SwiftObject extends pulumi.dynamic.Resource {
  declare readonly container: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** MD5 of the content (unquoted hex), as Swift reports it. */
  declare readonly etag: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number>;
  /** The Content-Type Swift reports. */
  declare readonly actualContentType: pulumi.Output<string>;
  declare readonly lastModified: pulumi.Output<string>;
  declare readonly storageUrl: pulumi.Output<string>;
  /** The object URL. */
  declare readonly url: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: SwiftObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        etag: undefined,
        size: undefined,
        actualContentType: undefined,
        lastModified: undefined,
        storageUrl: undefined,
        url: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "SwiftObject",
    );
  }
}
