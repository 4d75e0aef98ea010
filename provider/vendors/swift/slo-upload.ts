/**
 * The segment PUTs of an SLO upload: a bounded pool, each segment streamed from its file range
 * (never held in memory) with its MD5 computed on the way and compared with the ETag Swift
 * returns, or, when the MD5s are already known, sent as the ETag header so that Swift verifies
 * the bytes before storing them. Segments of an interrupted attempt whose stored size and MD5
 * match the file are reused instead. The first failure stops the segments not yet started.
 */
import { isDrplaneError, VendorError } from "../../core/errors";
import { Semaphore } from "../../core/limits";
import type { SwiftClient } from "./client";
import { FileRange, md5OfRange } from "./hashing";
import { transferTimeoutMs, unquote } from "./objects";
import type { SloProgress } from "./slo-progress";
import { segmentName, type StoredVersion } from "./segments";

/** A file cut into segments: where each lies and how its MD5 is had. */
export class FileSegments {
  constructor(
    readonly file: string,
    readonly size: number,
    readonly segmentSize: number,
    readonly count: number,
    /** The segment MD5s when already known (computed at this same size and mtime). */
    readonly knownMd5s?: string[],
  ) {}

  start(i: number): number {
    return i * this.segmentSize;
  }

  length(i: number): number {
    return Math.min(this.segmentSize, this.size - i * this.segmentSize);
  }

  /** The segment's MD5: known, or read from the file (nothing uploaded). */
  md5(i: number): string | Promise<string> {
    return this.knownMd5s?.[i] ?? md5OfRange(this.file, this.start(i), this.length(i));
  }

  /** True when `version` holds every segment of the file (sizes and MD5s match). */
  async storedIn(version: StoredVersion): Promise<boolean> {
    if (version.segments.size < this.count) return false;
    for (let i = 0; i < this.count; i++) {
      const s = version.segments.get(i);
      if (!s || s.bytes !== this.length(i) || (await this.md5(i)) !== s.hash) return false;
    }
    return true;
  }
}

export interface SegmentUpload {
  segments: FileSegments;
  segmentContainer: string;
  /** The version prefix the segments go under (ends with "/"). */
  prefix: string;
  concurrency: number;
  /** An interrupted attempt under the same prefix whose matching segments are reused. */
  resume?: StoredVersion;
  progress: SloProgress;
  onSegment?: (index: number, reused: boolean) => void;
}

/** Stores every segment (or reuses it); returns their MD5s in order. */
export async function uploadSegments(client: SwiftClient, u: SegmentUpload): Promise<string[]> {
  const { segments, progress } = u;
  const md5s: string[] = new Array(segments.count);
  const pool = new Semaphore(Math.max(1, u.concurrency));
  const abort = new AbortController();
  await Promise.all(
    [...Array(segments.count).keys()].map((i) =>
      pool
        .run(async () => {
          if (abort.signal.aborted) return;
          const stored = u.resume?.segments.get(i);
          if (stored && stored.bytes === segments.length(i) && (await segments.md5(i)) === stored.hash) {
            md5s[i] = stored.hash;
            progress.reused(segments.length(i));
            u.onSegment?.(i, true);
            return;
          }
          md5s[i] = await putSegment(client, u, i, abort.signal);
          progress.segmentDone();
          u.onSegment?.(i, false);
        })
        .catch((err: unknown) => {
          abort.abort(err);
          throw err;
        }),
    ),
  );
  return md5s;
}

/** PUT of one segment, streamed from the file; returns its MD5 once Swift's ETag matches it. */
async function putSegment(
  client: SwiftClient,
  u: SegmentUpload,
  i: number,
  signal: AbortSignal,
): Promise<string> {
  const { segments, progress } = u;
  const name = segmentName(u.prefix, i);
  const length = segments.length(i);
  const knownMd5 = segments.knownMd5s?.[i];
  let body: FileRange | undefined;
  const headers: Record<string, string> = {
    "content-length": String(length),
    "content-type": "application/octet-stream",
  };
  if (knownMd5) headers.etag = knownMd5;
  const res = await client
    .request({
      method: "PUT",
      container: u.segmentContainer,
      object: name,
      headers,
      body: () => {
        progress.restart(body?.bytes ?? 0);
        body = new FileRange(segments.file, segments.start(i), length, (n) => progress.sent(n), !knownMd5);
        return body;
      },
      operation: "putSegment",
      idempotent: true,
      timeoutMs: transferTimeoutMs(length),
      signal,
    })
    .catch((err: unknown) => {
      if (knownMd5 && isDrplaneError(err) && err.meta.httpStatus === 422) {
        throw new VendorError(
          `${segments.file} changed since it was fingerprinted: segment ${name} no longer has MD5 ${knownMd5}`,
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
  const md5 = knownMd5 ?? body!.digest();
  if (unquote(res.headers.etag) !== md5) {
    throw new VendorError(
      `segment ${u.segmentContainer}/${name} was stored with ETag ${unquote(res.headers.etag)}, but the MD5 sent was ${md5}`,
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
