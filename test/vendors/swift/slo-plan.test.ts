/**
 * The SLO plan as a table: object sizes × the cluster's /info limits × explicit inputs →
 * segment size, segment PUTs in flight and segment count; and the plans Swift's limits forbid,
 * with the message a user sees. Pure: no Swift needed.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { SWIFT_DEFAULT_LIMITS } from "../../../provider/vendors/swift/client";
import { planSlo, type SloLimits, type SloPlanRequest } from "../../../provider/vendors/swift/slo-plan";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const stock: SloLimits = SWIFT_DEFAULT_LIMITS;
const info = (over: Partial<SloLimits>): SloLimits => ({ ...stock, ...over });

type Row = [
  what: string,
  request: SloPlanRequest,
  limits: SloLimits,
  segmentSize: number,
  concurrency: number,
  count: number,
];

const rows: Row[] = [
  // Defaults: a quarter of the object within 16..64 MiB; 2 in flight (never more than segments).
  ["1 byte", { size: 1 }, stock, 16 * MIB, 1, 1],
  ["10 MiB", { size: 10 * MIB }, stock, 16 * MIB, 1, 1],
  ["64 MiB", { size: 64 * MIB }, stock, 16 * MIB, 2, 4],
  ["100 MiB + 1 byte", { size: 100 * MIB + 1 }, stock, 26 * MIB, 2, 4],
  ["256 MiB", { size: 256 * MIB }, stock, 64 * MIB, 2, 4],
  ["1 GiB", { size: GIB }, stock, 64 * MIB, 2, 16],
  ["10 GiB", { size: 10 * GIB }, stock, 64 * MIB, 2, 160],
  ["200 GiB: segments grow to stay within 1000", { size: 200 * GIB }, stock, 205 * MIB, 2, 1000],
  // The cluster's /info.
  ["1 GiB, max_manifest_segments 10", { size: GIB }, info({ maxManifestSegments: 10 }), 103 * MIB, 2, 10],
  ["10 GiB, max_manifest_segments 10", { size: 10 * GIB }, info({ maxManifestSegments: 10 }), GIB, 2, 10],
  [
    "64 MiB, min_segment_size 256 MiB",
    { size: 64 * MIB },
    info({ minSegmentSize: 256 * MIB }),
    256 * MIB,
    1,
    1,
  ],
  ["1 GiB, max_file_size 32 MiB", { size: GIB }, info({ maxFileSize: 32 * MIB }), 32 * MIB, 2, 32],
  // Explicit inputs win (concurrency never exceeds the segment count).
  ["64 MiB, segmentSize 1 MiB", { size: 64 * MIB, segmentSize: MIB }, stock, MIB, 2, 64],
  ["256 MiB, concurrency 3", { size: 256 * MIB, concurrency: 3 }, stock, 64 * MIB, 3, 4],
  ["256 MiB, concurrency 8", { size: 256 * MIB, concurrency: 8 }, stock, 64 * MIB, 4, 4],
  ["3 MiB + 100 B, segmentSize 1 MiB", { size: 3 * MIB + 100, segmentSize: MIB }, stock, MIB, 2, 4],
  [
    "1 GiB, segmentSize 200 MiB, /info max 8",
    { size: GIB, segmentSize: 200 * MIB },
    info({ maxManifestSegments: 8 }),
    200 * MIB,
    2,
    6,
  ],
  // The segment size an object already has is kept while it fits; an explicit one wins over it.
  ["1 GiB, previous 10 MiB", { size: GIB, previousSegmentSize: 10 * MIB }, stock, 10 * MIB, 2, 103],
  [
    "1 GiB, previous 10 MiB, explicit 32 MiB",
    { size: GIB, previousSegmentSize: 10 * MIB, segmentSize: 32 * MIB },
    stock,
    32 * MIB,
    2,
    32,
  ],
  ["2000 B, previous 1 B (too many segments)", { size: 2000, previousSegmentSize: 1 }, stock, 16 * MIB, 1, 1],
  [
    "1 GiB, previous 10 MiB below min_segment_size",
    { size: GIB, previousSegmentSize: 10 * MIB },
    info({ minSegmentSize: 32 * MIB }),
    64 * MIB,
    2,
    16,
  ],
];

for (const [what, request, limits, segmentSize, concurrency, count] of rows) {
  test(`plan: ${what}`, () => {
    assert.deepEqual(planSlo(request, limits), { segmentSize, concurrency, segmentCount: count });
  });
}

const refusals: Array<
  [what: string, request: SloPlanRequest, limits: SloLimits, property: string, message: RegExp]
> = [
  [
    "an empty file",
    { size: 0 },
    stock,
    "file",
    /c\/o: the file is empty; a static large object needs at least one byte/,
  ],
  [
    "too many explicit segments",
    { size: 2000, segmentSize: 1 },
    stock,
    "segmentSize",
    /2000 segments of 1 bytes exceed the 1000-segment manifest limit \(max_manifest_segments\)[\s\S]*at least 2 bytes/,
  ],
  [
    "an explicit segment size below min_segment_size",
    { size: 10 * MIB, segmentSize: MIB },
    info({ minSegmentSize: 2 * MIB }),
    "segmentSize",
    /segmentSize 1048576 is outside this cluster's limits \(2097152\.\.5368709122 bytes\)/,
  ],
  [
    "an object no manifest can hold (1000 × max_file_size)",
    { size: 1000 * SWIFT_DEFAULT_LIMITS.maxFileSize + 1 },
    stock,
    "segmentSize",
    /1001 segments of 5368709122 bytes exceed the 1000-segment manifest limit/,
  ],
];

for (const [what, request, limits, property, message] of refusals) {
  test(`plan refused: ${what}`, () => {
    assert.throws(
      () => planSlo(request, limits, "c/o"),
      (err: Error & { code?: string; meta?: { property?: string } }) => {
        assert.equal(err.code, "DRP_INPUT");
        assert.equal(err.meta?.property, property);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}
