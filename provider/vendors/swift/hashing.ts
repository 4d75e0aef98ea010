/**
 * MD5 over file ranges, streamed: the hash of a segment is computed while its bytes go to
 * Swift (never holding the segment in memory: `FileRange`), and the same helpers compute an
 * SLO's ETag from a local file without uploading it (for change detection and resume checks).
 */
import { createHash, type Hash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";

/** Read size of a FileRange: large enough to keep syscalls and hash calls cheap (bench/slo: 1 MiB beat 256 KiB and 4 MiB). */
export const READ_CHUNK = 1024 * 1024;

/** A pass-through that hashes (MD5) and counts what flows through it (downloads). */
export class HashingStream extends Transform {
  private readonly hash = createHash("md5");
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  /** Hex MD5 of everything that passed; call once, after the stream ended. */
  digest(): string {
    return this.hash.digest("hex");
  }
}

/**
 * `length` bytes of `file` from `start` as a request body (an async iterable of Buffers),
 * hashed (MD5) and counted as they are handed over; with `hash: false` only counted.
 *
 * Why not a read stream: a stream allocates a fresh Buffer for every chunk, and at upload
 * speeds those allocations (page faults, GC of external memory) cost about as much CPU as
 * the socket writes themselves, on a machine whose CPU Swift needs too (bench/slo). So the
 * range is read into {@link RING} buffers used in turn, the next chunk read ahead while the
 * current one is sent. A buffer is refilled only two chunks after it was handed over, and
 * undici asks for the next chunk only once the socket has flushed the last one (each chunk
 * exceeds the socket's high-water mark, so its write waits for 'drain'): the bytes sent are
 * never overwritten. Were that ever violated, Swift's ETag would not match the MD5 computed
 * here before the chunk was handed over, and the PUT fails instead of storing wrong data.
 *
 * Iterate it once per request attempt (core/call body factories make a new one per attempt).
 */
export class FileRange implements AsyncIterable<Buffer> {
  private readonly hash?: Hash;
  bytes = 0;
  constructor(
    private readonly file: string,
    private readonly start: number,
    private readonly length: number,
    private readonly onBytes?: (n: number) => void,
    hash = true,
  ) {
    if (hash) this.hash = createHash("md5");
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.length === 0) return;
    const fh = await open(this.file, "r");
    const size = Math.min(READ_CHUNK, this.length);
    const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(size));
    const end = this.start + this.length;
    let pos = this.start;
    let turn = 0;
    const readNext = (): Promise<Buffer> | undefined => {
      if (pos >= end) return undefined;
      const at = pos;
      const n = Math.min(size, end - at);
      const buf = ring[turn++ % RING]!;
      pos += n;
      return fh.read(buf, 0, n, at).then(({ bytesRead }) => {
        if (bytesRead !== n)
          throw new Error(`${this.file} is shorter than expected (read ${bytesRead} of ${n} bytes at ${at})`);
        return n === buf.length ? buf : buf.subarray(0, n);
      });
    };
    let next = readNext();
    try {
      while (next) {
        const chunk = await next;
        next = readNext();
        this.hash?.update(chunk);
        this.bytes += chunk.length;
        this.onBytes?.(chunk.length);
        yield chunk;
      }
    } finally {
      // A read still in flight (the request ended early) must finish before the file closes.
      await next?.catch(() => undefined);
      await fh.close();
    }
  }

  /** Hex MD5 of everything handed over; call once, after the body was sent. */
  digest(): string {
    if (!this.hash) throw new Error("FileRange created with hash: false");
    return this.hash.digest("hex");
  }
}

/** Buffers a FileRange reads into, in turn (see there). */
const RING = 3;

/** Hex MD5 of a file range (read only, nothing uploaded). */
export async function md5OfRange(file: string, start: number, length: number): Promise<string> {
  const range = new FileRange(file, start, length);
  for await (const chunk of range) void chunk;
  return range.digest();
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
  const { size } = await stat(file);
  const md5s: string[] = [];
  for (let start = 0; start < size; start += segmentSize)
    md5s.push(await md5OfRange(file, start, Math.min(segmentSize, size - start)));
  return { size, segmentCount: md5s.length, segmentMd5s: md5s, etag: sloEtag(md5s) };
}

/** Hex MD5 of a whole file (small objects). */
export async function md5OfFile(file: string): Promise<string> {
  return md5OfRange(file, 0, (await stat(file)).size);
}

export function md5OfText(text: string | Buffer): string {
  return createHash("md5").update(text).digest("hex");
}
