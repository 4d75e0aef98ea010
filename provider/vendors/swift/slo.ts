/**
 * Static large objects from a local file (seed 004: segments in a segment container, then a
 * manifest PUT with ?multipart-manifest=put; delete with ?multipart-manifest=delete).
 *
 * Upload: streamed from disk, never whole in memory; a bounded pool of segment PUTs, each
 * segment's MD5 computed on the way and checked against the ETag Swift returns; the manifest
 * PUT carries the expected SLO ETag and its answer is checked too. New segments go under a
 * new version prefix, the manifest is swapped, then every other segment under the object's
 * base is deleted (old versions and crashed attempts), so readers see the old object until
 * the swap and nothing is left behind. A re-run after a crash reuses the segments of the
 * interrupted attempt whose stored MD5 matches the file.
 */
import { stat } from "node:fs/promises";
import { Semaphore } from "../../core/limits";
import { InputError, VendorError } from "../../core/errors";
import { deletePaths } from "./bulk";
import { requireSlo, type SwiftClient, type SwiftInfo } from "./client";
import { readContainer } from "./containers";
import { innerStatus, parseBulkResult } from "./errors";
import { hashedRange, md5OfRange, sloEtag, type HashingStream } from "./hashing";
import {
  deleteObject,
  metadataHeaders,
  postObject,
  readObject,
  sameObjectMeta,
  transferTimeoutMs,
  unquote,
} from "./objects";
import {
  liveObject,
  newNonce,
  segmentBase,
  segmentName,
  storedVersions,
  versionPrefix,
  type StoredVersion,
} from "./segments";

export const DEFAULT_SEGMENT_SIZE = 10 * 1024 * 1024;
export const DEFAULT_SLO_CONCURRENCY = 4;

export interface SloUploadSpec {
  container: string;
  name: string;
  file: string;
  segmentSize: number;
  segmentContainer: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Segment PUTs in flight (default 4). */
  concurrency?: number;
  onProgress?: (message: string) => void;
  /** Progress line interval (default 10 s). */
  progressIntervalMs?: number;
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
  segmentContainer: string;
  /** The version prefix of the segments in use (ends with "/"). */
  segmentPrefix: string;
  uploadedSegments: number;
  reusedSegments: number;
  bytesUploaded: number;
  /** Orphan or old segments deleted after the swap. */
  segmentsDeleted: number;
}

/** The segment count for a size, or a clear error when Swift's limits forbid the plan. */
export function planSegments(size: number, segmentSize: number, info: SwiftInfo, where: string): number {
  if (size <= 0) {
    throw new InputError(`${where}: the file is empty; a static large object needs at least one byte`, {
      meta: { property: "file", remedy: "use SwiftObject for empty objects" },
    });
  }
  if (segmentSize < info.minSegmentSize || segmentSize > info.maxFileSize) {
    throw new InputError(
      `${where}: segmentSize ${segmentSize} is outside this cluster's limits (${info.minSegmentSize}..${info.maxFileSize} bytes)`,
      { meta: { property: "segmentSize" } },
    );
  }
  const count = Math.ceil(size / segmentSize);
  if (count > info.maxManifestSegments) {
    throw new InputError(
      `${where}: ${count} segments of ${segmentSize} bytes exceed this cluster's max_manifest_segments (${info.maxManifestSegments})`,
      {
        meta: {
          property: "segmentSize",
          remedy: `use segments of at least ${Math.ceil(size / info.maxManifestSegments)} bytes`,
        },
      },
    );
  }
  return count;
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
  const count = planSegments(size, spec.segmentSize, info, where);
  await ensureSegmentContainer(client, spec.container, spec.segmentContainer);
  const base = segmentBase(spec.container, spec.name, spec.segmentContainer);
  const live = await liveObject(client, spec.container, spec.name, spec.segmentContainer, base);
  const { versions } = await storedVersions(client, spec.segmentContainer, base);
  const same = versions.filter(
    (v) => v.mtimeMs === mtimeMs && v.size === size && v.segmentSize === spec.segmentSize,
  );
  const segLength = (i: number) => Math.min(spec.segmentSize, size - i * spec.segmentSize);
  const known = spec.segmentMd5s?.length === count ? spec.segmentMd5s : undefined;
  const localMd5 = (i: number) => known?.[i] ?? md5OfRange(spec.file, i * spec.segmentSize, segLength(i));

  // Already uploaded (a re-run after a crash past the manifest PUT, or an adopt)?
  const liveVersion = same.find((v) => v.prefix === live.prefix);
  if (
    liveVersion &&
    live.segments.length === count &&
    (await versionMatches(liveVersion, count, segLength, localMd5))
  ) {
    spec.onProgress?.(`${where} already holds this file (${count} segments); not uploading`);
    const md5s = [...Array(count).keys()].map((i) => liveVersion.segments.get(i)!.hash);
    if (!sameObjectMeta(live.state, spec.contentType, spec.metadata))
      await postObject(client, spec.container, spec.name, spec.contentType, spec.metadata);
    const deleted = await deleteOtherSegments(
      client,
      spec.segmentContainer,
      base,
      liveVersion.prefix,
      versions,
    );
    return result(spec, {
      etag: sloEtag(md5s),
      size,
      mtimeMs,
      count,
      prefix: liveVersion.prefix,
      uploaded: 0,
      reused: count,
      bytes: 0,
      deleted,
    });
  }

  // Resume the interrupted attempt with the most segments; never write under the live prefix.
  const resume = same
    .filter((v) => v.prefix !== live.prefix)
    .sort((a, b) => b.segments.size - a.segments.size)[0];
  const prefix = resume?.prefix ?? versionPrefix(base, mtimeMs, size, spec.segmentSize, newNonce());
  if (resume)
    spec.onProgress?.(
      `resuming an interrupted upload of ${where}: ${resume.segments.size} of ${count} segments stored`,
    );

  const progress = new Progress(size, count, spec);
  const md5s: string[] = new Array(count);
  const pool = new Semaphore(Math.max(1, spec.concurrency ?? DEFAULT_SLO_CONCURRENCY));
  const abort = new AbortController();
  try {
    await Promise.all(
      [...Array(count).keys()].map((i) =>
        pool
          .run(async () => {
            if (abort.signal.aborted) return;
            const start = i * spec.segmentSize;
            const length = segLength(i);
            const stored = resume?.segments.get(i);
            if (stored && stored.bytes === length && (await localMd5(i)) === stored.hash) {
              md5s[i] = stored.hash;
              progress.reused(length);
              spec.onSegment?.(i, true);
              return;
            }
            md5s[i] = await putSegment(
              client,
              spec,
              segmentName(prefix, i),
              start,
              length,
              progress,
              abort.signal,
              known?.[i],
            );
            progress.segmentDone();
            spec.onSegment?.(i, false);
          })
          .catch((err: unknown) => {
            abort.abort(err);
            throw err;
          }),
      ),
    );
  } finally {
    progress.stop();
  }
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
  const etag = await putManifest(client, spec, prefix, md5s, segLength, info);
  spec.onManifest?.(etag);
  progress.finish();
  const deleted = await deleteOtherSegments(client, spec.segmentContainer, base, prefix, versions);
  return result(spec, {
    etag,
    size,
    mtimeMs,
    count,
    prefix,
    uploaded: progress.uploadedSegments,
    reused: progress.reusedSegments,
    bytes: progress.bytesUploaded,
    deleted,
  });
}

function result(
  spec: SloUploadSpec,
  r: {
    etag: string;
    size: number;
    mtimeMs: number;
    count: number;
    prefix: string;
    uploaded: number;
    reused: number;
    bytes: number;
    deleted: number;
  },
): SloResult {
  return {
    etag: r.etag,
    size: r.size,
    mtimeMs: r.mtimeMs,
    segmentSize: spec.segmentSize,
    segmentCount: r.count,
    segmentContainer: spec.segmentContainer,
    segmentPrefix: r.prefix,
    uploadedSegments: r.uploaded,
    reusedSegments: r.reused,
    bytesUploaded: r.bytes,
    segmentsDeleted: r.deleted,
  };
}

async function versionMatches(
  version: StoredVersion,
  count: number,
  segLength: (i: number) => number,
  localMd5: (i: number) => string | Promise<string>,
): Promise<boolean> {
  if (version.segments.size < count) return false;
  for (let i = 0; i < count; i++) {
    const s = version.segments.get(i);
    if (!s || s.bytes !== segLength(i)) return false;
    if ((await localMd5(i)) !== s.hash) return false;
  }
  return true;
}

/** PUT of one segment, streamed from the file; returns its MD5 once Swift's ETag matches it. */
async function putSegment(
  client: SwiftClient,
  spec: SloUploadSpec,
  name: string,
  start: number,
  length: number,
  progress: Progress,
  signal: AbortSignal,
  knownMd5?: string,
): Promise<string> {
  let hasher: HashingStream | undefined;
  const headers: Record<string, string> = {
    "content-length": String(length),
    "content-type": "application/octet-stream",
  };
  if (knownMd5) headers.etag = knownMd5;
  const res = await client
    .request({
      method: "PUT",
      container: spec.segmentContainer,
      object: name,
      headers,
      body: () => {
        progress.restart(hasher?.bytes ?? 0);
        hasher = hashedRange(spec.file, start, length, (n) => progress.sent(n), !knownMd5).hasher;
        return hasher;
      },
      operation: "putSegment",
      idempotent: true,
      timeoutMs: transferTimeoutMs(length),
      signal,
    })
    .catch((err: unknown) => {
      if (knownMd5 && (err as { meta?: { httpStatus?: number } }).meta?.httpStatus === 422) {
        throw new VendorError(
          `${spec.file} changed since it was fingerprinted: segment ${name} no longer has MD5 ${knownMd5}`,
          {
            cause: err,
            meta: {
              vendor: "swift",
              operation: "putSegment",
              httpStatus: 422,
              property: "file",
              remedy: "run pulumi up again once the file is stable",
            },
          },
        );
      }
      throw err;
    });
  const md5 = knownMd5 ?? hasher!.digest();
  if (unquote(res.headers.etag) !== md5) {
    throw new VendorError(
      `segment ${spec.segmentContainer}/${name} was stored with ETag ${unquote(res.headers.etag)}, but the MD5 sent was ${md5}`,
      {
        meta: {
          vendor: "swift",
          operation: "putSegment",
          remedy: "the data was corrupted in transit or the file changed; run pulumi up again",
        },
      },
    );
  }
  return md5;
}

/** PUT ?multipart-manifest=put&heartbeat=on; the real status and ETag are in the body. */
async function putManifest(
  client: SwiftClient,
  spec: SloUploadSpec,
  prefix: string,
  md5s: string[],
  segLength: (i: number) => number,
  info: SwiftInfo,
): Promise<string> {
  const where = `${spec.container}/${spec.name}`;
  const manifest = md5s.map((etag, i) => ({
    path: `/${spec.segmentContainer}/${segmentName(prefix, i)}`,
    etag,
    size_bytes: segLength(i),
  }));
  const body = JSON.stringify(manifest);
  if (Buffer.byteLength(body) > info.maxManifestSize) {
    throw new InputError(
      `${where}: the manifest (${Buffer.byteLength(body)} bytes) exceeds max_manifest_size (${info.maxManifestSize})`,
      {
        meta: { property: "segmentSize", remedy: "use larger segments" },
      },
    );
  }
  const expected = sloEtag(md5s);
  const headers: Record<string, string> = {
    ...metadataHeaders(spec.metadata),
    "content-type": spec.contentType ?? "application/octet-stream",
    accept: "application/json",
    etag: expected,
  };
  const res = await client.request({
    method: "PUT",
    container: spec.container,
    object: spec.name,
    query: { "multipart-manifest": "put", heartbeat: "on" },
    headers,
    body,
    operation: "putManifest",
    idempotent: true,
    timeoutMs: 120_000 + md5s.length * 200,
  });
  let etag = res.headers.etag;
  if (res.status === 202) {
    const r = parseBulkResult(res.body, res.text);
    if (innerStatus(r) !== 201) {
      const errors = (r.Errors ?? []).slice(0, 10).map(([p, s]) => `${p}: ${s}`);
      throw new VendorError(
        `Swift refused the manifest of ${where}: ${r["Response Status"] ?? "no status"}`,
        {
          meta: {
            vendor: "swift",
            operation: "putManifest",
            vendorCause: [r["Response Body"], ...errors].filter(Boolean).join("; "),
            remedy: "the segments listed changed or vanished while uploading; run pulumi up again",
          },
        },
      );
    }
    etag = r.Etag;
  }
  if (unquote(etag) !== expected) {
    throw new VendorError(
      `the manifest of ${where} was stored with ETag ${unquote(etag)}, expected ${expected}`,
      {
        meta: { vendor: "swift", operation: "putManifest" },
      },
    );
  }
  return expected;
}

/** Deletes every segment under `base` that is not part of `keep` (old versions, crashed attempts). */
async function deleteOtherSegments(
  client: SwiftClient,
  segmentContainer: string,
  base: string,
  keep: string,
  known: StoredVersion[],
): Promise<number> {
  // Re-list: the listing taken before the upload misses nothing older, but be exact anyway.
  const { versions } = await storedVersions(client, segmentContainer, base).catch(() => ({
    versions: known,
  }));
  const paths = versions
    .filter((v) => v.prefix !== keep)
    .flatMap((v) => [...v.segments.values()].map((s) => `/${segmentContainer}/${s.name}`));
  if (paths.length === 0) return 0;
  const out = await deletePaths(client, paths, `old segments under ${segmentContainer}/${base}`);
  return out.deleted;
}

export interface DeleteSloSpec {
  container: string;
  name: string;
  /** When given, orphan segments under the object's base are removed too. */
  segmentContainer?: string;
  onProgress?: (message: string) => void;
}

/**
 * Deletes the manifest and its segments with ?multipart-manifest=delete. Swift answers 200
 * whatever happened; the body's Response Status and Errors tell. A non-SLO object at that
 * name is deleted plainly (the manifest-delete would refuse it and delete nothing).
 */
export async function deleteSlo(
  client: SwiftClient,
  spec: DeleteSloSpec,
): Promise<{ alreadyGone: boolean; segmentsDeleted: number }> {
  const where = `${spec.container}/${spec.name}`;
  const base = spec.segmentContainer
    ? segmentBase(spec.container, spec.name, spec.segmentContainer)
    : undefined;
  const live =
    spec.segmentContainer && base
      ? await liveObject(client, spec.container, spec.name, spec.segmentContainer, base)
      : { state: await readObject(client, spec.container, spec.name), segments: [] as string[] };
  const state = live.state;
  let segmentsDeleted = 0;
  if (state?.staticLargeObject) {
    const res = await client.request({
      method: "DELETE",
      container: spec.container,
      object: spec.name,
      query: { "multipart-manifest": "delete" },
      headers: { accept: "application/json" },
      operation: "deleteSlo",
      idempotent: true,
      timeoutMs: 120_000 + live.segments.length * 200,
    });
    const r = parseBulkResult(res.body, res.text);
    const failed = (r.Errors ?? []).filter(([, s]) => !/^404\b/.test(s));
    if (failed.length > 0 || (innerStatus(r) >= 300 && innerStatus(r) !== 404)) {
      const gone = !(await readObject(client, spec.container, spec.name));
      throw new VendorError(
        `Swift could not delete ${failed.length} segment(s) of ${where} (${r["Response Status"] ?? "no status"})${gone ? "; the manifest itself was deleted" : ""}`,
        {
          meta: {
            vendor: "swift",
            operation: "deleteSlo",
            vendorCause:
              failed
                .slice(0, 10)
                .map(([p, s]) => `${p}: ${s}`)
                .join("; ") || r["Response Body"],
            remedy:
              "check the user's rights on the segment container (403) and delete the listed segments, then run pulumi up/destroy again",
          },
        },
      );
    }
    segmentsDeleted = Math.max(0, (r["Number Deleted"] ?? 1) - 1);
  } else if (state) {
    await deleteObject(client, spec.container, spec.name);
  }
  if (base && spec.segmentContainer) {
    const orphans = await removeSegmentsUnder(client, spec.segmentContainer, base);
    if (orphans > 0) spec.onProgress?.(`deleted ${orphans} orphan segment(s) of ${where}`);
    segmentsDeleted += orphans;
  }
  return { alreadyGone: !state, segmentsDeleted };
}

/** Deletes every segment of ours under `base` (all versions); returns how many were deleted. */
export async function removeSegmentsUnder(
  client: SwiftClient,
  segmentContainer: string,
  base: string,
): Promise<number> {
  const { versions } = await storedVersions(client, segmentContainer, base);
  const paths = versions.flatMap((v) =>
    [...v.segments.values()].map((s) => `/${segmentContainer}/${s.name}`),
  );
  if (paths.length === 0) return 0;
  return (await deletePaths(client, paths, `segments under ${segmentContainer}/${base}`)).deleted;
}

/** Byte/segment counters and a sparse progress line (bytes, rate). */
class Progress {
  bytesUploaded = 0;
  uploadedSegments = 0;
  reusedSegments = 0;
  private reusedBytes = 0;
  private readonly startedAt = Date.now();
  private readonly timer?: NodeJS.Timeout;

  constructor(
    private readonly total: number,
    private readonly count: number,
    private readonly spec: SloUploadSpec,
  ) {
    if (spec.onProgress) {
      this.timer = setInterval(() => this.report("uploading"), spec.progressIntervalMs ?? 10_000);
      this.timer.unref();
    }
  }
  sent(n: number): void {
    this.bytesUploaded += n;
  }
  /** A replayed segment PUT starts over: its earlier bytes no longer count. */
  restart(previous: number): void {
    this.bytesUploaded -= previous;
  }
  segmentDone(): void {
    this.uploadedSegments++;
  }
  reused(bytes: number): void {
    this.reusedSegments++;
    this.reusedBytes += bytes;
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  finish(): void {
    this.report("uploaded");
  }
  private report(verb: string): void {
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    const secs = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    const done = this.uploadedSegments + this.reusedSegments;
    const reused = this.reusedSegments
      ? `, ${this.reusedSegments} reused (${mib(this.reusedBytes)} MiB)`
      : "";
    this.spec.onProgress?.(
      `${verb} ${this.spec.container}/${this.spec.name}: ${mib(this.bytesUploaded + this.reusedBytes)} of ${mib(this.total)} MiB, ` +
        `${done}/${this.count} segments${reused}, ${mib(this.bytesUploaded / secs)} MiB/s`,
    );
  }
}
