/**
 * Behaviour of the VRG simulator (seed 001): sessions and lockout, token expiry on a ManualClock,
 * pairing, vmstrategy validation in both roles and both key styles, volStatus, paging, delete,
 * trapinfo. Run: node --import tsx --test test/sim/vrg/vrg-sim.test.ts
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../../provider/core/clock";
import {
  DEFAULT_VRG_PASSWORD,
  DEFAULT_VRG_USER,
  PAIR_STATUS,
  VOL_STATUS,
  sha256Hex,
  startVrg,
  startVrgPair,
  type KeyStyle,
  type VrgSim,
  type VrgSimOptions,
} from "./index";

const B = "/vrgservice";

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

async function call(vrg: VrgSim, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {
    Accept: "application/json;version=v1.0;charset=UTF-8",
    ...opts.headers,
  };
  if (opts.token) headers["X-Auth-Token"] = opts.token;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["Content-Type"] = "application/json; charset=UTF-8";
  const res = await fetch(vrg.url + B + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function loginRaw(
  vrg: VrgSim,
  user: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(vrg, "POST", "/session", { headers: { "X-Auth-User": user, "X-Auth-Key": key, ...headers } });
}

async function login(vrg: VrgSim, password = DEFAULT_VRG_PASSWORD): Promise<string> {
  const r = await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(password));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const token = r.headers.get("x-auth-token");
  assert.ok(token);
  return token;
}

function assertError(r: Reply, code: string, status = 400): void {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body?.errorCode, code, JSON.stringify(r.body));
  assert.equal(typeof r.body?.errorDes, "string");
}

/** Canonical camelCase → snake_case for request bodies. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase(),
      snakeKeys(v),
    ]),
  );
}

function styled(style: KeyStyle, body: unknown): unknown {
  return style === "snake" ? snakeKeys(body) : body;
}

const started: VrgSim[] = [];
async function vrgFor(opts: VrgSimOptions): Promise<VrgSim> {
  const vrg = await startVrg(opts);
  started.push(vrg);
  return vrg;
}
after(async () => {
  await Promise.allSettled(started.map((v) => v.stop()));
});

function productionBody(vmUuid: string, vols: Array<[string, number]>): Record<string, unknown> {
  return {
    vmUuid,
    vmId: "i-00000001",
    vmName: "vm-1",
    encryptOption: 1,
    compressOption: 1,
    volList: vols.map(([volUuid, seqNum]) => ({ volUuid, seqNum })),
  };
}

function drBody(
  vmUuid: string,
  vols: Array<[string, number]>,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    vmUuid,
    hostUrn: "urn:sites:4D9D0771:hosts:161",
    agentIp: "192.0.2.31",
    agentPort: 8030,
    volList: vols.map(([volUuid, seqNum]) => ({
      volUuid,
      volumeUrl: `http://192.0.2.40/volumes/${volUuid}`,
      dsUrn: "urn:sites:4D9D0771:datastores:12",
      volType: "DSWARE",
      seqNum,
      drExtParams: { dsMgntIp: "192.0.2.50", dsResourceId: "1" },
    })),
    ...over,
  };
}

describe("login, lockout, tokens (seed §2.1.4, §3.1)", () => {
  const clock = new ManualClock();
  let vrg: VrgSim;
  before(async () => {
    vrg = await vrgFor({ clock });
  });

  it("lists versions without a token", async () => {
    const r = await call(vrg, "GET", "/versions");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { versions: [{ version: "v1.0", loginUri: "/vrgservice/session" }] });
  });

  it("logs in with X-Auth-Key = lowercase hex SHA-256 of the password; token in the X-Auth-Token header", async () => {
    const r = await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD));
    assert.equal(r.status, 200);
    assert.match(r.headers.get("x-auth-token") ?? "", /^[0-9a-f]{48}$/);
    assert.deepEqual(r.body, { validity: 600000, uuid: vrg.uuid });
    assert.equal(vrg.logins, 1);
    assert.equal(vrg.liveTokens, 1);
    // credentials are redacted in the request log
    const entry = vrg.server.requests("POST /vrgservice/session").at(-1);
    assert.equal(entry?.headers["x-auth-key"], "***");
  });

  it("rejects a plaintext or uppercase key (10440200) and an unknown user (10440201)", async () => {
    const before = vrg.failedLogins;
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, DEFAULT_VRG_PASSWORD), "10440200");
    assertError(
      await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD).toUpperCase()),
      "10440200",
    );
    assertError(await loginRaw(vrg, "nobody", sha256Hex(DEFAULT_VRG_PASSWORD)), "10440201");
    assertError(await call(vrg, "POST", "/session"), "10440101");
    assert.equal(vrg.failedLogins, before + 4);
    assert.equal(vrg.lockState().consecutiveFailures, 0, "format errors do not count towards the lock");
  });

  it("counts wrong passwords, locks after three (10440207), refuses while locked (10440208), unlocks after 5 min", async () => {
    const wrong = sha256Hex("wrong");
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440202");
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440202");
    assert.deepEqual(vrg.lockState(), { consecutiveFailures: 2, locked: false });
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440207");
    const state = vrg.lockState();
    assert.equal(state.locked, true);
    assert.equal(state.lockedUntil, clock.now() + 300_000);
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD)), "10440208");
    assert.equal(vrg.counters.lockouts, 1);
    clock.advance(299_999);
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD)), "10440208");
    clock.advance(1);
    await login(vrg);
    assert.deepEqual(vrg.lockState(), { consecutiveFailures: 0, locked: false });
  });

  it("a success resets the count; the lock is resettable by the test", async () => {
    const wrong = sha256Hex("wrong");
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440202");
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440202");
    await login(vrg);
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, wrong), "10440202");
    assert.equal(vrg.lockState().consecutiveFailures, 1);
    vrg.lockAccount();
    assertError(await loginRaw(vrg, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD)), "10440208");
    vrg.resetLockout();
    await login(vrg);
  });

  it("acceptUppercaseKey lets an uppercase-hex key in", async () => {
    const upper = await vrgFor({ clock, acceptUppercaseKey: true });
    const r = await loginRaw(upper, DEFAULT_VRG_USER, sha256Hex(DEFAULT_VRG_PASSWORD).toUpperCase());
    assert.equal(r.status, 200);
  });

  it("answers errorDes in Chinese with Accept-Language zh_CN", async () => {
    const r = await loginRaw(vrg, "nobody", sha256Hex("x"), { "Accept-Language": "zh_CN" });
    assertError(r, "10440201");
    assert.match(r.body.errorDes, /用户不存在/);
  });

  it("requires a token on every call (10440102) and expires it 600 000 ms after login", async () => {
    assertError(await call(vrg, "GET", "/vrgstatus"), "10440102");
    assertError(await call(vrg, "GET", "/vrgstatus", { token: "bogus" }), "10440102");
    const token = await login(vrg);
    clock.advance(300_000);
    const ok = await call(vrg, "GET", "/vrgstatus", { token });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-auth-token"), token);
    clock.advance(299_999);
    assert.equal(
      (await call(vrg, "GET", "/vrgstatus", { token })).status,
      200,
      "absolute: use does not extend",
    );
    clock.advance(1);
    assertError(await call(vrg, "GET", "/vrgstatus", { token }), "10440102");
  });

  it("expireAllTokens() ends every live token; logout ends one; failNextLogout() → 10440205", async () => {
    const a = await login(vrg);
    const b = await login(vrg);
    assert.ok(vrg.liveTokens >= 2);
    assert.ok(vrg.expireAllTokens() >= 2);
    assert.equal(vrg.liveTokens, 0);
    assertError(await call(vrg, "GET", "/vrgstatus", { token: a }), "10440102");
    assertError(await call(vrg, "GET", "/vrgstatus", { token: b }), "10440102");
    const c = await login(vrg);
    vrg.failNextLogout();
    assertError(await call(vrg, "DELETE", "/session", { token: c }), "10440205");
    assert.equal((await call(vrg, "GET", "/vrgstatus", { token: c })).status, 200);
    const out = await call(vrg, "DELETE", "/session", { token: c });
    assert.equal(out.status, 200);
    assert.equal(out.body, undefined);
    assertError(await call(vrg, "GET", "/vrgstatus", { token: c }), "10440102");
    assert.equal(vrg.counters.logouts, 1);
  });

  it("idle expiry (option) is refreshed by use; tokenErrorStatus changes the HTTP status", async () => {
    const idleClock = new ManualClock();
    const idle = await vrgFor({ clock: idleClock, tokenExpiry: "idle", tokenErrorStatus: 401 });
    const token = await login(idle);
    for (let i = 0; i < 3; i++) {
      idleClock.advance(500_000);
      assert.equal((await call(idle, "GET", "/vrgstatus", { token })).status, 200);
    }
    idleClock.advance(600_000);
    assertError(await call(idle, "GET", "/vrgstatus", { token }), "10440102", 401);
  });
});

describe("trapinfo, vrgstatus, netinfos, modmngnet (seed §3.2–§3.5, §3.9)", () => {
  const clock = new ManualClock();
  let vrg: VrgSim;
  let token: string;
  before(async () => {
    vrg = await vrgFor({ clock });
    token = await login(vrg);
  });

  it("trapinfo: none → 10440402; set/get; 0.0.0.0 deletes", async () => {
    assertError(await call(vrg, "GET", "/trapinfo", { token }), "10440402");
    assert.equal(
      (await call(vrg, "POST", "/trapinfo", { token, body: { ip: "192.0.2.9", port: 162 } })).status,
      200,
    );
    assert.deepEqual((await call(vrg, "GET", "/trapinfo", { token })).body, { ip: "192.0.2.9", port: 162 });
    assert.equal(
      (await call(vrg, "POST", "/trapinfo", { token, body: { ip: "0.0.0.0", port: 162 } })).status,
      200,
    );
    assertError(await call(vrg, "GET", "/trapinfo", { token }), "10440402");
    assert.equal(vrg.trapInfo, undefined);
  });

  it("trapinfo: invalid ip 10440301, invalid port 10440302, not JSON 10440101", async () => {
    assertError(
      await call(vrg, "POST", "/trapinfo", { token, body: { ip: "300.1.1.1", port: 162 } }),
      "10440301",
    );
    assertError(
      await call(vrg, "POST", "/trapinfo", { token, body: { ip: "192.0.2.9", port: 70000 } }),
      "10440302",
    );
    assertError(
      await call(vrg, "POST", "/trapinfo", { token, body: { ip: "192.0.2.9", port: "162" } }),
      "10440302",
    );
    assertError(await call(vrg, "POST", "/trapinfo", { token, rawBody: "{ip:" }), "10440101");
  });

  it("trapinfo: trapNoneAnswer 'zeros' answers 0.0.0.0:0", async () => {
    const z = await vrgFor({ clock, trapNoneAnswer: "zeros" });
    const t = await login(z);
    assert.deepEqual((await call(z, "GET", "/trapinfo", { token: t })).body, { ip: "0.0.0.0", port: 0 });
  });

  it("vrgstatus: status and capacities; sampleTypes sends status as a string", async () => {
    const r = await call(vrg, "GET", "/vrgstatus", { token });
    assert.deepEqual(r.body, { status: 1, availableCapacity: 104857600, totalCapacity: 104857600 });
    vrg.setVrgStatus({ status: 2, availableCapacity: -2 });
    assert.deepEqual((await call(vrg, "GET", "/vrgstatus", { token })).body, {
      status: 2,
      availableCapacity: -2,
      totalCapacity: 104857600,
    });
    const s = await vrgFor({ clock, sampleTypes: true, keyStyle: "snake" });
    const t = await login(s);
    assert.deepEqual((await call(s, "GET", "/vrgstatus", { token: t })).body, {
      status: "1",
      available_capacity: 104857600,
      total_capacity: 104857600,
    });
  });

  it("netinfos: types 0/1/2, gateway only on 0; 10440305 when eth0 is missing", async () => {
    const r = await call(vrg, "GET", "/netinfos", { token });
    assert.equal(r.status, 200);
    const list = r.body.netInfos as Array<Record<string, unknown>>;
    assert.deepEqual(
      list.map((n) => n["type"]),
      [0, 1, 2],
    );
    assert.equal(list[0]?.["port"], vrg.server.port);
    assert.ok("gateway" in list[0]!);
    assert.ok(!("gateway" in list[1]!) && !("gateway" in list[2]!));
    assert.deepEqual(list[2], {
      type: 2,
      ip: "127.0.0.1",
      port: vrg.replicationAddress.port,
      netmask: "255.0.0.0",
    });
    vrg.setEth0Missing(true);
    assertError(await call(vrg, "GET", "/netinfos", { token }), "10440305");
    vrg.setEth0Missing(false);
  });

  it("modmngnet: changes the management address netinfos reports; validates", async () => {
    const body = { newIp: "192.0.2.77", newMask: "255.255.255.0", newGateway: "192.0.2.1" };
    const r = await call(vrg, "POST", "/modmngnet", { token, body });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { IP: "192.0.2.77", netmask: "255.255.255.0", netGateway: "192.0.2.1" });
    const net = (await call(vrg, "GET", "/netinfos", { token })).body.netInfos[0];
    assert.deepEqual(net, {
      type: 0,
      ip: "192.0.2.77",
      netmask: "255.255.255.0",
      gateway: "192.0.2.1",
      port: vrg.server.port,
    });
    assert.equal(vrg.fabric.lookup("192.0.2.77", vrg.server.port), vrg);
    assert.equal(vrg.counters.mngNetChanges, 1);
    assertError(
      await call(vrg, "POST", "/modmngnet", { token, body: { ...body, newIp: "1.2.3" } }),
      "10440301",
    );
    assertError(
      await call(vrg, "POST", "/modmngnet", { token, body: { ...body, newMask: "255.0.255.0" } }),
      "10440101",
    );
    assertError(
      await call(vrg, "POST", "/modmngnet", { token, body: { ...body, newGateway: "198.51.100.1" } }),
      "10440101",
    );
  });

  it("framework faults answer with the VRG error body (503) or reset the connection", async () => {
    vrg.server.faults.add({ route: "GET /vrgservice/vrgstatus", status: 503 });
    assertError(await call(vrg, "GET", "/vrgstatus", { token }), "10440000", 503);
    vrg.server.faults.add({ route: "GET /vrgservice/vrgstatus", reset: true });
    await assert.rejects(call(vrg, "GET", "/vrgstatus", { token }));
    vrg.injectError("GET /vrgservice/vrgstatus", "10440102");
    assertError(await call(vrg, "GET", "/vrgstatus", { token }), "10440102");
    assert.equal((await call(vrg, "GET", "/vrgstatus", { token })).status, 200);
  });

  it("unknown path → 404, wrong method → 405 with Allow", async () => {
    assert.equal((await call(vrg, "GET", "/nothing", { token })).status, 404);
    const r = await call(vrg, "DELETE", "/vmstrategy/" + randomUUID(), { token });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "POST");
  });
});

describe("vrgmap pairing (seed §3.7)", () => {
  for (const keyStyle of ["camel", "snake"] as const) {
    describe(`keyStyle ${keyStyle}`, () => {
      const clock = new ManualClock();
      let pair: Awaited<ReturnType<typeof startVrgPair>>;
      let pt: string;
      let dt: string;
      const k = (camel: string): string =>
        keyStyle === "snake" ? camel.replace(/([A-Z])/g, "_$1").toLowerCase() : camel;
      before(async () => {
        pair = await startVrgPair({ clock, keyStyle, common: { pairingMs: 3000 } });
        pt = await login(pair.production);
        dt = await login(pair.dr);
      });
      after(() => pair.stop());

      const target = (): Record<string, unknown> => ({
        [k("dstIp")]: pair.dr.replicationAddress.ip,
        [k("dstPort")]: pair.dr.replicationAddress.port,
      });

      it("unpaired → 4", async () => {
        assert.deepEqual((await call(pair.production, "GET", "/vrgmap", { token: pt })).body, { status: 4 });
      });

      it("rejects keys in the other style (10440101), bad ip (10440301), bad port (10440302)", async () => {
        const other =
          keyStyle === "snake"
            ? { dstIp: "192.0.2.1", dstPort: 7000 }
            : { dst_ip: "192.0.2.1", dst_port: 7000 };
        assertError(await call(pair.production, "POST", "/vrgmap", { token: pt, body: other }), "10440101");
        const bad = (ip: unknown, port: unknown): Record<string, unknown> => ({
          [k("dstIp")]: ip,
          [k("dstPort")]: port,
        });
        assertError(
          await call(pair.production, "POST", "/vrgmap", { token: pt, body: bad("192.0.2", 7000) }),
          "10440301",
        );
        assertError(
          await call(pair.production, "POST", "/vrgmap", { token: pt, body: bad("0.0.0.0", 7000) }),
          "10440301",
        );
        assertError(
          await call(pair.production, "POST", "/vrgmap", { token: pt, body: bad("192.0.2.1", 0) }),
          "10440302",
        );
      });

      it("pairing (2) → normal (1) after pairingMs, mirrored on the peer; link broken (5); DELETE → 4", async () => {
        assert.equal(
          (await call(pair.production, "POST", "/vrgmap", { token: pt, body: target() })).status,
          200,
        );
        const expected = {
          [k("dstIp")]: pair.dr.replicationAddress.ip,
          [k("dstPort")]: pair.dr.replicationAddress.port,
          status: 2,
        };
        assert.deepEqual((await call(pair.production, "GET", "/vrgmap", { token: pt })).body, expected);
        assert.equal((await call(pair.dr, "GET", "/vrgmap", { token: dt })).body.status, 4);
        clock.advance(2999);
        assert.equal((await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status, 2);
        clock.advance(1);
        assert.deepEqual((await call(pair.production, "GET", "/vrgmap", { token: pt })).body, {
          ...expected,
          status: 1,
        });
        assert.deepEqual((await call(pair.dr, "GET", "/vrgmap", { token: dt })).body, {
          [k("dstIp")]: pair.production.replicationAddress.ip,
          [k("dstPort")]: pair.production.replicationAddress.port,
          status: 1,
        });
        pair.production.breakLink();
        assert.equal(
          (await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status,
          PAIR_STATUS.linkBroken,
        );
        assert.equal(
          (await call(pair.dr, "GET", "/vrgmap", { token: dt })).body.status,
          PAIR_STATUS.linkBroken,
        );
        pair.production.restoreLink();
        assert.equal((await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status, 1);
        assert.equal((await call(pair.production, "DELETE", "/vrgmap", { token: pt })).status, 200);
        assert.deepEqual((await call(pair.production, "GET", "/vrgmap", { token: pt })).body, { status: 4 });
        assert.deepEqual((await call(pair.dr, "GET", "/vrgmap", { token: dt })).body, { status: 4 });
      });

      it("failNextPairing() → 3 after pairingMs; an unknown peer → 3; a retry succeeds", async () => {
        pair.production.failNextPairing();
        await call(pair.production, "POST", "/vrgmap", { token: pt, body: target() });
        clock.advance(3000);
        assert.equal(
          (await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status,
          PAIR_STATUS.failed,
        );
        await call(pair.production, "POST", "/vrgmap", { token: pt, body: target() });
        assert.equal((await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status, 2);
        clock.advance(3000);
        assert.equal((await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status, 1);
        const nowhere = { [k("dstIp")]: "192.0.2.250", [k("dstPort")]: 7000 };
        await call(pair.production, "POST", "/vrgmap", { token: pt, body: nowhere });
        clock.advance(3000);
        assert.equal((await call(pair.production, "GET", "/vrgmap", { token: pt })).body.status, 3);
        await call(pair.production, "DELETE", "/vrgmap", { token: pt });
      });
    });
  }

  it("a normal pairing shows 5 when the peer stops; startVrgPair({paired}) starts at 1", async () => {
    const clock = new ManualClock();
    const pair = await startVrgPair({ clock, paired: true });
    try {
      assert.equal(pair.production.pairing().status, 1);
      assert.equal(pair.dr.pairing().status, 1);
      assert.equal(pair.dr.pairing().mirrored, true);
      await pair.dr.stop();
      assert.equal(pair.production.pairing().status, PAIR_STATUS.linkBroken);
    } finally {
      await pair.stop();
    }
  });
});

describe("vmstrategy validation (seed §3.8.1, §3.8.2), both roles and both key styles", () => {
  for (const keyStyle of ["camel", "snake"] as const) {
    for (const role of ["production", "dr"] as const) {
      describe(`${role}, ${keyStyle}`, () => {
        const clock = new ManualClock();
        let vrg: VrgSim;
        let token: string;
        const vm = randomUUID();
        const make = role === "production" ? productionBody : drBody;
        const post = (body: unknown): Promise<Reply> =>
          call(vrg, "POST", "/vmstrategy", { token, body: styled(keyStyle, body) });
        before(async () => {
          vrg = await vrgFor({ clock, role, keyStyle });
          vrg.addVm({ uuid: vm, id: "i-00000001", name: "vm-1", volumes: ["vol-a", "vol-b", "vol-c"] });
          token = await login(vrg);
        });

        it("accepts a valid body (200, no body)", async () => {
          const r = await post(
            make(vm, [
              ["vol-a", 1],
              ["vol-b", 2],
            ]),
          );
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal(r.body, undefined);
          assert.equal(vrg.strategy(vm)?.flag, role === "production" ? 1 : 2);
        });

        it("rejects the other key style with 10440101", async () => {
          const body = make(vm, [["vol-a", 1]]);
          const wrong = keyStyle === "snake" ? body : snakeKeys(body);
          const r = await call(vrg, "POST", "/vmstrategy", { token, body: wrong });
          assertError(r, "10440101");
        });

        it("duplicate volume UUID → 10440306, duplicate slot → 10440309", async () => {
          assertError(
            await post(
              make(vm, [
                ["vol-a", 1],
                ["vol-a", 2],
              ]),
            ),
            "10440306",
          );
          assertError(
            await post(
              make(vm, [
                ["vol-a", 3],
                ["vol-b", 3],
              ]),
            ),
            "10440309",
          );
        });

        it("slot outside 1..40 or missing (Xen) → 10440101", async () => {
          assertError(await post(make(vm, [["vol-a", 41]])), "10440101");
          assertError(await post(make(vm, [["vol-a", 0]])), "10440101");
          const body = make(vm, [["vol-a", 1]]);
          delete ((body["volList"] as Array<Record<string, unknown>>)[0] as Record<string, unknown>)[
            "seqNum"
          ];
          assertError(await post(body), "10440101");
        });

        it("unknown VM → 10440400, malformed vmUuid → 10440401, missing volList → 10440101", async () => {
          assertError(await post(make(randomUUID(), [["vol-a", 1]])), "10440400");
          assertError(await post(make("not-a-uuid", [["vol-a", 1]])), "10440401");
          assertError(await post({ vmUuid: vm }), "10440101");
          assertError(await post(make(vm, [["vol-zzz", 1]])), "10440101");
        });

        if (role === "production") {
          it("encryptOption/compressOption must be 0 or 1", async () => {
            assertError(await post({ ...make(vm, [["vol-a", 1]]), encryptOption: 2 }), "10440101");
          });
        } else {
          it("DR: agentIp 10440301, agentPort 10440302, volType range, volumeUrl required, DSWARE needs drExtParams", async () => {
            assertError(await post(drBody(vm, [["vol-a", 1]], { agentIp: "bad" })), "10440301");
            assertError(await post(drBody(vm, [["vol-a", 1]], { agentPort: 65536 })), "10440302");
            const typed = drBody(vm, [["vol-a", 1]]);
            const vol = (typed["volList"] as Array<Record<string, unknown>>)[0]!;
            vol["volType"] = "ISCSI";
            assertError(await post(typed), "10440101");
            vol["volType"] = "DSWARE";
            delete vol["drExtParams"];
            assertError(await post(typed), "10440101");
            vol["volType"] = "NAS";
            assert.equal((await post(typed)).status, 200);
            delete vol["volumeUrl"];
            assertError(await post(typed), "10440101");
          });

          it("DR: drExtParams as a JSON string (table type String) with the seed's literal keys is accepted", async () => {
            const body = drBody(vm, [["vol-c", 5]]);
            const vol = (body["volList"] as Array<Record<string, unknown>>)[0]!;
            vol["drExtParams"] = { dsMgntIp: "192.0.2.50", dsResourceId: "7" };
            const sent = styled(keyStyle, body) as Record<string, any>;
            // the string is opaque: its keys stay as the seed writes them, whatever keyStyle
            sent[keyStyle === "snake" ? "vol_list" : "volList"][0][
              keyStyle === "snake" ? "dr_ext_params" : "drExtParams"
            ] = JSON.stringify({ dsMgntIp: "192.0.2.50", dsResourceId: "7" });
            const r = await call(vrg, "POST", "/vmstrategy", { token, body: sent });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            assert.deepEqual(vrg.strategy(vm)?.volList[0]?.drExtParams, {
              dsMgntIp: "192.0.2.50",
              dsResourceId: "7",
            });
          });
        }
      });
    }
  }

  it("role 'both' takes a DR body when it has agentIp, a production body otherwise", async () => {
    const vrg = await vrgFor({ role: "both", requireDeclaredVms: false });
    const token = await login(vrg);
    const [p, d] = [randomUUID(), randomUUID()];
    assert.equal(
      (await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(p, [["pv", 1]]) })).status,
      200,
    );
    assert.equal(
      (await call(vrg, "POST", "/vmstrategy", { token, body: drBody(d, [["dv", 1]]) })).status,
      200,
    );
    assert.deepEqual(
      vrg.strategies().map((s) => [s.vmUuid, s.flag]),
      [
        [p, 1],
        [d, 2],
      ],
    );
  });

  it("the same volume UUID on two VMs of one VRG → 10440306", async () => {
    const vrg = await vrgFor({ requireDeclaredVms: false });
    const token = await login(vrg);
    const a = randomUUID();
    const b = randomUUID();
    assert.equal(
      (await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(a, [["v1", 1]]) })).status,
      200,
    );
    assertError(
      await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(b, [["v1", 1]]) }),
      "10440306",
    );
  });
});

describe("GET vmstrategy: fields, volStatus, paging, filters (seed §3.8.3)", () => {
  it("production entry: flag 1, compressMethod/encryptMethod, volumes without volStatus", async () => {
    const vrg = await vrgFor({ requireDeclaredVms: false });
    const token = await login(vrg);
    const vm = randomUUID();
    await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(vm, [["v1", 1]]) });
    const r = await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token });
    assert.deepEqual(r.body, {
      vmList: [
        { flag: 1, vmUuid: vm, compressMethod: 1, encryptMethod: 1, volList: [{ volUuid: "v1", seqNum: 1 }] },
      ],
    });
    const table = await vrgFor({ requireDeclaredVms: false, responseNames: "table", sampleTypes: true });
    const t2 = await login(table);
    await call(table, "POST", "/vmstrategy", { token: t2, body: productionBody(vm, [["v1", 1]]) });
    const entry = (await call(table, "GET", `/vmstrategy?vmUuid=${vm}`, { token: t2 })).body.vmList[0];
    assert.equal(entry.compressOption, "1");
    assert.equal(entry.encryptOption, "1");
  });

  it("drExtParamsAs 'string' answers drExtParams as a JSON string", async () => {
    const vrg = await vrgFor({
      role: "dr",
      requireDeclaredVms: false,
      drExtParamsAs: "string",
      keyStyle: "snake",
    });
    const token = await login(vrg);
    const vm = randomUUID();
    await call(vrg, "POST", "/vmstrategy", { token, body: snakeKeys(drBody(vm, [["v1", 1]])) });
    const vol = (await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token })).body.vm_list[0].vol_list[0];
    assert.equal(vol.dr_ext_params, JSON.stringify({ dsMgntIp: "192.0.2.50", dsResourceId: "1" }));
  });

  for (const keyStyle of ["camel", "snake"] as const) {
    it(`DR volStatus: setting (5) → normal (1) on the clock; failVolume before and after (${keyStyle})`, async () => {
      const clock = new ManualClock();
      const vrg = await vrgFor({ clock, role: "dr", keyStyle, volumeSetMs: 2000 });
      const vm = randomUUID();
      vrg.addVm({ uuid: vm });
      const token = await login(vrg);
      vrg.failVolume(vm, "vol-b", VOL_STATUS.pathError);
      const body = styled(
        keyStyle,
        drBody(vm, [
          ["vol-a", 1],
          ["vol-b", 2],
        ]),
      );
      assert.equal((await call(vrg, "POST", "/vmstrategy", { token, body })).status, 200);
      const k = (camel: string): string =>
        keyStyle === "snake" ? camel.replace(/([A-Z])/g, "_$1").toLowerCase() : camel;
      const get = async (): Promise<any> =>
        (await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token })).body[k("vmList")][0];
      let entry = await get();
      assert.equal(entry.flag, 2);
      assert.equal(entry[k("agentIp")], "192.0.2.31");
      assert.equal(entry[k("agentPort")], 8030);
      assert.equal(entry[k("hostUrn")], "urn:sites:4D9D0771:hosts:161");
      const vol = entry[k("volList")][0];
      assert.deepEqual(vol, {
        [k("volUuid")]: "vol-a",
        [k("proVolUuid")]: "vol-a",
        [k("dstVolDsUrn")]: "urn:sites:4D9D0771:datastores:12",
        [k("dstVolType")]: "DSWARE",
        [k("volStatus")]: 5,
        [k("seqNum")]: 1,
        [k("volumeUrl")]: "http://192.0.2.40/volumes/vol-a",
        [k("drExtParams")]: { [k("dsMgntIp")]: "192.0.2.50", [k("dsResourceId")]: "1" },
      });
      assert.equal(entry[k("volList")][1][k("volStatus")], 5);
      clock.advance(1999);
      assert.equal((await get())[k("volList")][0][k("volStatus")], 5);
      clock.advance(1);
      entry = await get();
      assert.deepEqual(
        entry[k("volList")].map((v: any) => v[k("volStatus")]),
        [VOL_STATUS.normal, VOL_STATUS.pathError],
      );
      vrg.failVolume(vm, "vol-a", VOL_STATUS.typeError);
      assert.equal((await get())[k("volList")][0][k("volStatus")], VOL_STATUS.typeError);
      vrg.failVolume(vm, "vol-a", VOL_STATUS.normal);
      assert.equal((await get())[k("volList")][0][k("volStatus")], VOL_STATUS.normal);
    });
  }

  it("a target volume already used by another VRG of the fabric ends in 4", async () => {
    const clock = new ManualClock();
    const pair = await startVrgPair({
      clock,
      common: { requireDeclaredVms: false },
      production: { role: "dr" },
    });
    try {
      const t1 = await login(pair.production);
      const t2 = await login(pair.dr);
      const body = drBody(randomUUID(), [["v1", 1]]);
      await call(pair.production, "POST", "/vmstrategy", { token: t1, body });
      const other = drBody(randomUUID(), [["v1", 1]]);
      await call(pair.dr, "POST", "/vmstrategy", { token: t2, body: other });
      clock.advance(2000);
      assert.equal(pair.dr.strategies()[0]?.volList[0]?.volStatus, VOL_STATUS.usedByOtherVrg);
      assert.equal(pair.production.strategies()[0]?.volList[0]?.volStatus, VOL_STATUS.normal);
    } finally {
      await pair.stop();
    }
  });

  it("paging (≤ 100 per page), multi-vmUuid batches, faultVms=1, and the query rules", async () => {
    const vrg = await vrgFor({ requireDeclaredVms: false });
    const token = await login(vrg);
    assertError(await call(vrg, "GET", "/vmstrategy?limit=100&offset=0", { token }), "10440308");
    const vms: string[] = [];
    for (let i = 0; i < 250; i++) {
      const vm = randomUUID();
      vms.push(vm);
      const r = await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(vm, [[`v-${i}`, 1]]) });
      assert.equal(r.status, 200);
    }
    vrg.server.resetLog();
    const page = async (q: string): Promise<string[]> => {
      const r = await call(vrg, "GET", `/vmstrategy?${q}`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body.vmList as Array<{ vmUuid: string }>).map((v) => v.vmUuid);
    };
    assert.deepEqual(await page("limit=100&offset=0"), vms.slice(0, 100));
    assert.deepEqual(await page("limit=100&offset=100"), vms.slice(100, 200));
    assert.deepEqual(await page("limit=100&offset=200"), vms.slice(200));
    assert.deepEqual(await page("limit=10&offset=245"), vms.slice(245));
    // limit above 100 → limit=100, offset=0 (seed: "系统按照 limit=100, offset=0 处理")
    assert.deepEqual(await page("limit=500&offset=200"), vms.slice(0, 100));
    // no paging parameters → the first 100
    assert.deepEqual(await page(""), vms.slice(0, 100));
    // batched query
    const batch = vms.slice(150, 160);
    assert.deepEqual(await page(batch.map((u) => `vmUuid=${u}`).join("&")), batch);
    assert.equal(vrg.requestCount("GET /vrgservice/vmstrategy"), 7);
    assert.equal(vrg.logins, 1);
    // rules
    assertError(
      await call(vrg, "GET", `/vmstrategy?vmUuid=${vms[0]}&vmUuid=${randomUUID()}`, { token }),
      "10440400",
    );
    assertError(await call(vrg, "GET", `/vmstrategy?vmUuid=nope`, { token }), "10440401");
    assertError(await call(vrg, "GET", `/vmstrategy?limit=10`, { token }), "10440101");
    assertError(
      await call(vrg, "GET", `/vmstrategy?vmUuid=${vms[0]}&limit=10&offset=0`, { token }),
      "10440101",
    );
    assertError(await call(vrg, "GET", `/vmstrategy?vmUuid=${vms[0]}&faultVms=1`, { token }), "10440101");
    assertError(await call(vrg, "GET", `/vmstrategy?faultVms=2`, { token }), "10440101");
    // faultVms
    assert.deepEqual(await page("faultVms=1"), []);
    vrg.setVmFault(vms[3]!, true);
    vrg.setVmFault(vms[7]!, true);
    assert.deepEqual(await page("faultVms=1"), [vms[3], vms[7]]);
    assert.deepEqual((await page("faultVms=0")).length, 100);
  });

  it("unknownVmInBatch 'omit' and emptyListAnswer 'empty' options", async () => {
    const vrg = await vrgFor({
      requireDeclaredVms: false,
      unknownVmInBatch: "omit",
      emptyListAnswer: "empty",
    });
    const token = await login(vrg);
    assert.deepEqual((await call(vrg, "GET", "/vmstrategy", { token })).body, { vmList: [] });
    const vm = randomUUID();
    await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(vm, [["v", 1]]) });
    const r = await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}&vmUuid=${randomUUID()}`, { token });
    assert.deepEqual(
      r.body.vmList.map((v: any) => v.vmUuid),
      [vm],
    );
  });
});

describe("delete (seed §3.8.4) and vmdrstatus (§3.6)", () => {
  for (const keyStyle of ["camel", "snake"] as const) {
    it(`delFlag normal fails when armed (volStatus 6, still listed); force gets past it (${keyStyle})`, async () => {
      const clock = new ManualClock();
      const vrg = await vrgFor({ clock, role: "dr", keyStyle, deleteMs: 2000, initialSyncMs: 5000 });
      const vm = randomUUID();
      vrg.addVm({ uuid: vm });
      const token = await login(vrg);
      const k = (camel: string): string =>
        keyStyle === "snake" ? camel.replace(/([A-Z])/g, "_$1").toLowerCase() : camel;
      await call(vrg, "POST", "/vmstrategy", {
        token,
        body: styled(
          keyStyle,
          drBody(vm, [
            ["v1", 1],
            ["v2", 2],
          ]),
        ),
      });
      assert.deepEqual((await call(vrg, "GET", `/vmdrstatus/${vm}`, { token })).body, { status: 3 });
      assertError(await call(vrg, "GET", `/vmdrstatus/${randomUUID()}`, { token }), "10440400");
      assertError(await call(vrg, "GET", `/vmdrstatus/xyz`, { token }), "10440401");
      clock.advance(5000);
      assert.deepEqual((await call(vrg, "GET", `/vmdrstatus/${vm}`, { token })).body, { status: 1 });

      const del = (delFlag: unknown): Promise<Reply> =>
        call(vrg, "POST", `/vmstrategy/${vm}/`, {
          token,
          body: delFlag === undefined ? {} : { [k("delFlag")]: delFlag },
        });
      assertError(await del(undefined), "10440101");
      assertError(await del(3), "10440101");
      const wrongStyle = keyStyle === "snake" ? { delFlag: 1 } : { del_flag: 1 };
      assertError(await call(vrg, "POST", `/vmstrategy/${vm}`, { token, body: wrongStyle }), "10440101");

      vrg.failNextDelete(vm);
      const first = await del(1);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { [k("drStatus")]: 1 });
      assert.equal(vrg.strategy(vm)?.deleting, true);
      clock.advance(2000);
      const listed = (await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token })).body[k("vmList")][0];
      assert.deepEqual(
        listed[k("volList")].map((v: any) => v[k("volStatus")]),
        [VOL_STATUS.deleteFailed, VOL_STATUS.deleteFailed],
      );
      assert.equal(vrg.strategy(vm)?.deleting, false);

      assert.equal((await del(2)).status, 200);
      clock.advance(1999);
      assert.equal((await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token })).status, 200);
      clock.advance(1);
      assertError(await call(vrg, "GET", `/vmstrategy?vmUuid=${vm}`, { token }), "10440308");
      assertError(await del(1), "10440400");
    });
  }

  it("a sticky delete failure defeats every normal delete; force wins; other VMs answer 10440400", async () => {
    const clock = new ManualClock();
    const vrg = await vrgFor({ clock, requireDeclaredVms: false, deleteMs: 1000 });
    const token = await login(vrg);
    const [a, b] = [randomUUID(), randomUUID()];
    await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(a, [["va", 1]]) });
    await call(vrg, "POST", "/vmstrategy", { token, body: productionBody(b, [["vb", 1]]) });
    vrg.failNextDelete(a, { sticky: true });
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (await call(vrg, "POST", `/vmstrategy/${a}`, { token, body: { delFlag: 1 } })).status,
        200,
      );
      clock.advance(1000);
      assert.ok(vrg.strategy(a), "still configured");
    }
    assert.equal((await call(vrg, "POST", `/vmstrategy/${a}`, { token, body: { delFlag: 2 } })).status, 200);
    clock.advance(1000);
    assert.equal(vrg.strategy(a), undefined);
    assertError(await call(vrg, "GET", `/vmstrategy?vmUuid=${a}`, { token }), "10440400");
    assert.equal((await call(vrg, "GET", `/vmstrategy?vmUuid=${b}`, { token })).status, 200);
  });
});
