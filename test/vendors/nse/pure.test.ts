/**
 * Pure NSE vendor tests: the job classifier over every status reading (the examples' lower
 * case, the prose's upper case, unknown values), the failure message (status_detail,
 * last_error, each task's last_error; never request_payload), envelope unwrapping with totals,
 * the error table (envelope messages, 412 conflict with a remedy, 5xx transient, bodies that
 * are no envelope), the JWT lifetime reading, and the file share wire both ways.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  classifyNseJob,
  createToWire,
  fileShareFromWire,
  jobFromWire,
  mutableToWire,
  nseHttpError,
  tokenLifetimeMs,
  unwrapEnvelope,
  type NseJob,
} from "../../../provider/vendors/nse";

const job = (status: string, extra: Partial<NseJob> = {}): NseJob => ({
  id: "j1",
  status,
  tasks: [],
  ...extra,
});

test("classifyNseJob: success, failure, warning and pending for every reading, case-insensitive", () => {
  for (const s of ["successful", "normal", "success", "completed", "SUCCESSFUL", "NORMAL", "Completed"])
    assert.equal(classifyNseJob(job(s)).status, "success", s);
  for (const s of ["warning", "WARNING", "Warning"])
    assert.equal(classifyNseJob(job(s)).status, "success", s);
  for (const s of ["error", "failed", "partial_failures", "ERROR", "FAILED", "PARTIAL_FAILURES"])
    assert.equal(classifyNseJob(job(s)).status, "failure", s);
  for (const s of ["pending", "running", "processing", "PENDING", "RUNNING", "queued", "unknown", ""])
    assert.equal(classifyNseJob(job(s)).status, "pending", s);
});

test("a failed job's message quotes status_detail, last_error and every task's last_error", () => {
  const v = classifyNseJob(
    job("partial_failures", {
      statusDetail: "Creation of file share 'x' partially failed.",
      lastError: "Aggregate aggr1 is full.",
      tasks: [
        { id: "t1", status: "successful" },
        { id: "t2", status: "failed", lastError: "Aggregate aggr1 is full." },
        { id: "t3", status: "failed", lastError: "SnapMirror peer unreachable." },
      ],
    }),
  );
  assert.equal(v.status, "failure");
  assert.ok(v.status === "failure");
  assert.match(v.message, /partial_failures: Creation of file share 'x' partially failed\./);
  assert.match(v.message, /last error: Aggregate aggr1 is full\./);
  assert.match(v.message, /task t3 \(failed\): SnapMirror peer unreachable\./);
  assert.equal(v.message.split("Aggregate aggr1 is full.").length, 2, "the same error is quoted once");
});

test("jobFromWire keeps the named fields and drops request_payload", () => {
  const canary = "org-password-canary-41";
  const j = jobFromWire({
    id: "5ed7",
    action: "create",
    object_id: "o1",
    object_type: "ontap_fileshares",
    object_name: "data1",
    status: "successful",
    status_detail: "done",
    last_error: "",
    job_tasks: [
      { id: "t1", status: "successful", last_error: "", request_payload: { org_password: canary } },
    ],
  });
  assert.ok(j);
  assert.equal(j.objectId, "o1");
  assert.equal(j.lastError, undefined, "an empty last_error is no error");
  assert.ok(!JSON.stringify(j).includes(canary));
  assert.deepEqual(jobFromWire({ id: "j", status: "pending", job_tasks: null })?.tasks, []);
});

test("unwrapEnvelope: records[0] for one object, totals for lists, the user message", () => {
  const list = unwrapEnvelope<{ id: string }>(200, {
    status: { user_message: "Okay. Returned 1 record.", verbose_message: "", code: 200 },
    result: { returned_records: 1, total_records: 2625, offset: 0, limit: 1, records: [{ id: "a" }] },
  });
  assert.deepEqual(list.records, [{ id: "a" }]);
  assert.equal(list.total, 2625);
  assert.equal(list.returned, 1);
  assert.equal(list.message, "Okay. Returned 1 record.");
  assert.deepEqual(unwrapEnvelope(404, { status: { user_message: "Not found.", code: 404 } }).records, []);
  assert.deepEqual(unwrapEnvelope(200, undefined).records, []);
  assert.deepEqual(unwrapEnvelope(200, { result: { id: "x", token: "t" } }).records, [
    { id: "x", token: "t" },
  ]);
});

test("error table: envelope messages, 412 conflict with a remedy, 401/403 remedies, 5xx transient, non-envelope bodies", () => {
  const env = (code: number, u: string, v: string) => ({
    status: { user_message: u, verbose_message: v, code },
  });
  const e412 = nseHttpError(
    "deleteFileShare",
    412,
    env(412, "Precondition failed.", "File share has a running job."),
  );
  assert.equal(e412.code, "DRP_CONFLICT");
  assert.match(e412.message, /NSE deleteFileShare: Precondition failed\.: File share has a running job\./);
  assert.match(e412.message, /remedy: the object is not in a state/);
  assert.equal(e412.meta.vendor, "nse");
  assert.equal(e412.meta.httpStatus, 412);
  const e401 = nseHttpError("listJobs", 401, env(401, "Unauthorized.", "Token expired."));
  assert.equal(e401.code, "DRP_AUTH");
  assert.match(e401.message, /remedy: check the username and the password/);
  assert.equal(nseHttpError("x", 403, env(403, "Forbidden.", "")).code, "DRP_AUTH");
  assert.match(nseHttpError("x", 403, env(403, "Forbidden.", "")).message, /remedy: the NSE user's role/);
  assert.equal(nseHttpError("x", 400, env(400, "Bad request.", "size_gb must be > 0")).code, "DRP_INPUT");
  assert.equal(nseHttpError("x", 404, undefined).code, "DRP_NOT_FOUND");
  const e500 = nseHttpError("getJob", 500, "Internal Server Error", "Internal Server Error");
  assert.equal(e500.code, "DRP_TRANSIENT");
  assert.match(e500.summary, /NSE getJob: Internal Server Error/);
  const odd = nseHttpError(
    "x",
    500,
    { job_tasks: [{ request_payload: { org_password: "leak-me-not" } }] },
    "{…}",
  );
  assert.equal(odd.summary, "NSE x: HTTP 500", "a JSON body that is no envelope is not quoted");
  assert.equal(nseHttpError("x", 409, env(409, "Conflict.", "")).meta.vendorCode, undefined);
  assert.equal(nseHttpError("x", 400, env(40012, "Bad.", "")).meta.vendorCode, "40012");
});

test("tokenLifetimeMs: exp - iat, else exp against now; no exp or a past exp is unknown", () => {
  const jwt = (p: object) => `h.${Buffer.from(JSON.stringify(p)).toString("base64url")}.s`;
  assert.equal(tokenLifetimeMs(jwt({ exp: 2000, iat: 1000 }), 0), 1_000_000);
  assert.equal(tokenLifetimeMs(jwt({ username: "u", exp: 1600 }), 1_000_000), 600_000);
  assert.equal(tokenLifetimeMs(jwt({ username: "u" }), 0), undefined);
  assert.equal(tokenLifetimeMs(jwt({ exp: 10 }), 1_000_000), undefined);
  assert.equal(tokenLifetimeMs("not-a-jwt", 0), undefined);
});

test("file share wire: create body, PUT body without the create-only fields, record back", () => {
  const spec = {
    name: "data1",
    sharePath: "data1",
    fileserverId: "fs1",
    subtenantId: "st1",
    sizeGb: 100,
    serviceLevel: "extreme",
    protocol: "nfs" as const,
    securityStyle: "unix" as const,
    snapshotPolicy: { enabled: true, daily: { hour: 2, minute: 5, snapshotsToKeep: 7 } },
    exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw" as const, superuser: false }],
    drEnabled: true,
    tags: { env: "dr" },
  };
  const create = createToWire(spec);
  assert.equal(create.share_path, "data1");
  assert.equal(create.fileserver_id, "fs1");
  assert.deepEqual(create.snapshot_policy, {
    enabled: true,
    daily_schedule: { hour: 2, minute: 5, snapshots_to_keep: 7 },
  });
  assert.deepEqual(create.export_policy, [{ client_match: "10.0.0.0/24", access: "rw", superuser: false }]);
  assert.deepEqual(create.tags, [{ key: "env", value: "dr" }]);
  const put = mutableToWire(spec);
  for (const k of ["share_path", "fileserver_id", "security_style", "subtenant_id"])
    assert.ok(!(k in put), k);
  assert.equal(put.dr_enabled, true);
  const rec = fileShareFromWire({
    id: "s1",
    ...create,
    snapshot_policy: {
      enabled: true,
      daily_schedule: { hour: "2", minute: 5, snapshots_to_keep: 7, job_schedule_name: "x" },
    },
    state: "Operational",
    dr_available: true,
    snapshots: [{ name: "snap1", created: "2020-06-03T04:52:28Z" }],
  });
  assert.ok(rec);
  assert.deepEqual(rec.snapshotPolicy, spec.snapshotPolicy, "an hour sent as a string reads as a number");
  assert.deepEqual(rec.exportPolicy, spec.exportPolicy);
  assert.deepEqual(rec.tags, spec.tags);
  assert.equal(rec.drAvailable, true);
  assert.deepEqual(rec.snapshots, [{ name: "snap1", created: "2020-06-03T04:52:28Z" }]);
});
