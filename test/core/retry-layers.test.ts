/**
 * One retry site per logical request: `poll` and `createOnce` run over vendor calls that
 * already retry, so the requests a failing server sees are counted here. Against a server
 * that answers 503 to everything, a whole poll or createOnce sends at most the attempt cap
 * (never its square), the error's `attempts` is the number of requests really sent, and the
 * caller's deadline reaches the innermost send (retry sleeps and request timeouts).
 */
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ManualClock, type Clock } from "../../provider/core/clock";
import { isDrplaneError, TransientError } from "../../provider/core/errors";
import { closeAllAgents, send } from "../../provider/core/http";
import { poll } from "../../provider/core/poll";
import { createOnce, RETRY_DEFAULTS, withRetry } from "../../provider/core/retry";

const CAP = RETRY_DEFAULTS.maxAttempts;

let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  if (req.url === "/hang") return; // never answers; the client's timeout ends it
  res.statusCode = 503;
  res.end("busy");
});
const ready = new Promise<string>((resolve) =>
  server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
after(async () => {
  await closeAllAgents();
  server.closeAllConnections();
  server.close();
});

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
  requests = 0;
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
      assert.equal(err.meta.attempts, requests, "attempts counts every request sent");
      return true;
    },
  );
  assert.ok(requests >= 2 && requests <= CAP, `${requests} requests for one poll (cap ${CAP})`);
  assert.ok(clock.now() - start < 60_000, `${clock.now() - start} ms of clock time`);
});

test("createOnce over a retrying lookup sends at most the attempt cap to a 503 server", async () => {
  const clock = new ManualClock();
  requests = 0;
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
      assert.equal(err.meta.attempts, requests, "attempts counts every request sent");
      return true;
    },
  );
  assert.equal(creates, 1, "the create is not repeated while the lookup cannot answer");
  assert.ok(requests >= 2 && requests <= CAP, `${requests} requests for one createOnce (cap ${CAP})`);
});

test("poll's deadline reaches the inner retry: no retry sleep past it", async () => {
  const clock = new ManualClock();
  const start = clock.now();
  requests = 0;
  await assert.rejects(
    poll({
      what: "job 2",
      describe: () => call(clock, "GET", "/jobs/2", true),
      classify: () => ({ status: "pending", state: "Running" }),
      timeoutMs: 1_000,
      firstDelayMs: 0,
      clock,
    }),
    (err: unknown) => isDrplaneError(err) && err.meta.attempts === requests,
  );
  assert.ok(clock.now() - start <= 1_000, `${clock.now() - start} ms: slept past the 1 s deadline`);
  assert.ok(requests <= CAP);
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
