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

/** Creates a share and lets its job finish; returns its id. */
async function createShare(
  nse: NseSim,
  clock: ManualClock,
  token: string,
  name: string,
  extra = {},
): Promise<string> {
  const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody(name, extra) });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  clock.advance(JOB_MS);
  return res.body.result.records[0].object_id;
}

async function jobOf(nse: NseSim, token: string, res: Reply): Promise<any> {
  const id = res.body.result.records[0].id;
  return (await call(nse, "GET", `/v2.1/jobs/${id}`, { token })).body.result.records[0];
}

describe("NSE sim: update, delete, snapshots, tags, lists", () => {
  let nse: NseSim;
  let clock: ManualClock;
  let token: string;
  before(async () => ({ nse, clock, token } = await setup()));
  after(() => nse.stop());

  it("PUT replaces the mutable object (export_policy whole) when its job succeeds; immutable fields refused", async () => {
    const id = await createShare(nse, clock, token, "upd1", {
      export_policy: [
        { client_match: "10.0.0.0/24", access: "rw", superuser: false },
        { client_match: "10.0.1.0/24", access: "ro", superuser: false },
      ],
    });
    const put = await call(nse, "PUT", `/v2.1/fileshares/${id}`, {
      token,
      body: {
        name: "upd1",
        size_gb: 250,
        service_level: "premium",
        protocol: "nfs",
        export_policy: [{ client_match: "10.9.0.0/16", access: "ro", superuser: true }],
        dr_enabled: true,
      },
    });
    assert.equal(put.status, 202);
    assert.equal(put.body.result.records[0].action, "update");
    assert.equal(
      (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0].size_gb,
      100,
    );
    const busy = await call(nse, "DELETE", `/v2.1/fileshares/${id}`, { token });
    assert.equal(busy.status, 412);
    clock.advance(JOB_MS);
    const rec = (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0];
    assert.equal(rec.size_gb, 250);
    assert.equal(rec.service_level, "premium");
    assert.equal(rec.dr_enabled, true);
    assert.deepEqual(rec.export_policy, [{ client_match: "10.9.0.0/16", access: "ro", superuser: true }]);
    const immutable = await call(nse, "PUT", `/v2.1/fileshares/${id}`, {
      token,
      body: {
        name: "upd1",
        size_gb: 250,
        service_level: "premium",
        protocol: "nfs",
        share_path: "/elsewhere",
      },
    });
    assert.equal(immutable.status, 400);
    assert.match(immutable.body.status.verbose_message, /share_path cannot be changed/);
  });

  it("DELETE → 202 job → 404 after; a second DELETE is 404", async () => {
    const id = await createShare(nse, clock, token, "del1");
    const del = await call(nse, "DELETE", `/v2.1/fileshares/${id}`, { token });
    assert.equal(del.status, 202);
    assert.equal(del.body.result.records[0].action, "delete");
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).status, 200);
    clock.advance(JOB_MS);
    const gone = await call(nse, "GET", `/v2.1/fileshares/${id}`, { token });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.status.code, 404);
    assert.equal((await call(nse, "DELETE", `/v2.1/fileshares/${id}`, { token })).status, 404);
  });

  it("validation errors are 400 with the envelope naming the field; a duplicate name is refused", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ size_gb: 0 }, /size_gb/],
      [{ protocol: "smb" }, /protocol/],
      [{ fileserver_id: "nope" }, /fileserver_id/],
      [{ export_policy: [{ client_match: "everyone", access: "rw" }] }, /client_match/],
      [{ name: "" }, /name/],
      [{ name: "bad name" }, /name/],
    ];
    for (const [patch, re] of cases) {
      const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("v1", patch) });
      assert.equal(res.status, 400, JSON.stringify(patch));
      assert.equal(res.body.status.code, 400);
      assert.match(res.body.status.verbose_message, re);
    }
    assert.equal((await call(nse, "POST", "/v2.1/fileshares", { token, raw: "{not json" })).status, 400);
    await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("dup1") });
    const whilePending = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("dup1") });
    assert.equal(whilePending.status, 400);
    clock.advance(JOB_MS);
    const afterwards = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("dup1") });
    assert.equal(afterwards.status, 400);
    assert.match(afterwards.body.status.verbose_message, /already exists/);
  });

  it("snapshots: POST → job → listed on the share; duplicate 400; DELETE → job → gone; unknown 404", async () => {
    const id = await createShare(nse, clock, token, "snap1");
    const post = await call(nse, "POST", `/v2.1/fileshares/${id}/snapshot/daily.1`, { token });
    assert.equal(post.status, 202);
    assert.equal(post.body.result.records[0].object_name, "daily.1");
    clock.advance(JOB_MS);
    let rec = (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0];
    assert.deepEqual(
      rec.snapshots.map((s: { name: string }) => s.name),
      ["daily.1"],
    );
    assert.equal((await call(nse, "POST", `/v2.1/fileshares/${id}/snapshot/daily.1`, { token })).status, 400);
    assert.equal((await call(nse, "DELETE", `/v2.1/fileshares/${id}/snapshot/nope`, { token })).status, 404);
    assert.equal(
      (await call(nse, "DELETE", `/v2.1/fileshares/${id}/snapshot/daily.1`, { token })).status,
      202,
    );
    clock.advance(JOB_MS);
    rec = (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0];
    assert.deepEqual(rec.snapshots, []);
  });

  it("tags: POST /tags replaces them whole (array or map)", async () => {
    const id = await createShare(nse, clock, token, "tag1", { tags: [{ key: "env", value: "dr" }] });
    const res = await call(nse, "POST", `/v2.1/fileshares/${id}/tags`, {
      token,
      body: { tags: { team: "storage" } },
    });
    assert.equal(res.status, 202);
    clock.advance(JOB_MS);
    const rec = (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0];
    assert.deepEqual(rec.tags, [{ key: "team", value: "storage" }]);
  });

  it("GET /fileshares filters by fileserver_id, name (with * and |) and subtenant_id", async () => {
    await createShare(nse, clock, token, "listme-a");
    const other = await call(nse, "POST", "/v2.1/fileshares", {
      token,
      body: shareBody("listme-b", { fileserver_id: SEED.otherFileServerId }),
    });
    assert.equal(other.status, 202);
    clock.advance(JOB_MS);
    const names = async (q: string): Promise<string[]> =>
      (await call(nse, "GET", `/v2.1/fileshares?${q}`, { token })).body.result.records.map(
        (r: any) => r.name,
      );
    assert.deepEqual(await names("name=listme-a"), ["listme-a"]);
    assert.deepEqual(await names("name=listme-*"), ["listme-a", "listme-b"]);
    assert.deepEqual(await names("name=listme-b|upd1"), ["listme-b", "upd1"]);
    assert.deepEqual(await names(`name=listme-*&fileserver_id=${SEED.otherFileServerId}`), ["listme-b"]);
    assert.deepEqual(await names(`name=listme-*&subtenant_id=${SEED.otherSubtenantId}`), ["listme-b"]);
  });

  it("deleting a file server that still holds shares is 412; an empty one goes through a job", async () => {
    const refused = await call(nse, "DELETE", `/v2.1/fileservers/${SEED.fileServerId}`, { token });
    assert.equal(refused.status, 412);
    assert.equal(refused.body.status.code, 412);
    assert.match(refused.body.status.verbose_message, /file share/);
    const ok = await call(nse, "DELETE", `/v2.1/fileservers/${SEED.emptyFileServerId}`, { token });
    assert.equal(ok.status, 202);
    clock.advance(JOB_MS);
    assert.equal(
      (await call(nse, "GET", `/v2.1/fileservers/${SEED.emptyFileServerId}`, { token })).status,
      404,
    );
  });
});

describe("NSE sim: job outcomes", () => {
  let nse: NseSim;
  let clock: ManualClock;
  let token: string;
  before(async () => ({ nse, clock, token } = await setup()));
  after(() => nse.stop());

  it("failNextJob: failed with last_error and task errors; the share never appears", async () => {
    nse.failNextJob({ taskErrors: ["Aggregate aggr1 has no space left."] });
    const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("fail1") });
    clock.advance(JOB_MS);
    const job = await jobOf(nse, token, res);
    assert.equal(job.status, "failed");
    assert.equal(job.last_error, "Aggregate aggr1 has no space left.");
    assert.equal(job.job_tasks.at(-1).status, "failed");
    assert.equal(job.job_tasks.at(-1).last_error, "Aggregate aggr1 has no space left.");
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${job.object_id}`, { token })).status, 404);
    assert.equal(
      (await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("fail1") })).status,
      202,
    );
    clock.advance(JOB_MS);
  });

  it("partial_failures: one task failed, one succeeded, the share exists", async () => {
    nse.failNextJob({ status: "partial_failures", taskErrors: ["SnapMirror peering timed out."] });
    const res = await call(nse, "POST", "/v2.1/fileshares", {
      token,
      body: shareBody("part1", { dr_enabled: true }),
    });
    clock.advance(JOB_MS);
    const job = await jobOf(nse, token, res);
    assert.equal(job.status, "partial_failures");
    assert.deepEqual(
      job.job_tasks.map((t: any) => t.status),
      ["successful", "failed"],
    );
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${job.object_id}`, { token })).status, 200);
  });

  it("warning: the effect happens and status_detail says why", async () => {
    nse.warnNextJob("SnapMirror relationship is not yet initialized.");
    const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("warn1") });
    clock.advance(JOB_MS);
    const job = await jobOf(nse, token, res);
    assert.equal(job.status, "warning");
    assert.equal(job.status_detail, "SnapMirror relationship is not yet initialized.");
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${job.object_id}`, { token })).status, 200);
  });

  it("a hanging job stays running however long the clock runs, until finishJob", async () => {
    nse.hangNextJob({ action: "delete" });
    const id = await createShare(nse, clock, token, "hang1");
    const res = await call(nse, "DELETE", `/v2.1/fileshares/${id}`, { token });
    clock.advance(24 * 3600_000);
    token = (await signin(nse)).body.result.records[0].token; // the old one expired meanwhile
    assert.equal((await jobOf(nse, token, res)).status, "running");
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).status, 200);
    nse.finishJob(res.body.result.records[0].id);
    assert.equal((await jobOf(nse, token, res)).status, "successful");
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).status, 404);
  });
});

describe("NSE sim: modes", () => {
  it('basePath "" serves /v2.1 at the root and 404s /api', async () => {
    const { nse, token } = await setup({ basePath: "" });
    try {
      assert.equal(nse.apiUrl, nse.url);
      assert.equal((await call(nse, "GET", "/v2.1/jobs", { token })).status, 200);
      const res = await fetch(`${nse.url}/api/v2.1/jobs`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 404);
    } finally {
      await nse.stop();
    }
  });

  it("prose-upper vocabulary: PENDING, RUNNING, NORMAL; ERROR for a failure", async () => {
    const { nse, clock, token } = await setup({ statusVocabulary: "prose-upper" });
    try {
      const ok = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("up1") });
      assert.equal(ok.body.result.records[0].status, "PENDING");
      clock.advance(DEFAULT_TIMINGS.jobPendingMs);
      assert.equal((await jobOf(nse, token, ok)).status, "RUNNING");
      clock.advance(DEFAULT_TIMINGS.jobRunMs);
      assert.equal((await jobOf(nse, token, ok)).status, "NORMAL");
      nse.failNextJob();
      const bad = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("up2") });
      clock.advance(JOB_MS);
      assert.equal((await jobOf(nse, token, bad)).status, "ERROR");
    } finally {
      await nse.stop();
    }
  });

  it('shareVisibility "at-once": the share is listed as Creating before its job ends', async () => {
    const { nse, clock, token } = await setup({ shareVisibility: "at-once" });
    try {
      await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("vis1") });
      const listed = await call(nse, "GET", "/v2.1/fileshares?name=vis1", { token });
      assert.equal(listed.body.result.records[0].state, "Creating");
      clock.advance(JOB_MS);
      assert.equal(nse.share("vis1")?.["state"], "Operational");
    } finally {
      await nse.stop();
    }
  });

  it('errorBodies "text": errors come back as plain text', async () => {
    const { nse, token } = await setup({ errorBodies: "text" });
    try {
      const res = await call(nse, "GET", "/v2.1/fileshares/nope", { token });
      assert.equal(res.status, 404);
      assert.equal(typeof res.body, "string");
    } finally {
      await nse.stop();
    }
  });
});

describe("NSE sim: faults and controls", () => {
  let nse: NseSim;
  let clock: ManualClock;
  let token: string;
  before(async () => ({ nse, clock, token } = await setup()));
  after(() => nse.stop());

  it("fail500: a burst of 500s in the envelope, then the real answer; counted in the log", async () => {
    nse.fail500("GET", "/v2.1/jobs", 2);
    const first = await call(nse, "GET", "/v2.1/jobs", { token });
    assert.equal(first.status, 500);
    assert.equal(first.body.status.code, 500);
    assert.equal((await call(nse, "GET", "/v2.1/jobs", { token })).status, 500);
    assert.equal((await call(nse, "GET", "/v2.1/jobs", { token })).status, 200);
    assert.equal(nse.requestCount("GET", "/v2.1/jobs"), 3);
    assert.ok(
      nse.server.requests(nse.key("GET", "/v2.1/jobs")).every((e) => e.headers["authorization"] === "***"),
    );
  });

  it("dropConnection after handling: the POST took effect, the reply was lost", async () => {
    nse.dropConnection("POST", "/v2.1/fileshares", { afterHandling: true });
    await assert.rejects(call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("lost1") }));
    clock.advance(JOB_MS);
    const listed = await call(nse, "GET", `/v2.1/fileshares?name=lost1&fileserver_id=${SEED.fileServerId}`, {
      token,
    });
    assert.equal(listed.body.result.total_records, 1);
    nse.dropConnection("GET", "/v2.1/fileshares");
    await assert.rejects(call(nse, "GET", "/v2.1/fileshares", { token }));
  });

  it("expireTokensAfter: the token dies mid-job; a new signin works", async () => {
    const res = await call(nse, "POST", "/v2.1/fileshares", { token, body: shareBody("exp1") });
    nse.expireTokensAfter(1);
    assert.equal((await jobOf(nse, token, res)).status, "pending");
    const refused = await call(nse, "GET", `/v2.1/jobs/${res.body.result.records[0].id}`, { token });
    assert.equal(refused.status, 401);
    token = (await signin(nse)).body.result.records[0].token;
    clock.advance(JOB_MS);
    assert.equal((await jobOf(nse, token, res)).status, "successful");
  });

  it("drift: changeShare alters size, export policy and dr_enabled as GET shows them; removeShare → 404", async () => {
    const id = nse.addShare({ name: "drift1", size_gb: 10 });
    nse.changeShare(id, {
      size_gb: 20,
      dr_enabled: true,
      export_policy: [{ client_match: "0.0.0.0/0", access: "rw", superuser: true }],
    });
    const rec = (await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).body.result.records[0];
    assert.equal(rec.size_gb, 20);
    assert.equal(rec.dr_enabled, true);
    assert.equal(rec.export_policy[0].client_match, "0.0.0.0/0");
    nse.removeShare(id);
    assert.equal((await call(nse, "GET", `/v2.1/fileshares/${id}`, { token })).status, 404);
  });
});
