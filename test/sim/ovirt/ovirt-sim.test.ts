import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../../provider/core/clock";
import { SEED_IDS, startOvirtEngine, ZERO_GUID, type OvirtEngine } from "./index";

const ADMIN = "admin@internal";
const PASS = "engine-pass";
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

interface CallOptions {
  method?: string;
  body?: unknown;
  token?: string;
  basic?: boolean;
  cookie?: string;
  persistent?: boolean;
  headers?: Record<string, string>;
}

async function call(engine: OvirtEngine, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
  if (opts.basic) headers["authorization"] = `Basic ${Buffer.from(`${ADMIN}:${PASS}`).toString("base64")}`;
  if (opts.cookie) headers["cookie"] = `JSESSIONID=${opts.cookie}`;
  if (opts.persistent) headers["prefer"] = "persistent-auth";
  const res = await fetch(engine.url + path, {
    method: opts.method ?? "GET",
    headers,
    body:
      typeof opts.body === "string"
        ? opts.body
        : opts.body === undefined
          ? undefined
          : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body };
}

async function ssoLogin(engine: OvirtEngine, password = PASS, scope = "ovirt-app-api"): Promise<Reply> {
  const res = await fetch(`${engine.url}/ovirt-engine/sso/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "password", scope, username: ADMIN, password }).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const API = "/ovirt-engine/api";

describe("oVirt sim, v4 (ovirt-4.4)", () => {
  let engine: OvirtEngine;
  let clock: ManualClock;
  let token: string;
  const v4 = (path: string, opts: CallOptions = {}): Promise<Reply> =>
    call(engine, API + path, { token, ...opts, headers: { version: "4", ...opts.headers } });

  before(async () => {
    clock = new ManualClock();
    engine = await startOvirtEngine({ clock });
    const login = await ssoLogin(engine);
    token = login.body.access_token;
  });
  after(() => engine.stop());

  it("SSO: refuses a wrong password and a missing scope with the OAuth error body", async () => {
    const bad = await ssoLogin(engine, "nope");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, "access_denied");
    const scope = await ssoLogin(engine, PASS, "openid");
    assert.equal(scope.body.error_code, "invalid_scope");
    const ok = await ssoLogin(engine);
    assert.equal(ok.body.token_type, "bearer");
    assert.equal(typeof ok.body.exp, "string");
  });

  it("needs a token: 401 without one, an unsupported Version is a bare 400", async () => {
    assert.equal((await call(engine, API)).status, 401);
    const v3 = await v4("", { headers: { version: "3" } });
    assert.equal(v3.status, 400);
    assert.equal(v3.body, undefined);
    assert.equal((await call(engine, `${API}/v3/vms`, { token })).status, 400, "v3 is gone from 4.4");
    assert.equal((await call(engine, "/api", { token })).status, 404);
  });

  it("API root carries the product version; longs and ints are strings", async () => {
    const root = await v4("");
    assert.equal(root.status, 200);
    assert.equal(root.body.product_info.version.major, "4");
    assert.equal(root.body.product_info.version.minor, "4");
    const dcs = await v4("/datacenters");
    assert.deepEqual(
      dcs.body.data_center.map((d: any) => [d.name, d.id]),
      [["Default", SEED_IDS.dataCenter]],
    );
  });

  it("echoes a sanitized Correlation-Id and finds the job by it", async () => {
    const r = await v4("/vms", {
      method: "POST",
      headers: { "correlation-id": "op:42/create" },
      body: { name: "corr1", cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("correlation-id"), "op42create");
    const jobs = await v4(`/jobs?search=${encodeURIComponent("correlation_id=op42create")}`);
    assert.equal(jobs.body.job.length, 1);
    assert.equal(jobs.body.job[0].status, "finished");
  });

  it("VM lifecycle: create, disk locked → ok, start → up with IPs, shutdown → down, delete → 404", async () => {
    const created = await v4("/vms", {
      method: "POST",
      body: {
        name: "vm1",
        cluster: { name: "Default" },
        template: { id: ZERO_GUID },
        memory: String(512 * MiB),
        os: { boot: { devices: { device: ["hd"] } } },
        initialization: { host_name: "vm1.example.com", root_password: "s3cret" },
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, "down");
    assert.equal(created.body.memory, String(512 * MiB));
    assert.equal(created.body.initialization.root_password, "******");
    const id = created.body.id;

    const dup = await v4("/vms", {
      method: "POST",
      body: { name: "vm1", cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    assert.equal(dup.status, 409);
    assert.match(dup.body.detail, /^\[Cannot add VM\. The VM name is already in use/);

    const noDisk = await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    assert.equal(noDisk.status, 409);
    assert.equal(noDisk.body.status, "failed");
    assert.match(noDisk.body.fault.detail, /at least one bootable disk/);

    const nic = await v4(`/vms/${id}/nics`, {
      method: "POST",
      body: { name: "nic1", interface: "virtio", vnic_profile: { id: SEED_IDS.vnicProfile } },
    });
    assert.equal(nic.status, 201);
    const nicDup = await v4(`/vms/${id}/nics`, { method: "POST", body: { name: "nic1" } });
    assert.equal(nicDup.status, 409);

    const att = await v4(`/vms/${id}/diskattachments`, {
      method: "POST",
      body: {
        bootable: "true",
        interface: "virtio_scsi",
        active: "true",
        disk: {
          name: "vm1_os",
          format: "cow",
          sparse: "true",
          provisioned_size: String(10 * GiB),
          storage_domains: { storage_domain: [{ name: "data0" }] },
        },
      },
    });
    assert.equal(att.status, 201);
    const diskId = att.body.disk.id;
    assert.equal((await v4(`/disks/${diskId}`)).body.status, "locked");
    assert.equal((await v4(`/vms/${id}`)).body.status, "down", "adding a disk does not lock the VM");

    const locked = await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    assert.equal(locked.status, 409);
    assert.match(locked.body.fault.detail, /The following disks are locked: vm1_os/);

    clock.advance(engine.state.timings.diskCreateMs);
    assert.equal((await v4(`/disks/${diskId}`)).body.status, "ok");

    const start = await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    assert.equal(start.status, 200);
    assert.equal(start.body.status, "complete");
    const seen = [(await v4(`/vms/${id}`)).body.status];
    clock.advance(engine.state.timings.launchMs);
    seen.push((await v4(`/vms/${id}`)).body.status);
    clock.advance(engine.state.timings.powerUpMs);
    seen.push((await v4(`/vms/${id}`)).body.status);
    assert.deepEqual(seen, ["wait_for_launch", "powering_up", "up"]);
    assert.equal(engine.vm("vm1")?.boots[0]?.initializationSource, "persisted");

    const again = await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    assert.match(again.body.fault.detail, /\[Cannot run VM\. VM is running\.\]/);
    const delRunning = await v4(`/vms/${id}`, { method: "DELETE" });
    assert.equal(delRunning.status, 409);
    assert.equal(delRunning.body.detail, "[Cannot remove VM. VM is running.]");

    assert.equal((await v4(`/vms/${id}/reporteddevices`)).body.reported_device, undefined);
    clock.advance(engine.state.timings.guestAgentMs);
    const reported = await v4(`/vms/${id}/reporteddevices`);
    assert.equal(reported.body.reported_device[0].ips.ip[0].version, "v4");

    const shutdown = await v4(`/vms/${id}/shutdown`, { method: "POST", body: {} });
    assert.equal(shutdown.status, 200);
    assert.equal((await v4(`/vms/${id}`)).body.status, "powering_down");
    clock.advance(engine.state.timings.shutdownMs);
    assert.equal((await v4(`/vms/${id}`)).body.status, "down");

    const stopDown = await v4(`/vms/${id}/stop`, { method: "POST", body: {} });
    assert.equal(stopDown.body.fault.detail, "[Cannot stop VM. VM is not running.]");

    // second boot: the persisted initialization is not applied again
    await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.launchMs + engine.state.timings.powerUpMs);
    const boots = engine.vm("vm1")!.boots;
    assert.equal(boots.length, 2);
    assert.equal(boots[1]!.initialization, undefined);
    await v4(`/vms/${id}/stop`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.stopMs);

    await v4(`/vms/${id}`, { method: "PUT", body: { delete_protected: "true" } });
    const protectedDel = await v4(`/vms/${id}`, { method: "DELETE" });
    assert.equal(protectedDel.status, 409);
    assert.match(protectedDel.body.detail, /Delete protection is enabled/);
    await v4(`/vms/${id}`, { method: "PUT", body: { delete_protected: "false" } });
    assert.equal((await v4(`/vms/${id}`, { method: "DELETE" })).status, 200);
    assert.equal((await v4(`/vms/${id}`)).status, 200, "still there while disks are removed");
    clock.advance(engine.state.timings.removeMs);
    const gone = await v4(`/vms/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body, undefined);
    assert.equal((await v4(`/disks/${diskId}`)).status, 404);
  });

  it("template create: 202 image_locked with creation_status, then down with ok disks", async () => {
    const r = await v4("/vms", {
      method: "POST",
      body: { name: "fromtmpl", cluster: { name: "Default" }, template: { name: "rhel7-tmpl" } },
    });
    assert.equal(r.status, 202);
    assert.equal(r.body.status, "image_locked");
    assert.equal(r.body.creation_status, "pending");
    const start = await v4(`/vms/${r.body.id}/start`, { method: "POST", body: {} });
    assert.match(start.body.fault.detail, /VM is locked/);
    const detachOnly = await v4(`/vms/${r.body.id}?detach_only=true&force=true`, { method: "DELETE" });
    assert.match(detachOnly.body.detail, /based from template/);
    clock.advance(engine.state.timings.imageCopyMs);
    assert.equal((await v4(`/vms/${r.body.id}`)).body.status, "down");
    const atts = await v4(`/vms/${r.body.id}/diskattachments`);
    assert.equal(atts.body.disk_attachment.length, 1);
    assert.equal(engine.vmDisks("fromtmpl")[0]!.status, "ok");
  });

  it("a disk armed to fail ends illegal and blocks start", async () => {
    const vm = await v4("/vms", {
      method: "POST",
      body: { name: "illegal1", cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    engine.failNextDisk();
    await v4(`/vms/${vm.body.id}/diskattachments`, {
      method: "POST",
      body: {
        bootable: "true",
        interface: "virtio",
        active: "true",
        disk: {
          name: "bad",
          format: "raw",
          provisioned_size: String(GiB),
          storage_domains: { storage_domain: [{ id: SEED_IDS.dataDomain }] },
        },
      },
    });
    clock.advance(engine.state.timings.diskCreateMs);
    assert.equal(engine.disk("bad")?.status, "illegal");
    const start = await v4(`/vms/${vm.body.id}/start`, { method: "POST", body: {} });
    assert.match(start.body.fault.detail, /ILLEGAL status: bad/);
  });

  it("next_run: cold changes of a running VM are pending until it goes down; hot ones apply", async () => {
    const vm = await v4("/vms", {
      method: "POST",
      body: {
        name: "nr1",
        cluster: { name: "Default" },
        template: { name: "Blank" },
        memory: String(GiB),
        os: { boot: { devices: { device: ["cdrom"] } } },
      },
    });
    const id = vm.body.id;
    await v4(`/vms/${id}/cdroms/${ZERO_GUID}`, {
      method: "PUT",
      body: { file: { id: "RHEL6.3-Server-x86_64-DVD1.iso" } },
    });
    await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.launchMs + engine.state.timings.powerUpMs);
    assert.equal(engine.vm("nr1")?.boots[0]?.cdrom, "RHEL6.3-Server-x86_64-DVD1.iso");

    const hot = await v4(`/vms/${id}`, {
      method: "PUT",
      body: { memory: String(GiB + 256 * MiB), description: "hot" },
    });
    assert.equal(hot.body.memory, String(GiB + 256 * MiB));
    assert.equal(hot.body.next_run_configuration_exists, "false");

    const cold = await v4(`/vms/${id}`, { method: "PUT", body: { cpu: { topology: { cores: "4" } } } });
    assert.equal(cold.body.cpu.topology.cores, "1");
    assert.equal(cold.body.next_run_configuration_exists, "true");
    const pending = await v4(`/vms/${id}?next_run=true`);
    assert.equal(pending.body.cpu.topology.cores, "4");
    assert.equal(pending.body.description, "hot");

    const deferred = await v4(`/vms/${id}?next_run=true`, { method: "PUT", body: { description: "later" } });
    assert.equal(deferred.body.description, "hot");

    // current=true changes the running drive only
    await v4(`/vms/${id}/cdroms/${ZERO_GUID}?current=true`, {
      method: "PUT",
      body: { file: { id: "windows_example.iso" } },
    });
    assert.equal(
      (await v4(`/vms/${id}/cdroms/${ZERO_GUID}?current=true`)).body.file.id,
      "windows_example.iso",
    );
    assert.equal((await v4(`/vms/${id}/cdroms/${ZERO_GUID}`)).body.file.id, "RHEL6.3-Server-x86_64-DVD1.iso");

    await v4(`/vms/${id}/stop`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.stopMs);
    const after = await v4(`/vms/${id}`);
    assert.equal(after.body.cpu.topology.cores, "4");
    assert.equal(after.body.description, "later");
    assert.equal(after.body.next_run_configuration_exists, "false");
  });

  it("ACPI ignored: shutdown returns to up; stop is a hard stop", async () => {
    const vm = await v4("/vms", {
      method: "POST",
      body: {
        name: "acpi1",
        cluster: { name: "Default" },
        template: { name: "Blank" },
        os: { boot: { devices: { device: ["network"] } } },
      },
    });
    const id = vm.body.id;
    engine.setAcpiIgnored("acpi1", true);
    await v4(`/vms/${id}/start`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.launchMs + engine.state.timings.powerUpMs);
    await v4(`/vms/${id}/shutdown`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.acpiTimeoutMs);
    assert.equal((await v4(`/vms/${id}`)).body.status, "up");
    await v4(`/vms/${id}/stop`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.stopMs);
    assert.equal((await v4(`/vms/${id}`)).body.status, "down");
  });

  it("run-once cloud-init reaches the guest on that boot only", async () => {
    const vm = await v4("/vms", {
      method: "POST",
      body: {
        name: "once1",
        cluster: { name: "Default" },
        template: { name: "Blank" },
        os: { boot: { devices: { device: ["network"] } } },
      },
    });
    await v4(`/vms/${vm.body.id}/nics`, {
      method: "POST",
      body: { name: "nic1", vnic_profile: { id: SEED_IDS.vnicProfile } },
    });
    const start = await v4(`/vms/${vm.body.id}/start`, {
      method: "POST",
      body: {
        use_cloud_init: "true",
        vm: {
          initialization: {
            host_name: "once1",
            nic_configurations: {
              nic_configuration: [{ name: "eth0", boot_protocol: "static", ip: { address: "10.10.10.5" } }],
            },
          },
        },
      },
    });
    assert.equal(start.status, 200);
    clock.advance(
      engine.state.timings.launchMs + engine.state.timings.powerUpMs + engine.state.timings.guestAgentMs,
    );
    const vmNow = await v4(`/vms/${vm.body.id}`);
    assert.equal(vmNow.body.run_once, "true");
    assert.equal(vmNow.body.initialization, undefined, "run-once parameters are not persisted");
    assert.equal(engine.vm("once1")?.boots[0]?.initializationSource, "run_once");
    const ips = await v4(`/vms/${vm.body.id}/reporteddevices`);
    assert.equal(ips.body.reported_device[0].ips.ip[0].address, "10.10.10.5");
  });

  it("search: exact name, wildcard, case and max", async () => {
    const q = (s: string, extra = ""): Promise<Reply> => v4(`/vms?search=${encodeURIComponent(s)}${extra}`);
    assert.deepEqual(
      (await q("name=nr1")).body.vm.map((v: any) => v.name),
      ["nr1"],
    );
    assert.deepEqual(
      (await q("name=NR1")).body.vm.map((v: any) => v.name),
      ["nr1"],
    );
    assert.deepEqual((await q("name=NR1", "&case_sensitive=true")).body, {});
    assert.deepEqual(
      (await q("name=once*")).body.vm.map((v: any) => v.name),
      ["once1"],
    );
    assert.equal((await v4("/vms?max=1")).body.vm.length, 1);
    assert.equal((await q("bogus=1")).status, 400);
  });

  it("events since an id, newest first", async () => {
    const all = await v4("/events");
    const newest = Number(all.body.event[0].id);
    await v4("/vms", {
      method: "POST",
      body: { name: "ev1", cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    const since = await v4(`/events?from=${newest}`);
    assert.ok(since.body.event.length >= 1);
    assert.ok(since.body.event.every((e: any) => Number(e.id) > newest));
    assert.match(since.body.event[0].description, /VM ev1 was created/);
    assert.ok(
      all.body.event.some((e: any) => e.code === "30"),
      "logins are events (seed 2.22)",
    );
  });

  it("drift: out-of-band rename, memory change and disk removal show on the next read", async () => {
    engine.renameVm("ev1", "ev1-renamed");
    engine.setVmMemory("ev1-renamed", 2 * GiB);
    const vm = (await v4(`/vms?search=${encodeURIComponent("name=ev1-renamed")}`)).body.vm[0];
    assert.equal(vm.memory, String(2 * GiB));
    engine.removeDisk("fromtmpl_Disk1");
    const fromtmpl = (await v4(`/vms?search=name%3Dfromtmpl`)).body.vm[0];
    assert.deepEqual((await v4(`/vms/${fromtmpl.id}/diskattachments`)).body, {});
  });

  it("faults: injected transient 409 and 500 in the engine's shape, reset, token expiry mid-operation", async () => {
    const vm = (await v4(`/vms?search=name%3Dacpi1`)).body.vm[0];
    const f = engine.injectConflict("POST /ovirt-engine/api/vms/:id/start", "in-progress");
    const busy = await v4(`/vms/${vm.id}/start`, { method: "POST", body: {} });
    assert.equal(busy.status, 409);
    assert.equal(
      busy.body.fault.detail,
      "[Cannot run VM. Related operation is currently in progress. Please try again later.]",
    );
    assert.equal(f.fired, 1);
    engine.server.faults.add({ route: "GET /ovirt-engine/api/vms/:id", status: 500 });
    const err = await v4(`/vms/${vm.id}`);
    assert.equal(err.status, 500);
    assert.equal(err.body.reason, "Operation Failed");
    engine.server.faults.add({ route: "GET /ovirt-engine/api/vms/:id", reset: true });
    await assert.rejects(v4(`/vms/${vm.id}`));

    engine.expireTokensAfter(1);
    assert.equal((await v4(`/vms/${vm.id}`)).status, 200);
    assert.equal((await v4(`/vms/${vm.id}`)).status, 401);
    token = (await ssoLogin(engine)).body.access_token;
    assert.equal((await v4(`/vms/${vm.id}`)).status, 200);
  });

  it("bad JSON is 400 'Request syntactically incorrect.'; unknown or non-GUID ids are an empty 404", async () => {
    const bad = await v4("/vms", { method: "POST", body: "{nope" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, "Request syntactically incorrect.");
    assert.equal((await v4("/vms/not-a-guid")).status, 404);
    const missing = await v4("/vms", {
      method: "POST",
      body: { cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    assert.deepEqual(missing.body, { reason: "Incomplete parameters", detail: "Vm [name] required for add" });
  });
});

describe("oVirt sim, storage domains and hosts", () => {
  let engine: OvirtEngine;
  let clock: ManualClock;
  let token: string;
  const v4 = (path: string, opts: CallOptions = {}): Promise<Reply> =>
    call(engine, API + path, { token, ...opts });

  before(async () => {
    clock = new ManualClock();
    engine = await startOvirtEngine({ clock, seed: { dataDomain: false } });
    token = (await ssoLogin(engine)).body.access_token;
  });
  after(() => engine.stop());

  it("NFS data domain: add → unattached, attach → maintenance, activate → active, deactivate, detach, remove", async () => {
    const dc = SEED_IDS.dataCenter;
    const add = await v4("/storagedomains", {
      method: "POST",
      body: {
        name: "data1",
        type: "data",
        host: { name: "Atlantic" },
        storage_format: "v3",
        storage: { type: "nfs", address: "192.0.43.10", path: "/storage/data" },
      },
    });
    assert.equal(add.status, 201);
    assert.equal(add.body.status, "unattached");
    const sd = add.body.id;
    assert.equal(
      (await v4("/storagedomains", { method: "POST", body: { ...add.body, name: "data1" } })).status,
      409,
    );
    const attach = await v4(`/datacenters/${dc}/storagedomains`, { method: "POST", body: { id: sd } });
    assert.equal(attach.body.status, "maintenance");
    await v4(`/datacenters/${dc}/storagedomains/${sd}/activate`, { method: "POST", body: {} });
    assert.equal((await v4(`/datacenters/${dc}/storagedomains/${sd}`)).body.status, "activating");
    clock.advance(engine.state.timings.domainOpMs);
    assert.equal((await v4(`/datacenters/${dc}/storagedomains/${sd}`)).body.status, "active");
    const busyDetach = await v4(`/datacenters/${dc}/storagedomains/${sd}`, { method: "DELETE" });
    assert.equal(busyDetach.status, 409);

    engine.domainToMaintenance("data1");
    clock.advance(engine.state.timings.domainOpMs);
    assert.equal((await v4(`/storagedomains/${sd}`)).body.status, "maintenance");
    await v4(`/datacenters/${dc}/storagedomains/${sd}`, { method: "DELETE" });
    assert.equal((await v4(`/storagedomains/${sd}`)).body.status, "locked");
    clock.advance(engine.state.timings.domainOpMs);
    assert.equal((await v4(`/storagedomains/${sd}`)).body.status, "unattached");
    assert.equal((await v4(`/storagedomains/${sd}`, { method: "DELETE" })).status, 400, "host is required");
    assert.equal((await v4(`/storagedomains/${sd}?host=Atlantic`, { method: "DELETE" })).status, 200);
    const reuse = await v4("/storagedomains", {
      method: "POST",
      body: {
        name: "data2",
        type: "data",
        host: { name: "Atlantic" },
        storage: { type: "nfs", address: "192.0.43.10", path: "/storage/data" },
      },
    });
    assert.equal(reuse.status, 409, "an unformatted export still holds the old domain");
  });

  it("PUT /storagedomains/{id} renames a domain; a taken or malformed name and a busy domain are refused", async () => {
    const dc = SEED_IDS.dataCenter;
    const add = await v4("/storagedomains", {
      method: "POST",
      body: {
        name: "data3",
        type: "data",
        host: { name: "Atlantic" },
        storage: { type: "nfs", address: "192.0.43.10", path: "/storage/data3" },
      },
    });
    const sd = add.body.id;
    const renamed = await v4(`/storagedomains/${sd}`, {
      method: "PUT",
      body: { name: "data3-renamed", description: "DR copy", type: "iso" },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "data3-renamed");
    assert.equal(renamed.body.description, "DR copy");
    assert.equal(renamed.body.type, "data", "the storage itself does not change");
    assert.equal(engine.domain(sd)?.name, "data3-renamed");
    assert.ok(engine.events().some((e) => /data3 was renamed to data3-renamed/.test(e.description)));

    const taken = await v4(`/storagedomains/${sd}`, { method: "PUT", body: { name: "ISO_DOMAIN" } });
    assert.equal(taken.status, 409);
    assert.match(taken.body.detail, /name is already in use/);
    const bad = await v4(`/storagedomains/${sd}`, { method: "PUT", body: { name: "no spaces" } });
    assert.equal(bad.status, 400);
    await v4(`/datacenters/${dc}/storagedomains`, { method: "POST", body: { id: sd } });
    await v4(`/datacenters/${dc}/storagedomains/${sd}/activate`, { method: "POST", body: {} });
    const busy = await v4(`/storagedomains/${sd}`, { method: "PUT", body: { name: "data3" } });
    assert.equal(busy.status, 409);
    assert.match(busy.body.detail, /status is activating/);
    clock.advance(engine.state.timings.domainOpMs);
    assert.equal((await v4(`/storagedomains/${sd}`, { method: "PUT", body: { name: "data3" } })).status, 200);
    assert.equal(
      (
        await v4(`/storagedomains/00000000-0000-4000-8000-00000000dead`, {
          method: "PUT",
          body: { name: "x" },
        })
      ).status,
      404,
    );
  });

  it("the master data domain is not deactivated while other data domains of its data center are active", async () => {
    const dc = SEED_IDS.dataCenter;
    // data1 (the first data domain of the suite) became master; data3 is active beside it.
    const data1 = engine.domain("data1");
    assert.equal(data1, undefined, "data1 was removed by the first case");
    const master = [...engine.state.domains.values()].find((d) => d.master && d.dataCenterId === dc);
    const data3 = engine.domain("data3")!;
    assert.ok(master, "a master data domain");
    assert.equal(
      master.id,
      data3.id,
      "data3 is master: the first data domain attached to an empty data center",
    );
    const add = await v4("/storagedomains", {
      method: "POST",
      body: {
        name: "data4",
        type: "data",
        host: { name: "Atlantic" },
        storage: { type: "nfs", address: "192.0.43.10", path: "/storage/data4" },
      },
    });
    const sd4 = add.body.id;
    await v4(`/datacenters/${dc}/storagedomains`, { method: "POST", body: { id: sd4 } });
    assert.equal(engine.domain(sd4)?.master, false);
    await v4(`/datacenters/${dc}/storagedomains/${sd4}/activate`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.domainOpMs);

    const refused = await v4(`/datacenters/${dc}/storagedomains/${data3.id}/deactivate`, {
      method: "POST",
      body: {},
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.status, "failed");
    assert.match(refused.body.fault.detail, /data3 is the master domain[\s\S]*\(data4\)/);
    assert.equal(engine.domain(data3.id)?.status, "active", "nothing changed");

    // The other data domain leaves first; then the master may go.
    await v4(`/datacenters/${dc}/storagedomains/${sd4}/deactivate`, { method: "POST", body: {} });
    clock.advance(engine.state.timings.domainOpMs);
    const last = await v4(`/datacenters/${dc}/storagedomains/${data3.id}/deactivate`, {
      method: "POST",
      body: {},
    });
    assert.equal(last.status, 200);
    clock.advance(engine.state.timings.domainOpMs);
    assert.equal(engine.domain(data3.id)?.status, "maintenance");
  });

  it("GET /datacenters/{id} and /clusters/{id} (seed 2.3, 2.4 by id); an unknown id is a bare 404", async () => {
    const dc = await v4(`/datacenters/${SEED_IDS.dataCenter}`);
    assert.equal(dc.status, 200);
    assert.equal(dc.body.name, "Default");
    assert.equal(dc.body.href, `${API}/datacenters/${SEED_IDS.dataCenter}`);
    const listed = (await v4("/datacenters")).body.data_center.find((d: any) => d.id === SEED_IDS.dataCenter);
    assert.deepEqual(dc.body, listed, "the entity is the listing's item");
    const cl = await v4(`/clusters/${SEED_IDS.cluster}`);
    assert.equal(cl.body.name, "Default");
    assert.equal(cl.body.data_center.id, SEED_IDS.dataCenter);
    const dr = engine.addDataCenter("DR");
    assert.equal((await v4(`/datacenters/${dr}`)).body.status, "uninitialized");
    const missing = await v4("/clusters/00000000-0000-4000-8000-00000000dead");
    assert.equal(missing.status, 404);
    assert.equal(missing.body, undefined);
    assert.equal((await v4("/datacenters/00000000-0000-4000-8000-00000000dead")).status, 404);
  });

  it("ISO domain files (seed 2.7)", async () => {
    const files = await v4(`/storagedomains/${SEED_IDS.isoDomain}/files`);
    assert.ok(files.body.file.some((f: any) => f.id === "RHEL6.3-Server-x86_64-DVD1.iso" && f.name === f.id));
  });

  it("host approval: pending_approval → installing → up", async () => {
    const pacific = (await v4(`/hosts?search=${encodeURIComponent("name=Pacific")}`)).body.host[0];
    assert.equal(pacific.status, "pending_approval");
    const approve = await v4(`/hosts/${pacific.id}/approve`, {
      method: "POST",
      body: { cluster: { name: "Default" } },
    });
    assert.equal(approve.body.status, "complete");
    assert.equal((await v4(`/hosts/${pacific.id}`)).body.status, "installing");
    clock.advance(engine.state.timings.hostInstallMs);
    assert.equal((await v4(`/hosts/${pacific.id}`)).body.status, "up");
    const twice = await v4(`/hosts/${pacific.id}/approve`, { method: "POST", body: {} });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.status, "failed");
  });
});

describe("oVirt sim, v3 (rhev-3.6)", () => {
  let engine: OvirtEngine;
  let clock: ManualClock;
  let cookie: string;
  const v3 = (path: string, opts: CallOptions = {}): Promise<Reply> =>
    call(engine, "/api" + path, {
      cookie,
      persistent: true,
      ...opts,
      headers: { version: "3", ...opts.headers },
    });

  before(async () => {
    clock = new ManualClock();
    engine = await startOvirtEngine({ mode: "rhev-3.6", clock });
  });
  after(() => engine.stop());

  it("Basic + Prefer: persistent-auth opens a JSESSIONID session; a request without Prefer closes it", async () => {
    assert.equal((await call(engine, "/ovirt-engine/sso/oauth/token", { method: "POST" })).status, 404);
    const wrong = await call(engine, "/api", {
      headers: { authorization: "Basic " + Buffer.from("x:y").toString("base64") },
    });
    assert.equal(wrong.status, 401);
    const login = await call(engine, "/api", { basic: true, persistent: true });
    assert.equal(login.status, 200);
    const set = login.headers.get("set-cookie") ?? "";
    cookie = /JSESSIONID=([^;]+)/.exec(set)![1]!;
    assert.equal(login.body.product_info.version.major, "3");
    assert.equal(login.body.product_info.version.minor, "6");
    assert.equal((await v3("/vms")).status, 200);
    assert.equal(engine.counters.liveSessions, 1);
    // the SDK's logout: a request with the cookie but without Prefer
    await call(engine, "/api", { cookie });
    assert.equal(engine.counters.liveSessions, 0);
    assert.equal((await v3("/vms")).status, 401);
    const again = await call(engine, "/api", { basic: true, persistent: true });
    cookie = /JSESSIONID=([^;]+)/.exec(again.headers.get("set-cookie") ?? "")![1]!;
    assert.equal(
      (await call(engine, "/ovirt-engine/api", { cookie, persistent: true, headers: { version: "4" } }))
        .status,
      400,
    );
  });

  it("v3 shapes: status.state, boot[].dev, numeric longs, VM disks with size", async () => {
    const vm = await v3("/vms", {
      method: "POST",
      body: {
        name: "vm1",
        memory: 512 * MiB,
        cluster: { id: SEED_IDS.cluster },
        template: { name: "Blank" },
        os: { boot: [{ dev: "hd" }] },
      },
    });
    assert.equal(vm.status, 201);
    assert.deepEqual(vm.body.status, { state: "down" });
    assert.deepEqual(vm.body.os.boot, [{ dev: "hd" }]);
    assert.equal(vm.body.memory, 512 * MiB);
    const v4shape = await v3("/vms", {
      method: "POST",
      body: {
        name: "vm2",
        cluster: { name: "Default" },
        template: { name: "Blank" },
        os: { boot: { devices: { device: ["hd"] } } },
      },
    });
    assert.equal(v4shape.status, 400);

    const disk = await v3(`/vms/${vm.body.id}/disks`, {
      method: "POST",
      body: {
        storage_domains: { storage_domain: [{ name: "data0" }] },
        size: 8 * 1024 * 1024,
        type: "system",
        interface: "virtio",
        format: "cow",
        bootable: "true",
      },
    });
    assert.equal(disk.status, 201);
    assert.equal(disk.body.name, "vm1_Disk1", "seed 2.16 default alias");
    assert.deepEqual(disk.body.status, { state: "locked" });
    assert.equal((await v3(`/vms/${vm.body.id}/diskattachments`)).status, 404);
    clock.advance(engine.state.timings.diskCreateMs);
    const disks = await v3(`/vms/${vm.body.id}/disks`);
    assert.equal(disks.body.disk[0].size, 8 * 1024 * 1024);

    // seed 2.18: detach keeps the disk; a DELETE without the detach body destroys it
    const did = disk.body.id;
    await v3(`/vms/${vm.body.id}/disks/${did}`, { method: "DELETE", body: { detach: "true" } });
    assert.equal(engine.disk(did)?.status, "ok");
    await v3(`/vms/${vm.body.id}/disks`, {
      method: "POST",
      body: { id: did, interface: "virtio", bootable: "true" },
    });
    await v3(`/vms/${vm.body.id}/disks/${did}`, { method: "DELETE" });
    assert.equal(engine.disk(did), undefined);
  });

  it("v3 CD-ROM: add (seed 2.17), ;current while running, eject by DELETE; guest_info IPs", async () => {
    const vm = (await v3(`/vms?search=name%3Dvm1`)).body.vm[0];
    const add = await v3(`/vms/${vm.id}/cdroms`, {
      method: "POST",
      body: { file: { id: "RHEL6.3-Server-x86_64-DVD1.iso" } },
    });
    assert.equal(add.status, 201);
    await v3(`/vms/${vm.id}`, { method: "PUT", body: { os: { boot: [{ dev: "cdrom" }] } } });
    await v3(`/vms/${vm.id}/nics`, {
      method: "POST",
      body: { name: "nic1", interface: "virtio", network: { name: "ovirtmgmt" } },
    });
    const start = await v3(`/vms/${vm.id}/start`, { method: "POST", body: {} });
    assert.deepEqual(start.body.status, { state: "complete" });
    clock.advance(
      engine.state.timings.launchMs + engine.state.timings.powerUpMs + engine.state.timings.guestAgentMs,
    );
    const up = await v3(`/vms/${vm.id}`);
    assert.deepEqual(up.body.status, { state: "up" });
    assert.ok(up.body.guest_info.ips.ip.length > 0);
    await v3(`/vms/${vm.id}/cdroms/${ZERO_GUID};current`, {
      method: "PUT",
      body: { file: { id: "windows_example.iso" } },
    });
    assert.equal((await v3(`/vms/${vm.id}/cdroms/${ZERO_GUID};current`)).body.file.id, "windows_example.iso");
    assert.equal(
      (await v3(`/vms/${vm.id}/cdroms/${ZERO_GUID}`)).body.file.id,
      "RHEL6.3-Server-x86_64-DVD1.iso",
    );
    await v3(`/vms/${vm.id}/cdroms/${ZERO_GUID}`, { method: "DELETE" });
    assert.equal((await v3(`/vms/${vm.id}/cdroms/${ZERO_GUID}`)).body.file, undefined);
    const del = await v3(`/vms/${vm.id}`, { method: "DELETE", body: { force: "true" } });
    assert.deepEqual(del.body, { reason: "Operation Failed", detail: "[Cannot remove VM. VM is running.]" });
    const stop = await v3(`/vms/${vm.id}/stop`, { method: "POST", body: {} });
    assert.equal(stop.status, 200);
  });

  it("v3 entity GETs of a data center and a cluster (status.state, numeric version), and a rename", async () => {
    const dc = await v3(`/datacenters/${SEED_IDS.dataCenter}`);
    assert.equal(dc.status, 200);
    assert.equal(dc.body.href, `/api/datacenters/${SEED_IDS.dataCenter}`);
    assert.ok(typeof dc.body.status === "object" && "state" in dc.body.status);
    const cl = await v3(`/clusters/${SEED_IDS.cluster}`);
    assert.equal(cl.body.name, "Default");
    const renamed = await v3(`/storagedomains/${SEED_IDS.isoDomain}`, {
      method: "PUT",
      body: { name: "ISO_DOMAIN2" },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "ISO_DOMAIN2");
    assert.deepEqual(renamed.body.status, { state: "active" });
    await v3(`/storagedomains/${SEED_IDS.isoDomain}`, { method: "PUT", body: { name: "ISO_DOMAIN" } });
  });

  it("v3 max is a matrix parameter only; jobs ignore search", async () => {
    await v3("/vms", {
      method: "POST",
      body: { name: "vm3", cluster: { name: "Default" }, template: { name: "Blank" } },
    });
    assert.equal((await v3("/vms;max=1")).body.vm.length, 1);
    assert.equal((await v3("/vms?max=1")).body.vm.length, 2);
    const jobs = await v3(`/jobs?search=${encodeURIComponent("correlation_id=none")}`);
    assert.ok(jobs.body.job.length > 1);
  });
});

describe("oVirt sim, ovirt-4.3 serves both dialects", () => {
  let engine: OvirtEngine;
  before(async () => {
    engine = await startOvirtEngine({ mode: "ovirt-4.3", clock: new ManualClock() });
  });
  after(() => engine.stop());

  it("v4 by default with numeric longs, v3 under /v3 or with Version: 3", async () => {
    const token = (await ssoLogin(engine)).body.access_token;
    const root = await call(engine, API, { token });
    assert.equal(root.body.product_info.version.full_version, "4.3.10.0");
    const vm = await call(engine, `${API}/vms`, {
      token,
      method: "POST",
      body: { name: "m1", cluster: { name: "Default" }, template: { name: "Blank" }, memory: "1073741824" },
    });
    assert.equal(vm.body.status, "down");
    assert.equal(vm.body.memory, 1073741824);
    const viaPrefix = await call(engine, `${API}/v3/vms/${vm.body.id}`, { basic: true });
    assert.deepEqual(viaPrefix.body.status, { state: "down" });
    assert.equal(viaPrefix.body.href, `${API}/v3/vms/${vm.body.id}`);
    const viaHeader = await call(engine, `${API}/vms/${vm.body.id}`, {
      basic: true,
      headers: { version: "3" },
    });
    assert.deepEqual(viaHeader.body.status, { state: "down" });
    assert.equal(engine.counters.basicLogins, 2);
  });
});
