/**
 * Level 1: the oVirt storage-domain and host-approval flows and the list reads against the
 * engine simulator, on both dialects (v4 oVirt 4.4, v3 RHEV 3.6): create → attach → activate
 * (seed 2.10–2.13) with adoption by exact name, refresh of a domain that went to maintenance or
 * was detached, removal (maintenance → detach → remove, format off by default), approval of a
 * pending host (seed 2.9), and the faults an operator meets (a lost reply to the create, a
 * transient 409, token expiry mid-operation, a failed host install, a conflicting domain).
 */
import { afterEach, beforeEach, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { isDrplaneError } from "../../../provider/core/errors";
import { closeAllAgents } from "../../../provider/core/http";
import { drainSessions } from "../../../provider/core/session";
import { OvirtClient, resetOvirtDetections } from "../../../provider/vendors/ovirt/client";
import { approveHost, readHost } from "../../../provider/vendors/ovirt/hosts";
import {
  eventsSince,
  listClusters,
  listDataCenters,
  listHosts,
  listIsoFiles,
  listNetworks,
  vmStatistics,
} from "../../../provider/vendors/ovirt/lists";
import { resetOvirtLoginGuard } from "../../../provider/vendors/ovirt/login-guard";
import {
  ensureStorageDomain,
  readStorageDomain,
  removeStorageDomain,
  type StorageDomainSpec,
} from "../../../provider/vendors/ovirt/storage-domains";
import {
  DEFAULT_ISO_FILES,
  SEED_IDS,
  startOvirtEngine,
  type OvirtEngine,
  type OvirtMode,
} from "../../sim/ovirt";

const API = "/ovirt-engine/api";
const MINUTE = 60_000;

const data1: StorageDomainSpec = {
  name: "data1",
  type: "data",
  host: "Atlantic",
  address: "192.0.43.10",
  path: "/storage/data",
  dataCenter: "Default",
};

for (const mode of ["ovirt-4.4", "rhev-3.6"] as OvirtMode[]) {
  describe(`oVirt storage domains and hosts on ${mode}`, () => {
    let clock: ManualClock;
    let engine: OvirtEngine;
    let client: OvirtClient;

    beforeEach(async () => {
      clock = new ManualClock();
      engine = await startOvirtEngine({ mode, clock });
      setStackCredentials(JSON.stringify({ ovirt: { username: "admin@internal", password: "engine-pass" } }));
      client = new OvirtClient({ endpoint: engine.url, profile: "ovirt" }, clock);
    });

    afterEach(async () => {
      await drainSessions();
      resetOvirtDetections();
      resetOvirtLoginGuard();
      clearStackCredentials();
      await closeAllAgents();
      assert.equal(engine.counters.liveTokens + engine.counters.liveSessions, 0, "sessions logged out");
      await engine.stop();
    });

    test("creates an NFS data domain, attaches it to the data center and activates it; a re-run adopts it", async () => {
      const lines: string[] = [];
      const r = await ensureStorageDomain({
        client,
        spec: data1,
        timeoutMs: 10 * MINUTE,
        onProgress: (l) => lines.push(l),
      });
      assert.equal(r.adopted, false);
      assert.equal(r.record.status, "active");
      assert.equal(r.record.dataCenter, SEED_IDS.dataCenter);
      const sd = engine.domain("data1");
      assert.equal(sd?.status, "active");
      assert.equal(sd?.dataCenterId, SEED_IDS.dataCenter);
      assert.equal(`${sd?.address}:${sd?.path}`, "192.0.43.10:/storage/data");
      assert.ok(
        lines.some((l) => /attaching data1 to data center Default/.test(l)),
        lines.join("\n"),
      );
      assert.ok(
        lines.some((l) => /activating data1/.test(l)),
        lines.join("\n"),
      );

      const again = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      assert.equal(again.adopted, true);
      assert.equal(again.record.id, r.record.id);
      assert.equal(engine.server.requestCount(`POST ${API}/storagedomains`), 1, "created once");
      assert.equal(
        engine.server.requestCount(`POST ${API}/datacenters/:dc/storagedomains`),
        1,
        "attached once",
      );
    });

    test("an ISO domain: a data center that already has one refuses the attach; after the old one is detached it attaches", async () => {
      const iso: StorageDomainSpec = { ...data1, name: "iso1", type: "iso", path: "/storage/iso" };
      await assert.rejects(
        ensureStorageDomain({ client, spec: iso, timeoutMs: 10 * MINUTE }),
        (err: unknown) => {
          assert.ok(isDrplaneError(err, "DRP_CONFLICT"), String(err));
          assert.match(err.message, /ISO Storage Domain/);
          assert.match(err.message, /Correlation-Id: /);
          return true;
        },
      );
      assert.equal(engine.domain("iso1")?.status, "unattached", "created, not attached");
      engine.detachDomain("ISO_DOMAIN");
      const r = await ensureStorageDomain({ client, spec: iso, timeoutMs: 10 * MINUTE });
      assert.equal(r.adopted, true, "the domain the failed run created is taken over");
      assert.equal(engine.domain("iso1")?.status, "active");
      assert.equal(engine.server.requestCount(`POST ${API}/storagedomains`), 1);
    });

    test("refresh sees a domain that went to maintenance or was detached, and ensure brings it back active", async () => {
      const { record } = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      engine.domainToMaintenance("data1");
      clock.advance(MINUTE);
      assert.equal((await readStorageDomain(client, record.id))?.status, "maintenance");
      engine.detachDomain("data1");
      const detached = await readStorageDomain(client, record.id);
      assert.equal(detached?.dataCenter, undefined);
      assert.equal(detached?.status, "unattached");
      const back = await ensureStorageDomain({
        client,
        spec: data1,
        timeoutMs: 10 * MINUTE,
        expectId: record.id,
      });
      assert.equal(back.record.status, "active");
      assert.equal(engine.domain("data1")?.dataCenterId, SEED_IDS.dataCenter);
    });

    test("an update renames a domain renamed in the engine back (PUT) and moves it to the declared data center", async () => {
      const { record } = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      engine.state.domains.get(record.id)!.name = "renamed-by-admin";
      const drId = "dc000000-0000-4000-8000-0000000000d2";
      engine.state.dataCenters.set(drId, {
        id: drId,
        name: "DR",
        description: "",
        storageType: "nfs",
        local: false,
        version: { major: 4, minor: 4 },
      });
      const lines: string[] = [];
      const r = await ensureStorageDomain({
        client,
        spec: { ...data1, dataCenter: "DR" },
        timeoutMs: 10 * MINUTE,
        expectId: record.id,
        onProgress: (l) => lines.push(l),
      });
      assert.equal(r.record.id, record.id);
      assert.equal(r.record.status, "active");
      const sd = engine.domain(record.id);
      assert.equal(sd?.name, "data1");
      assert.equal(sd?.dataCenterId, drId);
      assert.ok(
        lines.some((l) => /renaming storage domain renamed-by-admin to data1/.test(l)),
        lines.join("\n"),
      );
      assert.ok(
        lines.some((l) => /moving data1 out of its data center/.test(l)),
        lines.join("\n"),
      );
      assert.equal(engine.server.requestCount(`POST ${API}/storagedomains`), 1, "not created again");
    });

    test("an update of a domain that was removed in the engine says so, with a remedy", async () => {
      const { record } = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      await removeStorageDomain({
        client,
        id: record.id,
        dataCenter: "Default",
        host: "Atlantic",
        format: true,
        timeoutMs: 10 * MINUTE,
      });
      await assert.rejects(
        ensureStorageDomain({ client, spec: data1, timeoutMs: MINUTE, expectId: record.id }),
        (err: unknown) => isDrplaneError(err, "DRP_NOT_FOUND") && /pulumi refresh/.test(err.message),
      );
    });

    test("remove puts the domain in maintenance, detaches and removes it, keeping the export's data unless format", async () => {
      const { record } = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      const lines: string[] = [];
      const r = await removeStorageDomain({
        client,
        id: record.id,
        dataCenter: "Default",
        host: "Atlantic",
        timeoutMs: 10 * MINUTE,
        onProgress: (l) => lines.push(l),
      });
      assert.equal(r.alreadyGone, false);
      assert.equal(engine.domain("data1"), undefined);
      assert.deepEqual(
        lines.filter((l) => /^(putting|detaching|removing)/.test(l)).map((l) => l.split(" ")[0]),
        ["putting", "detaching", "removing"],
      );
      // Not formatted: the export still holds the old domain (the engine refuses it for a new one).
      await assert.rejects(
        ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE }),
        (err: unknown) => isDrplaneError(err, "DRP_CONFLICT"),
      );
      assert.equal(
        (
          await removeStorageDomain({
            client,
            id: record.id,
            dataCenter: "Default",
            host: "Atlantic",
            timeoutMs: MINUTE,
          })
        ).alreadyGone,
        true,
      );
    });

    test("remove with format frees the export for a new domain", async () => {
      const { record } = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      await removeStorageDomain({
        client,
        id: record.id,
        dataCenter: "Default",
        host: "Atlantic",
        format: true,
        timeoutMs: 10 * MINUTE,
      });
      const again = await ensureStorageDomain({
        client,
        spec: { ...data1, name: "data2" },
        timeoutMs: 10 * MINUTE,
      });
      assert.equal(again.record.status, "active");
    });

    test("a domain of the same name on another export is refused, naming the field; adopt false refuses any", async () => {
      await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      await assert.rejects(
        ensureStorageDomain({ client, spec: { ...data1, path: "/storage/other" }, timeoutMs: MINUTE }),
        (err: unknown) =>
          isDrplaneError(err, "DRP_CONFLICT") &&
          /path is \/storage\/data, declared \/storage\/other/.test(err.message),
      );
      await assert.rejects(
        ensureStorageDomain({ client, spec: data1, timeoutMs: MINUTE, adopt: false }),
        (err: unknown) => isDrplaneError(err, "DRP_CONFLICT") && /already exists/.test(err.message),
      );
    });

    test("a lost reply to the create is found by name, not created twice; a transient 409 on activate is retried", async () => {
      engine.server.faults.add({ route: `POST ${API}/storagedomains`, resetAfterHandling: true });
      engine.server.faults.add({
        route: `POST ${API}/datacenters/:dc/storagedomains/:sd/activate`,
        status: 409,
      });
      const r = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
      assert.equal(r.record.status, "active");
      assert.equal([...engine.state.domains.values()].filter((d) => d.name === "data1").length, 1);
      assert.equal(engine.server.requestCount(`POST ${API}/storagedomains`), 1);
      assert.equal(engine.server.requestCount(`POST ${API}/datacenters/:dc/storagedomains/:sd/activate`), 2);
    });

    test("an unknown data center or host fails before anything is created, naming it", async () => {
      await assert.rejects(
        ensureStorageDomain({ client, spec: { ...data1, dataCenter: "Nowhere" }, timeoutMs: MINUTE }),
        (err: unknown) => isDrplaneError(err, "DRP_NOT_FOUND") && /data center "Nowhere"/.test(err.message),
      );
      await assert.rejects(
        ensureStorageDomain({ client, spec: { ...data1, host: "Pacificx" }, timeoutMs: MINUTE }),
        (err: unknown) => isDrplaneError(err, "DRP_NOT_FOUND") && /host "Pacificx"/.test(err.message),
      );
      assert.equal(engine.server.requestCount(`POST ${API}/storagedomains`), 0);
    });

    test("approves a pending host into the cluster and waits until it is up; a re-run does not approve again", async () => {
      const lines: string[] = [];
      const h = await approveHost({
        client,
        host: "Pacific",
        cluster: "Default",
        timeoutMs: 30 * MINUTE,
        onProgress: (l) => lines.push(l),
      });
      assert.equal(h.status, "up");
      assert.equal(h.cluster, SEED_IDS.cluster);
      assert.equal(engine.host("Pacific")?.status, "up");
      assert.ok(
        lines.some((l) => /approving host Pacific into cluster Default/.test(l)),
        lines.join("\n"),
      );
      const again = await approveHost({ client, host: h.id, cluster: SEED_IDS.cluster, timeoutMs: MINUTE });
      assert.equal(again.status, "up");
      assert.equal(engine.server.requestCount(`POST ${API}/hosts/:id/approve`), 1);
      assert.equal((await readHost(client, h.id))?.name, "Pacific");
    });

    test("a failed host install is a job failure quoting the engine's event; an unknown host is not found", async () => {
      engine.failNextHostInstall();
      await assert.rejects(
        approveHost({ client, host: "Pacific", cluster: "Default", timeoutMs: 30 * MINUTE }),
        (err: unknown) => {
          assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"), String(err));
          assert.match(err.message, /install_failed/);
          assert.match(err.message, /installation failed/);
          assert.match(err.message, /Correlation-Id: /);
          return true;
        },
      );
      await assert.rejects(
        approveHost({ client, host: "Nope", cluster: "Default", timeoutMs: MINUTE }),
        (err: unknown) => isDrplaneError(err, "DRP_NOT_FOUND"),
      );
    });

    test("a transient 409 on approve is retried, and the lists read the seed's inventory", async () => {
      engine.server.faults.add({ route: `POST ${API}/hosts/:id/approve`, status: 409 });
      const before = await eventsSince(client);
      const lastId = before.length ? before[before.length - 1]!.id : 0;
      await approveHost({ client, host: "Pacific", cluster: "Default", timeoutMs: 30 * MINUTE });
      assert.equal(engine.server.requestCount(`POST ${API}/hosts/:id/approve`), 2);

      const dcs = await listDataCenters(client);
      assert.deepEqual(
        dcs.map((d) => [d.name, d.id]),
        [["Default", SEED_IDS.dataCenter]],
      );
      assert.equal((await listClusters(client))[0]?.dataCenterId, SEED_IDS.dataCenter);
      assert.ok(
        (await listNetworks(client)).some((n) => n.name === "ovirtmgmt" && n.id === SEED_IDS.network),
      );
      const hosts = await listHosts(client);
      assert.deepEqual(hosts.map((h) => `${h.name}:${h.status}`).sort(), ["Atlantic:up", "Pacific:up"]);
      const files = await listIsoFiles(client, "ISO_DOMAIN");
      assert.deepEqual(files.map((f) => f.name).sort(), [...DEFAULT_ISO_FILES].sort());
      const events = await eventsSince(client, lastId);
      assert.ok(events.length > 0 && events.every((e) => e.id > lastId));
      assert.ok(
        events.some((e) => /Pacific/.test(e.description)),
        JSON.stringify(events),
      );
      assert.deepEqual(
        events.map((e) => e.id),
        [...events.map((e) => e.id)].sort((a, b) => a - b),
        "oldest first",
      );
    });

    test("a VM's size and statistics (seed 2.8)", async () => {
      await client.request({
        method: "POST",
        path: "/vms",
        body: { name: "vm1", cluster: { name: "Default" }, template: { name: "rhel7-tmpl" } },
        operation: "addVm",
        idempotent: false,
      });
      clock.advance(MINUTE);
      const s = await vmStatistics(client, "vm1");
      assert.equal(s.name, "vm1");
      assert.equal(s.disks.length, 1);
      assert.equal(s.totalProvisionedGiB, 10);
      assert.ok(s.statistics.some((x) => x.name === "memory.installed" && x.value === 2 * 1024 ** 3));
    });

    if (mode === "ovirt-4.4") {
      test("an SSO token that expires mid-operation is replaced once and the flow completes", async () => {
        engine.expireTokensAfter(4);
        const r = await ensureStorageDomain({ client, spec: data1, timeoutMs: 10 * MINUTE });
        assert.equal(r.record.status, "active");
        assert.ok(engine.counters.ssoLogins >= 2, "logged in again");
      });
    }
  });
}
