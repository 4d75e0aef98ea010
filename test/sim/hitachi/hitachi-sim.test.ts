import { strict as assert } from "node:assert";
import { after, afterEach, before, describe, it } from "node:test";
import { ManualClock } from "../../../provider/core/clock";
import { ScaledClock } from "../framework";
import {
  KART,
  REMOTE_STORAGES_PATH,
  startHitachiArray,
  startHitachiPair,
  type HitachiArray,
  type HitachiPair,
  type JobView,
} from "./index";

const CM = "/ConfigurationManager";
const RS = `${CM}/v1/objects/remote-storages`;

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

interface CallOptions {
  method?: string;
  token?: string;
  remoteToken?: string;
  basic?: [string, string];
  body?: unknown;
  headers?: Record<string, string>;
}

async function call(array: HitachiArray, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers["authorization"] = `Session ${opts.token}`;
  if (opts.basic) headers["authorization"] = `Basic ${Buffer.from(opts.basic.join(":")).toString("base64")}`;
  if (opts.remoteToken) headers["remote-authorization"] = `Session ${opts.remoteToken}`;
  const res = await fetch(array.url + path, {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function login(
  array: HitachiArray,
  user: string,
  password: string,
  aliveTime?: number,
): Promise<{ token: string; sessionId: number }> {
  const r = await call(array, `${CM}/v1/objects/sessions`, {
    method: "POST",
    basic: [user, password],
    body: aliveTime === undefined ? undefined : { aliveTime },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

function assertErrorObject(body: any, messageId: string): void {
  assert.equal(body?.messageId, messageId);
  for (const key of ["errorSource", "message", "cause", "solution", "solutionType"]) {
    assert.equal(typeof body?.[key], "string", `error object lacks ${key}`);
  }
}

/** Seed 000 steps 2–3: sessions on both arrays. */
async function sessions(
  pair: HitachiPair,
  remoteAliveTime?: number,
): Promise<{ local: string; remote: string }> {
  const local = await login(pair.local, "local_user", "local_pass");
  const remote = await login(pair.remote, "remote_user", "remote_pass", remoteAliveTime);
  return { local: local.token, remote: remote.token };
}

function registerBody(pair: HitachiPair, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    storageDeviceId: pair.remote.storageDeviceId,
    restServerIp: pair.remote.restServerIp,
    restServerPort: pair.remote.restServerPort,
    ...extra,
  };
}

async function register(
  pair: HitachiPair,
  tokens: { local: string; remote: string },
  extra: Record<string, unknown> = {},
): Promise<JobView> {
  const r = await call(pair.local, RS, {
    method: "POST",
    token: tokens.local,
    remoteToken: tokens.remote,
    body: registerBody(pair, extra),
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body;
}

async function job(array: HitachiArray, token: string, jobId: number): Promise<JobView> {
  const r = await call(array, `${CM}/v1/objects/jobs/${jobId}`, { token });
  assert.equal(r.status, 200);
  return r.body;
}

describe("Hitachi sim: discovery and version (no auth)", () => {
  let pair: HitachiPair;
  before(async () => {
    pair = await startHitachiPair({ clock: new ManualClock() });
  });
  after(() => pair.stop());

  it("reports the API version", async () => {
    const r = await call(pair.local, `${CM}/configuration/version`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { productName: "Configuration Manager REST API", apiVersion: "1.31.0" });
  });

  it("lists itself as data[0] of storages, with the seed's ids", async () => {
    const local = await call(pair.local, `${CM}/v1/objects/storages`);
    const remote = await call(pair.remote, `${CM}/v1/objects/storages`);
    assert.equal(local.body.data[0].storageDeviceId, "836000410000");
    assert.equal(local.body.data[0].model, "VSP G800");
    assert.equal(local.body.data[0].serialNumber, 410000);
    assert.equal(remote.body.data[0].storageDeviceId, "832000420000");
    assert.equal(remote.body.data[0].model, "VSP G200");
    const instance = await call(pair.remote, `${CM}/v1/objects/storages/instance`);
    assert.equal(instance.body.storageDeviceId, "832000420000");
    assert.equal((await call(pair.remote, `${CM}/v1/objects/storages/832000420000`)).status, 200);
    assertErrorObject(
      (await call(pair.remote, `${CM}/v1/objects/storages/000000000000`)).body,
      "KART30013-E",
    );
  });

  it("answers unknown URLs and methods with error objects", async () => {
    const unknown = await call(pair.local, `${CM}/v1/objects/nothing`);
    assert.equal(unknown.status, 404);
    assertErrorObject(unknown.body, KART.unsupportedUrl.messageId);
    const wrongMethod = await call(pair.local, `${CM}/configuration/version`, { method: "PUT" });
    assert.equal(wrongMethod.status, 405);
  });
});

describe("Hitachi sim: sessions", () => {
  let clock: ManualClock;
  let array: HitachiArray;
  before(async () => {
    clock = new ManualClock();
    array = await startHitachiArray({
      model: "VSP G800",
      serialNumber: 410000,
      users: { u: "p", v: "q" },
      clock,
    });
  });
  after(() => array.stop());

  it("derives storageDeviceId from the model prefix", () => {
    assert.equal(array.storageDeviceId, "836000410000");
  });

  it("creates a session with Basic auth: 32-hex token and integer id", async () => {
    const before = array.logins;
    const s = await login(array, "u", "p");
    assert.match(s.token, /^[0-9a-f]{32}$/);
    assert.ok(Number.isInteger(s.sessionId));
    assert.equal(array.logins, before + 1);
  });

  it("rejects wrong credentials with 401 and a Basic challenge", async () => {
    const before = array.failedLogins;
    const r = await call(array, `${CM}/v1/objects/sessions`, { method: "POST", basic: ["u", "wrong"] });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("www-authenticate"), 'Basic realm="Block storage"');
    assertErrorObject(r.body, KART.authenticationFailed.messageId);
    assert.equal(array.failedLogins, before + 1);
    const none = await call(array, `${CM}/v1/objects/sessions`, { method: "POST" });
    assert.equal(none.status, 401);
  });

  it("validates aliveTime 1..300", async () => {
    for (const aliveTime of [0, 301, 1.5, "60"]) {
      const r = await call(array, `${CM}/v1/objects/sessions`, {
        method: "POST",
        basic: ["u", "p"],
        body: { aliveTime },
      });
      assert.equal(r.status, 400, `aliveTime ${String(aliveTime)}`);
      assertErrorObject(r.body, KART.invalidParameter.messageId);
    }
  });

  it("expires a session after aliveTime of idleness; each use refreshes it", async () => {
    const s = await login(array, "u", "p", 10);
    const live = array.liveSessions;
    clock.advance(9_000);
    assert.equal((await call(array, RS, { token: s.token })).status, 200);
    clock.advance(9_000);
    assert.equal((await call(array, RS, { token: s.token })).status, 200);
    clock.advance(10_001);
    const r = await call(array, RS, { token: s.token });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("www-authenticate"), 'Session realm="Block storage"');
    assertErrorObject(r.body, KART.tokenInvalid.messageId);
    assert.equal(array.liveSessions, live - 1 - 0 /* older 300 s sessions still live */);
  });

  it("lists, reads and discards sessions synchronously", async () => {
    const s = await login(array, "u", "p");
    const list = await call(array, `${CM}/v1/objects/sessions`, { token: s.token });
    assert.ok(list.body.data.some((x: any) => x.sessionId === s.sessionId && x.userId === "u"));
    assert.equal(
      (await call(array, `${CM}/v1/objects/sessions/${s.sessionId}`, { token: s.token })).status,
      200,
    );
    const discarded = array.sessionsDiscarded;
    const del = await call(array, `${CM}/v1/objects/sessions/${s.sessionId}`, {
      method: "DELETE",
      token: s.token,
    });
    assert.equal(del.status, 200);
    assert.equal(array.sessionsDiscarded, discarded + 1);
    assert.equal((await call(array, RS, { token: s.token })).status, 401);
  });

  it("refuses to discard another user's session without force, and unknown ids", async () => {
    const mine = await login(array, "u", "p");
    const theirs = await login(array, "v", "q");
    const r = await call(array, `${CM}/v1/objects/sessions/${theirs.sessionId}`, {
      method: "DELETE",
      token: mine.token,
    });
    assert.equal(r.status, 403);
    const forced = await call(array, `${CM}/v1/objects/sessions/${theirs.sessionId}`, {
      method: "DELETE",
      token: mine.token,
      body: { force: true },
    });
    assert.equal(forced.status, 200);
    const gone = await call(array, `${CM}/v1/objects/sessions/999999`, {
      method: "DELETE",
      token: mine.token,
    });
    assert.equal(gone.status, 404);
    assertErrorObject(gone.body, "KART30013-E");
  });

  it("expireAllSessions() invalidates every token", async () => {
    const s = await login(array, "u", "p");
    assert.ok(array.expireAllSessions() >= 1);
    assert.equal(array.liveSessions, 0);
    assert.equal((await call(array, RS, { token: s.token })).status, 401);
  });

  it("accepts per-request Basic auth on other calls", async () => {
    assert.equal((await call(array, RS, { basic: ["u", "p"] })).status, 200);
    assert.equal((await call(array, RS, { basic: ["u", "x"] })).status, 401);
    assert.equal((await call(array, RS)).status, 401);
  });
});

describe("Hitachi sim: 64-session cap", () => {
  let array: HitachiArray;
  before(async () => {
    array = await startHitachiArray({
      model: "VSP G200",
      serialNumber: 420000,
      users: { u: "p" },
      clock: new ManualClock(),
      sessionCapRetryAfterSec: 7,
    });
  });
  after(() => array.stop());

  it("answers 503 for the 65th live session, and succeeds again after a discard", async () => {
    const created: Array<{ token: string; sessionId: number }> = [];
    for (let i = 0; i < 64; i++) created.push(await login(array, "u", "p"));
    assert.equal(array.liveSessions, 64);
    const r = await call(array, `${CM}/v1/objects/sessions`, { method: "POST", basic: ["u", "p"] });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get("retry-after"), "7");
    assertErrorObject(r.body, KART.sessionLimit.messageId);
    assert.equal(r.body.solutionType, "RETRY");
    const first = created[0]!;
    await call(array, `${CM}/v1/objects/sessions/${first.sessionId}`, {
      method: "DELETE",
      token: first.token,
    });
    await login(array, "u", "p");
    assert.equal(array.peakLiveSessions, 64);
  });
});

describe("Hitachi sim: remote storage registration (seed 000)", () => {
  let clock: ManualClock;
  let pair: HitachiPair;
  before(async () => {
    clock = new ManualClock();
    pair = await startHitachiPair({ clock, common: { jobDurationMs: 3000, jobQueuedMs: 200 } });
  });
  after(() => pair.stop());
  afterEach(() => {
    for (const r of pair.local.registrations()) pair.local.removeRegistration(r.storageDeviceId);
    for (const r of pair.remote.registrations()) pair.remote.removeRegistration(r.storageDeviceId);
    pair.local.server.faults.clear();
  });

  it("lists the local array as dkcType Local before anything is registered", async () => {
    const t = await sessions(pair);
    const r = await call(pair.local, RS, { token: t.local });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.map((x: any) => [x.storageDeviceId, x.dkcType]),
      [["836000410000", "Local"]],
    );
  });

  it("runs the job through Queued → Started → Succeeded; the registration appears only at completion", async () => {
    const t = await sessions(pair);
    const accepted = await register(pair, t);
    assert.equal(accepted.status, "Initializing");
    assert.equal(accepted.state, "Queued");
    assert.equal(accepted.self, `${CM}/v1/objects/jobs/${accepted.jobId}`);
    assert.equal(accepted.userId, "local_user");
    assert.equal(accepted.request.requestMethod, "POST");
    assert.match(accepted.request.requestUrl, /\/ConfigurationManager\/v1\/objects\/remote-storages$/);
    assert.equal(JSON.parse(accepted.request.requestBody).storageDeviceId, "832000420000");

    clock.advance(200);
    const running = await job(pair.local, t.local, accepted.jobId);
    assert.deepEqual([running.status, running.state], ["Running", "Started"]);
    assert.equal((await call(pair.local, `${RS}/832000420000`, { token: t.local })).status, 404);
    assert.equal(pair.local.registrations().length, 0);

    clock.advance(2799);
    assert.equal((await job(pair.local, t.local, accepted.jobId)).status, "Running");
    clock.advance(1);
    const done = await job(pair.local, t.local, accepted.jobId);
    assert.deepEqual([done.status, done.state], ["Completed", "Succeeded"]);
    assert.ok(done.completedTime);
    assert.deepEqual(done.affectedResources, [`${REMOTE_STORAGES_PATH}/832000420000`]);

    // Seed 000 step 7: GET the affected resource.
    const item = await call(pair.local, done.affectedResources![0]!, { token: t.local });
    assert.equal(item.status, 200);
    assert.equal(item.body.storageDeviceId, "832000420000");
    assert.equal(item.body.dkcType, "Remote");
    assert.equal(item.body.restServerIp, pair.remote.restServerIp);
    assert.equal(item.body.restServerPort, pair.remote.restServerPort);
    assert.equal(item.body.model, "VSP G200");
    assert.equal(item.body.serialNumber, 420000);
    assert.deepEqual(item.body.communicationModes, [{ communicationMode: "lanConnectionMode" }]);
    assert.equal(typeof item.body.ctl1Ip, "string");
    // isMutualDiscovery defaults to false: nothing on the remote side.
    assert.equal(pair.remote.registrations().length, 0);
  });

  it("with isMutualDiscovery registers the local array on the remote at completion", async () => {
    const t = await sessions(pair);
    const accepted = await register(pair, t, { isMutualDiscovery: true });
    clock.advance(2999);
    const before = await call(pair.remote, RS, { token: t.remote });
    assert.equal(before.body.data.length, 1);
    clock.advance(1);
    // Ask the remote first: settlement is fabric-wide, not tied to the array that owns the job.
    const afterList = await call(pair.remote, RS, { token: t.remote });
    const reverse = afterList.body.data.find((x: any) => x.dkcType === "Remote");
    assert.equal(reverse?.storageDeviceId, "836000410000");
    assert.equal(reverse?.model, "VSP G800");
    assert.equal(reverse?.restServerPort, pair.local.restServerPort);
    assert.equal((await job(pair.local, t.local, accepted.jobId)).state, "Succeeded");
  });

  it("answers 409 when the remote is already registered", async () => {
    const t = await sessions(pair);
    await register(pair, t);
    clock.advance(3000);
    const r = await call(pair.local, RS, {
      method: "POST",
      token: t.local,
      remoteToken: t.remote,
      body: registerBody(pair),
    });
    assert.equal(r.status, 409);
    assertErrorObject(r.body, KART.alreadyRegistered.messageId);
  });

  it("fails the second of two concurrent registrations at completion", async () => {
    const t = await sessions(pair);
    const first = await register(pair, t);
    const second = await register(pair, t);
    clock.advance(3000);
    assert.equal((await job(pair.local, t.local, first.jobId)).state, "Succeeded");
    const failed = await job(pair.local, t.local, second.jobId);
    assert.deepEqual([failed.status, failed.state], ["Completed", "Failed"]);
    assertErrorObject(failed.error, KART.alreadyRegistered.messageId);
    assert.deepEqual(failed.affectedResources, []);
  });

  it("validates the body and the Remote-Authorization header synchronously", async () => {
    const t = await sessions(pair);
    const noRemote = await call(pair.local, RS, { method: "POST", token: t.local, body: registerBody(pair) });
    assert.equal(noRemote.status, 400);
    assertErrorObject(noRemote.body, KART.remoteAuthorizationMissing.messageId);
    for (const drop of ["storageDeviceId", "restServerIp", "restServerPort"]) {
      const body = registerBody(pair);
      delete body[drop];
      const r = await call(pair.local, RS, { method: "POST", token: t.local, remoteToken: t.remote, body });
      assert.equal(r.status, 400, drop);
      assertErrorObject(r.body, KART.invalidParameter.messageId);
    }
    const notBool = await call(pair.local, RS, {
      method: "POST",
      token: t.local,
      remoteToken: t.remote,
      body: registerBody(pair, { isMutualDiscovery: "yes" }),
    });
    assert.equal(notBool.status, 400);
    const noLocal = await call(pair.local, RS, {
      method: "POST",
      remoteToken: t.remote,
      body: registerBody(pair),
    });
    assert.equal(noLocal.status, 401);
    assert.equal(
      pair.local.jobs.list().filter((j) => j.request.requestMethod === "POST" && !j.outcome).length,
      0,
    );
  });

  it("fails the job for an invalid remote session, an unknown REST server and a wrong storageDeviceId", async () => {
    const t = await sessions(pair);
    const badToken = await register(pair, { ...t, remote: "0".repeat(32) });
    const unknownServer = await register(pair, t, { restServerIp: "192.0.2.1", restServerPort: 443 });
    const wrongId = await register(pair, t, { storageDeviceId: "836000999999" });
    clock.advance(3000);
    const expect: Array<[JobView, string]> = [
      [badToken, KART.remoteAuthenticationFailed.messageId],
      [unknownServer, KART.remoteConnectionFailed.messageId],
      [wrongId, KART.storageDeviceIdMismatch.messageId],
    ];
    for (const [accepted, messageId] of expect) {
      const done = await job(pair.local, t.local, accepted.jobId);
      assert.equal(done.state, "Failed");
      assertErrorObject(done.error, messageId);
      assert.equal(done.error?.errorSource, RS);
    }
    assert.equal(pair.local.registrations().length, 0);
  });

  it("fails when the remote session idles out during the job (aliveTime < job duration)", async () => {
    const t = await sessions(pair, 1);
    const accepted = await register(pair, t);
    clock.advance(3000);
    const done = await job(pair.local, t.local, accepted.jobId);
    assert.equal(done.state, "Failed");
    assertErrorObject(done.error, KART.remoteAuthenticationFailed.messageId);
  });

  it("a stopped remote is unreachable until it starts again on the same address", async () => {
    const t = await sessions(pair);
    await pair.remote.stop();
    try {
      const accepted = await register(pair, t);
      clock.advance(3000);
      const done = await job(pair.local, t.local, accepted.jobId);
      assertErrorObject(done.error, KART.remoteConnectionFailed.messageId);
    } finally {
      await pair.remote.start();
    }
    const again = await register(pair, t);
    clock.advance(3000);
    assert.equal((await job(pair.local, t.local, again.jobId)).state, "Succeeded");
  });

  it("failNextJob() fails exactly the next job with the given SSB codes", async () => {
    const t = await sessions(pair);
    pair.local.failNextJob({ messageId: "KART40099-E", SSB1: "B958", SSB2: "0947" });
    const failed = await register(pair, t);
    clock.advance(3000);
    const done = await job(pair.local, t.local, failed.jobId);
    assert.equal(done.state, "Failed");
    assert.equal(done.error?.messageId, "KART40099-E");
    assert.deepEqual(done.error?.errorCode, { SSB1: "B958", SSB2: "0947" });
    assert.equal(pair.local.registrations().length, 0);
    const ok = await register(pair, t);
    clock.advance(3000);
    assert.equal((await job(pair.local, t.local, ok.jobId)).state, "Succeeded");
  });

  it("hangJobs(true) keeps jobs Running until released", async () => {
    const t = await sessions(pair);
    pair.local.hangJobs(true);
    const accepted = await register(pair, t);
    clock.advance(60_000);
    assert.deepEqual([(await job(pair.local, t.local, accepted.jobId)).status], ["Running"]);
    assert.equal(pair.local.registrations().length, 0);
    pair.local.hangJobs(false);
    const done = await job(pair.local, t.local, accepted.jobId);
    assert.equal(done.state, "Succeeded");
  });

  it("a POST whose reply is lost (resetAfterHandling) still registers at completion", async () => {
    const t = await sessions(pair);
    pair.local.server.faults.add({ route: `POST ${RS}`, resetAfterHandling: true });
    await assert.rejects(
      fetch(pair.local.url + RS, {
        method: "POST",
        headers: { authorization: `Session ${t.local}`, "remote-authorization": `Session ${t.remote}` },
        body: JSON.stringify(registerBody(pair)),
      }),
    );
    assert.equal(pair.local.registrations().length, 0);
    clock.advance(3000);
    assert.deepEqual(
      pair.local.registrations().map((r) => r.storageDeviceId),
      ["832000420000"],
    );
  });

  it("injected 503 faults carry the busy error object", async () => {
    const t = await sessions(pair);
    pair.local.server.faults.add({ route: `POST ${RS}`, status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await call(pair.local, RS, {
        method: "POST",
        token: t.local,
        remoteToken: t.remote,
        body: registerBody(pair),
      });
      assert.equal(r.status, 503);
      assertErrorObject(r.body, "KART00003-E");
    }
    await register(pair, t);
    assert.equal(pair.local.server.requestCount(`POST ${RS}`) >= 3, true);
    clock.advance(3000); // settle the job before the next test
  });

  it("exposes drift: removeRegistration and mutateRegistration", async () => {
    const t = await sessions(pair);
    await register(pair, t);
    clock.advance(3000);
    pair.local.mutateRegistration("832000420000", { restServerPort: 1 });
    assert.equal((await call(pair.local, `${RS}/832000420000`, { token: t.local })).body.restServerPort, 1);
    assert.equal(pair.local.removeRegistration("832000420000"), true);
    const gone = await call(pair.local, `${RS}/832000420000`, { token: t.local });
    assert.equal(gone.status, 404);
    assertErrorObject(gone.body, "KART30013-E");
  });
});

describe("Hitachi sim: remote storage deletion", () => {
  let clock: ManualClock;
  let pair: HitachiPair;
  let t: { local: string; remote: string };
  before(async () => {
    clock = new ManualClock();
    pair = await startHitachiPair({ clock, common: { jobDurationMs: { registerMs: 3000, deleteMs: 1000 } } });
    t = await sessions(pair);
  });
  after(() => pair.stop());

  it("answers 404 KART30013-E for an unknown id and 400 for the local array", async () => {
    const r = await call(pair.local, `${RS}/832000999999`, {
      method: "DELETE",
      token: t.local,
      body: { isMutualDeletion: false },
    });
    assert.equal(r.status, 404);
    assertErrorObject(r.body, "KART30013-E");
    const local = await call(pair.local, `${RS}/836000410000`, { method: "DELETE", token: t.local });
    assert.equal(local.status, 400);
    assertErrorObject(local.body, KART.cannotDeleteLocal.messageId);
  });

  it("deletes both registrations with isMutualDeletion, at completion", async () => {
    await register(pair, t, { isMutualDiscovery: true });
    clock.advance(3000);
    assert.equal(pair.remote.registrations().length, 1);

    const missingRemote = await call(pair.local, `${RS}/832000420000`, {
      method: "DELETE",
      token: t.local,
      body: { isMutualDeletion: true },
    });
    assert.equal(missingRemote.status, 400);
    assertErrorObject(missingRemote.body, KART.remoteAuthorizationMissing.messageId);

    const r = await call(pair.local, `${RS}/832000420000`, {
      method: "DELETE",
      token: t.local,
      remoteToken: t.remote,
      body: { isMutualDeletion: true },
    });
    assert.equal(r.status, 202);
    clock.advance(999);
    assert.equal(pair.local.registrations().length, 1);
    clock.advance(1);
    const done = await job(pair.local, t.local, r.body.jobId);
    assert.equal(done.state, "Succeeded");
    assert.deepEqual(done.affectedResources, [`${RS}/832000420000`]);
    assert.equal((await call(pair.local, done.affectedResources![0]!, { token: t.local })).status, 404);
    assert.equal(pair.local.registrations().length, 0);
    assert.equal(pair.remote.registrations().length, 0);
  });

  it("without mutual deletion leaves the reverse entry and needs no Remote-Authorization", async () => {
    await register(pair, t, { isMutualDiscovery: true });
    clock.advance(3000);
    const r = await call(pair.local, `${RS}/832000420000`, {
      method: "DELETE",
      token: t.local,
      body: { isMutualDeletion: false },
    });
    assert.equal(r.status, 202);
    clock.advance(1000);
    assert.equal(pair.local.registrations().length, 0);
    assert.deepEqual(
      pair.remote.registrations().map((x) => x.storageDeviceId),
      ["836000410000"],
    );
    pair.remote.removeRegistration("836000410000");
  });
});

describe("Hitachi sim: Response-Job-Status: Completed", () => {
  const holdHeaders = { "Response-Job-Status": "Completed" };

  it("does not hold by default (maxHoldRealMs 0)", async () => {
    const pair = await startHitachiPair({ clock: new ManualClock() });
    try {
      const t = await sessions(pair);
      const r = await call(pair.local, RS, {
        method: "POST",
        token: t.local,
        remoteToken: t.remote,
        headers: holdHeaders,
        body: registerBody(pair),
      });
      assert.equal(r.status, 202);
      assert.equal(r.body.status, "Initializing");
    } finally {
      await pair.stop();
    }
  });

  it("holds until the job completes on the clock", async () => {
    const clock = new ManualClock();
    const pair = await startHitachiPair({ clock, common: { maxHoldRealMs: 5000 } });
    try {
      const t = await sessions(pair);
      const pending = call(pair.local, RS, {
        method: "POST",
        token: t.local,
        remoteToken: t.remote,
        headers: holdHeaders,
        body: registerBody(pair),
      });
      setTimeout(() => clock.advance(3000), 50);
      const r = await pending;
      assert.equal(r.status, 202);
      assert.deepEqual([r.body.status, r.body.state], ["Completed", "Succeeded"]);
    } finally {
      await pair.stop();
    }
  });

  it("stops holding after Response-Max-Wait seconds of clock time", async () => {
    const clock = new ManualClock();
    const pair = await startHitachiPair({ clock, common: { maxHoldRealMs: 5000 } });
    try {
      const t = await sessions(pair);
      const pending = call(pair.local, RS, {
        method: "POST",
        token: t.local,
        remoteToken: t.remote,
        headers: { ...holdHeaders, "Response-Max-Wait": "1" },
        body: registerBody(pair),
      });
      setTimeout(() => clock.advance(1000), 50);
      const r = await pending;
      assert.deepEqual([r.body.status, r.body.state], ["Running", "Started"]);
    } finally {
      await pair.stop();
    }
  });

  it("works on a ScaledClock (demo speed)", async () => {
    const clock = new ScaledClock(100);
    const pair = await startHitachiPair({ clock, common: { maxHoldRealMs: 5000 } });
    try {
      const t = await sessions(pair);
      const t0 = performance.now();
      const r = await call(pair.local, RS, {
        method: "POST",
        token: t.local,
        remoteToken: t.remote,
        headers: holdHeaders,
        body: registerBody(pair),
      });
      assert.equal(r.body.state, "Succeeded");
      assert.ok(performance.now() - t0 < 3000);
      assert.equal(pair.local.registrations().length, 1);
    } finally {
      await pair.stop();
    }
  });
});

describe("Hitachi sim: modes for stricter readings (issue 9)", () => {
  it("jobList 'absent' answers 404 KART30013-E and 'forbidden' 403; jobs by id still work", async () => {
    for (const [mode, status, id] of [
      ["absent", 404, "KART30013-E"],
      ["forbidden", 403, KART.forbidden.messageId],
    ] as const) {
      const pair = await startHitachiPair({ clock: new ManualClock(), local: { jobList: mode } });
      try {
        const t = await sessions(pair);
        const list = await call(pair.local, `${CM}/v1/objects/jobs?count=100`, { token: t.local });
        assert.equal(list.status, status);
        assertErrorObject(list.body, id);
        const posted = await register(pair, t);
        assert.equal((await job(pair.local, t.local, posted.jobId)).jobId, posted.jobId);
      } finally {
        await pair.stop();
      }
    }
  });

  it("holdSessionCap(ms) fills the cap with another client's sessions that idle out after ms", async () => {
    const clock = new ManualClock();
    const array = await startHitachiArray({
      model: "VSP G200",
      serialNumber: 420000,
      users: { u: "p" },
      clock,
      sessionCap: 3,
    });
    try {
      assert.equal(array.holdSessionCap(5000), 3);
      const r = await call(array, `${CM}/v1/objects/sessions`, { method: "POST", basic: ["u", "p"] });
      assert.equal(r.status, 503);
      assertErrorObject(r.body, KART.sessionLimit.messageId);
      clock.advance(5001);
      await login(array, "u", "p");
    } finally {
      await array.stop();
    }
  });

  it("deleteRequiresRemoteAuthorization refuses a DELETE without the header even when not mutual", async () => {
    const clock = new ManualClock();
    const pair = await startHitachiPair({
      clock,
      common: { jobDurationMs: 1000 },
      local: { deleteRequiresRemoteAuthorization: true },
    });
    try {
      const t = await sessions(pair);
      await register(pair, t, { isMutualDiscovery: false });
      clock.advance(1000);
      const refused = await call(pair.local, `${RS}/832000420000`, {
        method: "DELETE",
        token: t.local,
        body: { isMutualDeletion: false },
      });
      assert.equal(refused.status, 400);
      assertErrorObject(refused.body, KART.remoteAuthorizationMissing.messageId);
      const r = await call(pair.local, `${RS}/832000420000`, {
        method: "DELETE",
        token: t.local,
        remoteToken: t.remote,
        body: { isMutualDeletion: false },
      });
      assert.equal(r.status, 202);
      clock.advance(1000);
      assert.equal(pair.local.registrations().length, 0);
    } finally {
      await pair.stop();
    }
  });

  it("a remote session idle for longer than aliveTime during a long job fails the job", async () => {
    const clock = new ManualClock();
    const pair = await startHitachiPair({ clock, common: { jobDurationMs: 20 * 60_000 } });
    try {
      const t = await sessions(pair, 300);
      const posted = await register(pair, t);
      clock.advance(20 * 60_000);
      const fresh = await login(pair.local, "local_user", "local_pass");
      const done = await job(pair.local, fresh.token, posted.jobId);
      assert.equal(done.state, "Failed");
      assert.equal(done.error?.messageId, KART.remoteAuthenticationFailed.messageId);
    } finally {
      await pair.stop();
    }
  });

  it("a remote session used every few minutes keeps a 20-minute job alive", async () => {
    const clock = new ManualClock();
    const pair = await startHitachiPair({ clock, common: { jobDurationMs: 20 * 60_000 } });
    try {
      const remote = await login(pair.remote, "remote_user", "remote_pass", 300);
      const local = await login(pair.local, "local_user", "local_pass");
      const posted = await register(pair, { local: local.token, remote: remote.token });
      for (let i = 0; i < 10; i++) {
        clock.advance(2 * 60_000);
        const alive = await call(pair.remote, `${CM}/v1/objects/sessions/${remote.sessionId}`, {
          token: remote.token,
        });
        assert.equal(alive.status, 200);
      }
      const fresh = await login(pair.local, "local_user", "local_pass");
      const done = await job(pair.local, fresh.token, posted.jobId);
      assert.equal(done.state, "Succeeded");
    } finally {
      await pair.stop();
    }
  });
});
