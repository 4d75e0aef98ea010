/**
 * Simulator modes added for issue 9: a VRG that reads snake_case keys on `vrgmap` only (the
 * §3.7.1 sample) and camelCase everywhere else; batches that fail as a whole on one unknown
 * VM (10440400, the default); volume UUIDs that differ only in case count as duplicates
 * (10440306). Raw HTTP, no drplane client.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { afterEach, test } from "node:test";
import { ManualClock } from "../../../provider/core/clock";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, sha256Hex, startVrg, type VrgSim } from "./index";

const B = "/vrgservice";
let vrg: VrgSim | undefined;

afterEach(async () => {
  await vrg?.stop();
  vrg = undefined;
});

async function call(
  sim: VrgSim,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Accept: "application/json;version=v1.0;charset=UTF-8" };
  if (token) headers["X-Auth-Token"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json; charset=UTF-8";
  const res = await fetch(sim.url + B + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function login(sim: VrgSim): Promise<string> {
  const res = await fetch(sim.url + B + "/session", {
    method: "POST",
    headers: { "X-Auth-User": DEFAULT_VRG_USER, "X-Auth-Key": sha256Hex(DEFAULT_VRG_PASSWORD) },
  });
  assert.equal(res.status, 200);
  return res.headers.get("x-auth-token")!;
}

test("vrgmapKeyStyle snake: vrgmap takes dst_ip/dst_port and refuses dstIp (10440101); other bodies stay camelCase", async () => {
  const clock = new ManualClock();
  vrg = await startVrg({ clock, keyStyle: "camel", vrgmapKeyStyle: "snake" });
  const token = await login(vrg);
  const camel = await call(vrg, "POST", "/vrgmap", token, { dstIp: "10.0.0.9", dstPort: 7000 });
  assert.equal(camel.status, 400);
  assert.equal(camel.body.errorCode, "10440101");
  const snake = await call(vrg, "POST", "/vrgmap", token, { dst_ip: "10.0.0.9", dst_port: 7000 });
  assert.equal(snake.status, 200, JSON.stringify(snake.body));
  // The answer is in the VRG's (camelCase) style, as the §3.7.3 sample.
  const got = await call(vrg, "GET", "/vrgmap", token);
  assert.equal(got.body.dstIp, "10.0.0.9");
  assert.equal(got.body.dstPort, 7000);
  // Strategies and deletions: camelCase, as every other sample.
  const uuid = randomUUID();
  vrg.addVm({ uuid, volumes: ["v1"] });
  const set = await call(vrg, "POST", "/vmstrategy", token, {
    vmUuid: uuid,
    volList: [{ volUuid: "v1", seqNum: 1 }],
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const snakeSet = await call(vrg, "POST", "/vmstrategy", token, { vm_uuid: uuid, vol_list: [] });
  assert.equal(snakeSet.body.errorCode, "10440101");
  const del = await call(vrg, "POST", `/vmstrategy/${uuid}/`, token, { delFlag: 1 });
  assert.equal(del.status, 200, JSON.stringify(del.body));
});

test("a vmUuid batch naming one unknown VM fails as a whole with 10440400 (default)", async () => {
  vrg = await startVrg({ clock: new ManualClock() });
  const token = await login(vrg);
  const known = randomUUID();
  vrg.addVm({ uuid: known, volumes: ["v1"] });
  await call(vrg, "POST", "/vmstrategy", token, { vmUuid: known, volList: [{ volUuid: "v1", seqNum: 1 }] });
  const r = await call(vrg, "GET", `/vmstrategy?vmUuid=${known}&vmUuid=${randomUUID()}`, token);
  assert.equal(r.status, 400);
  assert.equal(r.body.errorCode, "10440400");
  const alone = await call(vrg, "GET", `/vmstrategy?vmUuid=${known}`, token);
  assert.equal(alone.body.vmList.length, 1);
});

test("volume UUIDs differing only in case are duplicates (10440306), in one body and across VMs", async () => {
  vrg = await startVrg({ clock: new ManualClock() });
  const token = await login(vrg);
  const a = randomUUID();
  const b = randomUUID();
  vrg.addVm({ uuid: a });
  vrg.addVm({ uuid: b });
  const dup = await call(vrg, "POST", "/vmstrategy", token, {
    vmUuid: a,
    volList: [
      { volUuid: "vol-ABC", seqNum: 1 },
      { volUuid: "vol-abc", seqNum: 2 },
    ],
  });
  assert.equal(dup.body?.errorCode, "10440306");
  await call(vrg, "POST", "/vmstrategy", token, { vmUuid: a, volList: [{ volUuid: "vol-ABC", seqNum: 1 }] });
  const other = await call(vrg, "POST", "/vmstrategy", token, {
    vmUuid: b,
    volList: [{ volUuid: "vol-abc", seqNum: 1 }],
  });
  assert.equal(other.body?.errorCode, "10440306");
});
