/**
 * The NSE client against the simulator: one sign-in shared by concurrent calls, refresh before
 * the JWT's exp, one sign-in again on a 401, a refused password sent once, the base path ""
 * reading, 500 bursts on GET retried, and neither password in any log line.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { isDrplaneError } from "../../../provider/core/errors";
import { getNseJob, listFileShares } from "../../../provider/vendors/nse";
import { BACKEND_CANARY, CANARY, rejection, startSite, stopSite, visible, type Site } from "./fixtures";

let site: Site | undefined;
afterEach(async () => {
  if (site) {
    const all = site.lines.join("\n") + site.progress.join("\n");
    assert.ok(!all.includes(CANARY) && !all.includes(BACKEND_CANARY), "no password in any line");
  }
  await stopSite(site);
  site = undefined;
});

test("one sign-in for concurrent calls; the envelope's records and totals", async () => {
  site = await startSite();
  const c = site.client();
  const [a, b] = await Promise.all([listFileShares(c), listFileShares(c)]);
  assert.deepEqual(a, b);
  assert.equal(site.nse.counters.signins, 1);
  const res = await c.request({
    method: "GET",
    path: "/v2.1/fileshares",
    operation: "list",
    idempotent: true,
  });
  assert.equal(res.status, 200);
  assert.equal(res.total, res.records.length);
  assert.match(res.message ?? "", /Okay/);
});

test("the token is refreshed shortly before its exp, not signed in again", async () => {
  site = await startSite({ tokenLifetimeMs: 30 * 60_000 });
  const c = site.client();
  await listFileShares(c);
  site.clock.advance(29 * 60_000 + 30_000);
  await listFileShares(c);
  assert.equal(site.nse.counters.refreshes, 1);
  assert.equal(site.nse.counters.signins, 1);
  assert.equal(site.nse.counters.rejectedTokens, 0, "no request went out with an expired token");
  site.clock.advance(10 * 60_000);
  await listFileShares(c);
  assert.equal(site.nse.counters.refreshes, 1, "the refreshed token is good for its own lifetime");
});

test("a token NSE refuses (401) is replaced by one sign-in, and the call replayed", async () => {
  site = await startSite();
  const c = site.client();
  await listFileShares(c);
  site.nse.expireTokens();
  await listFileShares(c);
  assert.equal(site.nse.counters.signins, 2);
  assert.equal(site.nse.counters.rejectedTokens, 1);
});

test("a refused password is sent once, however many calls follow", async () => {
  site = await startSite({ users: { "nse-admin": "another-password" } });
  const c = site.client();
  const first = await rejection(listFileShares(c));
  assert.ok(isDrplaneError(first, "DRP_AUTH"));
  assert.match((first as Error).message, /refused the sign-in of user nse-admin/);
  const second = await rejection(
    site.client().request({ method: "GET", path: "/v2.1/jobs", operation: "x", idempotent: true }),
  );
  assert.match((second as Error).message, /not sent again/);
  assert.equal(site.nse.counters.failedSignins, 1);
  assert.ok(!visible(first).includes(CANARY) && !visible(second).includes(CANARY));
});

test('basePath "" reaches an NSE that serves /v2.1 at its root', async () => {
  site = await startSite({ basePath: "" });
  assert.deepEqual(
    await listFileShares(site.client({ basePath: "" })),
    await listFileShares(site.client({ basePath: "" })),
  );
  assert.equal(site.nse.counters.signins, 1);
});

test("a burst of 500s on GET is retried; a job read through it", async () => {
  site = await startSite();
  const c = site.client();
  const jobs = await c.request<{ id: string }>({
    method: "GET",
    path: "/v2.1/jobs",
    operation: "x",
    idempotent: true,
  });
  site.nse.fail500("GET", "/v2.1/fileshares", 3);
  await listFileShares(c);
  assert.equal(site.nse.requestCount("GET", "/v2.1/fileshares"), 4);
  assert.equal(await getNseJob(c, "5e85225af038943eb4b7ffff"), undefined, "an unknown job is undefined");
  assert.ok(Array.isArray(jobs.records));
});
