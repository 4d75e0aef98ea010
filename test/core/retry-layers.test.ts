/**
 * One retry site per logical request: `poll` and `createOnce` run over vendor calls that
 * already retry, so the requests a failing server sees are counted here. Against a server
 * that answers 503 to everything, a whole poll or createOnce sends at most the attempt cap
 * (never its square), the error's `attempts` is the number of requests really sent, and the
 * caller's deadline reaches the innermost send (retry sleeps and request timeouts).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { busyServer } from "../support/busy-server";
import { ManualClock, type Clock } from "../../provider/core/clock";
import { isDrplaneError, TransientError } from "../../provider/core/errors";
import { send } from "../../provider/core/http";
import { poll } from "../../provider/core/poll";
import { createOnce, RETRY_DEFAULTS, withRetry } from "../../provider/core/retry";

const CAP = RETRY_DEFAULTS.maxAttempts;

const busy = busyServer();
const ready = busy.url;

/** A vendor client's call, as the vendors write it: idempotent calls retry, POSTs do not. */
async function call(
  clock: Clock,
  method: "GET" | "POST",
  path: string,
  idempotent: boolean,
): Promise<string> {
  const baseUrl = await ready;
  const once = async () => {
    const res = await send({ baseUrl }, { method, path, vendor: "test", operation: `${method} ${path}` });
    if (res.status >= 500)
      throw new TransientError(`HTTP ${res.status}`, {
        meta: { httpStatus: res.status, mayHaveReachedServer: true },
      });
    return res.text;
  };
  return idempotent ? withRetry(once, { clock }) : once();
}

test("poll over a retrying call sends at most the attempt cap to a 503 server, attempts summed", async () => {
  const clock = new ManualClock();
  const start = clock.now();
  busy.reset();
  await assert.rejects(
    poll({
      what: "job 1",
      describe: () => call(clock, "GET", "/jobs/1", true),
      classify: () => ({ status: "pending", state: "Running" }),
      timeoutMs: 10 * 60_000,
      clock,
    }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.equal(err.meta.attempts, busy.requests, "attempts counts every request sent");
      return true;
    },
  );
  assert.ok(
    busy.requests >= 2 && busy.requests <= CAP,
    `${busy.requests} requests for one poll (cap ${CAP})`,
  );
  assert.ok(clock.now() - start < 60_000, `${clock.now() - start} ms of clock time`);
});

test("createOnce over a retrying lookup sends at most the attempt cap to a 503 server", async () => {
  const clock = new ManualClock();
  busy.reset();
  let creates = 0;
  await assert.rejects(
    createOnce({
      clock,
      create: () => {
        creates++;
        return call(clock, "POST", "/things", false);
      },
      lookup: async () => (await call(clock, "GET", "/things/a", true)) || undefined,
    }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.equal(err.meta.attempts, busy.requests, "attempts counts every request sent");
      return true;
    },
  );
  assert.equal(creates, 1, "the create is not repeated while the lookup cannot answer");
  assert.ok(
    busy.requests >= 2 && busy.requests <= CAP,
    `${busy.requests} requests for one createOnce (cap ${CAP})`,
  );
});

test("poll's deadline reaches the inner retry: no retry sleep past it", async () => {
  const clock = new ManualClock();
  const start = clock.now();
  busy.reset();
  await assert.rejects(
    poll({
      what: "job 2",
      describe: () => call(clock, "GET", "/jobs/2", true),
      classify: () => ({ status: "pending", state: "Running" }),
      timeoutMs: 1_000,
      firstDelayMs: 0,
      clock,
    }),
    (err: unknown) => isDrplaneError(err) && err.meta.attempts === busy.requests,
  );
  assert.ok(clock.now() - start <= 1_000, `${clock.now() - start} ms: slept past the 1 s deadline`);
  assert.ok(busy.requests <= CAP);
});

test("poll's deadline caps the request timeout of the innermost send", async () => {
  const clock = new ManualClock();
  const t0 = performance.now();
  await assert.rejects(
    poll({
      what: "job 3",
      describe: () => call(clock, "GET", "/hang", true),
      classify: () => ({ status: "pending", state: "Running" }),
      timeoutMs: 200,
      firstDelayMs: 0,
      clock,
    }),
    (err: unknown) => isDrplaneError(err, "DRP_TRANSIENT") && /timed out after 1000 ms/.test(err.message),
  );
  // Without the cap the request would wait for the 60 s default timeout.
  assert.ok(performance.now() - t0 < 10_000, `${Math.round(performance.now() - t0)} ms`);
});
