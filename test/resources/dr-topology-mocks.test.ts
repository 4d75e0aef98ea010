/**
 * Level 2: the DrTopology component under pulumi.runtime.setMocks, constructed from the staged
 * package as a user's program would. What a user sees: the children registered with their
 * types and names, the component as their parent, the inputs derived from the topology's
 * (connections, peer, volume mapping), the strategies depending on the pairing, no storage
 * link without both storages, alarm servers only with a receiver, the DR site's standby VMs
 * (after their data domain) and the production site's file shares, the public properties and
 * registered outputs, and each bad argument refused before anything is registered. The mock
 * monitor is wrapped to see each registration's parent and dependencies, which the mocks'
 * newResource callback is not given.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "../host/stage";
import { assertThinShell } from "./mock-registry";

interface Registration {
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  dependencies: string[];
  inputs: Record<string, any>;
  urn?: string;
}

const registrations: Registration[] = [];
const outputs = new Map<string, Record<string, any>>();
const outputWaiters = new Map<string, (o: Record<string, any>) => void>();

/** The outputs a component registers (registerOutputs is sent once they are all resolved). */
function outputsOf(urn: string): Promise<Record<string, any>> {
  const done = outputs.get(urn);
  if (done) return Promise.resolve(done);
  return new Promise((resolve) => outputWaiters.set(urn, resolve));
}

const SECRET = "topology-secret-must-not-be-captured-5";
const TOPOLOGY = "drplane:index:DrTopology";
const dynamicType = (kind: string) => `pulumi-nodejs:dynamic/drplane:${kind}`;

before(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        // What the handlers would report: healthy strategies, except the DR side of VM "db".
        // A created standby VM is down (stopped); a created share is Operational.
        const state =
          args.type === dynamicType("VmDrStrategy")
            ? { ...args.inputs, healthy: !(args.inputs.vmName === "db" && args.inputs.role === "dr") }
            : args.type === dynamicType("VrgPairing")
              ? { ...args.inputs, state: "normal" }
              : args.type === dynamicType("Vm")
                ? { ...args.inputs, status: "down" }
                : args.type === dynamicType("NseFileShare")
                  ? { ...args.inputs, state: "Operational" }
                  : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "drplane-mocks",
    "dev",
    false,
  );
  // The mock monitor is what setMocks installed; record what each registration asks for.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    const reg: Registration = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      inputs: pulumi.runtime.deserializeProperties(req.getObject()),
    };
    registrations.push(reg);
    return register(req, (err: unknown, res: any) => {
      if (res) reg.urn = res.getUrn();
      callback(err, res);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
    const registered = req.getOutputs()?.toJavaScript() ?? {};
    outputs.set(req.getUrn(), registered);
    outputWaiters.get(req.getUrn())?.(registered);
    return registerOutputs(req, callback);
  };
  process.env.DRPLANE_VRG_PROD_PASSWORD = SECRET;
});

/** The value of an Output (the mocks run without preview, so apply runs). */
const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

/** Waits until the named resources have been registered (their URNs are known). */
async function settled(resources: pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((r) => valueOf(r.urn)));
}

const byName = (name: string) => {
  const r = registrations.find((x) => x.name === name);
  assert.ok(r, `${name} registered`);
  return r;
};
const namesWith = (prefix: string) =>
  registrations
    .filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`))
    .map((r) => r.name)
    .sort();

const prodVrg = { endpoint: "http://192.168.10.21:8080", profile: "vrg-prod" };
const drVrg = { endpoint: "http://192.168.50.21:8080", profile: "vrg-dr", keyStyle: "snake" as const };
const prodArray = { endpoint: "https://10.0.0.1", profile: "local" };
const drArray = { endpoint: "https://10.50.0.1", profile: "remote", username: "maint" };
const ERP = {
  uuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
  id: "i-0000002A",
  name: "erp",
  production: { encryption: "aes128" as const, compression: true },
  dr: {
    hostUrn: "urn:sites:2A4B0C7E:hosts:14",
    agentIp: "10.50.0.31",
    agentPort: 7100,
    deleteMode: "forceOnFailure" as const,
    timeouts: { create: "30m" },
  },
  volumes: [
    {
      volUuid: "vol-a",
      slot: 1,
      dr: {
        volumeUrl: "/service/sites/2A4B0C7E/volumes/1201",
        dsUrn: "urn:ds:3",
        volType: "LUNPOME" as const,
      },
    },
    { volUuid: "vol-b", slot: 2, dr: { volumeUrl: "/service/sites/2A4B0C7E/volumes/1202" } },
  ],
};
const DB = {
  uuid: "5e2a1d6f-9b5c-4a8f-8e3b-2d4c6f8a0b1c",
  name: "db",
  platform: "kvm" as const,
  dr: { agentIp: "10.50.0.32", agentPort: 7100 },
  volumes: [{ volUuid: "vol-c", dr: { volumeUrl: "nas://10.0.0.5/dr/vol-c", volType: "NAS" as const } }],
};

type Api = ReturnType<typeof stagedApi>;
let full: InstanceType<Api["DrTopology"]>;

function fullTopology() {
  const api = stagedApi();
  full = new api.DrTopology("erp-dr", {
    production: { storage: prodArray, vrg: prodVrg },
    dr: { storage: drArray, vrg: drVrg, vrgPeer: { ip: "10.50.0.21", port: 7000 } },
    storageLink: { isMutualDeletion: false, timeouts: { create: "20m" } },
    pairing: { timeouts: { create: "10m" } },
    protectedVms: [ERP, DB],
    alarmReceiver: { ip: "192.0.2.162" },
  });
  return full;
}

test("a full topology registers the component and every child with its type, name and parent", async () => {
  const topology = fullTopology();
  await settled([
    topology,
    topology.pairing,
    topology.storageLink!,
    ...Object.values(topology.vms).flatMap((v) => [v.production, v.dr]),
  ]);
  await settled([topology.alarmServers!.production, topology.alarmServers!.dr]);

  const component = byName("erp-dr");
  assert.equal(component.type, TOPOLOGY);
  assert.equal(component.custom, false);
  const children: Record<string, string> = {
    "erp-dr-link": "RemoteStorage",
    "erp-dr-pairing": "VrgPairing",
    "erp-dr-erp-prod": "VmDrStrategy",
    "erp-dr-erp-dr": "VmDrStrategy",
    "erp-dr-db-prod": "VmDrStrategy",
    "erp-dr-db-dr": "VmDrStrategy",
    "erp-dr-prod-traps": "VrgAlarmServer",
    "erp-dr-dr-traps": "VrgAlarmServer",
  };
  assert.deepEqual(namesWith("erp-dr"), ["erp-dr", ...Object.keys(children)].sort());
  for (const [name, kind] of Object.entries(children)) {
    const r = byName(name);
    assert.equal(r.type, dynamicType(kind), name);
    assert.equal(r.parent, component.urn, `${name}'s parent is the topology`);
    assertThinShell({ type: r.type, name: r.name, inputs: r.inputs }, SECRET);
  }
});

test("children get the sites' connections, the DR peer and the topology's options", () => {
  const link = byName("erp-dr-link").inputs;
  assert.deepEqual(link.local, prodArray);
  assert.deepEqual(link.remote, drArray);
  assert.equal(link.isMutualDeletion, false);
  assert.deepEqual(link.timeouts, { create: "20m" });

  const pairing = byName("erp-dr-pairing").inputs;
  assert.deepEqual(pairing.connection, prodVrg, "the production VRG is paired");
  assert.equal(pairing.peerIp, "10.50.0.21");
  assert.equal(pairing.peerPort, 7000);
  assert.deepEqual(pairing.timeouts, { create: "10m" });

  const prodTraps = byName("erp-dr-prod-traps").inputs;
  const drTraps = byName("erp-dr-dr-traps").inputs;
  assert.deepEqual(prodTraps.connection, prodVrg);
  assert.deepEqual(drTraps.connection, drVrg);
  for (const t of [prodTraps, drTraps]) {
    assert.equal(t.ip, "192.0.2.162");
    assert.equal(t.port, 162, "the trap port defaults to 162");
  }
});

test("one volume list becomes the production {volUuid, slot} and the DR {volUuid, slot, ...dr} volumes", () => {
  const prod = byName("erp-dr-erp-prod").inputs;
  assert.deepEqual(prod.connection, prodVrg);
  assert.equal(prod.role, "production");
  assert.equal(prod.vmUuid, ERP.uuid);
  assert.equal(prod.vmId, ERP.id);
  assert.equal(prod.vmName, "erp");
  assert.equal(prod.encryption, "aes128");
  assert.equal(prod.compression, true);
  assert.deepEqual(prod.volumes, [
    { volUuid: "vol-a", slot: 1 },
    { volUuid: "vol-b", slot: 2 },
  ]);
  assert.ok(!("agentIp" in prod), "no DR field on the production side");

  const dr = byName("erp-dr-erp-dr").inputs;
  assert.deepEqual(dr.connection, drVrg);
  assert.equal(dr.role, "dr");
  assert.equal(dr.vmUuid, ERP.uuid);
  assert.equal(dr.vmName, "erp");
  assert.equal(dr.hostUrn, ERP.dr.hostUrn);
  assert.equal(dr.agentIp, "10.50.0.31");
  assert.equal(dr.agentPort, 7100);
  assert.equal(dr.deleteMode, "forceOnFailure");
  assert.deepEqual(dr.timeouts, { create: "30m" });
  assert.deepEqual(dr.volumes, [
    {
      volUuid: "vol-a",
      slot: 1,
      volumeUrl: "/service/sites/2A4B0C7E/volumes/1201",
      dsUrn: "urn:ds:3",
      volType: "LUNPOME",
    },
    { volUuid: "vol-b", slot: 2, volumeUrl: "/service/sites/2A4B0C7E/volumes/1202" },
  ]);
  assert.ok(!("encryption" in dr), "no production field on the DR side");

  const dbProd = byName("erp-dr-db-prod").inputs;
  assert.equal(dbProd.platform, "kvm");
  assert.deepEqual(dbProd.volumes, [{ volUuid: "vol-c" }], "KVM: no slot needed");
  assert.deepEqual(byName("erp-dr-db-dr").inputs.volumes, [
    { volUuid: "vol-c", volumeUrl: "nas://10.0.0.5/dr/vol-c", volType: "NAS" },
  ]);
});

test("both strategies of each VM depend on the pairing; the pairing and the link on nothing", () => {
  const pairingUrn = byName("erp-dr-pairing").urn;
  assert.ok(pairingUrn);
  for (const name of ["erp-dr-erp-prod", "erp-dr-erp-dr", "erp-dr-db-prod", "erp-dr-db-dr"]) {
    assert.deepEqual(byName(name).dependencies, [pairingUrn], `${name} waits for the pairing`);
  }
  for (const name of ["erp-dr-pairing", "erp-dr-link", "erp-dr-prod-traps", "erp-dr-dr-traps"]) {
    assert.deepEqual(byName(name).dependencies, [], `${name} waits for nothing`);
  }
});

test("the public properties and the registered outputs", async () => {
  const topology = full;
  assert.deepEqual(Object.keys(topology.vms).sort(), ["db", "erp"]);
  assert.equal(await valueOf(topology.vms.erp!.healthy), true);
  assert.equal(await valueOf(topology.vms.db!.healthy), false, "one unhealthy side makes the VM unhealthy");
  assert.equal(await valueOf(topology.vms.erp!.production.vmUuid), ERP.uuid);
  assert.equal(await valueOf(topology.vms.erp!.dr.role), "dr");
  assert.equal(await valueOf(topology.pairing.peerIp), "10.50.0.21");
  assert.equal(await valueOf(topology.storageLink!.id), "erp-dr-link-id");

  const registered = await outputsOf(await valueOf(topology.urn));
  assert.deepEqual(registered, {
    storageLink: "erp-dr-link-id",
    pairing: "erp-dr-pairing-id",
    pairingState: "normal",
    vms: {
      erp: { production: "erp-dr-erp-prod-id", dr: "erp-dr-erp-dr-id", healthy: true },
      db: { production: "erp-dr-db-prod-id", dr: "erp-dr-db-dr-id", healthy: false },
    },
    alarmServers: { production: "erp-dr-prod-traps-id", dr: "erp-dr-dr-traps-id" },
  });
});

test("two topologies in one stack: names never collide; no link without both storages, no traps without a receiver", async () => {
  const api = stagedApi();
  const peer = { ip: "10.50.0.22", port: 7000 };
  const onlyProd = new api.DrTopology("east", {
    production: { storage: prodArray, vrg: prodVrg },
    dr: { vrg: drVrg, vrgPeer: peer },
    protectedVms: [ERP],
  });
  const onlyDr = new api.DrTopology("west", {
    production: { vrg: prodVrg },
    dr: { storage: drArray, vrg: drVrg, vrgPeer: peer },
    protectedVms: [ERP],
  });
  await settled([
    onlyProd,
    onlyDr,
    onlyProd.pairing,
    onlyDr.pairing,
    onlyProd.vms.erp!.dr,
    onlyDr.vms.erp!.dr,
  ]);
  for (const t of ["east", "west"]) {
    assert.deepEqual(namesWith(t), [t, `${t}-erp-dr`, `${t}-erp-prod`, `${t}-pairing`].sort());
  }
  assert.equal(onlyProd.storageLink, undefined);
  assert.equal(onlyDr.storageLink, undefined);
  assert.equal(onlyProd.alarmServers, undefined);
  const registered = await outputsOf(await valueOf(onlyProd.urn));
  assert.equal(registered.pairing, "east-pairing-id");
  assert.ok(!("storageLink" in registered) && !("alarmServers" in registered), JSON.stringify(registered));
});

test("a topology without protected VMs declares the pairing alone", async () => {
  const api = stagedApi();
  const bare = new api.DrTopology("bare", {
    production: { vrg: prodVrg },
    dr: { vrg: drVrg, vrgPeer: { ip: "10.50.0.23", port: 7000 } },
  });
  await settled([bare, bare.pairing]);
  assert.deepEqual(namesWith("bare"), ["bare", "bare-pairing"]);
  assert.deepEqual(bare.vms, {});
});

const drEngine = {
  endpoint: "https://engine.dr.example.com",
  profile: "ovirt-dr",
  apiVersion: "v4" as const,
};
const nse = { endpoint: "https://nse.example.com", profile: "nse", basePath: "/api" };
const DATA_DOMAIN = {
  name: "dr-data",
  type: "data" as const,
  host: "Atlantic",
  address: "192.0.2.45",
  path: "/exports/dr-data",
  dataCenter: "Default",
};
const ERP_STANDBY = {
  name: "erp",
  cluster: "Default",
  memoryMiB: 4096,
  cpu: { sockets: 1, cores: 2, threads: 1 },
  disks: [{ name: "erp-os", storageDomain: "dr-data", sizeGiB: 40, bootable: true }],
  cdromIso: "RHEL-DVD1.iso",
  runState: "stopped" as const,
};
const DB_STANDBY = { name: "db", cluster: "DR", memoryMiB: 2048 };
const ERP_SHARE = {
  name: "erp-data",
  sharePath: "/erp_data",
  fileserverId: "fs-0010",
  sizeGb: 500,
  serviceLevel: "premium",
  protocol: "nfs" as const,
  exportPolicy: [{ clientMatch: "10.50.0.0/24", access: "rw" as const, superuser: false }],
  drEnabled: true,
};
const HOME_SHARE = {
  name: "home",
  sharePath: "/home",
  fileserverId: "fs-0010",
  sizeGb: 10,
  serviceLevel: "standard",
  protocol: "cifs" as const,
};

let sites: InstanceType<Api["DrTopology"]>;

test("standby VMs and file shares: a data domain, a Vm per standby VM and an NseFileShare per share, children of the topology", async () => {
  const api = stagedApi();
  sites = new api.DrTopology("sites", {
    production: { vrg: prodVrg, fileShares: { nse, shares: [ERP_SHARE, HOME_SHARE] } },
    dr: {
      vrg: drVrg,
      vrgPeer: { ip: "10.50.0.27", port: 7000 },
      standby: { engine: drEngine, dataDomain: DATA_DOMAIN, vms: [ERP_STANDBY, DB_STANDBY] },
    },
  });
  await settled([
    sites,
    sites.pairing,
    sites.standby!.dataDomain!,
    ...Object.values(sites.standby!.vms),
    ...Object.values(sites.fileShares!),
  ]);
  const component = byName("sites");
  const children: Record<string, string> = {
    "sites-pairing": "VrgPairing",
    "sites-dr-data": "StorageDomain",
    "sites-erp-standby": "Vm",
    "sites-db-standby": "Vm",
    "sites-erp-data-share": "NseFileShare",
    "sites-home-share": "NseFileShare",
  };
  assert.deepEqual(namesWith("sites"), ["sites", ...Object.keys(children)].sort());
  for (const [name, kind] of Object.entries(children)) {
    const r = byName(name);
    assert.equal(r.type, dynamicType(kind), name);
    assert.equal(r.parent, component.urn, `${name}'s parent is the topology`);
    assertThinShell({ type: r.type, name: r.name, inputs: r.inputs }, SECRET);
  }
});

test("the data domain and the standby VMs get the DR engine, the shares get NSE, with the declared fields", () => {
  const domain = byName("sites-dr-data").inputs;
  assert.deepEqual(domain.connection, drEngine);
  for (const [k, v] of Object.entries(DATA_DOMAIN)) assert.equal(domain[k], v, `dataDomain.${k}`);

  const erp = byName("sites-erp-standby").inputs;
  assert.deepEqual(erp.connection, drEngine);
  assert.equal(erp.name, "erp", "the VM's name on the engine is its declared name");
  assert.equal(erp.cluster, "Default");
  assert.equal(erp.memoryMiB, 4096);
  assert.deepEqual(erp.cpu, ERP_STANDBY.cpu);
  assert.deepEqual(erp.disks, ERP_STANDBY.disks);
  assert.equal(erp.cdromIso, "RHEL-DVD1.iso");
  assert.equal(erp.runState, "stopped");
  const db = byName("sites-db-standby").inputs;
  assert.deepEqual(db.connection, drEngine);
  assert.equal(db.cluster, "DR");
  assert.ok(!("disks" in db) && !("runState" in db), "nothing added to what was declared");

  const share = byName("sites-erp-data-share").inputs;
  assert.deepEqual(share.connection, nse);
  assert.equal(share.name, "erp-data");
  assert.equal(share.sharePath, "/erp_data");
  assert.equal(share.fileserverId, "fs-0010");
  assert.equal(share.sizeGb, 500);
  assert.equal(share.drEnabled, true);
  assert.deepEqual(share.exportPolicy, ERP_SHARE.exportPolicy);
  const home = byName("sites-home-share").inputs;
  assert.deepEqual(home.connection, nse);
  assert.equal(home.protocol, "cifs");
});

test("the standby VMs depend on the data domain (destroyed before it); the domain and the shares on nothing", () => {
  const domainUrn = byName("sites-dr-data").urn;
  assert.ok(domainUrn);
  for (const name of ["sites-erp-standby", "sites-db-standby"])
    assert.deepEqual(byName(name).dependencies, [domainUrn], `${name} waits for the data domain`);
  for (const name of ["sites-dr-data", "sites-erp-data-share", "sites-home-share"])
    assert.deepEqual(byName(name).dependencies, [], `${name} waits for nothing`);
});

test("the standby and file share properties and their registered outputs", async () => {
  assert.deepEqual(Object.keys(sites.standby!.vms).sort(), ["db", "erp"]);
  assert.deepEqual(Object.keys(sites.fileShares!).sort(), ["erp-data", "home"]);
  assert.equal(await valueOf(sites.standby!.dataDomain!.id), "sites-dr-data-id");
  assert.equal(await valueOf(sites.standby!.vms.erp!.status), "down");
  assert.equal(await valueOf(sites.fileShares!["erp-data"]!.state), "Operational");

  const registered = await outputsOf(await valueOf(sites.urn));
  assert.deepEqual(registered, {
    pairing: "sites-pairing-id",
    pairingState: "normal",
    vms: {},
    standby: {
      dataDomain: "sites-dr-data-id",
      vms: {
        erp: { id: "sites-erp-standby-id", status: "down" },
        db: { id: "sites-db-standby-id", status: "down" },
      },
    },
    fileShares: {
      "erp-data": { id: "sites-erp-data-share-id", state: "Operational" },
      home: { id: "sites-home-share-id", state: "Operational" },
    },
  });
});

test("standby VMs without a data domain depend on nothing; no standby or shares declared, none registered", async () => {
  const api = stagedApi();
  const noDomain = new api.DrTopology("no-domain", {
    production: { vrg: prodVrg },
    dr: {
      vrg: drVrg,
      vrgPeer: { ip: "10.50.0.28", port: 7000 },
      standby: { engine: drEngine, vms: [DB_STANDBY] },
    },
  });
  await settled([noDomain, noDomain.pairing, noDomain.standby!.vms.db!]);
  assert.deepEqual(namesWith("no-domain"), ["no-domain", "no-domain-db-standby", "no-domain-pairing"]);
  assert.equal(noDomain.standby!.dataDomain, undefined);
  assert.equal(noDomain.fileShares, undefined);
  assert.deepEqual(byName("no-domain-db-standby").dependencies, []);
  const registered = await outputsOf(await valueOf(noDomain.urn));
  assert.deepEqual(registered.standby, { vms: { db: { id: "no-domain-db-standby-id", status: "down" } } });
  assert.ok(!("fileShares" in registered), JSON.stringify(registered));
  assert.equal(full.standby, undefined, "a topology without dr.standby has no standby property");
  assert.equal(full.fileShares, undefined);
});

/** Constructs a topology named `name` that is expected to be refused; returns the error. */
function refused(name: string, edit: (args: any) => void): { code?: string; message: string; meta?: any } {
  const api = stagedApi();
  const args: any = {
    production: { storage: prodArray, vrg: prodVrg },
    dr: { storage: drArray, vrg: drVrg, vrgPeer: { ip: "10.50.0.21", port: 7000 } },
    protectedVms: [structuredClone(ERP), structuredClone(DB)],
    alarmReceiver: { ip: "192.0.2.162" },
  };
  edit(args);
  let caught: unknown;
  try {
    new api.DrTopology(name, args);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `${name}: construction was refused`);
  return caught as { code?: string; message: string; meta?: any };
}

const BAD: Record<string, { edit: (args: any) => void; property: string; says: RegExp }> = {
  "bad-dup-name": {
    edit: (a) => (a.protectedVms[1].name = "erp"),
    property: "protectedVms[1].name",
    says: /^DrTopology bad-dup-name: protectedVms\[1\]\.name "erp" is used twice/,
  },
  "bad-dup-uuid": {
    edit: (a) => (a.protectedVms[1].uuid = ERP.uuid.toUpperCase()),
    property: "protectedVms[1].uuid",
    says: /protectedVms\[1\]\.uuid .* is protected twice \(also protectedVms\[0\]\)/,
  },
  "bad-no-volumes": {
    edit: (a) => (a.protectedVms[0].volumes = []),
    property: "protectedVms[0].volumes",
    says: /protectedVms\[0\]\.volumes is empty/,
  },
  "bad-xen-slot": {
    edit: (a) => delete a.protectedVms[0].volumes[1].slot,
    property: "protectedVms[0].volumes[1].slot",
    says: /protectedVms\[0\]\.volumes\[1\]\.slot is missing: on Xen .*platform: "kvm"/,
  },
  "bad-dup-standby": {
    edit: (a) =>
      (a.dr.standby = {
        engine: drEngine,
        dataDomain: DATA_DOMAIN,
        vms: [ERP_STANDBY, { ...DB_STANDBY, name: "erp" }],
      }),
    property: "dr.standby.vms[1].name",
    says: /dr\.standby\.vms\[1\]\.name "erp" is used twice \(also dr\.standby\.vms\[0\]\)/,
  },
  "bad-standby-output-name": {
    edit: (a) => (a.dr.standby = { engine: drEngine, vms: [{ ...DB_STANDBY, name: pulumi.output("db") }] }),
    property: "dr.standby.vms[0].name",
    says: /dr\.standby\.vms\[0\]\.name must be a non-empty plain string/,
  },
  "bad-dup-share": {
    edit: (a) =>
      (a.production.fileShares = { nse, shares: [ERP_SHARE, { ...HOME_SHARE, name: "erp-data" }] }),
    property: "production.fileShares.shares[1].name",
    says: /production\.fileShares\.shares\[1\]\.name "erp-data" is used twice \(also production\.fileShares\.shares\[0\]\)/,
  },
  "bad-share-name": {
    edit: (a) => (a.production.fileShares = { nse, shares: [{ ...HOME_SHARE, name: "" }] }),
    property: "production.fileShares.shares[0].name",
    says: /production\.fileShares\.shares\[0\]\.name must be a non-empty plain string/,
  },
  "bad-link-options": {
    edit: (a) => {
      delete a.dr.storage;
      a.storageLink = { isMutualDiscovery: false };
    },
    property: "storageLink",
    says: /storageLink is given but dr\.storage is not/,
  },
};

test("each bad argument is refused at construction, naming the field, before anything is registered", async () => {
  for (const [name, bad] of Object.entries(BAD)) {
    const err = refused(name, bad.edit);
    assert.equal(err.code, "DRP_INPUT", `${name}: ${err.message}`);
    assert.equal(err.meta?.property, bad.property, name);
    assert.match(err.message, bad.says, name);
  }
  // Registrations are asynchronous: once a topology constructed afterwards is registered, any
  // registration the refused ones had started would have been seen.
  const api = stagedApi();
  const after = new api.DrTopology("after-refusals", {
    production: { vrg: prodVrg },
    dr: { vrg: drVrg, vrgPeer: { ip: "10.50.0.24", port: 7000 } },
    protectedVms: [ERP],
  });
  await settled([after, after.pairing, after.vms.erp!.production, after.vms.erp!.dr]);
  for (const name of Object.keys(BAD)) assert.deepEqual(namesWith(name), [], `${name} registered nothing`);
});

test("every failure is named in one error", () => {
  const err = refused("bad-many", (a) => {
    a.protectedVms[1].name = "erp";
    a.protectedVms[0].volumes = [];
  });
  assert.equal(err.meta?.property, "protectedVms[0].volumes", "the first one");
  assert.match(
    err.message,
    /protectedVms\[0\]\.volumes is empty: .*; protectedVms\[1\]\.name "erp" is used twice/,
  );
});

test("slots are required up front only where the platform and the slot are plain values", async () => {
  const api = stagedApi();
  const noSlot = { ...ERP, volumes: [{ volUuid: "vol-a", dr: { volumeUrl: "/v/1" } }] };
  // platform is an Output: the strategies' own check decides once it is known.
  const deferred = new api.DrTopology("deferred", {
    production: { vrg: prodVrg },
    dr: { vrg: drVrg, vrgPeer: { ip: "10.50.0.25", port: 7000 } },
    protectedVms: [{ ...noSlot, platform: pulumi.output("xen" as const) }],
  });
  // the slot is an Output: it counts as given.
  const outputSlot = new api.DrTopology("output-slot", {
    production: { vrg: prodVrg },
    dr: { vrg: drVrg, vrgPeer: { ip: "10.50.0.26", port: 7000 } },
    protectedVms: [
      { ...ERP, volumes: [{ volUuid: "vol-a", slot: pulumi.output(3), dr: { volumeUrl: "/v/1" } }] },
    ],
  });
  await settled([deferred.vms.erp!.production, outputSlot.vms.erp!.dr]);
  assert.deepEqual(byName("output-slot-erp-dr").inputs.volumes, [
    { volUuid: "vol-a", slot: 3, volumeUrl: "/v/1" },
  ]);
  const err = refused("bad-plain-xen", (a) => {
    a.protectedVms = [{ ...noSlot, platform: "xen" }];
  });
  assert.equal(err.meta?.property, "protectedVms[0].volumes[0].slot");
});
