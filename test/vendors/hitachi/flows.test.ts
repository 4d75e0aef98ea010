/**
 * Level 1: the Hitachi client flows against the simulator, including faults. One ManualClock
 * is shared by the simulator and the client, so job waits and session idling are instant.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { isDrplaneError } from "../../../provider/core/errors";
import { closeAllAgents } from "../../../provider/core/http";
import { drainSessions } from "../../../provider/core/session";
import { HitachiClient } from "../../../provider/vendors/hitachi/client";
import { ensureRemoteStorage, type RemoteStorageSpec } from "../../../provider/vendors/hitachi/register";
import { removeRemoteStorage } from "../../../provider/vendors/hitachi/remove";
import { startHitachiPair, type HitachiPair } from "../../sim/hitachi";

const REMOTE_ID = "832000420000";
const LOCAL_ID = "836000410000";
const POST_ROUTE = "POST /ConfigurationManager/v1/objects/remote-storages";

let clock: ManualClock;
let pair: HitachiPair;

beforeEach(async () => {
  clock = new ManualClock();
  pair = await startHitachiPair({ clock, common: { jobDurationMs: { registerMs: 8_000, deleteMs: 5_000 } } });
  setStackCredentials(
    JSON.stringify({
      local: { username: "local_user", password: "local_pass" },
      remote: { username: "remote_user", password: "remote_pass" },
    }),
  );
});

afterEach(async () => {
  await drainSessions();
  // Every test leaves no session open on either array.
  assert.equal(pair.local.liveSessions, 0, "local sessions left open");
  assert.equal(pair.remote.liveSessions, 0, "remote sessions left open");
  clearStackCredentials();
  await closeAllAgents();
  await pair.stop();
});

function spec(overrides: Partial<RemoteStorageSpec> = {}): RemoteStorageSpec {
  const local = new HitachiClient({ endpoint: pair.local.url, profile: "local" }, clock);
  const remote = new HitachiClient({ endpoint: pair.remote.url, profile: "remote" }, clock);
  return {
    local,
    remote,
    restServerIp: pair.remote.restServerIp,
    restServerPort: pair.remote.restServerPort,
    isMutualDiscovery: true,
    timeoutMs: 10 * 60_000,
    ...overrides,
  };
}

test("registers the remote storage (discovered id), waits for the job, mutual entry on the remote", async () => {
  const progress: string[] = [];
  const r = await ensureRemoteStorage(spec({ onProgress: (m) => progress.push(m) }));
  assert.equal(r.remoteStorageDeviceId, REMOTE_ID);
  assert.equal(r.localStorageDeviceId, LOCAL_ID);
  assert.equal(r.adopted, false);
  assert.equal(r.registration.dkcType, "Remote");
  assert.equal(r.registration.model, "VSP G200");
  assert.deepEqual(
    pair.local.registrations().map((x) => x.storageDeviceId),
    [REMOTE_ID],
  );
  assert.deepEqual(
    pair.remote.registrations().map((x) => x.storageDeviceId),
    [LOCAL_ID],
  );
  assert.ok(
    progress.some((m) => m.includes(`job ${r.jobId}`)),
    "progress names the job",
  );
});

test("a re-run adopts the existing registration without posting again", async () => {
  await ensureRemoteStorage(spec());
  const again = await ensureRemoteStorage(spec());
  assert.equal(again.adopted, true);
  assert.equal(pair.local.server.requestCount(POST_ROUTE), 1);
});

test("an existing registration with another address is a conflict that says what differs", async () => {
  await ensureRemoteStorage(spec());
  await assert.rejects(
    ensureRemoteStorage(spec({ restServerPort: 4443 })),
    (err: unknown) =>
      isDrplaneError(err, "DRP_CONFLICT") &&
      err.message.includes("restServerPort") &&
      err.message.includes("4443"),
  );
});

test("a 503 burst is retried and registers exactly once", async () => {
  pair.local.server.faults.add({ route: POST_ROUTE, status: 503, times: 3 });
  const r = await ensureRemoteStorage(spec());
  assert.equal(r.adopted, false);
  assert.equal(pair.local.registrations().length, 1);
});

test("a reply lost after the POST reached the array resumes its job instead of posting twice", async () => {
  pair.local.server.faults.add({ route: POST_ROUTE, resetAfterHandling: true, times: 1 });
  const r = await ensureRemoteStorage(spec());
  assert.equal(r.registration.storageDeviceId, REMOTE_ID);
  assert.equal(pair.local.registrations().length, 1);
  assert.equal(pair.local.server.requestCount(POST_ROUTE), 1, "the registration was posted once");
});

test("a crashed run's job is resumed by the next run (no duplicate registration)", async () => {
  // First run: posts and "crashes" while the job runs (its wait times out immediately).
  await assert.rejects(ensureRemoteStorage(spec({ timeoutMs: 1_000 })), (e: unknown) =>
    isDrplaneError(e, "DRP_TIMEOUT"),
  );
  assert.equal(pair.local.registrations().length, 0, "job still running");
  const progress: string[] = [];
  const r = await ensureRemoteStorage(spec({ onProgress: (m) => progress.push(m) }));
  assert.equal(r.registration.storageDeviceId, REMOTE_ID);
  assert.equal(pair.local.registrations().length, 1, "exactly one registration");
  // The earlier run's job was found and waited for, not posted over while it ran; the timed-out
  // run left its remote session for the array to expire, so the job succeeded.
  assert.ok(progress.some((m) => m.includes("resuming registration job 1")));
  assert.equal(pair.local.server.requestCount(POST_ROUTE), 1);
});

test("a job that never finishes times out with an error naming the job and its state", async () => {
  pair.local.hangJobs(true);
  await assert.rejects(ensureRemoteStorage(spec({ timeoutMs: 120_000 })), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TIMEOUT"));
    assert.ok(err.meta.jobId, "job id in the error");
    assert.match(err.message, /job \d+/);
    assert.ok(err.meta.lastState && err.meta.lastState !== "unknown");
    return true;
  });
  clock.advance(301_000); // the remote session left for the hung job idles out
});

test("a failed job surfaces the vendor code, SSB codes and the solution", async () => {
  pair.local.failNextJob({
    messageId: "KART40038-E",
    SSB1: "B96B",
    SSB2: "AF2E",
    message: "remote path failure",
    solution: "check the remote paths",
  });
  await assert.rejects(ensureRemoteStorage(spec()), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
    assert.equal(err.meta.vendorCode, "KART40038-E");
    assert.match(err.message, /B96B/);
    assert.match(err.message, /check the remote paths/);
    return true;
  });
  assert.equal(pair.local.registrations().length, 0);
});

test("an expired session is replaced once and the operation completes", async () => {
  const s = spec();
  await ensureRemoteStorage(s);
  pair.local.expireAllSessions();
  pair.remote.expireAllSessions();
  const again = await ensureRemoteStorage(s);
  assert.equal(again.adopted, true);
});

test("the 64-session cap (503) is waited out, not fatal", async () => {
  pair.local.server.faults.add({
    route: "POST /ConfigurationManager/v1/objects/sessions",
    status: 503,
    times: 2,
    headers: { "retry-after": "1" },
  });
  const r = await ensureRemoteStorage(spec());
  assert.equal(r.adopted, false);
});

test("a wrong password fails once, clearly, without retrying the login", async () => {
  setStackCredentials(JSON.stringify({ local: { username: "local_user", password: "WRONG-pass-9" } }));
  await assert.rejects(ensureRemoteStorage(spec()), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_AUTH"));
    assert.match(err.message, /profile "local"/);
    assert.ok(!err.message.includes("WRONG-pass-9"));
    return true;
  });
  assert.equal(pair.local.failedLogins, 1);
});

test("delete removes both registrations (mutual deletion) and tolerates already-gone", async () => {
  await ensureRemoteStorage(spec());
  const s = spec();
  const gone = await removeRemoteStorage({
    ...s,
    remoteStorageDeviceId: REMOTE_ID,
    isMutualDeletion: true,
    timeoutMs: 60_000,
  });
  assert.equal(gone.alreadyGone, false);
  assert.equal(pair.local.registrations().length, 0);
  assert.equal(pair.remote.registrations().length, 0);
  const again = await removeRemoteStorage({
    ...s,
    remoteStorageDeviceId: REMOTE_ID,
    isMutualDeletion: true,
    timeoutMs: 60_000,
  });
  assert.equal(again.alreadyGone, true);
});

test("delete without mutual deletion works when the remote array is unreachable", async () => {
  await ensureRemoteStorage(spec());
  await pair.remote.stop();
  const s = spec();
  const r = await removeRemoteStorage({
    ...s,
    remoteStorageDeviceId: REMOTE_ID,
    isMutualDeletion: false,
    timeoutMs: 60_000,
  });
  assert.equal(r.alreadyGone, false);
  assert.equal(pair.local.registrations().length, 0);
  await pair.remote.start();
});
