/**
 * Work shared by many operations (the VRG's API version list, a Swift cluster's /info) runs
 * outside the caller's call scope: the first caller's deadline must not cut it short for the
 * callers that share it. Against a server that answers after 2.5 s, a send inside a scope whose
 * deadline is 300 ms away times out, and the same send through `outsideScope` completes.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { systemClock } from "../../provider/core/clock";
import { outsideScope, runInScope } from "../../provider/core/call-scope";
import { isDrplaneError } from "../../provider/core/errors";
import { send } from "../../provider/core/http";
import { loopbackServer } from "../support/loopback";

const slow = loopbackServer((_req, res) => {
  setTimeout(() => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"versions":[{"version":"v1.0"}]}');
  }, 2500);
});

const get = async () =>
  send(
    { baseUrl: await slow.url },
    {
      method: "GET",
      path: "/versions",
      vendor: "test",
      operation: "versions",
    },
  );

test("inside a scope, the caller's deadline caps the request", async () => {
  await assert.rejects(
    runInScope({ deadline: systemClock.now() + 300, clock: systemClock, maxAttempts: 5 }, get),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.match(err.message, /timed out/);
      return true;
    },
  );
});

test("outsideScope: shared work is not bound to the first caller's deadline", async () => {
  const res = await runInScope(
    { deadline: systemClock.now() + 300, clock: systemClock, maxAttempts: 5 },
    () => outsideScope(get),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { versions: [{ version: "v1.0" }] });
});
