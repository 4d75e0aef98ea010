/**
 * Level 1: the VRG client against the simulator: login and token sharing, never retrying a
 * wrong password, lockout, token expiry mid-operation, transient faults, the error-code
 * table, and both wire key styles. One ManualClock is shared by the simulator and the client.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { isDrplaneError } from "../../../provider/core/errors";
import { VrgClient } from "../../../provider/vendors/vrg/client";
import { vrgHttpError } from "../../../provider/vendors/vrg/errors";
import { ensurePairing, getPairing } from "../../../provider/vendors/vrg/pairing";
import { getVrgStatus, getNetInfos } from "../../../provider/vendors/vrg/status";
import { ensureStrategy } from "../../../provider/vendors/vrg/strategy";
import { startVrg, startVrgPair, sha256Hex, type VrgPair, type VrgSim } from "../../sim/vrg";
import { cleanSlate, clientFor, drOf, newVm, PASSWORD, productionOf, useCredentials } from "./fixtures";

const LOGIN = "POST /vrgservice/session";

let clock: ManualClock;
let vrg: VrgSim;

beforeEach(async () => {
  clock = new ManualClock();
  vrg = await startVrg({ clock, role: "production" });
  useCredentials();
});

afterEach(async () => {
  await cleanSlate();
  assert.equal(vrg.liveTokens, 0, "every token was logged out");
  await vrg.stop();
});

test("logs in with the lowercase SHA-256 of the password and shares one token across clients and calls", async () => {
  const a = clientFor(vrg, clock);
  const b = clientFor(vrg, clock);
  await Promise.all([getVrgStatus(a), getVrgStatus(b), getNetInfos(a)]);
  await getVrgStatus(b);
  assert.equal(vrg.requestCount(LOGIN), 1, "one login for four calls from two clients");
  // The simulator refuses anything but 64 lowercase hex digits of the right SHA-256 (10440200).
  assert.equal(vrg.logins, 1);
  assert.equal(vrg.failedLogins, 0);
  assert.equal(await a.vrgUuid(), vrg.uuid, "the login answer's uuid names the VRG");
});

test('apiVersion "auto" queries GET /versions once (no token) and logs in at the listed loginUri', async () => {
  const c = clientFor(vrg, clock, { apiVersion: "auto" });
  assert.deepEqual(await c.versions(), [{ version: "v1.0", loginUri: "/vrgservice/session" }]);
  await Promise.all([getVrgStatus(c), getNetInfos(c)]);
  assert.equal(
    vrg.requestCount("GET /vrgservice/versions"),
    2,
    "one explicit call, one for the client's version",
  );
  assert.equal(vrg.logins, 1);
});

test("a wrong password is sent exactly once, however many resources use the profile, concurrently or later", async () => {
  useCredentials({ prod: { username: "user", password: "Wrong-Pass-1" } });
  const clients = Array.from({ length: 8 }, () => clientFor(vrg, clock));
  const results = await Promise.allSettled(clients.map((c) => getVrgStatus(c)));
  for (const r of results) {
    assert.equal(r.status, "rejected");
    const err = (r as PromiseRejectedResult).reason;
    assert.ok(isDrplaneError(err, "DRP_AUTH"), String(err));
    assert.match(err.message, /wrong password/);
    assert.match(err.message, /profile "prod"/);
    assert.ok(!err.message.includes("Wrong-Pass-1"), "the password is not in the message");
    assert.ok(!err.message.includes(sha256Hex("Wrong-Pass-1")), "nor its hash");
  }
  // Later resources of the same run (sequential, new clients) do not try it again.
  for (let i = 0; i < 3; i++) {
    await assert.rejects(getPairing(clientFor(vrg, clock)), (e: unknown) => isDrplaneError(e, "DRP_AUTH"));
  }
  assert.equal(vrg.failedLogins, 1, "one login attempt with the wrong password");
  assert.equal(vrg.lockState().locked, false, "the account is not locked");
  // A corrected password is tried (once) and works.
  useCredentials();
  await getVrgStatus(clientFor(vrg, clock));
  assert.equal(vrg.logins, 1);
});

test("a locked account is reported with the seed's meaning and not tried again during the lock", async () => {
  vrg.lockAccount();
  await assert.rejects(getVrgStatus(clientFor(vrg, clock)), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_AUTH"));
    assert.equal(err.meta.vendorCode, "10440208");
    assert.match(err.message, /locked/);
    return true;
  });
  await assert.rejects(getVrgStatus(clientFor(vrg, clock)), /locked/);
  assert.equal(vrg.failedLogins, 1, "the second call sent nothing");
});

test("an unknown user fails clearly (10440201) and is not retried", async () => {
  useCredentials({ prod: { username: "nobody", password: PASSWORD } });
  await assert.rejects(getVrgStatus(clientFor(vrg, clock)), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_AUTH"));
    assert.equal(err.meta.vendorCode, "10440201");
    assert.match(err.message, /user does not exist/);
    return true;
  });
  assert.equal(vrg.failedLogins, 1);
});

test("a token that expires mid-operation is replaced once and the operation completes", async () => {
  const c = clientFor(vrg, clock);
  await getVrgStatus(c);
  vrg.expireAllTokens();
  const s = await getVrgStatus(c);
  assert.equal(s.state, "normal");
  assert.equal(vrg.logins, 2, "one re-login");
  // Expiry on the clock (600 000 ms from login) is handled the same way.
  clock.advance(600_001);
  await getNetInfos(c);
  assert.equal(vrg.logins, 3);
});

test("a 401 answer for an expired token (as other FusionCompute services send) is handled too", async () => {
  const v401 = await startVrg({ clock, tokenErrorStatus: 401 });
  try {
    const c = clientFor(v401, clock);
    await getVrgStatus(c);
    v401.expireAllTokens();
    await getVrgStatus(c);
    assert.equal(v401.logins, 2);
  } finally {
    await cleanSlate();
    useCredentials();
    await v401.stop();
  }
});

test("503 and connection resets on reads are retried; a 503 on login is retried, the password still sent once per answer", async () => {
  vrg.server.faults.add({ route: "GET /vrgservice/vrgstatus", status: 503, times: 2 });
  vrg.server.faults.add({ route: "GET /vrgservice/netinfos", reset: true, times: 1 });
  vrg.server.faults.add({ route: LOGIN, status: 503, times: 1 });
  const c = clientFor(vrg, clock);
  assert.equal((await getVrgStatus(c)).state, "normal");
  assert.equal((await getNetInfos(c)).length, 3);
  assert.equal(vrg.logins, 1);
});

test("a login whose reply is lost is not repeated (it may have counted against the lock)", async () => {
  vrg.server.faults.add({ route: LOGIN, resetAfterHandling: true, times: 1 });
  await assert.rejects(getVrgStatus(clientFor(vrg, clock)), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_VENDOR"));
    assert.match(err.message, /not retried/);
    return true;
  });
  assert.equal(vrg.requestCount(LOGIN), 1);
  // The next run logs in normally.
  await getVrgStatus(clientFor(vrg, clock));
  // The token of the lost answer is unknown to us: it lives until it expires on the VRG.
  assert.equal(vrg.liveTokens, 2);
  vrg.expireAllTokens();
});

test("error bodies map to drplane classes with the seed's meaning beside the VRG's own text", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["10440101", "DRP_INPUT", /invalid input parameter/],
    ["10440102", "DRP_AUTH", /not logged in or the session timed out/],
    ["10440202", "DRP_AUTH", /wrong password/],
    ["10440207", "DRP_AUTH", /locked for 5 minutes/],
    ["10440301", "DRP_INPUT", /invalid IP address/],
    ["10440302", "DRP_INPUT", /invalid port/],
    ["10440306", "DRP_CONFLICT", /duplicate volume UUID/],
    ["10440308", "DRP_NOT_FOUND", /no virtual machine exists/],
    ["10440309", "DRP_CONFLICT", /duplicate disk slot number/],
    ["10440400", "DRP_NOT_FOUND", /virtual machine does not exist/],
    ["10440401", "DRP_INPUT", /invalid virtual machine UUID/],
    ["10440402", "DRP_NOT_FOUND", /no alarm server/],
    ["10440000", "DRP_VENDOR", /internal system error/],
  ];
  for (const [code, cls, meaning] of cases) {
    const err = vrgHttpError("op", 400, { errorCode: code, errorDes: "虚拟机不存在" }, "");
    assert.equal(err.code, cls, code);
    assert.match(err.message, meaning, code);
    assert.equal(err.meta.vendorCode, code);
    assert.match(err.message, /虚拟机不存在/, "the VRG's own errorDes is kept");
  }
  assert.equal(
    vrgHttpError("op", 400, { errorCode: 10440400 }, "").code,
    "DRP_NOT_FOUND",
    "numeric codes too",
  );
  assert.equal(vrgHttpError("op", 503, undefined, "").code, "DRP_TRANSIENT");
  assert.equal(vrgHttpError("op", 400, { errorCode: "10449999", errorDes: "新错误" }, "").code, "DRP_INPUT");
});

test("a VRG error reaches the caller with its class, code and meaning (zh_CN errorDes kept)", async () => {
  const c = clientFor(vrg, clock, { language: "zh_CN" });
  const vm = newVm();
  await assert.rejects(
    ensureStrategy({ client: c, strategy: productionOf(vm), timeoutMs: 60_000 }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_NOT_FOUND"));
      assert.equal(err.meta.vendorCode, "10440400");
      assert.match(err.message, /the virtual machine does not exist/);
      assert.match(err.message, /虚拟机不存在/);
      return true;
    },
  );
});

for (const keyStyle of ["camel", "snake"] as const) {
  test(`key style ${keyStyle}: pairing and both strategy roles round-trip through the one mapping layer`, async () => {
    let pair: VrgPair | undefined;
    try {
      pair = await startVrgPair({ clock, keyStyle });
      const vm = newVm(2);
      pair.addVm(vm);
      const prod = new VrgClient({ endpoint: pair.production.url, profile: "prod", keyStyle }, clock);
      const dr = new VrgClient({ endpoint: pair.dr.url, profile: "dr", keyStyle }, clock);
      const peer = pair.dr.replicationAddress;
      const p = await ensurePairing({
        client: prod,
        peerIp: peer.ip,
        peerPort: peer.port,
        timeoutMs: 60_000,
      });
      assert.equal(p.record.status, 1);
      assert.equal(p.record.peerIp, peer.ip);
      const body = pair.production.server.requests("POST /vrgservice/vrgmap")[0];
      assert.ok(body, "vrgmap posted");
      const prodResult = await ensureStrategy({
        client: prod,
        strategy: productionOf(vm),
        timeoutMs: 60_000,
      });
      assert.equal(prodResult.record.role, "production");
      assert.equal(prodResult.record.encryption, "aes128");
      assert.equal(prodResult.record.compression, true);
      assert.deepEqual(
        prodResult.record.volumes.map((v) => [v.volUuid, v.slot]),
        vm.volumes.map((v, i) => [v, i + 1]),
      );
      const drSpec = drOf(vm, {
        volumes: drOf(vm).volumes.map((v) => ({
          ...v,
          volType: "DSWARE" as const,
          drExtParams: { dsMgntIp: "10.1.1.1", dsResourceId: "7" },
        })),
      });
      const drResult = await ensureStrategy({ client: dr, strategy: drSpec, timeoutMs: 60_000 });
      assert.equal(drResult.record.role, "dr");
      assert.equal(drResult.record.agentIp, "192.168.40.17");
      assert.equal(drResult.record.hostUrn, "urn:sites:1:hosts:7");
      const v0 = drResult.record.volumes[0]!;
      assert.equal(v0.volStatus, 1);
      assert.equal(v0.dsUrn, "urn:sites:1:datastores:3", "dstVolDsUrn read back as dsUrn");
      assert.equal(v0.volType, "DSWARE", "dstVolType read back as volType");
      assert.deepEqual(v0.drExtParams, { dsMgntIp: "10.1.1.1", dsResourceId: "7" });
      const stored = pair.dr.strategy(vm.uuid)!;
      assert.equal(stored.agentPort, 7100);
      assert.deepEqual(stored.volList[0]!.drExtParams, { dsMgntIp: "10.1.1.1", dsResourceId: "7" });
    } finally {
      await cleanSlate();
      useCredentials();
      await pair?.stop();
    }
  });
}
