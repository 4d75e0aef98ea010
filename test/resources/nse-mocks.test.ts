/**
 * Level 2: the NSE resource classes (NseFileShare, NseFileShareSnapshot) under
 * pulumi.runtime.setMocks, constructed from the staged package as a user's program would:
 * type tokens, a small by-reference provider that requires only the dynamic module, no secret in
 * the inputs (a profile name only), outputs declared; and the NSE data functions' Output twins,
 * read against the NSE simulator, giving what the plain functions give; bad arguments fail
 * before any request, naming them.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { startNse, SEED, type NseSim } from "../sim/nse";
import { stagedApi } from "../host/stage";
import { assertThinShell, recordRegistrations, type Registered } from "./mock-registry";

let registered: Registered[] = [];
let sim: NseSim;

const SECRET = "nse-secret-must-not-be-captured-5";

before(async () => {
  registered = recordRegistrations();
  sim = await startNse({ users: { "nse-admin": SECRET }, timings: { jobPendingMs: 50, jobRunMs: 50 } });
  process.env.DRPLANE_NSEMOCK_USERNAME = "nse-admin";
  process.env.DRPLANE_NSEMOCK_PASSWORD = SECRET;
});

after(async () => {
  await sim?.stop();
  delete process.env.DRPLANE_NSEMOCK_USERNAME;
  delete process.env.DRPLANE_NSEMOCK_PASSWORD;
});

/** The value of an Output (the mocks run without preview, so apply runs). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

const notOutputs = (r: pulumi.CustomResource, keys: string[]): string[] =>
  keys.filter((k) => !pulumi.Output.isInstance((r as unknown as Record<string, unknown>)[k]));

test("NseFileShare and NseFileShareSnapshot register with drplane tokens and a small by-reference provider", async () => {
  const api = stagedApi();
  const connection = { endpoint: "https://nse.example.com", profile: "nsemock" };
  const share = new api.NseFileShare("projects", {
    connection,
    name: "projects",
    sharePath: "/projects",
    fileserverId: SEED.fileServerId,
    sizeGb: 100,
    serviceLevel: "extreme",
    protocol: "nfs",
    exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw" }],
    drEnabled: true,
  });
  const snap = new api.NseFileShareSnapshot("before-upgrade", {
    connection,
    fileShareId: share.id,
    name: "before-upgrade",
  });
  await Promise.all([share, snap].map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))));

  for (const [name, kind] of Object.entries({
    projects: "NseFileShare",
    "before-upgrade": "NseFileShareSnapshot",
  })) {
    const r = registered.find((x) => x.name === name);
    assert.ok(r, `${name} registered`);
    assert.equal(r.type, `pulumi-nodejs:dynamic/drplane:${kind}`);
    assertThinShell(r, SECRET);
    assert.ok(!JSON.stringify({ ...r.inputs, __provider: undefined }).includes(SECRET), `${name}: no secret`);
    assert.ok(!("password" in r.inputs.connection), `${name}: the connection carries no password`);
  }
  assert.equal(registered.find((x) => x.name === "projects")!.inputs.drEnabled, true);
  assert.deepEqual(
    notOutputs(share, [
      "name",
      "sharePath",
      "fileserverId",
      "sizeGb",
      "serviceLevel",
      "protocol",
      "drEnabled",
      "state",
      "tenantId",
      "fileserverName",
      "nfsEndpoint",
      "cifsEndpoint",
      "zone",
      "drAvailable",
      "snapshots",
      "adopted",
      "createJobId",
    ]),
    [],
  );
  assert.deepEqual(notOutputs(snap, ["fileShareId", "name", "created", "adopted"]), []);
  assert.equal(await valueOf(share.sizeGb), 100);
  const kinds = new Set(registered.map((r) => r.inputs.__provider));
  assert.equal(kinds.size, 2, "one provider text per kind, each its own");
});

test("the data functions' Output twins take Pulumi inputs and give what the plain functions give", async () => {
  const api = stagedApi();
  const id = sim.addShare({ name: "existing", size_gb: 42 });
  const plain = { endpoint: sim.url, profile: "nsemock" };
  // A job to read: a snapshot taken through the vendor layer (scripts use it the same way).
  const client = new api.nse.NseClient(plain);
  await api.nse.ensureSnapshot({ client, fileShareId: id, name: "s1", timeoutMs: 30_000 });
  const jobId = String(sim.jobs(id)[0]?.id);
  const connection = pulumi.output(plain);
  const byId = await valueOf(api.getNseFileShareOutput({ connection, id: pulumi.output(id) }));
  assert.equal(byId.id, id);
  assert.equal(byId.sizeGb, 42);
  assert.deepEqual(byId, await api.getNseFileShare({ connection: plain, id }));
  const byName = await api.getNseFileShare({
    connection: plain,
    name: "existing",
    fileserverId: SEED.fileServerId,
  });
  assert.equal(byName.id, id);
  await assert.rejects(
    api.getNseFileShare({ connection: plain, id: "5f00aa00ffffffffffffffff" }),
    /holds no file share/,
  );
  const job = await valueOf(api.getNseJobOutput(connection, jobId));
  assert.equal(job.id, jobId);
  assert.equal(job.objectId, id);
  assert.match(job.status, /^successful$/i);
  assert.deepEqual(job, await api.getNseJob(plain, jobId));
  assert.ok(!JSON.stringify(job).includes(sim.backendPassword), "no task request_payload");
  await assert.rejects(api.getNseJob(plain, "5f00aa00ffffffffffffffff"), /knows no job/);
});

test("a data function's bad argument fails before any request, naming it", async () => {
  const api = stagedApi();
  const before = sim.server.requestCount();
  const connection = { endpoint: sim.url, profile: "nsemock" };
  await assert.rejects(api.getNseJob(connection, ""), /getNseJob: jobId/);
  await assert.rejects(api.getNseFileShare({ connection }), /getNseFileShare: id/);
  await assert.rejects(
    api.getNseFileShare({ connection, name: "existing" }),
    /getNseFileShare: fileserverId/,
  );
  await assert.rejects(
    api.getNseFileShare({ connection: { ...connection, basePath: "api/" }, id: "x" }),
    /getNseFileShare: connection\.basePath/,
  );
  assert.equal(sim.server.requestCount(), before);
});
