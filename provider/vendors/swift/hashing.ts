/**
 * MD5 over file ranges, streamed: the hash of a segment is computed while its bytes go to
 * Swift (never holding the segment in memory), and the same helpers compute an SLO's ETag
 * from a local file without uploading it (for change detection and resume checks).
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";

/** Read size for file streams: large enough to keep syscalls and hash calls cheap. */
export const READ_CHUNK = 1024 * 1024;

/**
 * A pass-through that hashes (MD5) and counts what flows through it. With `hash: false` it
 * only counts: for segments whose MD5 is already known, sent as the ETag header so that Swift
 * verifies the bytes before storing them.
 */
export class HashingStream extends Transform {
  private readonly hash?: Hash;
  bytes = 0;
  constructor(
    private readonly onBytes?: (n: number) => void,
    hash = true,
  ) {
    super();
    if (hash) this.hash = createHash("md5");
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    done(null, chunk);
  }
  /** Hex MD5 of everything that passed; call once, after the stream ended. */
  digest(): string {
    if (!this.hash) throw new Error("HashingStream created with hash: false");
    return this.hash.digest("hex");
  }
}

/** A stream of `length` bytes of `file` from `start`, piped through a HashingStream. */
export function hashedRange(
  file: string,
  start: number,
  length: number,
  onBytes?: (n: number) => void,
  hash = true,
): { stream: Readable; hasher: HashingStream } {
  const source = createReadStream(file, { start, end: start + length - 1, highWaterMark: READ_CHUNK });
  const hasher = new HashingStream(onBytes, hash);
  source.on("error", (err) => hasher.destroy(err));
  hasher.on("close", () => source.destroy());
  source.pipe(hasher);
  return { stream: hasher, hasher };
}

/** Hex MD5 of a file range (read only, nothing uploaded). */
export async function md5OfRange(file: string, start: number, length: number): Promise<string> {
  const hash = createHash("md5");
  if (length === 0) return hash.digest("hex");
  for await (const chunk of createReadStream(file, {
    start,
    end: start + length - 1,
    highWaterMark: READ_CHUNK,
  }))
    hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** An SLO's ETag: MD5 of the concatenated hex MD5s of its segments (no ranged segments). */
export function sloEtag(segmentMd5s: string[]): string {
  return createHash("md5").update(segmentMd5s.join("")).digest("hex");
}

export interface FileSloDigest {
  size: number;
  segmentCount: number;
  segmentMd5s: string[];
  /** Unquoted hex. */
  etag: string;
}

/** Reads the file once, sequentially, and computes the ETag an SLO upload of it would get. */
export async function fileSloDigest(file: string, segmentSize: number): Promise<FileSloDigest> {
  const md5s: string[] = [];
  let hash = createHash("md5");
  let inSegment = 0;
  let size = 0;
  for await (const raw of createReadStream(file, { highWaterMark: 4 * READ_CHUNK })) {
    let chunk = raw as Buffer;
    size += chunk.length;
    while (chunk.length > 0) {
      const take = Math.min(chunk.length, segmentSize - inSegment);
      hash.update(take === chunk.length ? chunk : chunk.subarray(0, take));
      inSegment += take;
      chunk = chunk.subarray(take);
      if (inSegment === segmentSize) {
        md5s.push(hash.digest("hex"));
        hash = createHash("md5");
        inSegment = 0;
      }
    }
  }
  if (inSegment > 0) md5s.push(hash.digest("hex"));
  return { size, segmentCount: md5s.length, segmentMd5s: md5s, etag: sloEtag(md5s) };
}

/** Hex MD5 of a whole file or string (small objects). */
export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * READ_CHUNK }))
    hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function md5OfText(text: string | Buffer): string {
  return createHash("md5").update(text).digest("hex");
}
