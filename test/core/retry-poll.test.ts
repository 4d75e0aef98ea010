import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../provider/core/clock";
import { InputError, TransientError, isDrplaneError } from "../../provider/core/errors";
import { createOnce, withRetry } from "../../provider/core/retry";
import { poll, type PollVerdict } from "../../provider/core/poll";

test("withRetry retries transient failures and stops at the first success", async () => {
  const clock = new ManualClock();
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw new TransientError("busy");
      return "ok";
    },
    { clock },
  );
  assert.equal(result, "ok");
  assert.equal(calls, 3);
});

test("withRetry never retries a non-transient error and records attempts", async () => {
  const clock = new ManualClock();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new InputError("bad");
      },
      { clock },
    ),
    (err: unknown) => isDrplaneError(err, "DRP_INPUT") && err.meta.attempts === 1,
  );
  assert.equal(calls, 1);
});

test("withRetry honours Retry-After as a floor and gives up at maxAttempts", async () => {
  const clock = new ManualClock();
  const start = clock.now();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new TransientError("503", { meta: { retryAfterMs: 5000 } });
      },
      { clock, maxAttempts: 3, random: () => 0 },
    ),
    (err: unknown) => isDrplaneError(err, "DRP_TRANSIENT") && err.meta.attempts === 3,
  );
  assert.equal(calls, 3);
  assert.ok(clock.now() - start >= 10_000, "two waits of at least Retry-After");
});

test("createOnce looks the object up before repeating a create that may have landed", async () => {
  const clock = new ManualClock();
  const created: string[] = [];
  let lookups = 0;
  const result = await createOnce({
    clock,
    lookup: async () => {
      lookups++;
      return created[0];
    },
    create: async () => {
      created.push("obj");
      throw new TransientError("reply lost", { meta: { mayHaveReachedServer: true } });
    },
  });
  assert.equal(result, "obj");
  assert.equal(created.length, 1, "the create was not repeated");
  assert.equal(lookups, 1);
});

function job(states: string[]): { describe: () => Promise<string>; classify: (s: string) => PollVerdict } {
  let i = 0;
  return {
    describe: async () => states[Math.min(i++, states.length - 1)]!,
    classify: (s) =>
      s === "done"
        ? { status: "success" }
        : s === "failed"
          ? { status: "failure", state: s, message: "KART12345-E disk full" }
          : { status: "pending", state: s },
  };
}

test("poll returns when the job succeeds, treating unknown states as pending", async () => {
  const clock = new ManualClock();
  const seen: string[] = [];
  const r = await poll({
    what: "job 7",
    jobId: "7",
    ...job(["Queued", "SomethingNew", "Running", "done"]),
    timeoutMs: 60_000,
    clock,
    onState: (s) => seen.push(s),
  });
  assert.equal(r.polls, 4);
  assert.deepEqual(seen, ["Queued", "SomethingNew", "Running", "finished"]);
});

test("poll failure carries the job id, last state and vendor message", async () => {
  const clock = new ManualClock();
  await assert.rejects(
    poll({ what: "job 8", jobId: "8", ...job(["Running", "failed"]), timeoutMs: 60_000, clock }),
    (err: unknown) =>
      isDrplaneError(err, "DRP_JOB_FAILED") &&
      err.meta.jobId === "8" &&
      err.meta.lastState === "failed" &&
      err.message.includes("KART12345-E"),
  );
});

test("poll times out with the job id and last state in the error", async () => {
  const clock = new ManualClock();
  const start = clock.now();
  await assert.rejects(
    poll({ what: "Hitachi job 9", jobId: "9", ...job(["Running"]), timeoutMs: 120_000, clock }),
    (err: unknown) =>
      isDrplaneError(err, "DRP_TIMEOUT") &&
      err.meta.jobId === "9" &&
      err.meta.lastState === "Running" &&
      err.message.includes("Hitachi job 9"),
  );
  assert.ok(clock.now() - start <= 120_000, "no sleep past the deadline");
});

test("poll retries a transient read failure instead of failing the wait", async () => {
  const clock = new ManualClock();
  let calls = 0;
  const r = await poll({
    what: "job",
    describe: async () => {
      calls++;
      if (calls === 2) throw new TransientError("503");
      return calls >= 3 ? "done" : "Running";
    },
    classify: job([]).classify,
    timeoutMs: 60_000,
    clock,
  });
  assert.equal(r.snapshot, "done");
});

test("poll reports a long unchanged state as a sparse heartbeat, not on every poll", async () => {
  const clock = new ManualClock();
  const seen: Array<[string, number]> = [];
  let i = 0;
  await poll({
    what: "long job",
    describe: async () => (++i > 120 ? "done" : "Running"),
    classify: job([]).classify,
    timeoutMs: 60 * 60_000,
    clock,
    onState: (s, ms) => seen.push([s, ms]),
  });
  const running = seen.filter(([s]) => s === "Running");
  assert.ok(running.length >= 2, "heartbeat repeated the state");
  assert.ok(running.length < 120 / 4, `${running.length} lines for 120 polls`);
  for (let k = 1; k < running.length; k++) assert.ok(running[k]![1] - running[k - 1]![1] >= 60_000);
});
