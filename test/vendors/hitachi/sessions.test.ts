/**
 * Hitachi sessions against stricter readings of seed 000 (issue 9): a 401 replaces only the
 * session its own array rejected, the remote session outlives a long job, the session cap is
 * waited out within the deadline, and DELETE always carries Remote-Authorization.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { HitachiClient } from "../../../provider/vendors/hitachi/client";
import { ensureRemoteStorage } from "../../../provider/vendors/hitachi/register";
import { removeRemoteStorage } from "../../../provider/vendors/hitachi/remove";
import { startHitachiArray, type HitachiArray } from "../../sim/hitachi";
import { CREDENTIALS, onceAt, POST_ROUTE, REMOTE_ID, startFixture, type Fixture } from "./fixtures";

let fx: Fixture | undefined;
let extra: HitachiArray[] = [];
afterEach(async () => {
  await fx?.stop(extra);
  fx = undefined;
  extra = [];
});

test("a 401 from the local array replaces only the local session; the remote one stays for the job", async () => {
  fx = await startFixture();
  onceAt(fx.clock, 3_000, () => fx!.pair.local.expireAllSessions());
  const r = await ensureRemoteStorage(fx.spec());
  assert.equal(r.registration.storageDeviceId, REMOTE_ID);
  assert.equal(fx.pair.local.logins, 2, "the local session was replaced");
  assert.equal(fx.pair.remote.logins, 1, "the remote session was kept");
  assert.equal(fx.pair.local.server.requestCount(POST_ROUTE), 1);
});

test("a 401 from the local array during a mutual delete keeps the remote session for the job", async () => {
  fx = await startFixture();
  await ensureRemoteStorage(fx.spec());
  const remoteLogins = fx.pair.remote.logins;
  onceAt(fx.clock, 2_000, () => fx!.pair.local.expireAllSessions());
  await removeRemoteStorage({ ...fx.spec(), remoteStorageDeviceId: REMOTE_ID, isMutualDeletion: true });
  assert.equal(fx.pair.local.registrations().length, 0);
  assert.equal(fx.pair.remote.registrations().length, 0);
  assert.equal(fx.pair.remote.logins, remoteLogins + 1, "one remote session for the whole delete");
});

test("a 20-minute job keeps its remote session alive (aliveTime 300 s)", async () => {
  fx = await startFixture({ common: { jobDurationMs: { registerMs: 20 * 60_000 } } });
  const r = await ensureRemoteStorage(fx.spec({ timeoutMs: 30 * 60_000 }));
  assert.equal(r.registration.storageDeviceId, REMOTE_ID);
  assert.equal(fx.pair.remote.logins, 1);
  assert.equal(fx.pair.remote.sessionsExpired, 0, "the remote session never idled out");
});

test("an array held at its session cap for 5 s is waited out, and the progress says so", async () => {
  fx = await startFixture();
  fx.pair.local.holdSessionCap(5_000);
  const progress: string[] = [];
  const r = await ensureRemoteStorage(fx.spec({ onProgress: (m) => progress.push(m) }));
  assert.equal(r.adopted, false);
  assert.ok(
    progress.some((m) => m.includes(fx!.pair.local.url) && /session limit/.test(m)),
    progress.join("\n"),
  );
});

test("4 parallel creates (4 users' sessions) under a session cap of 1 all succeed", async () => {
  const profiles = ["l1", "l2", "l3", "l4"];
  fx = await startFixture(
    { local: { sessionCap: 1 } },
    { ...CREDENTIALS, ...Object.fromEntries(profiles.map((p) => [p, CREDENTIALS.local])) },
  );
  const { pair, clock } = fx;
  const remotes = [pair.remote];
  for (let i = 1; i < profiles.length; i++) {
    remotes.push(
      await startHitachiArray({
        model: "VSP G200",
        serialNumber: 420000 + i,
        users: { remote_user: "remote_pass" },
        clock,
        fabric: pair.fabric,
        jobDurationMs: { registerMs: 8_000 },
      }),
    );
  }
  extra = remotes.slice(1);
  const results = await Promise.all(
    profiles.map((profile, i) =>
      ensureRemoteStorage(
        fx!.spec({ local: new HitachiClient({ endpoint: pair.local.url, profile }, clock) }, remotes[i]),
      ),
    ),
  );
  assert.equal(results.filter((r) => !r.adopted).length, 4);
  assert.equal(pair.local.registrations().length, 4);
  assert.equal(pair.local.peakLiveSessions, 1);
});

test("DELETE carries Remote-Authorization also without mutual deletion", async () => {
  fx = await startFixture({ local: { deleteRequiresRemoteAuthorization: true } });
  await ensureRemoteStorage(fx.spec());
  const r = await removeRemoteStorage({
    ...fx.spec(),
    remoteStorageDeviceId: REMOTE_ID,
    isMutualDeletion: false,
  });
  assert.equal(r.alreadyGone, false);
  assert.equal(fx.pair.local.registrations().length, 0);
  assert.equal(fx.pair.remote.registrations().length, 1, "the reverse entry stays");
});
