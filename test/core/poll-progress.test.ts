/**
 * core/poll's own progress lines and first check, on a ManualClock: the line is formatted
 * from the wait's name, the state, the time waited and the vendor's message; it is sparse (a
 * change of state, a heartbeat, the end of a wait that was reported); the first check reads at
 * once, or uses the snapshot the caller already read instead of reading it again.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../provider/core/clock";
import { isDrplaneError } from "../../provider/core/errors";
import { formatElapsed, poll, type PollVerdict } from "../../provider/core/poll";

interface Job {
  state: string;
  note?: string;
}

/** A job whose state follows `timeline` ([from ms, state]) on the clock; counts its reads. */
function timedJob(clock: ManualClock, timeline: Array<[number, Job]>) {
  const start = clock.now();
  const job = {
    reads: [] as number[],
    describe: async (): Promise<Job> => {
      const t = clock.now() - start;
      job.reads.push(t);
      return [...timeline].reverse().find(([from]) => t >= from)![1];
    },
    classify: (j: Job): PollVerdict =>
      j.state === "Done"
        ? { status: "success", state: "Completed/Succeeded" }
        : j.state === "Failed"
          ? { status: "failure", state: "Completed/Failed", message: "KART40038-E remote path failure" }
          : { status: "pending", state: j.state, ...(j.note ? { message: j.note } : {}) },
  };
  return job;
}

test("lines name the wait, the state, the time waited and the vendor's message, once per state", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [
    [0, { state: "Initializing/Queued", note: "waiting for a free slot" }],
    [2_000, { state: "Running/Started" }],
    [10_000, { state: "Done" }],
  ]);
  const lines: string[] = [];
  await poll({
    what: "Hitachi job 7 (register remote storage 832000420000)",
    label: "job 7",
    ...job,
    timeoutMs: 60_000,
    clock,
    random: () => 0.5,
    onProgress: (m) => lines.push(m),
  });
  assert.deepEqual(lines, [
    "job 7: Initializing/Queued after 0 s (waiting for a free slot)",
    "job 7: Running/Started after 2 s",
    "job 7: Completed/Succeeded after 10 s",
  ]);
  assert.equal(job.reads[0], 0, "the first check reads at once");
});

test("without a label, the line opens with `what`", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [
    [0, { state: "pairing", note: "status 2: pairing in progress" }],
    [3_000, { state: "Done" }],
  ]);
  const lines: string[] = [];
  await poll({
    what: "pairing with 10.0.0.2:7443",
    ...job,
    timeoutMs: 60_000,
    clock,
    onProgress: (m) => lines.push(m),
  });
  assert.equal(lines[0], "pairing with 10.0.0.2:7443: pairing after 0 s (status 2: pairing in progress)");
  assert.match(lines.at(-1)!, /^pairing with 10\.0\.0\.2:7443: Completed\/Succeeded after 3 s$/);
});

test("an unchanged state is repeated only as a heartbeat, saying 'still'", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [
    [0, { state: "Running/Started" }],
    [5 * 60_000, { state: "Done" }],
  ]);
  const lines: string[] = [];
  const r = await poll({
    what: "long job",
    ...job,
    timeoutMs: 60 * 60_000,
    clock,
    onProgress: (m) => lines.push(m),
  });
  const still = lines.filter((m) => m.startsWith("long job: still Running/Started after "));
  assert.equal(lines[0], "long job: Running/Started after 0 s");
  assert.ok(still.length >= 3 && still.length <= 5, lines.join("\n"));
  assert.ok(r.polls > 3 * lines.length, `${lines.length} lines for ${r.polls} checks`);
  assert.match(still[0]!, /after 1 min \d+ s$/);
  assert.match(lines.at(-1)!, /^long job: Completed\/Succeeded after 5 min \d+ s$/);
});

test("a snapshot the caller already read is the first check: it is classified, not read again", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [
    [0, { state: "Running/Started" }],
    [1_000, { state: "Done" }],
  ]);
  const lines: string[] = [];
  const r = await poll({
    what: "job 9",
    ...job,
    first: { snapshot: { state: "Initializing/Queued" } },
    timeoutMs: 60_000,
    clock,
    onProgress: (m) => lines.push(m),
  });
  assert.equal(lines[0], "job 9: Initializing/Queued after 0 s");
  assert.ok(job.reads[0]! > 0, "no read at the start: the given snapshot was the first check");
  assert.equal(r.polls, job.reads.length, "polls counts the reads");
});

test("a wait over at the first check says nothing and reads nothing more", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [[0, { state: "Done" }]]);
  const lines: string[] = [];
  const given = await poll({
    what: "job 1",
    ...job,
    first: { snapshot: { state: "Done" } },
    timeoutMs: 60_000,
    clock,
    onProgress: (m) => lines.push(m),
  });
  assert.equal(given.polls, 0);
  assert.equal(job.reads.length, 0);
  const read = await poll({
    what: "job 1",
    ...job,
    timeoutMs: 60_000,
    clock,
    onProgress: (m) => lines.push(m),
  });
  assert.equal(read.polls, 1);
  assert.deepEqual(lines, []);
});

test("a failure given as the first snapshot fails at once; the line names the state, the error the message", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [[0, { state: "Running/Started" }]]);
  const lines: string[] = [];
  await assert.rejects(
    poll({
      what: "Hitachi job 4 (register remote storage 832000420000)",
      label: "job 4",
      jobId: "4",
      ...job,
      first: { snapshot: { state: "Failed" } },
      timeoutMs: 60_000,
      clock,
      onProgress: (m) => lines.push(m),
    }),
    (err: unknown) =>
      isDrplaneError(err, "DRP_JOB_FAILED") &&
      err.message.startsWith("Hitachi job 4 (register remote storage 832000420000) failed: KART40038-E") &&
      err.meta.jobId === "4",
  );
  assert.deepEqual(lines, ["job 4: Completed/Failed after 0 s"]);
  assert.equal(job.reads.length, 0);
});

test("onState still receives the raw events beside onProgress", async () => {
  const clock = new ManualClock();
  const job = timedJob(clock, [
    [0, { state: "Queued" }],
    [1_000, { state: "Done" }],
  ]);
  const states: string[] = [];
  const lines: string[] = [];
  await poll({
    what: "job 5",
    ...job,
    timeoutMs: 60_000,
    clock,
    onState: (s) => states.push(s),
    onProgress: (m) => lines.push(m),
  });
  assert.deepEqual(states, ["Queued", "Completed/Succeeded"]);
  assert.equal(lines.length, 2);
});

test("elapsed time reads in seconds, then minutes, then hours", () => {
  const cases: Array<[number, string]> = [
    [0, "0 s"],
    [1_499, "1 s"],
    [59_400, "59 s"],
    [59_600, "1 min 0 s"],
    [754_000, "12 min 34 s"],
    [3_725_000, "1 h 2 min"],
  ];
  for (const [ms, text] of cases) assert.equal(formatElapsed(ms), text, `${ms} ms`);
});
