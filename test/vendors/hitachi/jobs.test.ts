/**
 * Hitachi create flows against stricter readings of seed 000 (issue 9): no job list, lost
 * replies, timeouts that must not end their own job, and honest progress and error messages.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { isDrplaneError } from "../../../provider/core/errors";
import { ensureRemoteStorage } from "../../../provider/vendors/hitachi/register";
import { JOBS_LIST_ROUTE, LOGOUT_ROUTE, POST_ROUTE, REMOTE_ID, startFixture, type Fixture } from "./fixtures";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

for (const mode of ["absent", "forbidden"] as const) {
  test(`job list ${mode}: a new registration is created, and the fallback is said once`, async () => {
    fx = await startFixture({ local: { jobList: mode } });
    const progress: string[] = [];
    const r = await ensureRemoteStorage(fx.spec({ onProgress: (m) => progress.push(m) }));
    assert.equal(r.adopted, false);
    assert.equal(fx.pair.local.registrations().length, 1);
    assert.equal(progress.filter((m) => /does not list jobs/.test(m)).length, 1, progress.join("\n"));
  });

  test(`job list ${mode}: a reply lost after the POST reached the array is not posted again`, async () => {
    fx = await startFixture({ local: { jobList: mode } });
    fx.pair.local.server.faults.add({ route: POST_ROUTE, resetAfterHandling: true, times: 1 });
    const progress: string[] = [];
    const r = await ensureRemoteStorage(fx.spec({ onProgress: (m) => progress.push(m) }));
    assert.equal(r.registration.storageDeviceId, REMOTE_ID);
    assert.equal(fx.pair.local.registrations().length, 1);
    assert.equal(fx.pair.local.server.requestCount(POST_ROUTE), 1, "posted once");
    assert.equal(progress.filter((m) => /does not list jobs/.test(m)).length, 1, progress.join("\n"));
  });
}

test("a create that times out leaves the remote session to the array; the next run resumes the job by id", async () => {
  fx = await startFixture({ local: { jobList: "absent" } });
  let jobId: string | undefined;
  await assert.rejects(ensureRemoteStorage(fx.spec({ timeoutMs: 1_000 })), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TIMEOUT"));
    jobId = err.meta.jobId;
    return true;
  });
  assert.ok(jobId, "the timeout names the job");
  assert.equal(fx.pair.remote.server.requestCount(LOGOUT_ROUTE), 0, "the remote session was not logged out");
  assert.equal(fx.pair.remote.liveSessions, 1, "the job's remote session is still alive");

  const progress: string[] = [];
  const r = await ensureRemoteStorage(fx.spec({ resumeJobId: jobId, onProgress: (m) => progress.push(m) }));
  assert.equal(r.registration.storageDeviceId, REMOTE_ID);
  assert.equal(fx.pair.local.server.requestCount(POST_ROUTE), 1, "the registration was posted once");
  assert.ok(
    progress.some((m) => m.includes(`resuming registration job ${jobId}`)),
    progress.join("\n"),
  );
  assert.equal(fx.pair.local.jobs.list().filter((j) => j.outcome?.ok === false).length, 0, "no job failed");
  // Once this process has seen the job complete, the session left for it is logged out.
  assert.equal(fx.pair.remote.liveSessions, 0, "the session left for the job was logged out after it");
});

test("no 'posting again' line when no post follows", async () => {
  fx = await startFixture();
  for (let i = 0; i < 10; i++)
    fx.pair.local.failNextJob({ messageId: "KART40050-E", SSB1: "2E11", SSB2: "2205" });
  const progress: string[] = [];
  await assert.rejects(
    ensureRemoteStorage(fx.spec({ onProgress: (m) => progress.push(m) })),
    (err: unknown) => isDrplaneError(err),
  );
  const posts = fx.pair.local.server.requestCount(POST_ROUTE);
  const again = progress.filter((m) => /posting .*again/.test(m)).length;
  assert.ok(posts > 1);
  assert.equal(again, posts - 1, progress.join("\n"));
});

test("a connection reset says which endpoint reset it, during which operation", async () => {
  fx = await startFixture();
  fx.pair.local.server.faults.add({
    route: "GET /ConfigurationManager/v1/objects/remote-storages",
    reset: true,
    times: Infinity,
  });
  await assert.rejects(ensureRemoteStorage(fx.spec()), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TRANSIENT"));
    assert.ok(
      err.message.includes(`connection reset by ${fx!.pair.local.url} during listRemoteStorages`),
      err.message,
    );
    return true;
  });
  assert.equal(fx.pair.local.server.requestCount(JOBS_LIST_ROUTE), 0);
});
