/**
 * vendors/swift/hashing `FileRange`, the request body of every file upload: it hands over the
 * range's bytes in order from a few reused buffers, hashes exactly those bytes, reports a file
 * that shrank, and closes the file however the request ends. Sent through core `call` to a
 * loopback server that reads slowly (so every chunk waits for the socket to drain), the server
 * receives the file's bytes unaltered: buffer reuse never overwrites bytes not yet sent.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { call } from "../../../provider/core/call";
import { FileRange, fileSloDigest, md5OfRange, READ_CHUNK } from "../../../provider/vendors/swift/hashing";
import { SWIFT_ERRORS } from "../../../provider/vendors/swift/errors";
import { loopbackServer } from "../../support/loopback";

const dir = mkdtempSync(path.join(tmpdir(), "drplane-hashing-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

function file(name: string, size: number): { path: string; data: Buffer } {
  const data = randomBytes(size);
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return { path: p, data };
}

/** Copies of the chunks a FileRange hands over (its buffers are reused afterwards). */
async function collect(range: FileRange): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of range) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const openFds = () => readdirSync("/proc/self/fd").length;

test("a FileRange hands over exactly its range, in order, and hashes those bytes", async () => {
  const f = file("range.bin", 3 * READ_CHUNK + 12345);
  const cases: Array<[start: number, length: number]> = [
    [0, f.data.length], // several chunks and a short last one
    [777, 2 * READ_CHUNK + 1], // unaligned start, more chunks than buffers in turn
    [READ_CHUNK, READ_CHUNK], // exactly one chunk
    [5, 10], // smaller than one chunk
  ];
  for (const [start, length] of cases) {
    const counted: number[] = [];
    const range = new FileRange(f.path, start, length, (n) => counted.push(n));
    const got = await collect(range);
    const want = f.data.subarray(start, start + length);
    assert.ok(got.equals(want), `bytes of [${start}, +${length})`);
    assert.equal(range.digest(), md5(want), `MD5 of [${start}, +${length})`);
    assert.equal(range.bytes, length);
    assert.equal(
      counted.reduce((a, b) => a + b, 0),
      length,
      "onBytes saw every byte",
    );
    assert.equal(await md5OfRange(f.path, start, length), md5(want));
  }
});

test("an empty range hands over nothing and has the MD5 of no bytes", async () => {
  const f = file("empty-range.bin", 10);
  const range = new FileRange(f.path, 4, 0);
  assert.equal((await collect(range)).length, 0);
  assert.equal(range.digest(), md5(Buffer.alloc(0)));
});

test("without hashing a FileRange only counts, and asking it for an MD5 is a programming error", async () => {
  const f = file("count-only.bin", READ_CHUNK + 1);
  const range = new FileRange(f.path, 0, f.data.length, undefined, false);
  assert.ok((await collect(range)).equals(f.data));
  assert.equal(range.bytes, f.data.length);
  assert.throws(() => range.digest(), /hash: false/);
});

test("a file shorter than its range fails with the file named, and the file is closed", async () => {
  const f = file("shrinks.bin", 2 * READ_CHUNK);
  const before = openFds();
  const range = new FileRange(f.path, 0, f.data.length);
  truncateSync(f.path, READ_CHUNK + 100);
  await assert.rejects(collect(range), (err: Error) => {
    assert.match(err.message, /shrinks\.bin is shorter than expected/);
    return true;
  });
  assert.equal(openFds(), before, "no file descriptor left open");
});

test("a request that stops reading the body early closes the file", async () => {
  const f = file("abandoned.bin", 4 * READ_CHUNK);
  const before = openFds();
  const range = new FileRange(f.path, 0, f.data.length);
  for await (const chunk of range) {
    assert.equal(chunk.length, READ_CHUNK);
    break; // what a failed request does to its body
  }
  assert.equal(openFds(), before, "no file descriptor left open");
});

test("fileSloDigest gives each segment's MD5 and the SLO ETag over them", async () => {
  const f = file("digest.bin", 2 * READ_CHUNK + 3);
  const d = await fileSloDigest(f.path, READ_CHUNK);
  const want = [0, 1, 2].map((i) => md5(f.data.subarray(i * READ_CHUNK, (i + 1) * READ_CHUNK)));
  assert.deepEqual(d.segmentMd5s, want);
  assert.equal(d.size, f.data.length);
  assert.equal(d.etag, createHash("md5").update(want.join("")).digest("hex"));
});

test("sent through core call to a slow reader, a FileRange arrives unaltered (reused buffers never overwrite unsent bytes)", async () => {
  const f = file("slow-reader.bin", 6 * READ_CHUNK + 999);
  const received: string[] = [];
  const { url } = loopbackServer((req, res) => {
    const hash = createHash("md5");
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      // Read slowly: the client's socket fills, so its writes wait for 'drain'.
      req.pause();
      setTimeout(() => req.resume(), 2);
    });
    req.on("end", () => {
      received.push(hash.digest("hex"));
      res.writeHead(201, { etag: received.at(-1)!, "x-bytes": String(bytes) }).end();
    });
  });
  let range: FileRange | undefined;
  const res = await call(
    { baseUrl: await url },
    {
      method: "PUT",
      path: "/slow",
      headers: { "content-length": String(f.data.length) },
      body: () => (range = new FileRange(f.path, 0, f.data.length)),
      operation: "putObject",
      idempotent: true,
      errors: SWIFT_ERRORS,
    },
  );
  assert.equal(res.headers["x-bytes"], String(f.data.length));
  assert.equal(received[0], md5(f.data), "the server received the file's bytes");
  assert.equal(range!.digest(), md5(f.data), "and the MD5 computed on the way matches");
});
