/**
 * The oVirt StorageDomain and HostApproval handlers and the oVirt data functions, level 1:
 * bad inputs are rejected in `check` (data functions: before any request) with the property
 * named, and no request reaches the engine (a simulator counts them); each handler's diff rule
 * per field (replace, update, none); and each handler's create → read → update → delete on
 * the simulator, through the kit as the provider host calls it.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { clearStackCredentials, setStackCredentials } from "../../provider/core/credentials";
import { isDrplaneError } from "../../provider/core/errors";
import { closeAllAgents } from "../../provider/core/http";
import { drainSessions } from "../../provider/core/session";
import {
  getOvirtDataCenters,
  getOvirtEvents,
  getOvirtHosts,
  getOvirtIsoFiles,
  getOvirtVmStatistics,
} from "../../provider/data/ovirt";
import type { Handler, Props } from "../../provider/dynamic/kit";
import { ovirtHostApprovalHandler } from "../../provider/dynamic/ovirt-host-approval";
import { ovirtStorageDomainHandler } from "../../provider/dynamic/ovirt-storage-domain";
import { resetOvirtDetections } from "../../provider/vendors/ovirt/client";
import { resetOvirtLoginGuard } from "../../provider/vendors/ovirt/login-guard";
import { SEED_IDS, startOvirtEngine, type OvirtEngine } from "../sim/ovirt";

let engine: OvirtEngine;
let connection: Props;

before(async () => {
  // Real time, short engine steps: the handlers run on the system clock as in the provider host.
  engine = await startOvirtEngine({ timings: { domainOpMs: 30, hostInstallMs: 60 } });
  connection = { endpoint: engine.url, profile: "ovirt", username: "admin@internal" };
  setStackCredentials(JSON.stringify({ ovirt: { password: "engine-pass" } }));
});

after(async () => {
  await drainSessions();
  resetOvirtDetections();
  resetOvirtLoginGuard();
  clearStackCredentials();
  await closeAllAgents();
  await engine.stop();
});

const domain = (extra: Props = {}): Props => ({
  connection,
  name: "data1",
  type: "data",
  host: "Atlantic",
  address: "192.0.43.10",
  path: "/storage/data",
  dataCenter: "Default",
  ...extra,
});

async function failures(handler: Handler, news: Props): Promise<Record<string, string>> {
  const r = await handler.check({}, news);
  return Object.fromEntries((r.failures ?? []).map((f) => [f.property, f.reason]));
}

test("StorageDomain check names each bad property and sends nothing to the engine", async () => {
  const before = engine.server.requestCount();
  const cases: Array<[Props, string, RegExp]> = [
    [domain({ name: "data 1" }), "name", /letters, digits/],
    [domain({ name: "" }), "name", /empty/],
    [domain({ type: "export" }), "type", /./],
    [domain({ address: "nfs://192.0.43.10" }), "address", /host name or IP address/],
    [domain({ path: "storage/data" }), "path", /absolute path/],
    [domain({ nfsVersion: "v5" }), "nfsVersion", /./],
    [domain({ dataCenter: "" }), "dataCenter", /name or an id/],
    [domain({ host: " Atlantic" }), "host", /spaces/],
    [
      domain({ connection: { ...connection, endpoint: `${engine.url}/ovirt-engine/api` } }),
      "connection.endpoint",
      /scheme:\/\/host/,
    ],
    [domain({ connection: { ...connection, apiVersion: "4" } }), "connection.apiVersion", /./],
    [
      domain({ connection: { ...connection, apiPath: "ovirt-engine/api" } }),
      "connection.apiPath",
      /a path such as/,
    ],
    [domain({ connection: { ...connection, password: "x" } }), "connection.password", /unknown property/],
    [domain({ formatOnDelete: "yes" }), "formatOnDelete", /./],
    [domain({ timeouts: { create: "soon" } }), "timeouts.create", /duration/],
    [domain({ size: 10 }), "size", /unknown property/],
  ];
  for (const [news, property, reason] of cases) {
    const f = await failures(ovirtStorageDomainHandler, news);
    assert.deepEqual(Object.keys(f), [property], `${property}: ${JSON.stringify(f)}`);
    assert.match(f[property]!, reason, property);
  }
  assert.deepEqual(await failures(ovirtStorageDomainHandler, domain()), {});
  assert.equal(engine.server.requestCount(), before, "check sent no request");
});

test("HostApproval check names each bad property and sends nothing to the engine", async () => {
  const before = engine.server.requestCount();
  const ok = { connection, host: "Pacific", cluster: "Default" };
  assert.deepEqual(await failures(ovirtHostApprovalHandler, ok), {});
  assert.deepEqual(Object.keys(await failures(ovirtHostApprovalHandler, { ...ok, host: "" })), ["host"]);
  assert.deepEqual(Object.keys(await failures(ovirtHostApprovalHandler, { connection, host: "Pacific" })), [
    "cluster",
  ]);
  assert.deepEqual(Object.keys(await failures(ovirtHostApprovalHandler, { ...ok, activate: true })), [
    "activate",
  ]);
  assert.deepEqual(
    Object.keys(
      await failures(ovirtHostApprovalHandler, { ...ok, connection: { ...connection, profile: "a b" } }),
    ),
    ["connection.profile"],
  );
  assert.equal(engine.server.requestCount(), before, "check sent no request");
});

test("data functions reject bad arguments before any request, naming the argument", async () => {
  const before = engine.server.requestCount();
  const rejects = async (p: Promise<unknown>, property: string) =>
    assert.rejects(p, (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_INPUT"), String(err));
      assert.equal(err.meta.property, property);
      assert.match(err.message, new RegExp(property.replace(/\./g, "\\.")));
      return true;
    });
  await rejects(getOvirtHosts({ ...connection, endpoint: "ftp://engine" } as never), "connection.endpoint");
  await rejects(getOvirtIsoFiles(connection as never, ""), "isoDomain");
  await rejects(getOvirtVmStatistics(connection as never, " vm1"), "vm");
  await rejects(getOvirtEvents(connection as never, -1), "sinceId");
  await rejects(getOvirtEvents(connection as never, undefined, 0), "max");
  assert.equal(engine.server.requestCount(), before, "no request");
});

test("data functions read the engine and log their session out when done", async () => {
  const dcs = await getOvirtDataCenters(connection as never);
  assert.deepEqual(
    dcs.map((d) => d.name),
    ["Default"],
  );
  const first = await getOvirtEvents(connection as never, undefined, 1);
  assert.equal(first.events.length, 1);
  assert.equal(first.lastId, first.events[0]!.id);
  const next = await getOvirtEvents(connection as never, first.lastId!);
  assert.ok(next.events.every((e) => e.id > first.lastId!));
  assert.equal(next.more, false);
  assert.equal(engine.counters.liveTokens, 0, "logged out");
});

/** Recorded state as the kit leaves it: outputs, plus the declared inputs' names. */
function checked(handler: Handler, news: Props): Promise<Props> {
  return handler.check({}, news).then((r) => {
    assert.deepEqual(r.failures ?? [], []);
    return r.inputs!;
  });
}

test("StorageDomain diff: type and the NFS export replace (delete first); name, data center, host, format, adopt and timeouts update; credentials are no diff", async () => {
  const olds = {
    ...(await checked(ovirtStorageDomainHandler, domain())),
    status: "active",
    __declaredInputs: Object.keys(domain()).sort(),
  };
  const diff = async (extra: Props) =>
    ovirtStorageDomainHandler.diff("id", olds, await checked(ovirtStorageDomainHandler, domain(extra)));
  for (const [field, value] of [
    ["type", "iso"],
    ["address", "192.0.43.11"],
    ["path", "/storage/other"],
    ["nfsVersion", "v4"],
  ] as const) {
    const d = await diff({ [field]: value });
    assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, [field], true], field);
  }
  assert.deepEqual((await diff({ nfsVersion: "auto" })).changes, false, "auto is the default");
  for (const extra of [
    { name: "data9" },
    { dataCenter: "Other" },
    { host: "Pacific" },
    { formatOnDelete: true },
    { adopt: false },
    { timeouts: { delete: "5m" } },
  ]) {
    const d = await diff(extra);
    assert.deepEqual([d.changes, d.replaces], [true, []], JSON.stringify(extra));
  }
  assert.equal(
    (await diff({ connection: { ...connection, profile: "other", username: "x@internal" } })).changes,
    false,
  );
  const degraded = await ovirtStorageDomainHandler.diff(
    "id",
    { ...olds, status: "maintenance" },
    await checked(ovirtStorageDomainHandler, domain()),
  );
  assert.deepEqual(
    [degraded.changes, degraded.replaces],
    [true, []],
    "a domain in maintenance is brought back by an update",
  );
});

test("StorageDomain lifecycle through the handler: create, read, drift to maintenance, update back to active, delete", async () => {
  const h = ovirtStorageDomainHandler;
  const inputs = {
    ...(await checked(h, domain({ name: "hdata", path: "/storage/hdata" }))),
    __drplaneName: "hdata",
  };
  const { id, outs } = await h.create(inputs);
  assert.equal(outs.status, "active");
  assert.equal(outs.dataCenterId, SEED_IDS.dataCenter);
  assert.equal(outs.adopted, false);
  assert.deepEqual(outs.__declaredInputs, [
    "address",
    "connection",
    "dataCenter",
    "host",
    "name",
    "path",
    "type",
  ]);

  engine.domainToMaintenance("hdata");
  await new Promise((r) => setTimeout(r, 100));
  const read = await h.read(id, outs);
  assert.equal(read.props?.status, "maintenance");
  assert.deepEqual(
    Object.keys(read.inputs ?? {}).sort(),
    ["__drplaneName", ...(outs.__declaredInputs as string[])].sort(),
  );
  const d = await h.diff(id, read.props!, inputs);
  assert.equal(d.changes, true);
  const updated = await h.update(id, read.props!, inputs);
  assert.equal(updated.outs.status, "active");
  assert.equal(engine.domain("hdata")?.status, "active");

  await h.delete(id, updated.outs);
  assert.equal(engine.domain("hdata"), undefined);
  assert.deepEqual(await h.read(id, updated.outs), {}, "gone reads as gone");
  await h.delete(id, updated.outs); // already gone: tolerated
});

test("HostApproval lifecycle through the handler: create approves and waits for up, delete changes nothing on the engine", async () => {
  const h = ovirtHostApprovalHandler;
  const hostId = engine.addPendingHost("Indian", "192.0.43.77");
  const inputs = {
    ...(await checked(h, { connection, host: "Indian", cluster: "Default" })),
    __drplaneName: "indian",
  };
  const { id, outs } = await h.create(inputs);
  assert.equal(id, hostId);
  assert.equal(outs.status, "up");
  assert.equal(outs.clusterId, SEED_IDS.cluster);
  assert.equal(outs.address, "192.0.43.77");
  const d = await h.diff(id, outs, { ...inputs, cluster: SEED_IDS.cluster });
  assert.deepEqual([d.changes, d.replaces], [true, ["cluster"]]);
  assert.equal((await h.diff(id, outs, { ...inputs, timeouts: { create: "1h" } })).replaces?.length, 0);
  const requests = engine.server.requestCount();
  await h.delete(id, outs);
  assert.equal(engine.server.requestCount(), requests, "delete sends nothing");
  assert.equal(engine.host("Indian")?.status, "up");
});
