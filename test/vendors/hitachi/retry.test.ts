/**
 * The Hitachi client's job wait (core/poll over the client's retrying GET) against an array
 * answering 503 to everything: one retry site, so at most the attempt cap of requests, and
 * the error's attempts is the number of requests sent.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { busyServer } from "../../support/busy-server";
import { ManualClock } from "../../../provider/core/clock";
import { isDrplaneError } from "../../../provider/core/errors";
import { RETRY_DEFAULTS } from "../../../provider/core/retry";
import { HitachiClient } from "../../../provider/vendors/hitachi/client";
import { waitForHitachiJob } from "../../../provider/vendors/hitachi/jobs";

const busy = busyServer();
const ready = busy.url;

test("a job wait against a 503 array sends at most the attempt cap, attempts summed", async () => {
  const clock = new ManualClock();
  const client = new HitachiClient({ endpoint: await ready, profile: "lab" }, clock);
  const session = { token: "t", sessionId: 1 };
  await assert.rejects(
    waitForHitachiJob(
      { jobId: 42, status: "Running" },
      { what: "test job", read: () => client.getJob(session, 42), timeoutMs: 30 * 60_000, clock },
    ),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.equal(err.meta.attempts, busy.requests);
      return true;
    },
  );
  assert.ok(busy.requests >= 2 && busy.requests <= RETRY_DEFAULTS.maxAttempts, `${busy.requests} requests`);
});
