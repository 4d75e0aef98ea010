/**
 * Static large objects from a local file (seed 004: segments in a segment container, then a
 * manifest PUT with ?multipart-manifest=put; delete with ?multipart-manifest=delete): the
 * upload flow. The plan (slo-plan) cuts the file; segments (slo-upload) go under a new version
 * prefix, streamed and MD5-verified; the manifest (slo-manifest) swaps them in; then one sweep
 * (segments) deletes every other segment under the object's base (old versions and crashed
 * attempts), so readers see the old object until the swap and nothing is left behind. A
 * re-run after a crash reuses the segments of the interrupted attempt whose MD5 matches.
 */
import { stat } from "node:fs/promises";
import { systemClock, type Clock } from "../../core/clock";
import { InputError, VendorError } from "../../core/errors";
import { requireSlo, type SwiftClient } from "./client";
import { readContainer } from "./containers";
import { sloEtag } from "./hashing";
import { postObject, sameObjectMeta } from "./objects";
import { putManifest } from "./slo-manifest";
import { planSlo, type SloPlan } from "./slo-plan";
import { SloProgress } from "./slo-progress";
import { FileSegments, uploadSegments } from "./slo-upload";
import { liveObject, newNonce, segmentBase, storedVersions, sweepSegments, versionPrefix } from "./segments";

export interface SloUploadSpec {
  container: string;
  name: string;
  file: string;
  /** Segment size in bytes; default: planned from the file's size and the cluster's /info (slo-plan). */
  segmentSize?: number;
  segmentContainer: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Segment PUTs in flight; default: planned with the segment size. */
  concurrency?: number;
  onProgress?: (message: string) => void;
  /** Progress line interval (default 10 s). */
  progressIntervalMs?: number;
  /** Time source of the progress lines (default: the system clock). */
  clock?: Clock;
  /** Called when a segment is stored (or found stored); for tests and scripts. */
  onSegment?: (index: number, reused: boolean) => void;
  /**
   * The MD5 of each segment when already known (the SloObject handler computed them in check,
   * at this same size and mtime). They are then sent as ETag headers, so Swift verifies every
   * segment before storing it (422 on a mismatch), and the file is not hashed a second time.
   */
  segmentMd5s?: string[];
  /** Called once the new manifest is in place (before old segments are deleted). */
  onManifest?: (etag: string) => void;
}

export interface SloResult {
  /** Unquoted hex: MD5 of the segment MD5s. */
  etag: string;
  size: number;
  mtimeMs: number;
  segmentSize: number;
  segmentCount: number;
  /** Segment PUTs that were allowed in flight. */
  concurrency: number;
  segmentContainer: string;
  /** The version prefix of the segments in use (ends with "/"). */
  segmentPrefix: string;
  uploadedSegments: number;
  reusedSegments: number;
  bytesUploaded: number;
  /** Orphan or old segments deleted after the swap. */
  segmentsDeleted: number;
}

/** Creates the segment container when missing, with the storage policy of the object's container. */
export async function ensureSegmentContainer(
  client: SwiftClient,
  container: string,
  segmentContainer: string,
): Promise<void> {
  if (await readContainer(client, segmentContainer)) return;
  const main = await readContainer(client, container);
  if (!main) {
    throw new InputError(`container ${container} does not exist`, {
      meta: { vendor: "swift", operation: "uploadSlo", property: "container" },
    });
  }
  await client.request({
    method: "PUT",
    container: segmentContainer,
    headers: main.storagePolicy ? { "x-storage-policy": main.storagePolicy } : {},
    operation: "createSegmentContainer",
    idempotent: true,
  });
}

/** Uploads `file` as an SLO (or finds it already there), swaps the manifest, deletes old segments. */
export async function uploadSlo(client: SwiftClient, spec: SloUploadSpec): Promise<SloResult> {
  const where = `${spec.container}/${spec.name}`;
  const started = await stat(spec.file);
  const size = started.size;
  const mtimeMs = Math.floor(started.mtimeMs);
  const info = await client.info();
  requireSlo(info, await client.storageUrl());
  const plan = planSlo({ size, segmentSize: spec.segmentSize, concurrency: spec.concurrency }, info, where);
  const known = spec.segmentMd5s?.length === plan.segmentCount ? spec.segmentMd5s : undefined;
  const segments = new FileSegments(spec.file, size, plan.segmentSize, plan.segmentCount, known);
  const base = segmentBase(spec.container, spec.name, spec.segmentContainer);
  // Independent reads, at once: a missing segment container lists as empty while it is created.
  const [, live, { versions }] = await Promise.all([
    ensureSegmentContainer(client, spec.container, spec.segmentContainer),
    liveObject(client, spec.container, spec.name, spec.segmentContainer, base),
    storedVersions(client, spec.segmentContainer, base),
  ]);
  const same = versions.filter(
    (v) => v.mtimeMs === mtimeMs && v.size === size && v.segmentSize === plan.segmentSize,
  );
  const outcome = { size, mtimeMs, plan, segmentContainer: spec.segmentContainer };

  // Already uploaded (a re-run after a crash past the manifest PUT, or an adopt)?
  const liveVersion = same.find((v) => v.prefix === live.prefix);
  if (liveVersion && live.segments.length === plan.segmentCount && (await segments.storedIn(liveVersion))) {
    spec.onProgress?.(`${where} already holds this file (${plan.segmentCount} segments); not uploading`);
    const md5s = [...Array(plan.segmentCount).keys()].map((i) => liveVersion.segments.get(i)!.hash);
    if (!sameObjectMeta(live.state, spec.contentType, spec.metadata))
      await postObject(client, spec.container, spec.name, spec.contentType, spec.metadata);
    const deleted = await sweepSegments(client, spec.segmentContainer, base, {
      keep: liveVersion.prefix,
      known: versions,
    });
    return {
      ...result(outcome, sloEtag(md5s), liveVersion.prefix, deleted),
      reusedSegments: plan.segmentCount,
    };
  }

  // Resume the interrupted attempt with the most segments; never write under the live prefix.
  const resume = same
    .filter((v) => v.prefix !== live.prefix)
    .sort((a, b) => b.segments.size - a.segments.size)[0];
  const prefix = resume?.prefix ?? versionPrefix(base, mtimeMs, size, plan.segmentSize, newNonce());
  if (resume)
    spec.onProgress?.(
      `resuming an interrupted upload of ${where}: ${resume.segments.size} of ${plan.segmentCount} segments stored`,
    );

  const progress = new SloProgress({
    where,
    total: size,
    count: plan.segmentCount,
    clock: spec.clock ?? systemClock,
    ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
    ...(spec.progressIntervalMs !== undefined ? { intervalMs: spec.progressIntervalMs } : {}),
  });
  const md5s = await uploadSegments(client, {
    segments,
    segmentContainer: spec.segmentContainer,
    prefix,
    concurrency: plan.concurrency,
    ...(resume ? { resume } : {}),
    progress,
    ...(spec.onSegment ? { onSegment: spec.onSegment } : {}),
  });
  const now = await stat(spec.file);
  if (now.size !== size || Math.floor(now.mtimeMs) !== mtimeMs) {
    throw new VendorError(
      `${spec.file} changed while it was being uploaded to ${where}; the manifest was not written`,
      {
        meta: {
          vendor: "swift",
          operation: "uploadSlo",
          property: "file",
          remedy: "run pulumi up again once the file is stable",
        },
      },
    );
  }
  const etag = await putManifest(client, {
    container: spec.container,
    name: spec.name,
    segmentContainer: spec.segmentContainer,
    ...(spec.contentType !== undefined ? { contentType: spec.contentType } : {}),
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
    prefix,
    md5s,
    segmentLength: (i) => segments.length(i),
    maxManifestSize: info.maxManifestSize,
  });
  spec.onManifest?.(etag);
  progress.finish();
  const deleted = await sweepSegments(client, spec.segmentContainer, base, { keep: prefix, known: versions });
  return {
    ...result(outcome, etag, prefix, deleted),
    uploadedSegments: progress.uploadedSegments,
    reusedSegments: progress.reusedSegments,
    bytesUploaded: progress.bytesUploaded,
  };
}

function result(
  o: { size: number; mtimeMs: number; plan: SloPlan; segmentContainer: string },
  etag: string,
  prefix: string,
  deleted: number,
): SloResult {
  return {
    etag,
    size: o.size,
    mtimeMs: o.mtimeMs,
    segmentSize: o.plan.segmentSize,
    segmentCount: o.plan.segmentCount,
    concurrency: o.plan.concurrency,
    segmentContainer: o.segmentContainer,
    segmentPrefix: prefix,
    uploadedSegments: 0,
    reusedSegments: 0,
    bytesUploaded: 0,
    segmentsDeleted: deleted,
  };
}
