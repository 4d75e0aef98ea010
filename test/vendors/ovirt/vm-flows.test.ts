/**
 * The VM flows against the simulator, on both dialects (oVirt 4.4 / v4 and RHEV 3.6 / v3):
 * create with NICs, disks, CD and cloud-init then start (the guest sees the persisted
 * initialization at its first boot only); adopt by exact name; update in place (hot memory) and
 * through next_run (pending, then applied by a reboot); a changed initialization after the first
 * boot returned as pending; stop falling back to a hard stop when ACPI is ignored; delete
 * protection; delete of a running VM (stopped first, then 404); an illegal disk named in the
 * failure; template disks adopted and never detached; a removed disk detached.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { isDrplaneError } from "../../../provider/core/errors";
import {
  ensureVm,
  findVmByName,
  INITIALIZATION_PENDING,
  readVm,
  removeVm,
  updateVm,
  type VmSpec,
} from "../../../provider/vendors/ovirt";
import { CANARY, startSite, stopSite, visible, type Site } from "./fixtures";

const T = 30 * 60_000;
let site: Site | undefined;
afterEach(async () => {
  if (site) {
    const all = [...site.lines, ...site.progress].join("\n");
    assert.ok(!all.includes(CANARY), "the password is in no log or progress line");
  }
  await stopSite(site);
  site = undefined;
});

function spec(name: string, extra: Partial<VmSpec> = {}): VmSpec {
  return {
    name,
    cluster: "Default",
    memoryMiB: 1024,
    cpu: { sockets: 1, cores: 2, threads: 1 },
    osType: "rhel_7x64",
    bootDevices: ["hd", "cdrom"],
    description: "DR standby",
    nics: [{ name: "nic1", interface: "virtio", network: "ovirtmgmt" }],
    disks: [{ name: `${name}-root`, storageDomain: "data0", sizeGiB: 8, bootable: true }],
    ...extra,
  };
}

for (const mode of ["ovirt-4.4", "rhev-3.6"] as const) {
  test(`${mode}: create with NIC, disk, CD and cloud-init, start; the guest sees the initialization once`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("web1", {
      cdromIso: "RHEL6.3-Server-x86_64-DVD1.iso",
      runState: "running",
      initialization: {
        hostName: "web1.example.com",
        rootPassword: "root-Secret-99",
        customScript: "#cloud-config\n",
      },
    });
    const { record, adopted, correlationId } = await ensureVm({
      client: c,
      spec: s,
      timeoutMs: T,
      onProgress: site.onProgress,
    });
    assert.equal(adopted, false);
    assert.match(correlationId, /^[A-Za-z0-9_-]{1,36}$/);
    assert.equal(record.status, "up");
    assert.equal(record.memoryMiB, 1024);
    assert.deepEqual(record.cpu, { sockets: 1, cores: 2, threads: 1 });
    assert.deepEqual(record.bootDevices, ["hd", "cdrom"]);
    assert.deepEqual(
      record.nics.map((n) => n.name),
      ["nic1"],
    );
    assert.deepEqual(
      record.disks.map((d) => [d.name, d.sizeGiB, d.status, d.bootable]),
      [["web1-root", 8, "ok", true]],
    );
    assert.equal(record.disks[0]?.storageDomainName, "data0", "ids come with names to compare with the spec");
    assert.equal(record.nics[0]?.networkName, "ovirtmgmt");
    assert.equal(record.cdromIso, "RHEL6.3-Server-x86_64-DVD1.iso");
    assert.equal(record.initialization?.hostName, "web1.example.com");
    assert.ok(!JSON.stringify(record).includes("root-Secret-99"), "the root password is never read back");
    const vm = site.engine.vm("web1")!;
    assert.equal(vm.boots.length, 1);
    assert.equal(vm.boots[0]?.initializationSource, "persisted");
    assert.equal(vm.boots[0]?.cdrom, "RHEL6.3-Server-x86_64-DVD1.iso");
    assert.ok(site.engine.jobs(correlationId).length > 0, "the engine saw the operation's Correlation-Id");
    assert.ok(
      site.progress.some((l) => /start/.test(l)),
      "the start wait said something",
    );

    // Adopt: the same spec again finds the VM by its exact name and changes nothing.
    const again = await ensureVm({ client: c, spec: s, timeoutMs: T });
    assert.equal(again.adopted, true);
    assert.equal(again.record.id, record.id);
    assert.equal(site.engine.vms().length, 1);
    assert.equal(await findVmByName(c, "WEB1", "Default"), undefined, "names are case-sensitive");
    assert.equal((await findVmByName(c, "web1", "Default"))?.id, record.id);
  });

  test(`${mode}: update while running: memory hot, cores through next_run (pending), applied by a reboot`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("app1", { runState: "running", memoryMaxMiB: 4096 });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    const changed = { ...s, memoryMiB: 1536, cpu: { sockets: 1, cores: 4, threads: 1 } };
    const first = await updateVm({ client: c, id: record.id, spec: changed, previous: s, timeoutMs: T });
    assert.equal(first.record.memoryMiB, 1536, "memory grown by 512 MiB is hot-plugged");
    assert.deepEqual(first.pending, ["cpu"]);
    assert.equal(first.record.nextRunConfigurationExists, true);
    assert.equal(first.record.nextRun?.cpu?.cores, 4);
    assert.equal(first.record.cpu.cores, 2, "the running VM keeps its cores");
    const second = await updateVm({
      client: c,
      id: record.id,
      spec: changed,
      previous: changed,
      applyNextRun: "reboot",
      timeoutMs: T,
    });
    assert.deepEqual(second.pending, []);
    assert.equal(second.record.cpu.cores, 4);
    assert.equal(second.record.status, "up");
    assert.equal(second.record.nextRunConfigurationExists, false);
  });

  test(`${mode}: a changed initialization after the first boot is stored and returned as pending, never ignored`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("init1", { runState: "running", initialization: { hostName: "a.example.com" } });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    assert.equal(record.isInitialized, true);
    const changed = { ...s, initialization: { hostName: "b.example.com" } };
    const out = await updateVm({ client: c, id: record.id, spec: changed, previous: s, timeoutMs: T });
    assert.ok(out.pending.includes(INITIALIZATION_PENDING), JSON.stringify(out.pending));
    // Stored at once or kept for the next run (both readings are accepted): not lost.
    assert.equal(
      (out.record.nextRun?.initialization ?? out.record.initialization)?.hostName,
      "b.example.com",
    );
  });

  test(`${mode}: stop is an ACPI shutdown, then a hard stop when the guest ignores it; delete stops first and waits for 404`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("db1", { runState: "running" });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    site.engine.setAcpiIgnored("db1", true);
    const stopped = await updateVm({
      client: c,
      id: record.id,
      spec: { ...s, runState: "stopped" },
      timeoutMs: T,
      onProgress: site.onProgress,
    });
    assert.equal(stopped.record.status, "down");
    assert.ok(
      site.progress.some((l) => /did not shut down within/.test(l)),
      site.progress.join("\n"),
    );
    await updateVm({ client: c, id: record.id, spec: s, timeoutMs: T });
    site.engine.setAcpiIgnored("db1", false);
    const removed = await removeVm({ client: c, id: record.id, timeoutMs: T });
    assert.equal(removed.alreadyGone, false);
    assert.equal(await readVm(c, record.id), undefined);
    assert.equal((await removeVm({ client: c, id: record.id, timeoutMs: T })).alreadyGone, true);
  });

  test(`${mode}: delete protection is refused with a remedy, and nothing is stopped`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("prot1", { runState: "running", deleteProtected: true });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    const err = await removeVm({ client: c, id: record.id, timeoutMs: T }).catch((e: unknown) => e);
    assert.ok(isDrplaneError(err, "DRP_CONFLICT"));
    assert.match(err.message, /delete-protected/);
    assert.match(err.meta.remedy ?? "", /deleteProtected to false/);
    assert.equal(site.engine.vm("prot1")?.status, "up");
    await updateVm({ client: c, id: record.id, spec: { ...s, deleteProtected: false }, timeoutMs: T });
    assert.equal((await removeVm({ client: c, id: record.id, timeoutMs: T })).alreadyGone, false);
  });

  test(`${mode}: an illegal disk fails naming the disk, with the Correlation-Id`, async () => {
    site = await startSite(mode);
    const c = site.client();
    site.engine.failNextDisk();
    const err = await ensureVm({ client: c, spec: spec("bad1"), timeoutMs: T }).catch((e: unknown) => e);
    assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"), String(err));
    assert.match(err.message, /disk bad1-root .* is illegal/);
    assert.match(err.message, /Correlation-Id: drp-/);
    // The engine's own account of it, from its events for this Correlation-Id.
    assert.match(
      err.message,
      /engine events: error Add-Disk operation failed to complete: the disk bad1-root is illegal/,
    );
    assert.ok(!visible(err).includes(CANARY));
  });

  test(`${mode}: a template's disk is adopted and never detached; an undeclared disk declared before is removed`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("tpl1", {
      template: "rhel7-tmpl",
      disks: [{ name: "data", storageDomain: "data0", sizeGiB: 2 }],
    });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    const fromTemplate = record.disks.filter((d) => d.fromTemplate);
    assert.equal(fromTemplate.length, 1, JSON.stringify(record.disks));
    const out = await updateVm({
      client: c,
      id: record.id,
      spec: { ...s, disks: [] },
      previous: s,
      timeoutMs: T,
    });
    assert.deepEqual(
      out.record.disks.map((d) => d.name),
      fromTemplate.map((d) => d.name),
      "only the template disk stays",
    );
    assert.equal(
      site.engine.disk("data"),
      undefined,
      "a disk declared before is destroyed when it goes away",
    );
  });
}

test("v4: a non-transient 409 is not retried and carries the fault's detail, its reason and the Correlation-Id", async () => {
  site = await startSite("ovirt-4.4");
  const c = site.client();
  const { record } = await ensureVm({ client: c, spec: spec("run1", { runState: "running" }), timeoutMs: T });
  const err = await c
    .request({
      method: "DELETE",
      path: `/vms/${record.id}`,
      operation: "removeVm",
      idempotent: true,
      correlationId: "drp-test-1",
    })
    .catch((e: unknown) => e);
  assert.ok(isDrplaneError(err, "DRP_CONFLICT"));
  assert.match(err.message, /Cannot remove VM\. VM is running\./);
  assert.match(err.message, /\(Correlation-Id: drp-test-1\)/);
  assert.equal(err.meta.vendorCause, "Operation Failed");
  assert.match(err.meta.remedy ?? "", /stop the VM/);
  assert.equal(err.meta.attempts ?? 1, 1);
});

test("v4: a transient 409 on start is retried and the start goes on", async () => {
  site = await startSite("ovirt-4.4");
  const c = site.client();
  const { record } = await ensureVm({ client: c, spec: spec("busy1"), timeoutMs: T });
  site.engine.injectConflict("POST /ovirt-engine/api/vms/:id/start", "in-progress", 1);
  const out = await updateVm({
    client: c,
    id: record.id,
    spec: spec("busy1", { runState: "running" }),
    timeoutMs: T,
  });
  assert.equal(out.record.status, "up");
});

for (const mode of ["ovirt-4.4", "rhev-3.6"] as const) {
  test(`${mode}: a create whose reply is lost is looked up by name, not posted twice`, async () => {
    site = await startSite(mode);
    const c = site.client();
    await c.dialect();
    // Both dialects are served at /ovirt-engine/api here; the reply to the POST is dropped.
    site.engine.server.faults.add({
      route: "POST /ovirt-engine/api/vms",
      resetAfterHandling: true,
      times: 1,
    });
    const { record } = await ensureVm({ client: c, spec: spec("lost1"), timeoutMs: T });
    assert.equal(site.engine.vms().filter((v) => v.config.name === "lost1").length, 1);
    assert.equal(record.name, "lost1");
  });

  test(`${mode}: the CD changes in the running VM (current) and in its persisted configuration; a NIC goes away`, async () => {
    site = await startSite(mode);
    const c = site.client();
    const s = spec("cd1", {
      runState: "running",
      nics: [
        { name: "nic1", network: "ovirtmgmt" },
        { name: "nic2", vnicProfile: "ovirtmgmt", interface: "e1000" },
      ],
    });
    const { record } = await ensureVm({ client: c, spec: s, timeoutMs: T });
    assert.deepEqual(
      record.nics.map((n) => [n.name, n.interface]),
      [
        ["nic1", "virtio"],
        ["nic2", "e1000"],
      ],
    );
    const out = await updateVm({
      client: c,
      id: record.id,
      spec: { ...s, cdromIso: "windows_example.iso", nics: [{ name: "nic1", network: "ovirtmgmt" }] },
      previous: s,
      timeoutMs: T,
    });
    const vm = site.engine.vm("cd1")!;
    assert.equal(vm.cdromCurrent, "windows_example.iso", "the running VM has the ISO now");
    assert.equal(vm.cdrom, "windows_example.iso", "and keeps it at its next boot");
    assert.equal(out.record.cdromIso, "windows_example.iso");
    assert.deepEqual(
      out.record.nics.map((n) => n.name),
      ["nic1"],
    );
    const ejected = await updateVm({ client: c, id: record.id, spec: { ...s, cdromIso: "" }, timeoutMs: T });
    assert.equal(ejected.record.cdromIso, undefined);
    assert.equal(site.engine.vm("cd1")!.cdromCurrent, "");
  });
}
