/**
 * The Hitachi client's job wait (core/poll over the client's retrying GET) against an array
 * answering 503 to everything: one retry site, so at most the attempt cap of requests, and
 * the error's attempts is the number of requests sent.
 */
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ManualClock } from "../../provider/core/clock";
import { isDrplaneError } from "../../provider/core/errors";
import { closeAllAgents } from "../../provider/core/http";
import { RETRY_DEFAULTS } from "../../provider/core/retry";
import { HitachiClient } from "../../provider/vendors/hitachi/client";

let requests = 0;
const server = http.createServer((_req, res) => {
  requests++;
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

test("waitForJob against a 503 array sends at most the attempt cap, attempts summed", async () => {
  const clock = new ManualClock();
  const client = new HitachiClient({ endpoint: await ready, profile: "lab" }, clock);
  const session = { token: "t", sessionId: 1 };
  await assert.rejects(
    client.waitForJob(
      session,
      { jobId: 42, status: "Running" },
      { what: "test job", timeoutMs: 30 * 60_000 },
    ),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.equal(err.meta.attempts, requests);
      return true;
    },
  );
  assert.ok(requests >= 2 && requests <= RETRY_DEFAULTS.maxAttempts, `${requests} requests`);
});
