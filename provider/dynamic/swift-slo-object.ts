/**
 * Handler for `SloObject`: a large file uploaded as a static large object (vendors/swift/slo),
 * on the content-object flow it shares with SwiftObject. Check plans the upload (slo-plan:
 * segment size and PUTs in flight, recorded once in the fingerprint) and fingerprints the file
 * as the SLO ETag it would get (MD5 of its segment MD5s), re-reading it only when its size,
 * mtime or segment size changed, so previews of a multi-GB file cost a stat. A content change
 * is an update: new segments under a new prefix, manifest swap, old segments deleted.
 */
import { stat as statFile } from "node:fs/promises";
import { z } from "zod";
import { isDrplaneError } from "../core/errors";
import { processWide } from "../core/process-state";
import { SWIFT_DEFAULT_LIMITS } from "../vendors/swift/client";
import { fileSloDigest } from "../vendors/swift/hashing";
import { defaultSegmentContainer, segmentBase, sweepSegments } from "../vendors/swift/segments";
import { uploadSlo } from "../vendors/swift/slo";
import { deleteSlo } from "../vendors/swift/slo-manifest";
import { planSlo, type SloPlan } from "../vendors/swift/slo-plan";
import {
  assetSchema,
  containerNameSchema,
  contentTypeSchema,
  metadataSchema,
  objectNameSchema,
  swiftConnectionSchema,
} from "../inputs/swift";
import type { Props } from "./kit";
import { defineContentObject, resolveFile, statInput, type CheckFailure } from "./swift-content-object";

export const KIND = "SloObject";

function schema() {
  return z
    .object({
      connection: swiftConnectionSchema(),
      container: containerNameSchema(),
      name: objectNameSchema(),
      file: z.string().min(1).optional(),
      source: assetSchema()
        .refine((a) => a.path !== undefined, "an SloObject needs a FileAsset (for text, use SwiftObject)")
        .optional(),
      segmentSize: z
        .number()
        .int()
        .min(1, "at least 1 byte")
        .max(SWIFT_DEFAULT_LIMITS.maxFileSize, "at most 5 GiB + 2 bytes (Swift's max_file_size)")
        .optional(),
      segmentContainer: containerNameSchema().optional(),
      contentType: contentTypeSchema().optional(),
      metadata: metadataSchema().default({}),
      concurrency: z.number().int().min(1).max(32).optional(),
      adopt: z.boolean().default(false),
    })
    .strict()
    .superRefine((o, ctx) => {
      if (o.file === undefined && o.source === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["file"],
          message: "give file (a path) or source (a FileAsset)",
        });
      if (o.file !== undefined && o.source !== undefined)
        ctx.addIssue({ code: "custom", path: ["source"], message: "give file or source, not both" });
    });
}
type Inputs = z.output<ReturnType<typeof schema>>;

/**
 * What check learned about the file and decided about its upload (the plan: segment size,
 * count and PUTs in flight, recorded once here and used as is by create and update). The
 * digest is reused while path, size, mtime and segment size hold.
 */
interface SloFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
  segmentSize: number;
  segmentCount: number;
  /** Absent in state written before the plan was recorded. */
  concurrency?: number;
  etag: string;
}

/**
 * Segment MD5s computed by check, by file+size+mtime+segment size, for the create/update that
 * follows in the same provider process (pulumi up runs both there): the upload sends them as
 * ETag headers instead of hashing the file a second time. Process-wide, a few entries.
 */
const md5Cache = processWide("swift.slo-md5s", () => new Map<string, string[]>());
function md5Key(file: string, size: number, mtimeMs: number, segmentSize: number): string {
  return `${resolveFile(file)}|${size}|${mtimeMs}|${segmentSize}`;
}
function rememberMd5s(key: string, md5s: string[]): void {
  md5Cache.delete(key);
  md5Cache.set(key, md5s);
  while (md5Cache.size > 16) md5Cache.delete(md5Cache.keys().next().value!);
}

function segmentContainerOf(inputs: Props): string {
  return inputs.segmentContainer ?? defaultSegmentContainer(inputs.container);
}

async function fingerprint(
  inputs: Inputs,
  olds: Props,
): Promise<{ source: SloFingerprint } | { failure: CheckFailure }> {
  const property = inputs.file !== undefined ? "file" : "source";
  const file = (inputs.file ?? inputs.source?.path)!;
  const found = await statInput(file, property);
  if ("failure" in found) return found;
  const { stat } = found;
  const old = olds.__source as SloFingerprint | undefined;
  let plan: SloPlan;
  try {
    plan = planSlo(
      {
        size: stat.size,
        segmentSize: inputs.segmentSize,
        concurrency: inputs.concurrency,
        // An object uploaded with a default segment size keeps it while the file's size holds,
        // so a touch, or new defaults in a later version, re-upload nothing.
        ...(olds.segmentSize === undefined && old?.path === file && old.size === stat.size
          ? { previousSegmentSize: old.segmentSize }
          : {}),
      },
      SWIFT_DEFAULT_LIMITS,
      file,
    );
  } catch (err) {
    if (!isDrplaneError(err, "DRP_INPUT")) throw err;
    const named =
      err.meta.property === undefined || err.meta.property === "file" ? property : err.meta.property;
    return { failure: { property: named, reason: err.message } };
  }
  const { segmentSize, concurrency } = plan;
  if (
    old?.path === file &&
    old.size === stat.size &&
    old.mtimeMs === stat.mtimeMs &&
    old.segmentSize === segmentSize
  )
    return { source: { ...old, concurrency } };
  const digest = await fileSloDigest(resolveFile(file), segmentSize);
  rememberMd5s(md5Key(file, digest.size, stat.mtimeMs, segmentSize), digest.segmentMd5s);
  return {
    source: {
      path: file,
      size: digest.size,
      mtimeMs: stat.mtimeMs,
      segmentSize,
      segmentCount: digest.segmentCount,
      concurrency,
      etag: digest.etag,
    },
  };
}

/** Output-only keys of an SloObject beyond those of every content object. */
const COMPUTED = ["segmentCount", "segmentPrefix", "effectiveSegmentSize", "effectiveSegmentContainer"];

/** The segment container changed since the object was uploaded: its segments move. */
function segmentsMoved(olds: Props, news: Props): boolean {
  return (
    olds.effectiveSegmentContainer !== undefined &&
    olds.effectiveSegmentContainer !== segmentContainerOf(news)
  );
}

export const sloObjectHandler = defineContentObject({
  kind: KIND,
  schema,
  computed: COMPUTED,
  fingerprint: (inputs, olds) => fingerprint(inputs as Inputs, olds),
  contentType: (inputs) => inputs.contentType,
  // uploadSlo recognises an object that already holds the file (its own segments) and re-uses it.
  adoptsSameContent: false,
  changed: (olds, news) => segmentContainerOf(news) !== olds.effectiveSegmentContainer,
  stale: (live, olds, news) => !live.staticLargeObject || segmentsMoved(olds, news),

  async upload(client, inputs, ctx, olds) {
    const file: string = inputs.file ?? inputs.source.path;
    const fp = inputs.__source as SloFingerprint;
    const now = await statFile(resolveFile(file));
    const known =
      now.size === fp.size && Math.floor(now.mtimeMs) === fp.mtimeMs
        ? md5Cache.get(md5Key(file, fp.size, fp.mtimeMs, fp.segmentSize))
        : undefined;
    const result = await uploadSlo(client, {
      container: inputs.container,
      name: inputs.name,
      file: resolveFile(file),
      ...(known ? { segmentMd5s: known } : {}),
      // The plan check recorded: validated against the cluster's /info, never re-derived.
      segmentSize: fp.segmentSize,
      ...(fp.concurrency !== undefined ? { concurrency: fp.concurrency } : {}),
      segmentContainer: segmentContainerOf(inputs),
      contentType: inputs.contentType,
      metadata: inputs.metadata,
      onProgress: ctx.say,
    });
    if (result.uploadedSegments + result.segmentsDeleted > 0 || result.reusedSegments > 0)
      ctx.say(
        `${result.segmentCount} segments: ${result.uploadedSegments} uploaded, ${result.reusedSegments} reused, ${result.segmentsDeleted} old deleted`,
      );
    if (olds && segmentsMoved(olds, inputs)) {
      const base = segmentBase(inputs.container, inputs.name, olds.effectiveSegmentContainer);
      await sweepSegments(client, olds.effectiveSegmentContainer, base);
    }
    return {
      segmentCount: result.segmentCount,
      segmentPrefix: result.segmentPrefix,
      effectiveSegmentSize: result.segmentSize,
      effectiveSegmentContainer: result.segmentContainer,
    };
  },

  async delete(client, props, ctx) {
    await deleteSlo(client, {
      container: props.container,
      name: props.name,
      segmentContainer: props.effectiveSegmentContainer ?? segmentContainerOf(props),
      onProgress: ctx.say,
    });
  },
});
