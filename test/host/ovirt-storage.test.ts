/**
 * Level 3: `StorageDomain` and `HostApproval` through the real Pulumi dynamic-provider host
 * against the oVirt engine simulator, once per API dialect (oVirt 4.4 → v4, RHEV 3.6 → v3): bad
 * input refused in Check with zero requests; an NFS data and an NFS ISO domain created,
 * attached and activated; no-op diff; rename and data-center move in place; drift by an
 * out-of-band maintenance or detach that the next up repairs; a path change that replaces
 * (delete first); delete (maintenance → detach → remove); the master domain's refusal passed
 * through; a pending host approved until up, a failed install quoting the engine's event, a
 * delete that changes nothing and says so; then the engine holds none of our domains, and no
 * password is in the host's output or the outputs.
 */
import * as assert from "node:assert/strict";
import { describe } from "node:test";
import { ALL_PREFIXES, SEED_IDS, startOvirtEngine, type OvirtEngine, type OvirtMode } from "../sim/ovirt";
import { urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const DATA = urnOf("StorageDomain", "dr-data");
const ISO = urnOf("StorageDomain", "dr-iso");
const MASTER = urnOf("StorageDomain", "data0");
const HOST = urnOf("HostApproval", "pacific");
const PASSWORD = "engine-pass-canary-5b1d";
const FAST = { domainOpMs: 150, removeMs: 150, hostInstallMs: 300, hostMaintenanceMs: 150 };
const placeholder = { endpoint: "https://127.0.0.1:1", profile: "engine" };
/** The seeded domains (README "Seeded inventory"): everything else on the engine is ours. */
const SEEDED = new Set(["data0", "ISO_DOMAIN"]);

type Ctx = LifecycleContext<OvirtEngine>;

for (const mode of ["ovirt-4.4", "rhev-3.6"] as OvirtMode[]) {
  describe(`StorageDomain and HostApproval on ${mode}`, () => {
    const connection = (engine: OvirtEngine) => ({ endpoint: engine.url, profile: "engine" });
    const data = (engine: OvirtEngine, extra: Props = {}): Props => ({
      __provider: s.provider("StorageDomain"),
      __drplaneName: "dr-data",
      connection: connection(engine),
      name: "data1",
      type: "data",
      host: "Atlantic",
      address: "192.0.43.10",
      path: "/storage/data",
      dataCenter: "Default",
      timeouts: { create: "1m", update: "1m", delete: "1m" },
      ...extra,
    });
    const iso = (engine: OvirtEngine, extra: Props = {}): Props =>
      data(engine, {
        __drplaneName: "dr-iso",
        name: "iso1",
        type: "iso",
        path: "/storage/iso",
        dataCenter: "DR",
        ...extra,
      });
    const approval = (engine: OvirtEngine, extra: Props = {}): Props => ({
      __provider: s.provider("HostApproval"),
      __drplaneName: "pacific",
      connection: connection(engine),
      host: "Pacific",
      cluster: "Default",
      timeouts: { create: "1m" },
      ...extra,
    });
    const checked = async (host: Ctx["host"], urn: string, olds: Props, news: Props) => {
      const r = await host.check(urn, olds, news);
      assert.deepEqual(r.failures, [], JSON.stringify(r.failures));
      return r.inputs;
    };
    const ours = (engine: OvirtEngine) =>
      [...engine.state.domains.values()].filter((d) => !SEEDED.has(d.name)).map((d) => d.name);

    const s = hostLifecycle<OvirtEngine>({
      backend: async () => {
        const engine = await startOvirtEngine({
          mode,
          timings: FAST,
          users: { "admin@internal": PASSWORD },
        });
        engine.addDataCenter("DR", "the DR site");
        return engine;
      },
      stopBackend: (engine) => engine.stop(),
      providers: {
        StorageDomain: (api) =>
          new api.StorageDomain("dr-data", {
            connection: placeholder,
            name: "x",
            type: "data",
            host: "Atlantic",
            address: "192.0.43.10",
            path: "/x",
            dataCenter: "Default",
          }),
        HostApproval: (api) =>
          new api.HostApproval("pacific", { connection: placeholder, host: "Pacific", cluster: "Default" }),
      },
      host: { credentials: () => ({ engine: { username: "admin@internal", password: PASSWORD } }) },
      steps: [
        {
          name: "bad input fails in Check, naming each property, with zero requests",
          run: async ({ host, backend: engine }: Ctx) => {
            const before = engine.server.requestCount();
            const sd = await host.check(
              DATA,
              {},
              data(engine, {
                name: "bad name!",
                type: "nfs",
                address: "nfs://192.0.43.10/storage",
                path: "storage/data",
                nfsVersion: "v5",
                connection: { endpoint: `${engine.url}/ovirt-engine/api`, profile: "engine" },
              }),
            );
            const props = sd.failures.map((f) => f.property).sort();
            for (const p of ["name", "type", "address", "path", "nfsVersion", "connection.endpoint"])
              assert.ok(props.includes(p), `${p} in ${props.join(", ")}`);
            const ha = await host.check(HOST, {}, approval(engine, { cluster: "", host: " Pacific" }));
            const haProps = ha.failures.map((f) => f.property).sort();
            assert.deepEqual(haProps, ["cluster", "host"]);
            assert.equal(engine.server.requestCount(), before, "no request was sent");
          },
        },
        {
          name: "create makes the NFS data domain: create on a host, attach to the data center, activate",
          run: async ({ host, backend: engine, remember }: Ctx) => {
            const inputs = await checked(host, DATA, {}, data(engine));
            const { id, properties: outs } = await host.create(DATA, inputs);
            remember("data", id, outs, inputs);
            const live = engine.domain(id)!;
            assert.equal(live.name, "data1");
            assert.equal(live.type, "data");
            assert.equal(live.status, "active");
            assert.equal(live.dataCenterId, SEED_IDS.dataCenter);
            assert.equal(`${live.address}:${live.path}`, "192.0.43.10:/storage/data");
            assert.equal(outs.status, "active");
            assert.equal(outs.dataCenterId, SEED_IDS.dataCenter);
            assert.equal(outs.adopted, false);
            for (const step of ["creating NFS data domain data1", "attaching data1", "activating data1"])
              assert.match(host.output, new RegExp(`drplane StorageDomain/dr-data: ${step}`));
          },
        },
        {
          name: "unchanged is no diff; name and data center update in place; type, address and path replace, delete first",
          run: async ({ host, backend: engine, stateOf }: Ctx) => {
            const { id, outs } = stateOf("data");
            const diff = async (extra: Props) =>
              host.diff(id, DATA, outs, await checked(host, DATA, outs, data(engine, extra)));
            assert.equal((await diff({})).changes, "none");
            for (const inPlace of [{ name: "dr-data" }, { dataCenter: "DR" }, { host: SEED_IDS.host }]) {
              const d = await diff(inPlace);
              assert.equal(d.changes, "some", JSON.stringify(inPlace));
              assert.deepEqual(d.replaces, [], JSON.stringify(inPlace));
            }
            for (const [key, value] of [
              ["path", "/storage/data-b"],
              ["address", "192.0.43.11"],
              ["type", "iso"],
            ] as const) {
              const d = await diff({ [key]: value });
              assert.deepEqual(d.replaces, [key]);
              assert.equal(d.deleteBeforeReplace, true);
            }
          },
        },
        {
          name: "a new name updates in place: the same domain is renamed (PUT), nothing is created",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("data");
            const creates = domainCreates(engine);
            const news = await checked(host, DATA, outs, data(engine, { name: "dr-data" }));
            const updated = await host.update(id, DATA, outs, news);
            assert.equal(engine.domain(id)?.name, "dr-data");
            assert.equal(engine.domain(id)?.status, "active");
            assert.equal(updated.name, "dr-data");
            assert.equal(updated.status, "active");
            assert.equal(domainCreates(engine), creates, "not created again");
            assert.match(host.output, /renaming storage domain data1 to dr-data/);
            remember("data", id, updated, news);
          },
        },
        {
          name: "refresh shows a domain put in maintenance out of band; the next up activates it again",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs, inputs } = stateOf("data");
            engine.domainToMaintenance(id);
            await waitUntil(() => engine.domain(id)?.status === "maintenance");
            const r = await host.read(id, DATA, outs, inputs);
            assert.equal(r.id, id);
            assert.equal(r.properties.status, "maintenance");
            assert.equal(r.properties.dataCenterId, SEED_IDS.dataCenter);
            const news = await checked(host, DATA, r.properties, data(engine, { name: "dr-data" }));
            assert.equal((await host.diff(id, DATA, r.properties, news)).changes, "some");
            const fixed = await host.update(id, DATA, r.properties, news);
            assert.equal(engine.domain(id)?.status, "active");
            assert.equal(fixed.status, "active");
            remember("data", id, fixed, news);
          },
        },
        {
          name: "refresh shows a domain detached out of band; the next up attaches and activates it again",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs, inputs } = stateOf("data");
            engine.domainToMaintenance(id);
            await waitUntil(() => engine.domain(id)?.status === "maintenance");
            engine.detachDomain(id);
            const r = await host.read(id, DATA, outs, inputs);
            assert.equal(r.properties.status, "unattached");
            assert.equal(r.properties.dataCenterId, null);
            assert.equal(r.inputs.dataCenter, "Default", "the declared data center stays as declared");
            const news = await checked(host, DATA, r.properties, data(engine, { name: "dr-data" }));
            assert.equal((await host.diff(id, DATA, r.properties, news)).changes, "some");
            const fixed = await host.update(id, DATA, r.properties, news);
            const live = engine.domain(id)!;
            assert.equal(live.status, "active");
            assert.equal(live.dataCenterId, SEED_IDS.dataCenter);
            assert.equal(fixed.dataCenterId, SEED_IDS.dataCenter);
            remember("data", id, fixed, news);
          },
        },
        {
          name: "the seeded master domain, adopted, is not deleted while other data domains are active: the engine's reason is shown",
          run: async ({ host, backend: engine }: Ctx) => {
            const inputs = await checked(
              host,
              MASTER,
              {},
              data(engine, { __drplaneName: "data0", name: "data0", path: "/storage/data0" }),
            );
            const { id, properties: outs } = await host.create(MASTER, inputs);
            assert.equal(id, SEED_IDS.dataDomain);
            assert.equal(outs.adopted, true);
            await assert.rejects(
              host.delete(id, MASTER, outs),
              /data0 is the master domain[\s\S]*\(dr-data\)/,
            );
            const live = engine.domain(id)!;
            assert.equal(live.status, "active", "still active");
            assert.equal(live.dataCenterId, SEED_IDS.dataCenter, "not detached");
          },
        },
        {
          name: "a new data center moves the domain in place: maintenance, detach, attach, activate",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("data");
            const dr = engine.state.byIdOrName(engine.state.dataCenters, "DR", (d) => d.name)!.id;
            const news = await checked(host, DATA, outs, data(engine, { name: "dr-data", dataCenter: "DR" }));
            const moved = await host.update(id, DATA, outs, news);
            const live = engine.domain(id)!;
            assert.equal(live.dataCenterId, dr);
            assert.equal(live.status, "active");
            assert.equal(live.master, true, "the first data domain of DR is its master");
            assert.equal(moved.dataCenterId, dr);
            assert.match(host.output, /moving dr-data out of its data center/);
            remember("data", id, moved, news);
          },
        },
        {
          name: "create makes the NFS ISO domain in DR and reads its files",
          run: async ({ host, backend: engine, remember }: Ctx) => {
            const inputs = await checked(host, ISO, {}, iso(engine));
            const { id, properties: outs } = await host.create(ISO, inputs);
            remember("iso", id, outs, inputs);
            const live = engine.domain(id)!;
            assert.equal(live.type, "iso");
            assert.equal(live.status, "active");
            assert.equal(outs.status, "active");
            assert.equal(outs.dataCenterId, live.dataCenterId);
            assert.match(host.output, /drplane StorageDomain\/dr-iso: creating NFS iso domain iso1/);
          },
        },
        {
          name: "a new path replaces the ISO domain: the old one is removed first, then the new one is created",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("iso");
            const news = await checked(host, ISO, outs, iso(engine, { path: "/storage/iso-dr" }));
            const d = await host.diff(id, ISO, outs, news);
            assert.deepEqual(d.replaces, ["path"]);
            assert.equal(d.deleteBeforeReplace, true);
            // What the engine does for a delete-first replace: delete, then create.
            await host.delete(id, ISO, outs);
            assert.equal(engine.domain(id), undefined);
            const { id: newId, properties } = await host.create(ISO, news);
            assert.notEqual(newId, id);
            const live = engine.domain(newId)!;
            assert.equal(live.path, "/storage/iso-dr");
            assert.equal(live.status, "active");
            remember("iso", newId, properties, news);
          },
        },
        {
          name: "delete takes each domain to maintenance, detaches and removes it; refresh then drops it",
          run: async ({ host, backend: engine, stateOf }: Ctx) => {
            for (const [key, urn] of [
              ["iso", ISO],
              ["data", DATA],
            ] as const) {
              const { id, outs } = stateOf(key);
              await host.delete(id, urn, outs);
              assert.equal(engine.domain(id), undefined, `${key} removed`);
              assert.equal((await host.read(id, urn, outs)).id, "", "refresh drops it");
              await host.delete(id, urn, outs);
            }
            for (const step of [
              "putting dr-data into maintenance",
              "detaching dr-data",
              "removing dr-data through host Atlantic",
            ])
              assert.match(host.output, new RegExp(step));
            assert.match(host.output, /is already gone; nothing to remove/);
          },
        },
        {
          name: "HostApproval approves the pending host into its cluster and waits until it is up",
          run: async ({ host, backend: engine, remember }: Ctx) => {
            assert.equal(engine.host("Pacific")?.status, "pending_approval");
            const inputs = await checked(host, HOST, {}, approval(engine));
            const { id, properties: outs } = await host.create(HOST, inputs);
            remember("pacific", id, outs, inputs);
            const live = engine.host(id)!;
            assert.equal(live.name, "Pacific");
            assert.equal(live.status, "up");
            assert.equal(live.clusterId, SEED_IDS.cluster);
            assert.equal(outs.status, "up");
            assert.equal(outs.hostName, "Pacific");
            assert.equal(outs.clusterId, SEED_IDS.cluster);
            assert.equal(
              (await host.diff(id, HOST, outs, await checked(host, HOST, outs, approval(engine)))).changes,
              "none",
            );
            const moved = await host.diff(
              id,
              HOST,
              outs,
              await checked(host, HOST, outs, approval(engine, { cluster: "Other" })),
            );
            assert.deepEqual(moved.replaces, ["cluster"]);
            const r = await host.read(id, HOST, outs, inputs);
            assert.equal(r.properties.status, "up");
          },
        },
        {
          name: "a failed host install fails the create and quotes the engine's event",
          run: async ({ host, backend: engine }: Ctx) => {
            engine.addPendingHost("Indian");
            engine.failNextHostInstall();
            const inputs = await checked(host, HOST, {}, approval(engine, { host: "Indian" }));
            await assert.rejects(host.create(HOST, inputs), /Host Indian installation failed/);
            assert.equal(engine.host("Indian")?.status, "install_failed");
          },
        },
        {
          name: "HostApproval delete changes nothing on the engine and says so",
          run: async ({ host, backend: engine, stateOf }: Ctx) => {
            const { id, outs } = stateOf("pacific");
            const before = engine.server.requestCount();
            await host.delete(id, HOST, outs);
            assert.equal(engine.host(id)?.status, "up", "still approved and up");
            assert.equal(engine.server.requestCount(), before, "no request");
            // The progress line travels through the host's stdout pipe: it may arrive after the reply.
            const said =
              /drplane HostApproval\/pacific: host Pacific \(.+\) stays approved and in its cluster: deleting a HostApproval changes nothing on the engine/;
            await waitUntil(() => said.test(host.output)).catch(() => undefined);
            assert.match(host.output, said);
          },
        },
        {
          name: "no password in the host's output or in any outputs",
          run: async ({ host, stateOf }: Ctx) => {
            assert.ok(!host.output.includes(PASSWORD));
            for (const key of ["data", "iso", "pacific"])
              assert.ok(!JSON.stringify(stateOf(key)).includes(PASSWORD), key);
          },
        },
      ],
      checkDestroy: {
        name: "the engine holds none of our storage domains; the seeded ones are as they were",
        run: ({ backend: engine }: Ctx) => {
          assert.deepEqual(ours(engine), []);
          const master = engine.domain("data0")!;
          assert.equal(master.status, "active");
          assert.equal(master.master, true);
          assert.equal(engine.domain("ISO_DOMAIN")?.status, "active");
          assert.equal(engine.host("Pacific")?.status, "up", "an approval is not undone");
        },
      },
    });
  });
}

/** Storage domains created over the API (under every prefix the client may use). */
function domainCreates(engine: OvirtEngine): number {
  return ALL_PREFIXES.reduce((n, p) => n + engine.server.requestCount(`POST ${p}/storagedomains`), 0);
}

/** Waits (real time: the simulator runs on the system clock) until `cond` holds, at most 5 s. */
async function waitUntil(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error("the simulator did not get there in 5 s");
    await new Promise((r) => setTimeout(r, 25));
  }
}
