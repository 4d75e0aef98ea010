/**
 * The composed call (core/call) against a server answering 503 to everything: an idempotent
 * call is one retry site (at most the attempt cap of requests), a POST is sent once, and a
 * failure marked `untilDeadline` (the Hitachi login at its session cap) is waited out past the
 * cap at that same site, never past the deadline.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { call } from "../../provider/core/call";
import { ManualClock } from "../../provider/core/clock";
import { isDrplaneError } from "../../provider/core/errors";
import { RETRY_DEFAULTS } from "../../provider/core/retry";
import { HITACHI_ERRORS } from "../../provider/vendors/hitachi/errors";
import { busyServer } from "../support/busy-server";

const busy = busyServer();

async function get(clock: ManualClock, idempotent: boolean, retry = {}) {
  return call(
    { baseUrl: await busy.url },
    {
      method: idempotent ? "GET" : "POST",
      path: "/x",
      operation: "op",
      idempotent,
      errors: HITACHI_ERRORS,
      retry: { clock, ...retry },
    },
  );
}

test("an idempotent call retries a 503 up to the attempt cap; a POST is sent once", async () => {
  const clock = new ManualClock();
  busy.reset();
  await assert.rejects(get(clock, true), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
    assert.equal(err.meta.attempts, RETRY_DEFAULTS.maxAttempts);
    assert.match(err.message, /64 sessions/, "Hitachi's remedy for 503");
    return true;
  });
  assert.equal(busy.requests, RETRY_DEFAULTS.maxAttempts);
  busy.reset();
  await assert.rejects(get(clock, false), (err: unknown) => isDrplaneError(err, "DRP_TRANSIENT"));
  assert.equal(busy.requests, 1);
});

test("a failure marked untilDeadline is waited out past the cap, at the same site, until the deadline", async () => {
  const clock = new ManualClock();
  const deadline = clock.now() + 5 * 60_000;
  busy.reset();
  let retries = 0;
  await assert.rejects(
    get(clock, true, {
      deadline,
      untilDeadline: (err: { meta: { httpStatus?: number } }) => err.meta.httpStatus === 503,
      onRetry: () => retries++,
    }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.equal(err.meta.attempts, busy.requests, "every request counted once");
      return true;
    },
  );
  assert.ok(busy.requests > RETRY_DEFAULTS.maxAttempts, `${busy.requests} requests: waited past the cap`);
  assert.equal(retries, busy.requests - 1, "one retry site: one sleep between two requests");
  assert.ok(clock.now() <= deadline, "no sleep past the deadline");
});
