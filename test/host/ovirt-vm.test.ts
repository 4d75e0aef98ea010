/**
 * Level 3: `Vm` through the real Pulumi dynamic-provider host against the oVirt engine
 * simulator, once per API dialect (oVirt 4.4 → v4, RHEV 3.6 → v3): bad input refused in Check
 * with zero requests; create (NIC, disk, CD), no-op diff, update in place, drift by an
 * out-of-band change, start, a cold change pending until the next run, replace rules, delete
 * protection, delete of a running VM; then the engine holds none of our VMs or disks, and no
 * password is in the host's output or the outputs.
 */
import * as assert from "node:assert/strict";
import { describe } from "node:test";
import { startOvirtEngine, type OvirtEngine, type OvirtMode } from "../sim/ovirt";
import { urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const URN = urnOf("Vm", "standby");
const PASSWORD = "engine-pass-canary-7f3e";
const FAST = {
  imageCopyMs: 150,
  diskCreateMs: 150,
  launchMs: 100,
  powerUpMs: 150,
  guestAgentMs: 200,
  shutdownMs: 150,
  acpiTimeoutMs: 2_000,
  stopMs: 100,
  rebootMs: 150,
  suspendMs: 100,
  removeMs: 150,
  domainOpMs: 150,
  hostInstallMs: 300,
  hostMaintenanceMs: 150,
};
const placeholder = { endpoint: "https://127.0.0.1:1", profile: "engine" };
const GiB = 1024 ** 3;

type Ctx = LifecycleContext<OvirtEngine>;

for (const mode of ["ovirt-4.4", "rhev-3.6"] as OvirtMode[]) {
  describe(`Vm on ${mode}`, () => {
    const name = `standby-${mode.replace(/\W/g, "")}`;
    const vm = (engine: OvirtEngine, extra: Props = {}): Props => ({
      __provider: s.provider("Vm"),
      __drplaneName: "standby",
      connection: { endpoint: engine.url, profile: "engine" },
      name,
      cluster: "Default",
      memoryMiB: 1024,
      cpu: { sockets: 1, cores: 2, threads: 1 },
      nics: [{ name: "nic1", vnicProfile: "ovirtmgmt" }],
      disks: [{ name: `${name}-os`, storageDomain: "data0", sizeGiB: 8, bootable: true }],
      cdromIso: "RHEL6.3-Server-x86_64-DVD1.iso",
      runState: "stopped",
      timeouts: { create: "2m", update: "2m", delete: "2m" },
      ...extra,
    });
    const checked = async (host: Ctx["host"], olds: Props, news: Props) => {
      const r = await host.check(URN, olds, news);
      assert.deepEqual(r.failures, [], JSON.stringify(r.failures));
      return r.inputs;
    };

    const s = hostLifecycle<OvirtEngine>({
      backend: () =>
        startOvirtEngine({ mode, timings: FAST, users: { "admin@internal": PASSWORD }, acpi: "honoured" }),
      stopBackend: (engine) => engine.stop(),
      providers: {
        Vm: (api) =>
          new api.Vm("standby", { connection: placeholder, name: "x", cluster: "Default", memoryMiB: 1024 }),
      },
      host: { credentials: () => ({ engine: { username: "admin@internal", password: PASSWORD } }) },
      steps: [
        {
          name: "bad input fails in Check, naming each property, with zero requests",
          run: async ({ host, backend: engine }: Ctx) => {
            const before = engine.server.requestCount();
            const r = await host.check(
              URN,
              {},
              vm(engine, {
                name: "bad name!",
                memoryMiB: 0,
                memoryMaxMiB: 512,
                disks: [
                  { name: "d", storageDomain: "data0", sizeGiB: 1, bootable: true },
                  { name: "d", storageDomain: "data0", sizeGiB: -1, bootable: true },
                ],
                runState: "paused",
                connection: { endpoint: `${engine.url}/ovirt-engine/api`, profile: "engine" },
              }),
            );
            const props = r.failures.map((f) => f.property).sort();
            for (const p of ["name", "memoryMiB", "disks[1].sizeGiB", "runState", "connection.endpoint"])
              assert.ok(props.includes(p), `${p} in ${props.join(", ")}`);
            assert.equal(engine.server.requestCount(), before, "no request was sent");
          },
        },
        {
          name: "create makes the VM with its NIC, disk and CD, waits for the disk, and reports it",
          run: async ({ host, backend: engine, remember }: Ctx) => {
            const { id, properties: outs } = await host.create(URN, await checked(host, {}, vm(engine)));
            remember("vm", id, outs);
            const live = engine.vm(name)!;
            assert.equal(live.id, id);
            assert.equal(live.status, "down");
            assert.equal(live.config.memory, 1024 * 1024 * 1024);
            assert.equal(live.cdrom, "RHEL6.3-Server-x86_64-DVD1.iso");
            const disks = engine.vmDisks(name);
            assert.deepEqual(
              disks.map((d) => [d.alias, d.status, d.provisionedSize / GiB, d.bootable]),
              [[`${name}-os`, "ok", 8, true]],
            );
            assert.equal(outs.vmId, id);
            assert.equal(outs.status, "down");
            assert.equal(outs.adopted, false);
            assert.equal(typeof outs.nicMacs.nic1, "string");
            assert.equal(outs.diskIds[`${name}-os`], disks[0]!.id);
          },
        },
        {
          name: "unchanged is no diff; cluster and template replace; a bigger disk and memory update in place",
          run: async ({ host, backend: engine, stateOf }: Ctx) => {
            const { id, outs } = stateOf("vm");
            assert.equal(
              (await host.diff(id, URN, outs, await checked(host, outs, vm(engine)))).changes,
              "none",
            );
            const tmpl = await host.diff(
              id,
              URN,
              outs,
              await checked(host, outs, vm(engine, { template: "rhel7-tmpl" })),
            );
            assert.deepEqual(tmpl.replaces, ["template"]);
            assert.equal(tmpl.deleteBeforeReplace, true);
            const moved = await host.diff(
              id,
              URN,
              outs,
              await checked(
                host,
                outs,
                vm(engine, {
                  disks: [{ name: `${name}-os`, storageDomain: "other", sizeGiB: 8, bootable: true }],
                }),
              ),
            );
            assert.deepEqual(moved.replaces, ["disks"]);
            const grown = await host.diff(
              id,
              URN,
              outs,
              await checked(host, outs, vm(engine, { memoryMiB: 2048 })),
            );
            assert.equal(grown.changes, "some");
            assert.deepEqual(grown.replaces, []);
          },
        },
        {
          name: "update of a stopped VM applies memory and a description at once",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("vm");
            const news = await checked(
              host,
              outs,
              vm(engine, { memoryMiB: 2048, description: "DR standby" }),
            );
            const updated = await host.update(id, URN, outs, news);
            assert.equal(engine.vm(id)!.config.memory, 2048 * 1024 * 1024);
            assert.deepEqual(updated.pendingChanges, []);
            remember("vm", id, updated);
          },
        },
        {
          name: "refresh shows out-of-band memory as drift in the inputs; the next up puts it back",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("vm");
            engine.setVmMemory(id, 4096 * 1024 * 1024);
            const r = await host.read(id, URN, outs);
            assert.equal(r.inputs.memoryMiB, 4096);
            const news = await checked(
              host,
              r.properties,
              vm(engine, { memoryMiB: 2048, description: "DR standby" }),
            );
            assert.equal((await host.diff(id, URN, r.properties, news)).changes, "some");
            const fixed = await host.update(id, URN, r.properties, news);
            assert.equal(engine.vm(id)!.config.memory, 2048 * 1024 * 1024);
            remember("vm", id, fixed);
          },
        },
        {
          name: "runState running starts the VM and waits for up",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("vm");
            const news = await checked(
              host,
              outs,
              vm(engine, { memoryMiB: 2048, description: "DR standby", runState: "running" }),
            );
            const up = await host.update(id, URN, outs, news);
            assert.equal(engine.vm(id)!.status, "up");
            assert.equal(up.status, "up");
            remember("vm", id, up);
          },
        },
        {
          name: "a cold change of a running VM waits for the next run and is listed in pendingChanges",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("vm");
            const news = await checked(
              host,
              outs,
              vm(engine, {
                memoryMiB: 2048,
                description: "DR standby",
                runState: "running",
                cpu: { sockets: 1, cores: 4, threads: 1 },
              }),
            );
            const updated = await host.update(id, URN, outs, news);
            assert.equal(engine.vm(id)!.status, "up", "not restarted");
            assert.ok(updated.pendingChanges.length > 0, JSON.stringify(updated.pendingChanges));
            // Refresh measures drift against the pending configuration: no diff, still pending.
            const r = await host.read(id, URN, updated);
            assert.deepEqual(r.inputs.cpu, { sockets: 1, cores: 4, threads: 1 });
            assert.ok(r.properties.pendingChanges.length > 0);
            assert.equal((await host.diff(id, URN, r.properties, news)).changes, "none");
            remember("vm", id, r.properties);
          },
        },
        {
          name: "a delete-protected VM is not deleted, with a message that says what to do",
          run: async ({ host, backend: engine, stateOf, remember }: Ctx) => {
            const { id, outs } = stateOf("vm");
            const news = await checked(
              host,
              outs,
              vm(engine, {
                memoryMiB: 2048,
                description: "DR standby",
                runState: "running",
                cpu: { sockets: 1, cores: 4, threads: 1 },
                deleteProtected: true,
              }),
            );
            const guarded = await host.update(id, URN, outs, news);
            await assert.rejects(host.delete(id, URN, guarded), /delete-protected[\s\S]*deleteProtected/);
            assert.equal(engine.vm(id)?.status, "up", "still there, not stopped");
            const open = await host.update(id, URN, guarded, { ...news, deleteProtected: false });
            remember("vm", id, open);
          },
        },
        {
          name: "delete stops the running VM, deletes it and its disk, and waits until it is gone",
          run: async ({ host, backend: engine, stateOf }: Ctx) => {
            const { id, outs } = stateOf("vm");
            await host.delete(id, URN, outs);
            assert.equal(engine.vm(id), undefined);
            assert.equal((await host.read(id, URN, outs)).id, "", "refresh drops it");
            await host.delete(id, URN, outs);
          },
        },
        {
          name: "a VM of the same name that exists already is adopted, never created twice",
          run: async ({ host, backend: engine }: Ctx) => {
            const first = await host.create(URN, await checked(host, {}, vm(engine, { disks: [] })));
            const again = await host.create(URN, await checked(host, {}, vm(engine, { disks: [] })));
            assert.equal(again.id, first.id);
            assert.equal(again.properties.adopted, true);
            assert.equal(engine.vms().filter((v) => v.config.name === name).length, 1);
            await assert.rejects(
              host.create(URN, await checked(host, {}, vm(engine, { disks: [], adopt: false }))),
              /already exists/,
            );
            await host.delete(first.id, URN, first.properties);
          },
        },
        {
          name: "no password in the host's output",
          run: async ({ host }: Ctx) => {
            assert.ok(!host.output.includes(PASSWORD));
            assert.match(host.output, /drplane Vm\/standby: /);
          },
        },
      ],
      checkDestroy: {
        name: "the engine holds none of our VMs or disks",
        run: ({ backend: engine }: Ctx) => {
          assert.deepEqual(
            engine.vms().filter((v) => v.config.name.startsWith("standby")),
            [],
          );
          assert.deepEqual(
            engine
              .disks()
              .filter((d) => d.alias.startsWith("standby"))
              .map((d) => d.alias),
            [],
          );
        },
      },
    });
  });
}
