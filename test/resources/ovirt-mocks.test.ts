/**
 * Level 2: the oVirt resource classes (Vm, StorageDomain, HostApproval) under
 * pulumi.runtime.setMocks, constructed from the staged package as a user's program would: type
 * tokens, a small by-reference provider that requires only the dynamic module, no secret in the
 * inputs (a cloud-init root password is a profile name), outputs declared; and the oVirt data
 * functions' Output twins, read against the engine simulator, giving what the plain functions give.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { startOvirtEngine, SEED_IDS, type OvirtEngine } from "../sim/ovirt";
import { stagedApi } from "../host/stage";
import { assertThinShell, recordRegistrations, type Registered } from "./mock-registry";

let registered: Registered[] = [];
let engine: OvirtEngine;

const SECRET = "ovirt-secret-must-not-be-captured-3";
const ROOT_SECRET = "vm-root-secret-must-not-be-captured-4";

before(async () => {
  registered = recordRegistrations();
  engine = await startOvirtEngine({ mode: "ovirt-4.4", users: { "admin@internal": SECRET } });
  process.env.DRPLANE_OVIRTMOCK_USERNAME = "admin@internal";
  process.env.DRPLANE_OVIRTMOCK_PASSWORD = SECRET;
  process.env.DRPLANE_VMROOT_PASSWORD = ROOT_SECRET;
});

after(async () => {
  await engine?.stop();
  delete process.env.DRPLANE_OVIRTMOCK_USERNAME;
  delete process.env.DRPLANE_OVIRTMOCK_PASSWORD;
  delete process.env.DRPLANE_VMROOT_PASSWORD;
});

/** The value of an Output (the mocks run without preview, so apply runs). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

const outputsOf = (r: pulumi.CustomResource, keys: string[]): string[] =>
  keys.filter((k) => !pulumi.Output.isInstance((r as unknown as Record<string, unknown>)[k]));

test("Vm, StorageDomain and HostApproval register with drplane tokens and a small by-reference provider", async () => {
  const api = stagedApi();
  const connection = { endpoint: "https://engine.example", profile: "ovirtmock" };
  const vm = new api.Vm("standby", {
    connection,
    name: "standby",
    cluster: "Default",
    memoryMiB: 2048,
    cpu: { sockets: 1, cores: 2, threads: 1 },
    nics: [{ name: "nic1", vnicProfile: "ovirtmgmt" }],
    disks: [{ name: "standby-os", storageDomain: "dr-data", sizeGiB: 20, bootable: true }],
    cdromIso: "RHEL6.3-Server-x86_64-DVD1.iso",
    runState: "stopped",
    initialization: { hostName: "standby.dr", rootPasswordProfile: "vmroot" },
  });
  const data = new api.StorageDomain("dr-data", {
    connection,
    name: "dr-data",
    type: "data",
    host: "Atlantic",
    address: "192.0.43.10",
    path: "/storage/data",
    dataCenter: "Default",
  });
  const iso = new api.StorageDomain("dr-iso", {
    connection,
    name: "dr-iso",
    type: "iso",
    host: "Atlantic",
    address: "192.0.43.10",
    path: "/storage/iso",
    dataCenter: "Default",
    formatOnDelete: true,
  });
  const approval = new api.HostApproval("pacific", { connection, host: "Pacific", cluster: "Default" });
  await Promise.all(
    [vm, data, iso, approval].map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))),
  );

  const want = {
    standby: "Vm",
    "dr-data": "StorageDomain",
    "dr-iso": "StorageDomain",
    pacific: "HostApproval",
  };
  for (const [name, kind] of Object.entries(want)) {
    const r = registered.find((x) => x.name === name);
    assert.ok(r, `${name} registered`);
    assert.equal(r.type, `pulumi-nodejs:dynamic/drplane:${kind}`);
    assertThinShell(r, SECRET);
    assertThinShell(r, ROOT_SECRET);
    const inputs = JSON.stringify({ ...r.inputs, __provider: undefined });
    assert.ok(!inputs.includes(SECRET) && !inputs.includes(ROOT_SECRET), `${name}: no secret in the inputs`);
    assert.ok(!("password" in r.inputs.connection), `${name}: the connection carries no password`);
  }
  const vmInputs = registered.find((x) => x.name === "standby")!.inputs;
  assert.deepEqual(vmInputs.initialization, { hostName: "standby.dr", rootPasswordProfile: "vmroot" });
  assert.equal(vmInputs.disks[0].sizeGiB, 20);
  assert.equal(registered.find((x) => x.name === "dr-iso")!.inputs.formatOnDelete, true);

  // Outputs are registered (seeded undefined), so they are Outputs of the resource objects.
  assert.deepEqual(
    outputsOf(vm, [
      "name",
      "vmId",
      "status",
      "ips",
      "isInitialized",
      "nextRunConfigurationExists",
      "pendingChanges",
      "nicMacs",
      "diskIds",
      "adopted",
    ]),
    [],
  );
  assert.deepEqual(
    outputsOf(data, [
      "name",
      "type",
      "dataCenter",
      "status",
      "dataCenterId",
      "availableGiB",
      "usedGiB",
      "adopted",
    ]),
    [],
  );
  assert.deepEqual(
    outputsOf(approval, ["host", "cluster", "hostName", "status", "clusterId", "address"]),
    [],
  );
  assert.equal(await valueOf(data.type), "data");
  assert.equal(await valueOf(approval.cluster), "Default");
});

test("resources of one kind share one serialized provider text", () => {
  const regs = registered.filter((r) => r.type.endsWith(":StorageDomain"));
  assert.equal(regs.length, 2);
  assert.equal(regs[0]!.inputs.__provider, regs[1]!.inputs.__provider);
  const kinds = new Set(
    registered
      .filter((r) => /:(Vm|StorageDomain|HostApproval)$/.test(r.type))
      .map((r) => r.inputs.__provider),
  );
  assert.equal(kinds.size, 3, "one provider text per kind, each its own");
});

test("the data functions' Output twins take Pulumi inputs and give what the plain functions give", async () => {
  const api = stagedApi();
  const plain = { endpoint: engine.url, profile: "ovirtmock" };
  // Inputs as a program has them: Outputs of other resources or config.
  const connection = pulumi.output(plain);
  const dcs = await valueOf(api.getOvirtDataCentersOutput(connection));
  assert.deepEqual(dcs, await api.getOvirtDataCenters(plain));
  assert.ok(dcs.some((d) => d.id === SEED_IDS.dataCenter && d.name === "Default"));
  const clusters = await valueOf(api.getOvirtClustersOutput(connection));
  assert.ok(clusters.some((c) => c.id === SEED_IDS.cluster));
  const networks = await valueOf(api.getOvirtNetworksOutput(connection));
  assert.ok(networks.some((n) => n.name === "ovirtmgmt"));
  const hosts = await valueOf(api.getOvirtHostsOutput(connection));
  assert.ok(hosts.some((h) => h.name === "Atlantic" && h.status === "up"));
  const files = await valueOf(api.getOvirtIsoFilesOutput(connection, pulumi.output("ISO_DOMAIN")));
  assert.ok(
    files.some((f) => f.name === "RHEL6.3-Server-x86_64-DVD1.iso"),
    JSON.stringify(files),
  );
  const events = await valueOf(api.getOvirtEventsOutput(connection, undefined, pulumi.output(5)));
  assert.ok(events.events.length > 0 && events.events.length <= 5);
  assert.equal(events.lastId, events.events[events.events.length - 1]!.id);
  const newer = await valueOf(api.getOvirtEventsOutput(connection, events.lastId!, 5));
  assert.ok(newer.events.every((e) => e.id > events.lastId!));
  assert.equal(typeof api.getOvirtVmStatisticsOutput, "function");
});

test("a data function's bad argument fails before any request, naming it", async () => {
  const api = stagedApi();
  const before = engine.server.requestCount();
  await assert.rejects(
    api.getOvirtIsoFiles({ endpoint: engine.url, profile: "ovirtmock" }, ""),
    /getOvirtIsoFiles: isoDomain/,
  );
  await assert.rejects(
    api.getOvirtEvents({ endpoint: engine.url, profile: "ovirtmock" }, -1),
    /getOvirtEvents: sinceId/,
  );
  assert.equal(engine.server.requestCount(), before);
});
