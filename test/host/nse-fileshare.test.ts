/**
 * Level 3: `NseFileShare` and `NseFileShareSnapshot` through the real Pulumi dynamic-provider
 * host against the NSE simulator (test/sim/nse): bad input refused in Check with zero requests;
 * a share created by its job (POST 202 → object_id → wait → GET) with drEnabled, export and
 * snapshot policies and tags; no-op diff; drift made out of band, seen by refresh and repaired
 * by one PUT; update in place; a share path change that replaces (delete first); a create whose
 * job hangs recorded by id and converged by the next update; a snapshot taken and removed;
 * delete (job, then 404) and a repeated delete; the canary passwords (ours, and the back-end one
 * in every job task's request_payload) in no output; then NSE holds none of our shares.
 */
import * as assert from "node:assert/strict";
import { startNse, SEED, type NseSim } from "../sim/nse";
import { InitFailedError, urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const SHARE = urnOf("NseFileShare", "projects");
const SLOW = urnOf("NseFileShare", "slow");
const SNAP = urnOf("NseFileShareSnapshot", "before-upgrade");
const PASSWORD = "nse-pass-canary-41c9";
const placeholder = { endpoint: "https://127.0.0.1:1", profile: "nse" };

type Ctx = LifecycleContext<NseSim>;

const connection = (sim: NseSim) => ({ endpoint: sim.url, profile: "nse" });

const s = hostLifecycle<NseSim>({
  backend: () =>
    startNse({ users: { "nse-admin": PASSWORD }, timings: { jobPendingMs: 100, jobRunMs: 200 } }),
  stopBackend: (sim) => sim.stop(),
  providers: {
    NseFileShare: (api) =>
      new api.NseFileShare("projects", {
        connection: placeholder,
        name: "x",
        sharePath: "/x",
        fileserverId: "fs",
        sizeGb: 1,
        serviceLevel: "standard",
        protocol: "nfs",
      }),
    NseFileShareSnapshot: (api) =>
      new api.NseFileShareSnapshot("before-upgrade", {
        connection: placeholder,
        fileShareId: "x",
        name: "x",
      }),
  },
  host: { credentials: () => ({ nse: { username: "nse-admin", password: PASSWORD } }) },
  steps: [
    {
      name: "bad input fails in Check, naming each property, with zero requests",
      run: async ({ host, backend: sim }: Ctx) => {
        const before = sim.server.requestCount();
        const r = await host.check(
          SHARE,
          {},
          share(sim, {
            connection: { endpoint: `${sim.url}/api`, profile: "nse" },
            name: "bad name!",
            sizeGb: 0,
            serviceLevel: "platinum",
            protocol: "smb",
            exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "write" }],
          }),
        );
        const props = r.failures.map((f) => f.property).sort();
        for (const p of [
          "connection.endpoint",
          "name",
          "sizeGb",
          "serviceLevel",
          "protocol",
          "exportPolicy[0].access",
        ])
          assert.ok(props.includes(p), `${p} in ${props.join(", ")}`);
        const snap = await host.check(SNAP, {}, snapshot(sim, "", { name: "no spaces allowed" }));
        assert.deepEqual(snap.failures.map((f) => f.property).sort(), ["fileShareId", "name"]);
        assert.equal(sim.server.requestCount(), before, "no request was sent");
      },
    },
    {
      name: "create makes the share through its job, with drEnabled, policies and tags",
      run: async ({ host, backend: sim, remember }: Ctx) => {
        const inputs = await checked(host, SHARE, {}, share(sim));
        const { id, properties: outs } = await host.create(SHARE, inputs);
        remember("share", id, outs, inputs);
        const live = sim.share(id)!;
        assert.equal(live.name, "projects");
        assert.equal(live.share_path, "/projects");
        assert.equal(live.fileserver_id, SEED.fileServerId);
        assert.equal(live.size_gb, 100);
        assert.equal(live.dr_enabled, true);
        assert.deepEqual(live.export_policy, [
          { client_match: "10.0.0.0/24", access: "rw", superuser: false },
        ]);
        assert.equal(outs.state, "Operational");
        assert.equal(outs.adopted, false);
        assert.equal(typeof outs.createJobId, "string");
        assert.equal(sim.job(outs.createJobId)?.object_id, id, "the create job names the share");
        assert.equal(sim.requestCount("POST", "/v2.1/fileshares"), 1);
      },
    },
    {
      name: "unchanged is no diff, and refresh of an untouched share shows no drift",
      run: async ({ host, backend: sim, stateOf }: Ctx) => {
        const { id, outs, inputs } = stateOf("share");
        const news = await checked(host, SHARE, outs, share(sim));
        assert.equal((await host.diff(id, SHARE, outs, news)).changes, "none");
        const r = await host.read(id, SHARE, outs, inputs);
        assert.equal(r.id, id);
        assert.equal((await host.diff(id, SHARE, r.properties, news)).changes, "none");
      },
    },
    {
      name: "drift made out of band is seen by refresh and repaired by one PUT of the whole object",
      run: async ({ host, backend: sim, stateOf, remember }: Ctx) => {
        const { id, outs, inputs } = stateOf("share");
        sim.changeShare(id, {
          size_gb: 250,
          dr_enabled: false,
          export_policy: [{ client_match: "0.0.0.0/0", access: "rw", superuser: true }],
        });
        const r = await host.read(id, SHARE, outs, inputs);
        assert.equal(r.inputs.sizeGb, 250);
        assert.equal(r.inputs.drEnabled, false);
        assert.deepEqual(r.inputs.exportPolicy, [
          { clientMatch: "0.0.0.0/0", access: "rw", superuser: true },
        ]);
        const news = await checked(host, SHARE, r.properties, share(sim));
        const d = await host.diff(id, SHARE, r.properties, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        const puts = sim.requestCount("PUT", "/v2.1/fileshares/:id");
        const fixed = await host.update(id, SHARE, r.properties, news);
        assert.equal(sim.requestCount("PUT", "/v2.1/fileshares/:id"), puts + 1);
        const live = sim.share(id)!;
        assert.equal(live.size_gb, 100);
        assert.equal(live.dr_enabled, true);
        assert.deepEqual(live.export_policy, [
          { client_match: "10.0.0.0/24", access: "rw", superuser: false },
        ]);
        remember("share", id, fixed, news);
      },
    },
    {
      name: "name, size, service level, DR flag and tags update in place: the same share, nothing created",
      run: async ({ host, backend: sim, stateOf, remember }: Ctx) => {
        const { id, outs } = stateOf("share");
        const change = {
          name: "projects-b",
          sizeGb: 150,
          serviceLevel: "Premium",
          drEnabled: false,
          tags: { owner: "ops" },
        };
        const news = await checked(host, SHARE, outs, share(sim, change));
        assert.deepEqual((await host.diff(id, SHARE, outs, news)).replaces, []);
        const posts = sim.requestCount("POST", "/v2.1/fileshares");
        const updated = await host.update(id, SHARE, outs, news);
        const live = sim.share(id)!;
        assert.equal(live.name, "projects-b");
        assert.equal(live.size_gb, 150);
        assert.equal(String(live.service_level).toLowerCase(), "premium");
        assert.equal(live.dr_enabled, false);
        assert.equal(updated.sizeGb, 150);
        assert.equal(sim.requestCount("POST", "/v2.1/fileshares"), posts, "not created again");
        remember("share", id, updated, news);
      },
    },
    {
      name: "a snapshot is taken by its job, is no diff unchanged, replaces on a new name, and is removed",
      run: async ({ host, backend: sim, stateOf }: Ctx) => {
        const { id: shareId } = stateOf("share");
        const inputs = await checked(host, SNAP, {}, snapshot(sim, shareId));
        const { id, properties: outs } = await host.create(SNAP, inputs);
        assert.equal(id, `${shareId}/before-upgrade`);
        assert.ok(namesOf(sim, shareId).includes("before-upgrade"));
        assert.equal(outs.adopted, false);
        assert.equal(
          (await host.diff(id, SNAP, outs, await checked(host, SNAP, outs, snapshot(sim, shareId)))).changes,
          "none",
        );
        const renamed = await host.diff(
          id,
          SNAP,
          outs,
          await checked(host, SNAP, outs, snapshot(sim, shareId, { name: "after" })),
        );
        assert.deepEqual(renamed.replaces, ["name"]);
        assert.equal((await host.read(id, SNAP, outs, inputs)).id, id);
        await host.delete(id, SNAP, outs);
        assert.ok(!namesOf(sim, shareId).includes("before-upgrade"));
        // NSE may list a new snapshot late (known issue): just taken, a missing one is kept.
        assert.equal((await host.read(id, SNAP, outs, inputs)).id, id, "kept in its first 15 minutes");
        const earlier = { ...outs, requestedAt: "2020-10-19T10:00:00.000Z" };
        assert.equal((await host.read(id, SNAP, earlier, inputs)).id, "", "refresh drops it later");
        await host.delete(id, SNAP, outs);
      },
    },
    {
      name: "a new share path replaces the share: the old one is removed first, then the new one is created",
      run: async ({ host, backend: sim, stateOf, remember }: Ctx) => {
        const { id, outs } = stateOf("share");
        const news = await checked(
          host,
          SHARE,
          outs,
          share(sim, { name: "projects-b", sharePath: "/projects-b" }),
        );
        const d = await host.diff(id, SHARE, outs, news);
        assert.deepEqual(d.replaces, ["sharePath"]);
        assert.equal(d.deleteBeforeReplace, true);
        await host.delete(id, SHARE, outs);
        assert.equal(sim.share(id), undefined);
        const { id: newId, properties } = await host.create(SHARE, news);
        assert.notEqual(newId, id);
        assert.equal(sim.share(newId)?.share_path, "/projects-b");
        remember("share", newId, properties, news);
      },
    },
    {
      name: "a create whose job outlives the timeout is recorded by the share's id; the next update waits for it",
      run: async ({ host, backend: sim, remember }: Ctx) => {
        sim.hangNextJob({ action: "create" });
        const inputs = await checked(
          host,
          SLOW,
          {},
          share(sim, { __drplaneName: "slow", name: "slow", sharePath: "/slow", timeouts: { create: "2s" } }),
        );
        const err = await host.create(SLOW, inputs).then(
          () => assert.fail("the create should have timed out"),
          (e: unknown) => e,
        );
        assert.ok(err instanceof InitFailedError, String(err));
        const job = sim.jobs(err.id)[0]!;
        assert.equal(job.action, "create");
        assert.equal(sim.share(err.id), undefined, "not listed while its job runs");
        const r = await host.read(err.id, SLOW, err.properties, inputs);
        assert.equal(r.id, err.id, "refresh keeps a share whose create job still runs");
        sim.finishJob(String(job.id));
        const news = await checked(
          host,
          SLOW,
          err.properties,
          share(sim, { __drplaneName: "slow", name: "slow", sharePath: "/slow" }),
        );
        const done = await host.update(err.id, SLOW, err.properties, news);
        assert.equal(done.state, "Operational");
        assert.equal(sim.shares().filter((x) => x.name === "slow").length, 1, "one share, not two");
        remember("slow", err.id, done, news);
      },
    },
    {
      name: "a failed create job fails the create with the task's error and records nothing",
      run: async ({ host, backend: sim }: Ctx) => {
        sim.failNextJob({ action: "create", taskErrors: ["Aggregate aggr1 is full."] });
        const inputs = await checked(
          host,
          urnOf("NseFileShare", "full"),
          {},
          share(sim, { __drplaneName: "full", name: "full", sharePath: "/full" }),
        );
        const err = await host.create(urnOf("NseFileShare", "full"), inputs).then(
          () => assert.fail("the create should have failed"),
          (e: unknown) => e,
        );
        assert.ok(!(err instanceof InitFailedError), "nothing recorded");
        assert.match(String((err as Error).message), /Aggregate aggr1 is full/);
        assert.equal(sim.share("full"), undefined);
      },
    },
    {
      name: "delete waits for the job and NSE's 404; refresh then drops the share; a repeated delete says it is gone",
      run: async ({ host, backend: sim, stateOf }: Ctx) => {
        for (const [key, urn] of [
          ["share", SHARE],
          ["slow", SLOW],
        ] as const) {
          const { id, outs } = stateOf(key);
          await host.delete(id, urn, outs);
          assert.equal(sim.share(id), undefined, `${key} removed`);
          assert.equal((await host.read(id, urn, outs)).id, "", "refresh drops it");
          await host.delete(id, urn, outs);
        }
        assert.match(host.output, /is already gone; nothing to remove/);
      },
    },
    {
      name: "no password (ours, or NSE's back-end one in job payloads) in the host's output or any outputs",
      run: async ({ host, backend: sim, stateOf }: Ctx) => {
        for (const secret of [PASSWORD, sim.backendPassword]) {
          assert.ok(!host.output.includes(secret), "host output");
          for (const key of ["share", "slow"]) assert.ok(!JSON.stringify(stateOf(key)).includes(secret), key);
        }
      },
    },
  ],
  checkDestroy: {
    name: "NSE holds no file share",
    run: ({ backend: sim }: Ctx) =>
      assert.deepEqual(
        sim.shares().map((x) => x.name),
        [],
      ),
  },
});

function share(sim: NseSim, extra: Props = {}): Props {
  return {
    __provider: s.provider("NseFileShare"),
    __drplaneName: "projects",
    connection: connection(sim),
    name: "projects",
    sharePath: "/projects",
    fileserverId: SEED.fileServerId,
    subtenantId: SEED.subtenantId,
    sizeGb: 100,
    serviceLevel: "Extreme",
    protocol: "nfs",
    securityStyle: "unix",
    snapshotPolicy: { enabled: true, daily: { hour: 1, minute: 30, snapshotsToKeep: 7 } },
    exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw" }],
    drEnabled: true,
    tags: { owner: "dr-team" },
    timeouts: { create: "1m", update: "1m", delete: "1m" },
    ...extra,
  };
}

function snapshot(sim: NseSim, fileShareId: string, extra: Props = {}): Props {
  return {
    __provider: s.provider("NseFileShareSnapshot"),
    __drplaneName: "before-upgrade",
    connection: connection(sim),
    fileShareId,
    name: "before-upgrade",
    timeouts: { create: "1m", delete: "1m" },
    ...extra,
  };
}

async function checked(host: Ctx["host"], urn: string, olds: Props, news: Props): Promise<Props> {
  const r = await host.check(urn, olds, news);
  assert.deepEqual(r.failures, [], JSON.stringify(r.failures));
  return r.inputs;
}

function namesOf(sim: NseSim, shareId: string): string[] {
  return ((sim.share(shareId)?.snapshots ?? []) as Array<{ name: string }>).map((x) => x.name);
}
