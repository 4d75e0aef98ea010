/**
 * Swift data functions: read a container (settings and listing) or an object's metadata, e.g. for
 * GitOps checks ("is the nightly backup there, and is it recent?"). They run in the program
 * process (dynamic providers have no invoke), with the same connection inputs and credential
 * rules as the resources: the password comes from stack config `drplane:credentials` or
 * DRPLANE_<PROFILE>_PASSWORD.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { listObjects } from "../vendors/swift/bulk";
import { manifestSegments, readContainer } from "../vendors/swift/containers";
import { readObject } from "../vendors/swift/objects";
import { containerNameSchema, objectNameSchema, swiftClient, swiftConnectionSchema } from "../inputs/swift";
import type { SwiftConnectionArgs } from "../args/swift";
import { checkedArgs as validate, keptAlive, loadStackCredentials } from "./kit";

export interface GetSwiftContainerArgs {
  connection: SwiftConnectionArgs;
  container: string;
  /** Only objects whose names start with this. */
  prefix?: string;
  /** Group names at this character (usually "/") into `subdirs`. */
  delimiter?: string;
  /** At most this many entries (default: all). */
  limit?: number;
}

export interface SwiftListedObject {
  name: string;
  bytes: number;
  /** MD5 (unquoted); for an SLO, its SLO ETag. */
  etag: string;
  contentType: string;
  lastModified: string;
  staticLargeObject: boolean;
}

export interface SwiftContainerListing {
  container: string;
  exists: boolean;
  storagePolicy?: string;
  objectCount?: number;
  bytesUsed?: number;
  metadata?: Record<string, string>;
  readAcl?: string;
  writeAcl?: string;
  objects: SwiftListedObject[];
  subdirs: string[];
}

export interface GetSwiftObjectArgs {
  connection: SwiftConnectionArgs;
  container: string;
  name: string;
}

export interface SwiftObjectInfo {
  container: string;
  name: string;
  exists: boolean;
  etag?: string;
  size?: number;
  contentType?: string;
  metadata?: Record<string, string>;
  lastModified?: string;
  staticLargeObject?: boolean;
  /** SLOs: the number of segments in the manifest. */
  segmentCount?: number;
}

const unquote = (etag: string | undefined) => (etag ?? "").replace(/^"|"$/g, "");

/** A container's settings and (part of) its listing. A missing container gives `exists: false`. */
export async function getSwiftContainer(args: GetSwiftContainerArgs): Promise<SwiftContainerListing> {
  const a = validate(
    "getSwiftContainer",
    z
      .object({
        connection: swiftConnectionSchema(),
        container: containerNameSchema(),
        prefix: z.string().optional(),
        delimiter: z.string().length(1).optional(),
        limit: z.number().int().positive().optional(),
      })
      .strict(),
    args,
  );
  loadStackCredentials();
  const client = swiftClient(a.connection);
  const state = await readContainer(client, a.container);
  if (!state) return { container: a.container, exists: false, objects: [], subdirs: [] };
  const entries = await listObjects(client, a.container, {
    ...(a.prefix !== undefined ? { prefix: a.prefix } : {}),
    ...(a.delimiter !== undefined ? { delimiter: a.delimiter } : {}),
    ...(a.limit !== undefined ? { limit: a.limit } : {}),
  });
  return {
    container: a.container,
    exists: true,
    storagePolicy: state.storagePolicy,
    objectCount: state.objectCount,
    bytesUsed: state.bytesUsed,
    metadata: state.metadata,
    ...(state.readAcl !== undefined ? { readAcl: state.readAcl } : {}),
    ...(state.writeAcl !== undefined ? { writeAcl: state.writeAcl } : {}),
    objects: entries
      .filter((e) => e.subdir === undefined)
      .map((e) => ({
        name: e.name,
        bytes: e.bytes,
        etag: e.slo_etag !== undefined ? unquote(e.slo_etag) : e.hash,
        contentType: e.content_type,
        lastModified: e.last_modified,
        staticLargeObject: e.slo_etag !== undefined,
      })),
    subdirs: entries.flatMap((e) => (e.subdir !== undefined ? [e.subdir] : [])),
  };
}

/** An object's metadata (HEAD; for an SLO also its segment count). A missing object gives `exists: false`. */
export async function getSwiftObject(args: GetSwiftObjectArgs): Promise<SwiftObjectInfo> {
  const a = validate(
    "getSwiftObject",
    z
      .object({
        connection: swiftConnectionSchema(),
        container: containerNameSchema(),
        name: objectNameSchema(),
      })
      .strict(),
    args,
  );
  loadStackCredentials();
  const client = swiftClient(a.connection);
  const live = await readObject(client, a.container, a.name);
  if (!live) return { container: a.container, name: a.name, exists: false };
  const segments = live.staticLargeObject ? await manifestSegments(client, a.container, a.name) : undefined;
  return {
    container: a.container,
    name: a.name,
    exists: true,
    etag: live.etag,
    size: live.size,
    contentType: live.contentType,
    metadata: live.metadata,
    ...(live.lastModified !== undefined ? { lastModified: live.lastModified } : {}),
    staticLargeObject: live.staticLargeObject,
    ...(segments ? { segmentCount: segments.length } : {}),
  };
}

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** getSwiftContainer with Pulumi inputs. */
export function getSwiftContainerOutput(
  args: Inputs<GetSwiftContainerArgs>,
): pulumi.Output<SwiftContainerListing> {
  return pulumi
    .output(args)
    .apply((a) => keptAlive(() => getSwiftContainer(a as unknown as GetSwiftContainerArgs)));
}

/** getSwiftObject with Pulumi inputs. */
export function getSwiftObjectOutput(args: Inputs<GetSwiftObjectArgs>): pulumi.Output<SwiftObjectInfo> {
  return pulumi
    .output(args)
    .apply((a) => keptAlive(() => getSwiftObject(a as unknown as GetSwiftObjectArgs)));
}
