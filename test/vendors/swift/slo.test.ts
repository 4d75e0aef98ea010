/**
 * SLO uploads against the real Swift, under tempauth and Keystone v3: byte-exact round trips
 * around segment boundaries; readers keep the old version until the manifest swap; an
 * upload killed at seeded random points and re-run reuses the stored segments and leaves
 * no orphans; manifest delete removes segments and reports the ones it could not delete.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createCipheriv, createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { closeAllAgents } from "../../../provider/core/http";
import { listObjects } from "../../../provider/vendors/swift/bulk";
import { SwiftClient } from "../../../provider/vendors/swift/client";
import { ensureContainer } from "../../../provider/vendors/swift/containers";
import { fileSloDigest } from "../../../provider/vendors/swift/hashing";
import { readObject } from "../../../provider/vendors/swift/objects";
import { deleteSlo } from "../../../provider/vendors/swift/slo-manifest";
import { uploadSlo, type SloUploadSpec } from "../../../provider/vendors/swift/slo";
import {
  AUTH_MODES,
  type AuthMode,
  cleanupContainers,
  download,
  type SwiftFixture,
  swiftFixture,
  uniqueName,
} from "./fixtures";

const KIB = 1024;
const MIB = 1024 * KIB;
const CHILD = path.join(__dirname, "slo-child.ts");

let fx: SwiftFixture;
let dir: string;
const containers = new Map<AuthMode, string>();

before(async () => {
  fx = await swiftFixture();
  dir = mkdtempSync(path.join(tmpdir(), "drplane-slo-"));
  for (const mode of AUTH_MODES) {
    const name = uniqueName(`slo-${mode.slice(0, 2)}`);
    await ensureContainer(fx.client(mode), { name });
    containers.set(mode, name);
  }
});

after(async () => {
  for (const mode of AUTH_MODES) {
    const c = containers.get(mode)!;
    await cleanupContainers(fx.client(mode), [c, `${c}_segments`]);
  }
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

/** Deterministic PRNG (mulberry32) for the crash points. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A file of `size` pseudo-random bytes, the same for the same seed (AES-CTR keystream). */
function writeRandom(name: string, size: number, seed: number): string {
  const file = path.join(dir, name);
  const key = createHash("md5").update(`seed-${seed}`).digest();
  writeFileSync(file, createCipheriv("aes-128-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(size)));
  return file;
}

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** Segment names stored under the object's base in the segment container. */
async function storedSegments(
  client: SwiftClient,
  segmentContainer: string,
  object: string,
): Promise<string[]> {
  return (await listObjects(client, segmentContainer, { prefix: `${object}/slo/` })).map((e) => e.name);
}

for (const mode of AUTH_MODES) {
  describe(`SLO upload (${mode})`, () => {
    const client = () => fx.client(mode);
    const container = () => containers.get(mode)!;
    const segs = () => `${container()}_segments`;
    const spec = (
      name: string,
      file: string,
      segmentSize: number,
      extra: Partial<SloUploadSpec> = {},
    ): SloUploadSpec => ({
      container: container(),
      name,
      file,
      segmentSize,
      segmentContainer: segs(),
      ...extra,
    });

    const sizes: Array<[string, number, number]> = [
      ["1 byte", 1, MIB],
      ["exactly one segment", MIB, MIB],
      ["one segment + 1 byte", MIB + 1, MIB],
      ["many segments", 40 * 256 * KIB + 7, 256 * KIB],
    ];
    for (const [label, size, segmentSize] of sizes) {
      test(`round trip is byte-exact: ${label} (${size} bytes, segments of ${segmentSize})`, async () => {
        const file = writeRandom(`${mode}-${size}.bin`, size, size);
        const name = `rt/${size}.bin`;
        const r = await uploadSlo(
          client(),
          spec(name, file, segmentSize, { contentType: "application/x-test", metadata: { Run: "1" } }),
        );
        const expectedSegments = Math.ceil(size / segmentSize);
        assert.equal(r.segmentCount, expectedSegments);
        assert.equal(r.size, size);
        assert.equal(r.uploadedSegments, expectedSegments);
        assert.equal(r.etag, (await fileSloDigest(file, segmentSize)).etag, "ETag as computed locally");
        const head = await readObject(client(), container(), name);
        assert.equal(head?.staticLargeObject, true);
        assert.equal(head?.etag, r.etag);
        assert.equal(head?.size, size);
        assert.equal(head?.contentType, "application/x-test");
        assert.deepEqual(head?.metadata, { run: "1" });
        const body = await download(client(), container(), name);
        assert.equal(body.length, size);
        assert.equal(md5(body), md5(readFileSync(file)));
        assert.equal((await storedSegments(client(), segs(), name)).length, expectedSegments);
        const del = await deleteSlo(client(), { container: container(), name, segmentContainer: segs() });
        assert.equal(del.segmentsDeleted, expectedSegments);
        assert.equal(await readObject(client(), container(), name), undefined);
        assert.deepEqual(await storedSegments(client(), segs(), name), []);
      });
    }

    test("a new version is swapped in atomically: readers see the old one until the manifest, then old segments go", async () => {
      const name = "atomic.bin";
      const v1 = writeRandom(`${mode}-v1.bin`, 3 * MIB + 3, 11);
      const v2 = writeRandom(`${mode}-v2.bin`, 2 * MIB + 5, 12);
      const first = await uploadSlo(client(), spec(name, v1, MIB));
      const seenDuring: string[] = [];
      const reads: Array<Promise<void>> = [];
      const second = await uploadSlo(
        client(),
        spec(name, v2, MIB, {
          concurrency: 1,
          onSegment: () => {
            reads.push(download(client(), container(), name).then((b) => void seenDuring.push(md5(b))));
          },
        }),
      );
      await Promise.all(reads);
      assert.ok(seenDuring.length >= 1);
      for (const seen of seenDuring)
        assert.equal(seen, md5(readFileSync(v1)), "old version intact during the upload");
      assert.notEqual(second.segmentPrefix, first.segmentPrefix);
      assert.equal(md5(await download(client(), container(), name)), md5(readFileSync(v2)));
      const stored = await storedSegments(client(), segs(), name);
      assert.equal(stored.length, 3, "only the new version's segments remain");
      assert.ok(stored.every((s) => s.startsWith(second.segmentPrefix)));
      await deleteSlo(client(), { container: container(), name, segmentContainer: segs() });
    });

    test("killed at seeded random points, a re-run reuses stored segments, gives the new object and leaves no orphans", async (t) => {
      const rand = prng(mode === "tempauth" ? 20261123 : 4242);
      const segmentSize = 512 * KIB;
      const count = 12;
      for (let run = 0; run < 3; run++) {
        const name = `crash-${run}.bin`;
        const v1 = writeRandom(`${mode}-crash-v1-${run}.bin`, count * segmentSize - 100, 1000 + run);
        const v2 = writeRandom(`${mode}-crash-v2-${run}.bin`, count * segmentSize - 7, 2000 + run);
        await uploadSlo(client(), spec(name, v1, segmentSize));
        const point = Math.floor(rand() * (count + 2)); // segments stored before the kill; count = after the manifest
        const extraDelayMs = Math.floor(rand() * 20);
        const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
          env: {
            ...process.env,
            DRPLANE_SLO_CHILD: JSON.stringify({
              connection: fx.connection(mode),
              spec: spec(name, v2, segmentSize, { concurrency: 2 }),
            }),
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        const stored = new Set<number>();
        let manifest = false;
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const kill = () => setTimeout(() => child.kill("SIGKILL"), extraDelayMs);
        readline.createInterface({ input: child.stdout }).on("line", (line) => {
          const [what, arg] = line.split(" ");
          if (what === "segment") stored.add(Number(arg));
          if (what === "manifest") manifest = true;
          if (
            (what === "start" && point === 0) ||
            (what === "segment" && stored.size === point && point < count)
          )
            kill();
          if (what === "manifest" && point === count) kill();
        });
        const code = await exited;
        assert.ok(code === null || code === 0, `child failed: ${stderr}`);
        const now = md5(await download(client(), container(), name));
        if (!manifest)
          assert.equal(now, md5(readFileSync(v1)), `run ${run}: old version readable until the new manifest`);
        else assert.equal(now, md5(readFileSync(v2)), `run ${run}: the new manifest is the new version`);

        const rerun = await uploadSlo(client(), spec(name, v2, segmentSize));
        assert.ok(
          rerun.reusedSegments >= (manifest ? count : stored.size),
          `run ${run} (kill point ${point}): reused ${rerun.reusedSegments}, the child had stored ${stored.size}`,
        );
        assert.equal(rerun.reusedSegments + rerun.uploadedSegments, count);
        t.diagnostic(
          `run ${run}: kill point ${point}/${count}, child stored ${stored.size} segment(s)${manifest ? " and the manifest" : ""}; re-run reused ${rerun.reusedSegments}, uploaded ${rerun.uploadedSegments}`,
        );
        assert.equal(
          md5(await download(client(), container(), name)),
          md5(readFileSync(v2)),
          `run ${run}: new content`,
        );
        const left = await storedSegments(client(), segs(), name);
        assert.equal(left.length, count, `run ${run}: no orphan segments`);
        assert.ok(left.every((s) => s.startsWith(rerun.segmentPrefix)));
        await deleteSlo(client(), { container: container(), name, segmentContainer: segs() });
        assert.deepEqual(await storedSegments(client(), segs(), name), []);
      }
    });

    test("known segment MD5s are sent as ETags: Swift verifies them, a stale one fails before the manifest", async () => {
      const file = writeRandom(`${mode}-known.bin`, 3 * MIB + 1, 31);
      const digest = await fileSloDigest(file, MIB);
      const ok = await uploadSlo(client(), spec("known.bin", file, MIB, { segmentMd5s: digest.segmentMd5s }));
      assert.equal(ok.etag, digest.etag);
      assert.equal(md5(await download(client(), container(), "known.bin")), md5(readFileSync(file)));
      const stale = (await fileSloDigest(writeRandom(`${mode}-other.bin`, 3 * MIB + 1, 32), MIB)).segmentMd5s;
      writeRandom(`${mode}-known.bin`, 3 * MIB + 1, 33); // new bytes, same size
      await assert.rejects(
        uploadSlo(client(), spec("known.bin", file, MIB, { segmentMd5s: stale })),
        /changed since it was fingerprinted/,
      );
      assert.equal(
        (await readObject(client(), container(), "known.bin"))?.etag,
        ok.etag,
        "the old object is untouched",
      );
      await deleteSlo(client(), { container: container(), name: "known.bin", segmentContainer: segs() });
      assert.deepEqual(
        await storedSegments(client(), segs(), "known.bin"),
        [],
        "no orphans after the delete",
      );
    });

    test("limits from /info are enforced before any upload", async () => {
      const file = writeRandom(`${mode}-limits.bin`, 2000, 5);
      await assert.rejects(
        uploadSlo(client(), spec("limits.bin", file, 1)),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "DRP_INPUT");
          assert.match(
            err.message,
            /2000 segments of 1 bytes exceed the 1000-segment manifest limit \(max_manifest_segments\)/,
          );
          return true;
        },
      );
      assert.deepEqual(await storedSegments(client(), segs(), "limits.bin"), []);
    });
  });
}

test("manifest delete: segments Swift could not delete are reported (and the manifest is gone)", async () => {
  const owner = fx.client("tempauth");
  const c = containers.get("tempauth")!;
  const segs = uniqueName("ro-segs");
  await ensureContainer(owner, { name: segs, readAcl: "test:tester3" });
  await owner.request({
    method: "POST",
    container: c,
    headers: { "x-container-read": "test:tester3", "x-container-write": "test:tester3" },
    operation: "grant",
    idempotent: true,
  });
  const file = writeRandom("acl.bin", 600 * KIB, 77);
  await uploadSlo(owner, {
    container: c,
    name: "acl.bin",
    file,
    segmentSize: 256 * KIB,
    segmentContainer: segs,
  });
  process.env.DRPLANE_SWIFT_TA3_PASSWORD = "testing3";
  const limited = new SwiftClient({
    authUrl: fx.env.tempauth.authUrl,
    authType: "tempauth",
    profile: "swift-ta3",
    username: "test:tester3",
  });
  try {
    await assert.rejects(deleteSlo(limited, { container: c, name: "acl.bin" }), (err: Error) => {
      assert.match(
        err.message,
        /could not delete 3 segment\(s\) of .*acl\.bin \(400 Bad Request\); the manifest itself was deleted/,
      );
      assert.match(err.message, /403 Forbidden/);
      return true;
    });
  } finally {
    await cleanupContainers(owner, [segs]);
    await owner.request({
      method: "POST",
      container: c,
      headers: { "x-remove-container-read": "x", "x-remove-container-write": "x" },
      operation: "revoke",
      idempotent: true,
    });
  }
});
