/**
 * Level 1: what the VRG client does with what the VRG says about itself once: the login
 * answer's `validity` (renew before expiry, never send a dead token, never log a dead token
 * out) and the version list of `apiVersion: "auto"` (fetched once per process and VRG).
 * Also the messages of a failed pairing and of a volume in error, which must say what to do.
 */
import { afterEach, beforeEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { drainSessions } from "../../../provider/core/session";
import { isDrplaneError } from "../../../provider/core/errors";
import { ensurePairing } from "../../../provider/vendors/vrg/pairing";
import { getNetInfos, getVrgStatus } from "../../../provider/vendors/vrg/status";
import { ensureStrategy } from "../../../provider/vendors/vrg/strategy";
import { startVrg, startVrgPair, VOL_STATUS, type VrgSim } from "../../sim/vrg";
import { cleanSlate, clientFor, drOf, newVm, useCredentials } from "./fixtures";

let clock: ManualClock;
let vrg: VrgSim;

beforeEach(async () => {
  clock = new ManualClock();
  vrg = await startVrg({ clock, role: "dr", tokenValidityMs: 120_000, pairingMs: 1_000, volumeSetMs: 1_000 });
  useCredentials();
});

afterEach(async () => {
  await cleanSlate();
  await vrg.stop();
});

/** Answers the VRG refused (400), as "METHOD path errorCode". */
function refused(sim: VrgSim): string[] {
  return sim.server
    .requests("*")
    .filter((e) => e.status === 400)
    .map((e) => `${e.method} ${e.path}`);
}

test("the login answer's validity is honoured: the token is renewed before it expires, no request is refused", async () => {
  const c = clientFor(vrg, clock);
  await getVrgStatus(c);
  clock.advance(115_000); // inside the validity (120 s), past the renewal point
  await getVrgStatus(c);
  assert.equal(vrg.logins, 2, "renewed before expiry");
  clock.advance(10_000); // the first token is dead now; the second is not
  await getNetInfos(c);
  assert.equal(vrg.logins, 2);
  clock.advance(400_000); // everything is dead: log in again without trying the dead token
  await getVrgStatus(c);
  assert.equal(vrg.logins, 3);
  await drainSessions();
  assert.deepEqual(refused(vrg), [], "no request with a dead token, no logout of a dead token");
  assert.equal(vrg.liveTokens, 0, "every live token was logged out");
});

test('apiVersion "auto" fetches the version list once per process and VRG, however many clients and calls', async () => {
  const clients = Array.from({ length: 3 }, () => clientFor(vrg, clock, { apiVersion: "auto" }));
  await Promise.all(clients.map((c) => getVrgStatus(c)));
  await getNetInfos(clientFor(vrg, clock, { apiVersion: "auto" }));
  assert.equal(vrg.requestCount("GET /vrgservice/versions"), 1);
  assert.equal(vrg.logins, 1);
});

test("a failed pairing says what failed once, then the VRG's status and the remedy", async () => {
  const pair = await startVrgPair({ clock, common: { pairingMs: 1_000 } });
  try {
    pair.production.failNextPairing();
    const peer = pair.dr.replicationAddress;
    const where = `${peer.ip}:${peer.port}`;
    await assert.rejects(
      ensurePairing({
        client: clientFor(pair.production, clock),
        peerIp: peer.ip,
        peerPort: peer.port,
        timeoutMs: 60_000,
      }),
      (err: unknown) => {
        assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
        const first = err.message.split("\n")[0]!;
        assert.equal(first.split(`pairing with ${where}`).length, 2, first);
        assert.match(first, /status 3/);
        assert.match(err.message, /remedy: check that the peer VRG is up/);
        return true;
      },
    );
  } finally {
    await cleanSlate();
    useCredentials();
    await pair.stop();
  }
});

test("setting a strategy again on a volume in a path error fails with a remedy (not silently, not without one)", async () => {
  const vm = newVm(2);
  vrg.addVm(vm);
  const c = clientFor(vrg, clock);
  await ensureStrategy({ client: c, strategy: drOf(vm), timeoutMs: 60_000 });
  vrg.failVolume(vm.uuid, vm.volumes[0]!, VOL_STATUS.pathError);
  // What the handler's update does for an unhealthy strategy: set it again, then wait.
  await assert.rejects(
    ensureStrategy({ client: c, strategy: drOf(vm), adopt: true, reset: true, timeoutMs: 60_000 }),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"));
      assert.match(err.message, new RegExp(`volume ${vm.volumes[0]}: volume path error`));
      assert.match(err.message, /remedy: .*volumeUrl/);
      return true;
    },
  );
});
