/**
 * Pure tests of the oVirt vendor layer: the tolerant codec (string|number, string|boolean,
 * epoch-ms dates, missing collections), the dialect adapter (reference §2 table), the error
 * table (fault shapes, transient 409s, never-retried texts, remedies), Correlation-Ids and the
 * API root's version reading. No I/O.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  adapterFor,
  bool,
  bootDevicesOf,
  date,
  guestIpsOf,
  list,
  nested,
  newCorrelationId,
  num,
  ovirtHttpError,
  statusOf,
  str,
  toWire,
  versionOf,
  withCorrelationId,
} from "../../../provider/vendors/ovirt";

test("codec reads primitives as strings or native values, and writes strings", () => {
  assert.equal(num("1073741824"), 1073741824);
  assert.equal(num(1073741824), 1073741824);
  assert.equal(num("abc"), undefined);
  assert.equal(bool("true"), true);
  assert.equal(bool("FALSE"), false);
  assert.equal(bool(true), true);
  assert.equal(bool("1"), true);
  assert.equal(bool(0), false);
  assert.equal(bool("maybe"), undefined);
  assert.equal(str(2), "2");
  assert.equal(date(1472564909990), 1472564909990);
  assert.equal(date("1472564909990"), 1472564909990);
  assert.equal(date("2016-08-30T13:48:29.990Z"), 1472564909990);
  assert.deepEqual(toWire({ memory: 512, a: { b: true, c: undefined }, d: [1, "x"] }), {
    memory: "512",
    a: { b: "true" },
    d: ["1", "x"],
  });
});

test("codec reads a missing, empty, single or bare collection", () => {
  assert.deepEqual(list({}, "vm"), []);
  assert.deepEqual(list(undefined, "vm"), []);
  assert.deepEqual(list({ vm: [{ id: "1" }] }, "vm"), [{ id: "1" }]);
  assert.deepEqual(list({ vm: { id: "1" } }, "vm"), [{ id: "1" }]);
  assert.deepEqual(list([{ id: "1" }], "vm"), [{ id: "1" }]);
  assert.deepEqual(nested({ ips: { ip: [{ address: "10.0.0.1" }] } }, "ips", "ip"), [
    { address: "10.0.0.1" },
  ]);
  assert.deepEqual(nested({}, "ips", "ip"), []);
});

test("the adapter reads status, boot devices and guest IPs in both shapes", () => {
  assert.equal(statusOf({ status: "down" }), "down");
  assert.equal(statusOf({ status: { state: "image_locked", detail: "x" } }), "image_locked");
  assert.equal(statusOf({}), undefined);
  assert.deepEqual(bootDevicesOf({ os: { boot: { devices: { device: ["hd", "cdrom"] } } } }), [
    "hd",
    "cdrom",
  ]);
  assert.deepEqual(bootDevicesOf({ os: { boot: [{ dev: "network" }, { dev: "hd" }] } }), ["network", "hd"]);
  assert.deepEqual(bootDevicesOf({ os: { type: "other" } }), []);
  assert.deepEqual(guestIpsOf({ guest_info: { ips: { ip: [{ address: "10.1.1.1" }] } } }), ["10.1.1.1"]);
  assert.deepEqual(
    guestIpsOf({}, [{ name: "eth0", ips: { ip: [{ address: "fe80::1" }, { address: "10.2.2.2" }] } }]),
    ["fe80::1", "10.2.2.2"],
  );
});

test("the adapter writes each dialect's own request shapes", () => {
  const v4 = adapterFor("v4");
  const v3 = adapterFor("v3");
  assert.deepEqual(v4.bootWire(["hd"]), { devices: { device: ["hd"] } });
  assert.deepEqual(v3.bootWire(["hd", "cdrom"]), [{ dev: "hd" }, { dev: "cdrom" }]);
  assert.equal(v4.disksPath("v1"), "/vms/v1/diskattachments");
  assert.equal(v3.disksPath("v1"), "/vms/v1/disks");
  const disk = {
    name: "d1",
    storageDomainId: "sd1",
    sizeBytes: 1073741824,
    format: "cow" as const,
    sparse: true,
    interface: "virtio_scsi",
    bootable: true,
  };
  assert.deepEqual(v4.newDisk("v1", disk).body, {
    bootable: "true",
    interface: "virtio_scsi",
    active: "true",
    disk: {
      name: "d1",
      format: "cow",
      sparse: "true",
      provisioned_size: "1073741824",
      storage_domains: { storage_domain: [{ id: "sd1" }] },
    },
  });
  assert.equal((v3.newDisk("v1", disk).body as Record<string, unknown>).alias, "d1");
  // v3: detach needs the body, or the disk is destroyed (seed 2.18); v4 keeps the disk unless told.
  assert.deepEqual(v3.detachDisk("v1", { diskId: "d" }, false), [
    { path: "/vms/v1/disks/d", body: { detach: "true" } },
  ]);
  assert.deepEqual(v3.detachDisk("v1", { diskId: "d" }, true), [{ path: "/vms/v1/disks/d" }]);
  assert.deepEqual(
    v4.detachDisk("v1", { attachmentId: "a", diskId: "d" }, true).map((s) => s.path),
    ["/vms/v1/diskattachments/a", "/disks/d"],
  );
  assert.deepEqual(v4.removeVm("v1", { force: true, detachOnly: true }), {
    path: "/vms/v1",
    query: { force: "true", detach_only: "true" },
  });
  assert.deepEqual(v3.removeVm("v1", { force: true, detachOnly: true }).body, {
    force: "true",
    vm: { disks: { detach_only: "true" } },
  });
  assert.deepEqual(v4.cdrom("v1", "c", true), { path: "/vms/v1/cdroms/c", query: { current: "true" } });
  assert.deepEqual(v3.cdrom("v1", "c", true), { path: "/vms/v1/cdroms/c;current" });
  assert.deepEqual(v3.cdrom("v1", "c", false), { path: "/vms/v1/cdroms/c" });
  assert.deepEqual(v4.nextRun("/vms/v1"), { path: "/vms/v1", query: { next_run: "true" } });
});

test("errors: CRUD and action faults, brackets dropped, reason as the cause", () => {
  const crud = ovirtHttpError("startVm", 409, {
    reason: "Operation Failed",
    detail: "[Cannot run VM without at least one bootable disk.]",
  });
  assert.equal(crud.code, "DRP_CONFLICT", "bootable disk is never retried");
  assert.match(crud.message, /Cannot run VM without at least one bootable disk\./);
  assert.doesNotMatch(crud.summary, /\[/);
  assert.equal(crud.meta.vendorCause, "Operation Failed");
  assert.equal(crud.meta.vendor, "ovirt");
  assert.ok(crud.meta.remedy);
  const action = ovirtHttpError("stopVm", 409, {
    status: "failed",
    fault: { reason: "Operation Failed", detail: "[Cannot stop VM. VM is not running.]" },
  });
  assert.match(action.summary, /Cannot stop VM\. VM is not running\./);
  const v3action = ovirtHttpError("stopVm", 400, {
    status: { state: "failed" },
    fault: { reason: "Incomplete parameters", detail: "Vm [name] required for add" },
  });
  assert.equal(v3action.code, "DRP_INPUT");
  assert.match(v3action.summary, /Vm \[name\] required for add/);
});

test("errors: 409 'related operation' and 'locked' are transient; 400/403/404 never", () => {
  const busy = (detail: string, status = 409) =>
    ovirtHttpError("op", status, { reason: "Operation Failed", detail });
  assert.equal(
    busy("[Cannot edit VM. Related operation is currently in progress. Please try again later.]").code,
    "DRP_TRANSIENT",
  );
  assert.equal(
    busy("[Cannot run VM: VM is locked. Please try again in a few minutes.]").code,
    "DRP_TRANSIENT",
  );
  assert.equal(busy("[Cannot remove VM. VM is running.]").code, "DRP_CONFLICT");
  assert.equal(busy("[Cannot run VM: VM is locked.]", 400).code, "DRP_INPUT");
  assert.equal(busy("[locked]", 403).code, "DRP_AUTH");
  assert.equal(ovirtHttpError("getVm", 404, undefined).code, "DRP_NOT_FOUND");
  assert.equal(
    ovirtHttpError("getVm", 500, { reason: "Operation Failed", detail: "[Internal]" }).code,
    "DRP_TRANSIENT",
  );
});

test("errors: remedies for delete protection, a running VM and a name in use", () => {
  const protectedVm = ovirtHttpError("removeVm", 409, {
    reason: "Operation Failed",
    detail:
      "[Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.]",
  });
  assert.match(protectedVm.meta.remedy ?? "", /deleteProtected/);
  const running = ovirtHttpError("removeVm", 409, {
    reason: "Operation Failed",
    detail: "[Cannot remove VM. VM is running.]",
  });
  assert.match(running.meta.remedy ?? "", /stop the VM/);
  const dup = ovirtHttpError("addVm", 409, {
    reason: "Operation Failed",
    detail: "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]",
  });
  assert.match(dup.meta.remedy ?? "", /another name/);
});

test("errors: SSO refusals in both shapes are auth errors; other SSO codes are input", () => {
  const a = ovirtHttpError("login", 400, {
    error_code: "access_denied",
    error: "Cannot authenticate user 'admin@internal'.",
  });
  assert.equal(a.code, "DRP_AUTH");
  assert.match(a.summary, /Cannot authenticate user/);
  const b = ovirtHttpError("login", 400, {
    error: "invalid_grant",
    error_description: "The provided authorization grant is invalid",
  });
  assert.equal(b.code, "DRP_AUTH");
  assert.match(b.summary, /authorization grant is invalid/);
  assert.equal(
    ovirtHttpError("login", 400, { error_code: "invalid_scope", error: "bad scope" }).code,
    "DRP_INPUT",
  );
});

test("Correlation-Ids: at most 36 characters of [A-Za-z0-9_-], unique, printed in errors", () => {
  const a = newCorrelationId("ensureVm: a very long operation name!");
  const b = newCorrelationId("ensureVm: a very long operation name!");
  assert.match(a, /^[A-Za-z0-9_-]{1,36}$/);
  assert.notEqual(a, b);
  const err = withCorrelationId(
    ovirtHttpError("startVm", 409, { reason: "Operation Failed", detail: "[x]" }),
    a,
  ) as Error & {
    code: string;
    meta: { vendorDetail?: Record<string, string> };
  };
  assert.equal(err.code, "DRP_CONFLICT");
  assert.match(err.message, new RegExp(`\\(Correlation-Id: ${a}\\)`));
  assert.equal(err.meta.vendorDetail?.correlationId, a);
});

test("the API root's product version, with numbers or strings", () => {
  assert.deepEqual(
    versionOf({ product_info: { version: { major: "4", minor: "5", build: "4", revision: "0" } } }),
    {
      major: 4,
      minor: 5,
      text: "4.5.4",
    },
  );
  assert.deepEqual(versionOf({ product_info: { version: { major: 3, minor: 6, build: 13 } } }), {
    major: 3,
    minor: 6,
    text: "3.6.13",
  });
  assert.equal(versionOf({}), undefined);
});
