/**
 * NSE file share and snapshot flows against the simulator: create (202 → id at once → wait →
 * GET), adopt by name within the file server, nothing created twice after a lost reply, update
 * by a whole PUT, delete confirmed by 404, snapshots; a failed job quoting its task errors, a
 * warning, a timeout naming the job id and last state, a 500 burst on the job GET, and the
 * back-end password of request_payload in no error and no line.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { isDrplaneError } from "../../../provider/core/errors";
import {
  ensureFileShare,
  ensureSnapshot,
  readFileShare,
  removeFileShare,
  removeSnapshot,
  updateFileShare,
  type FileShareSpec,
} from "../../../provider/vendors/nse";
import { SEED } from "../../sim/nse";
import { BACKEND_CANARY, CANARY, rejection, startSite, stopSite, visible, type Site } from "./fixtures";

let site: Site | undefined;
afterEach(async () => {
  if (site) {
    const all = site.lines.join("\n") + site.progress.join("\n");
    assert.ok(!all.includes(CANARY) && !all.includes(BACKEND_CANARY), "no password in any line");
  }
  await stopSite(site);
  site = undefined;
});

const spec = (extra: Partial<FileShareSpec> = {}): FileShareSpec => ({
  name: "data1",
  sharePath: "/data1",
  fileserverId: SEED.fileServerId,
  sizeGb: 100,
  serviceLevel: "standard",
  protocol: "nfs",
  securityStyle: "unix",
  exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw", superuser: false }],
  drEnabled: true,
  tags: { env: "dr" },
  ...extra,
});

test("create: the id at once, the job waited for, the share read back; a second ensure adopts it", async () => {
  site = await startSite();
  const client = site.client();
  const accepted: string[] = [];
  const r = await ensureFileShare({
    client,
    spec: spec(),
    timeoutMs: 600_000,
    onProgress: site.onProgress,
    onAccepted: ({ id }) => accepted.push(id),
  });
  assert.equal(r.adopted, false);
  assert.deepEqual(accepted, [r.record.id]);
  assert.ok(r.jobId);
  assert.equal(r.record.drEnabled, true);
  assert.equal(r.record.sizeGb, 100);
  assert.deepEqual(r.record.exportPolicy, spec().exportPolicy);
  const again = await ensureFileShare({ client, spec: spec(), timeoutMs: 600_000 });
  assert.equal(again.adopted, true);
  assert.equal(again.record.id, r.record.id);
  assert.equal(site.nse.requestCount("POST", "/v2.1/fileshares"), 1);
  const taken = await rejection(ensureFileShare({ client, spec: spec(), timeoutMs: 600_000, adopt: false }));
  assert.ok(isDrplaneError(taken, "DRP_CONFLICT"));
});

test("a lost reply to the POST creates nothing twice", async () => {
  site = await startSite();
  site.nse.dropConnection("POST", "/v2.1/fileshares", { afterHandling: true });
  const r = await ensureFileShare({ client: site.client(), spec: spec(), timeoutMs: 600_000 });
  assert.equal(site.nse.shares().filter((s) => s.name === "data1").length, 1);
  assert.equal(r.record.name, "data1");
});

test("update PUTs the whole mutable object (arrays whole); delete waits, then NSE answers 404", async () => {
  site = await startSite();
  const client = site.client();
  const { record } = await ensureFileShare({ client, spec: spec(), timeoutMs: 600_000 });
  const next = spec({
    sizeGb: 200,
    exportPolicy: [{ clientMatch: "10.1.0.0/16", access: "ro" }],
    drEnabled: false,
  });
  const updated = await updateFileShare({ client, id: record.id, spec: next, timeoutMs: 600_000 });
  assert.equal(updated.sizeGb, 200);
  assert.equal(updated.drEnabled, false);
  assert.deepEqual(
    updated.exportPolicy?.map((r) => r.clientMatch),
    ["10.1.0.0/16"],
    "the old rule is gone",
  );
  assert.deepEqual(await removeFileShare({ client, id: record.id, timeoutMs: 600_000 }), {
    alreadyGone: false,
  });
  assert.equal(await readFileShare(client, record.id), undefined);
  assert.deepEqual(await removeFileShare({ client, id: record.id, timeoutMs: 600_000 }), {
    alreadyGone: true,
  });
});

test("snapshots: created once, then seen; removed, then already gone", async () => {
  site = await startSite();
  const client = site.client();
  const { record } = await ensureFileShare({ client, spec: spec(), timeoutMs: 600_000 });
  const opts = { client, fileShareId: record.id, name: "before-failover", timeoutMs: 600_000 };
  assert.deepEqual(await ensureSnapshot(opts), { created: true });
  assert.ok((await readFileShare(client, record.id))?.snapshots.some((s) => s.name === "before-failover"));
  assert.deepEqual(await ensureSnapshot(opts), { created: false });
  assert.deepEqual(await removeSnapshot(opts), { alreadyGone: false });
  assert.deepEqual(await removeSnapshot(opts), { alreadyGone: true });
});

test("a failed job quotes its task errors, names the share it left, and never the back-end password", async () => {
  site = await startSite({ shareVisibility: "at-once" });
  site.nse.failNextJob({ taskErrors: ["Aggregate aggr1 is full."] });
  const err = await rejection(ensureFileShare({ client: site.client(), spec: spec(), timeoutMs: 600_000 }));
  assert.ok(isDrplaneError(err, "DRP_JOB_FAILED"), String(err));
  assert.match(err.message, /Aggregate aggr1 is full\./);
  assert.match(err.message, /job [0-9a-f]+/);
  assert.ok(err.meta.vendorDetail?.fileShareId);
  assert.ok(!visible(err).includes(BACKEND_CANARY), "request_payload is in no error");
  assert.ok(!visible(err).includes(CANARY));
});

test("a job ending in warning succeeds and says the warning", async () => {
  site = await startSite();
  site.nse.warnNextJob("Completed with warnings: SnapMirror relationship is not yet initialized.");
  const r = await ensureFileShare({
    client: site.client(),
    spec: spec(),
    timeoutMs: 600_000,
    onProgress: site.onProgress,
  });
  assert.equal(r.adopted, false);
  assert.ok(
    site.progress.some((l) => /warning.*SnapMirror relationship is not yet initialized/.test(l)),
    site.progress.join("\n"),
  );
});

test("a job that never ends times out naming the job id and its last state; 500s on its GET are retried", async () => {
  site = await startSite();
  site.nse.hangNextJob();
  site.nse.fail500("GET", "/v2.1/jobs/:id", 3, 1);
  const err = await rejection(ensureFileShare({ client: site.client(), spec: spec(), timeoutMs: 120_000 }));
  assert.ok(isDrplaneError(err, "DRP_TIMEOUT"), String(err));
  assert.ok(err.meta.jobId && err.message.includes(`job ${err.meta.jobId}`));
  assert.match(err.message, /last state running/);
  assert.ok(!visible(err).includes(BACKEND_CANARY));
});
