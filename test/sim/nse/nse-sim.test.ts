import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../../provider/core/clock";
import { DEFAULT_TIMINGS, SEED, startNse, verifyJwt, type NseSim, type NseSimOptions } from "./index";

const USER = "nse-admin";
const PASS = "NseSim#2020";
const JOB_MS = DEFAULT_TIMINGS.jobPendingMs + DEFAULT_TIMINGS.jobRunMs;

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  nse: NseSim,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
  const res = await fetch(nse.apiUrl + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
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

async function signin(nse: NseSim, password = PASS): Promise<Reply> {
  return call(nse, "POST", "/v2.1/auth/signin", { body: { username: USER, password } });
}

function shareBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    share_path: `/${name}`,
    fileserver_id: SEED.fileServerId,
    size_gb: 100,
    service_level: "extreme",
    protocol: "nfs",
    security_style: "unix",
    export_policy: [{ client_match: "10.0.0.0/24", access: "rw", superuser: false }],
    dr_enabled: false,
    ...extra,
  };
}

async function setup(
  options: NseSimOptions = {},
): Promise<{ nse: NseSim; clock: ManualClock; token: string }> {
  const clock = new ManualClock();
  const nse = await startNse({ clock, ...options });
  const token = (await signin(nse)).body.result.records[0].token;
  return { nse, clock, token };
}

describe("NSE sim: auth and envelope", () => {
  let nse: NseSim;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock();
    nse = await startNse({ clock, tokenLifetimeMs: 10 * 60_000 });
  });
  after(() => nse.stop());

  it("signin answers the envelope with the user and an HS256 JWT carrying {username, exp}", async () => {
    const res = await signin(nse);
    assert.equal(res.status, 200);
    assert.equal(res.body.status.code, 200);
    assert.equal(res.body.status.user_message, "Authentication succeeeded.");
    const record = res.body.result.records[0];
    assert.equal(record.user.username, USER);
    assert.equal(record.user.tenancies[0].id, SEED.tenantId);
    const header = JSON.parse(Buffer.from(record.token.split(".")[0], "base64url").toString());
    assert.equal(header.alg, "HS256");
    const payload = verifyJwt(record.token);
    assert.equal(payload?.username, USER);
    assert.equal(payload!.exp, Math.floor((clock.now() + 10 * 60_000) / 1000));
  });

  it("a refused password is a 401 with the envelope, counted", async () => {
    const before = nse.counters.failedSignins;
    const res = await signin(nse, "wrong");
    assert.equal(res.status, 401);
    assert.equal(res.body.status.code, 401);
    assert.match(res.body.status.verbose_message, /Invalid username or password/);
    assert.equal(nse.counters.failedSignins, before + 1);
  });

  it("no token, a forged token and an expired token are 401; refresh gives a working token", async () => {
    assert.equal((await call(nse, "GET", "/v2.1/jobs")).status, 401);
    const token = (await signin(nse)).body.result.records[0].token as string;
    const forged = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    const bad = await call(nse, "GET", "/v2.1/jobs", { token: forged });
    assert.equal(bad.status, 401);
    assert.match(bad.body.status.verbose_message, /Invalid token/);
    clock.advance(9 * 60_000);
    const refreshed = await call(nse, "POST", "/v2.1/auth/refresh", { token });
    assert.equal(refreshed.status, 200);
    const fresh = refreshed.body.result.records[0].token as string;
    clock.advance(2 * 60_000);
    const expired = await call(nse, "GET", "/v2.1/jobs", { token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.status.verbose_message, /expired/);
    assert.equal((await call(nse, "POST", "/v2.1/auth/refresh", { token })).status, 401);
    assert.equal((await call(nse, "GET", "/v2.1/jobs", { token: fresh })).status, 200);
  });

  it("unknown paths and wrong methods answer the envelope (404, 405 with Allow)", async () => {
    const token = (await signin(nse)).body.result.records[0].token as string;
    const missing = await call(nse, "GET", "/v2.1/nothing", { token });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.status.code, 404);
    const wrong = await call(nse, "PATCH", "/v2.1/fileshares", { token });
    assert.equal(wrong.status, 405);
    assert.match(wrong.headers.get("allow") ?? "", /POST/);
  });
});

describe("NSE sim: jobs and file shares", () => {
  let nse: NseSim;
  let clock: ManualClock;
  let token: string;
  before(async () => ({ nse, clock, token } = await setup()));
  after(() => nse.stop());

  it("POST /fileshares → 202 with a pending job whose object_id is the share; pending → running → successful; the share appears then", async () => {
    const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("share1") });
    assert.equal(res.status, 202);
    assert.equal(res.body.status.user_message, "Okay. Accepted for processing.");
    const job = res.body.result.records[0];
    assert.equal(job.status, "pending");
    assert.equal(job.action, "create");
    assert.equal(job.object_type, "ontap_fileshares");
    assert.equal(job.job_tasks, null);
    const shareId = job.object_id as string;
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${shareId}`, { token })).status, 404);

    clock.advance(DEFAULT_TIMINGS.jobPendingMs);
    const running = (await call(nse, "GET", `/v2.1/jobs/${job.id}`, { token })).body.result.records[0];
    assert.equal(running.status, "running");
    assert.equal(running.job_tasks.length, 1);
    assert.equal(running.job_tasks[0].request_payload.cluster_password, nse.backendPassword);

    clock.advance(DEFAULT_TIMINGS.jobRunMs);
    const done = await call(nse, "GET", `/v2.1/jobs/${job.id}`, { token });
    assert.equal(done.body.result.total_records, 1);
    const finished = done.body.result.records[0];
    assert.equal(finished.status, "successful");
    assert.equal(finished.job_tasks[0].status, "successful");
    assert.equal(finished.job_tasks[0].status_detail, "Worker completed task successfully.");

    const share = await call(nse, "GET", `/v2.1/fileshares/${shareId}`, { token });
    assert.equal(share.status, 200);
    const rec = share.body.result.records[0];
    assert.equal(rec.name, "share1");
    assert.equal(rec.size_gb, 100);
    assert.equal(rec.state, "Operational");
    assert.equal(rec.subtenant_id, SEED.subtenantId);
    assert.deepEqual(rec.export_policy, [{ client_match: "10.0.0.0/24", access: "rw", superuser: false }]);
  });

  it("GET /jobs lists newest first with paging and filters by tenant", async () => {
    await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("share2") });
    const all = await call(nse, "GET", "/v2.1/jobs", { token });
    assert.equal(all.body.result.sort_by, "created");
    assert.equal(all.body.result.order_by, "desc");
    assert.equal(all.body.result.records[0].object_name, "share2");
    const pageOne = await call(nse, "GET", "/v2.1/jobs?offset=1&limit=1", { token });
    assert.equal(pageOne.body.result.returned_records, 1);
    assert.equal(pageOne.body.result.total_records, all.body.result.total_records);
    assert.equal(pageOne.body.result.records[0].object_name, "share1");
    const other = await call(nse, "GET", "/v2.1/jobs?tenant_id=000000000000000000000000", { token });
    assert.equal(other.body.result.total_records, 0);
    assert.equal((await call(nse, "GET", "/v2.1/jobs?limit=-1", { token })).status, 400);
    clock.advance(JOB_MS);
  });
});
