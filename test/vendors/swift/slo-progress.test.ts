/**
 * SLO progress lines on the injected clock (no Swift needed): a line is due only once the clock
 * has moved an interval past the previous one, bytes of a replayed segment stop counting, and
 * the rate is bytes over clock time.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { SloProgress } from "../../../provider/vendors/swift/slo-progress";

const MIB = 1024 * 1024;

test("progress lines follow the injected clock, not wall time", () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const p = new SloProgress({
    where: "c/o",
    total: 40 * MIB,
    count: 4,
    clock,
    intervalMs: 10_000,
    onProgress: (l) => lines.push(l),
  });
  p.sent(5 * MIB);
  clock.advance(9_999);
  p.sent(5 * MIB);
  assert.deepEqual(lines, [], "no line before an interval of clock time");
  clock.advance(1);
  p.segmentDone();
  p.sent(10 * MIB);
  assert.deepEqual(lines, ["uploading c/o: 20.0 of 40.0 MiB, 1/4 segments, 2.0 MiB/s"]);
  p.sent(MIB);
  assert.equal(lines.length, 1, "the next line waits another interval");
  p.restart(11 * MIB); // that segment is replayed from its start
  p.reused(10 * MIB);
  clock.advance(10_000);
  p.finish();
  assert.equal(lines[1], "uploaded c/o: 20.0 of 40.0 MiB, 2/4 segments, 1 reused (10.0 MiB), 0.5 MiB/s");
});
