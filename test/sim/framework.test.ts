import { strict as assert } from "node:assert";
import * as https from "node:https";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../provider/core/clock";
import { selfSignedCert } from "../support/tls";
import { ScaledClock, SimHttpError, SimServer, waitUntil } from "./framework";

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

describe("SimServer routing", () => {
  const clock = new ManualClock();
  const server = new SimServer({ name: "t", clock });
  let base = "";
  server
    .route("GET", "/things/special", () => ({ status: 200, body: { special: true } }))
    .route("GET", "/things/:id", (req) => ({
      status: 200,
      body: { id: req.params["id"], q: req.query.get("q"), at: req.clock.now() },
    }))
    .route("POST", "/things", async (req) => ({
      status: 201,
      headers: { "X-Created": "yes" },
      body: { got: req.body, raw: req.rawBody.length, bad: req.bodyError !== undefined },
    }))
    .route("GET", "/text", () => ({ status: 200, body: "plain" }))
    .route("GET", "/empty", () => ({ status: 204 }))
    .route("GET", "/boom", () => {
      throw new Error("kaput");
    })
    .route("GET", "/teapot", () => {
      throw new SimHttpError(418, { short: "stout" }, { "X-Tea": "1" });
    });

  before(async () => {
    base = await server.start();
  });
  after(() => server.stop());

  it("answers on 127.0.0.1 with params, query and clock", async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await call(`${base}/things/a%20b?q=1`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { id: "a b", q: "1", at: clock.now() });
    assert.equal(r.headers.get("content-type"), "application/json");
  });

  it("tries routes in registration order and ignores a trailing slash", async () => {
    assert.deepEqual((await call(`${base}/things/special/`)).body, { special: true });
  });

  it("parses JSON bodies and keeps the raw body", async () => {
    const r = await call(`${base}/things`, { method: "POST", body: JSON.stringify({ a: 1 }) });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("x-created"), "yes");
    assert.deepEqual(r.body, { got: { a: 1 }, raw: 7, bad: false });
    const bad = await call(`${base}/things`, { method: "POST", body: "{nope" });
    assert.deepEqual(bad.body, { raw: 5, bad: true });
  });

  it("sends strings as text and no body as empty", async () => {
    const t = await call(`${base}/text`);
    assert.equal(t.text, "plain");
    assert.match(t.headers.get("content-type") ?? "", /^text\/plain/);
    const e = await call(`${base}/empty`);
    assert.equal(e.status, 204);
    assert.equal(e.text, "");
  });

  it("answers 404 for unknown paths and 405 for known paths with another method", async () => {
    assert.equal((await call(`${base}/nothing`)).status, 404);
    const r = await call(`${base}/things`, { method: "GET" });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "POST");
  });

  it("turns thrown errors into 500 and SimHttpError into its answer", async () => {
    assert.equal((await call(`${base}/boom`)).status, 500);
    const tea = await call(`${base}/teapot`);
    assert.equal(tea.status, 418);
    assert.equal(tea.headers.get("x-tea"), "1");
    assert.deepEqual(tea.body, { short: "stout" });
  });
});

describe("SimServer hooks", () => {
  const server = new SimServer({
    notFound: (req, { allowedMethods }) => ({
      status: allowedMethods.length ? 405 : 404,
      body: { code: "NF", path: req.path },
    }),
    onError: () => ({ status: 500, body: { code: "INTERNAL" } }),
    faultBody: (status) => ({ code: `F${status}` }),
  });
  server.route("GET", "/x", () => {
    throw new Error("x");
  });
  let base = "";
  before(async () => {
    base = await server.start();
  });
  after(() => server.stop());

  it("uses the simulator's notFound, onError and faultBody", async () => {
    assert.deepEqual((await call(`${base}/y`)).body, { code: "NF", path: "/y" });
    assert.deepEqual((await call(`${base}/x`, { method: "DELETE" })).body, { code: "NF", path: "/x" });
    assert.deepEqual((await call(`${base}/x`)).body, { code: "INTERNAL" });
    server.faults.add({ route: "GET /x", status: 503 });
    const r = await call(`${base}/x`);
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { code: "F503" });
  });
});

describe("SimServer faults", () => {
  const server = new SimServer();
  let created = 0;
  server.route("POST", "/items", () => {
    created += 1;
    return { status: 201, body: { n: created } };
  });
  server.route("GET", "/items/:id", (req) => ({ status: 200, body: { id: req.params["id"] } }));
  let base = "";
  before(async () => {
    base = await server.start();
  });
  after(() => server.stop());

  it("fails N times, then succeeds", async () => {
    server.faults.clear();
    const fault = server.faults.add({
      route: "GET /items/:id",
      times: 2,
      status: 503,
      headers: { "Retry-After": "3" },
    });
    const a = await call(`${base}/items/1`);
    const b = await call(`${base}/items/2`);
    const c = await call(`${base}/items/3`);
    assert.deepEqual([a.status, b.status, c.status], [503, 503, 200]);
    assert.equal(a.headers.get("retry-after"), "3");
    assert.equal(fault.fired, 2);
    assert.equal(fault.exhausted, true);
  });

  it("skips the first `after` requests and matches concrete paths", async () => {
    server.faults.clear();
    server.faults.add({ route: "GET /items/7", after: 1, status: 500, body: { custom: true } });
    assert.equal((await call(`${base}/items/7`)).status, 200);
    assert.equal((await call(`${base}/items/8`)).status, 200);
    const r = await call(`${base}/items/7`);
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { custom: true });
    assert.equal((await call(`${base}/items/7`)).status, 200);
  });

  it("supports Infinity, '*' and clear()", async () => {
    server.faults.clear();
    server.faults.add({ route: "*", times: Infinity, status: 502 });
    for (let i = 0; i < 3; i++) assert.equal((await call(`${base}/nowhere`)).status, 502);
    server.faults.clear();
    assert.equal((await call(`${base}/items/1`)).status, 200);
  });

  it("reset destroys the connection without running the handler", async () => {
    server.faults.clear();
    const before = created;
    server.faults.add({ route: "POST /items", reset: true });
    await assert.rejects(fetch(`${base}/items`, { method: "POST", body: "{}" }));
    assert.equal(created, before);
    const entry = server.requests("POST /items").at(-1);
    assert.equal(entry?.reset, true);
    assert.equal(entry?.status, 0);
  });

  it("resetAfterHandling applies the side effect and loses the reply", async () => {
    server.faults.clear();
    const before = created;
    server.faults.add({ route: "POST /items", resetAfterHandling: true });
    await assert.rejects(fetch(`${base}/items`, { method: "POST", body: "{}" }));
    assert.equal(created, before + 1);
    const r = await call(`${base}/items`, { method: "POST", body: "{}" });
    assert.equal(r.status, 201);
    assert.equal(created, before + 2);
  });

  it("delayMs delays an otherwise normal answer", async () => {
    server.faults.clear();
    server.faults.add({ route: "GET /items/:id", delayMs: 120 });
    const t0 = performance.now();
    const r = await call(`${base}/items/1`);
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 >= 100);
  });

  it("rejects faults without an action", () => {
    assert.throws(() => server.faults.add({ route: "GET /items/:id" }), TypeError);
    assert.throws(() => server.faults.add({ route: "nonsense", status: 500 }), TypeError);
  });
});

describe("SimServer log and counters", () => {
  const clock = new ManualClock(5000);
  const server = new SimServer({ clock });
  server.route("GET", "/a/:id", () => ({ status: 200, body: {} }));
  let base = "";
  before(async () => {
    base = await server.start();
  });
  after(() => server.stop());

  it("logs requests with redacted credentials and counts by route, path and method", async () => {
    await call(`${base}/a/1?x=y`, {
      headers: {
        Authorization: "Session abc",
        "Remote-Authorization": "Session def",
        "X-Auth-Token": "t",
        "X-Subject-Token": "s",
        Accept: "application/json",
      },
    });
    clock.advance(10);
    await call(`${base}/a/2`);
    await call(`${base}/zzz`);
    const [first, second, third] = server.log;
    assert.equal(first?.headers["authorization"], "***");
    assert.equal(first?.headers["remote-authorization"], "***");
    assert.equal(first?.headers["x-auth-token"], "***");
    assert.equal(first?.headers["x-subject-token"], "***");
    assert.equal(first?.headers["accept"], "application/json");
    assert.equal(first?.route, "GET /a/:id");
    assert.equal(first?.query, "x=y");
    assert.equal(first?.status, 200);
    assert.equal(first?.at, 5000);
    assert.equal(second?.at, 5010);
    assert.equal(third?.route, null);
    assert.equal(third?.status, 404);
    assert.equal(server.requestCount(), 3);
    assert.equal(server.requestCount("GET /a/:id"), 2);
    assert.equal(server.requestCount("GET /a/2"), 1);
    assert.equal(server.requestCount("GET *"), 3);
    assert.equal(server.requestCount("POST /a/:id"), 0);
    assert.equal(server.requests("GET /a/:id").length, 2);
    server.resetLog();
    assert.equal(server.requestCount(), 0);
    assert.equal(server.log.length, 0);
  });

  it("stop() returns promptly with keep-alive connections open", async () => {
    const extra = new SimServer();
    extra.route("GET", "/", () => ({ status: 200, body: {} }));
    const url = await extra.start();
    await call(url);
    const t0 = performance.now();
    await extra.stop();
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(extra.running, false);
    await extra.stop(); // idempotent
    await assert.rejects(fetch(url));
    assert.equal(await extra.start(), url); // comes back on the same port
    assert.equal((await call(url)).status, 200);
    await extra.stop();
  });
});

describe("SimServer over HTTPS", () => {
  const { key, cert } = selfSignedCert();

  it("serves https when given a key and cert", async () => {
    const server = new SimServer({ tls: { key, cert } });
    server.route("GET", "/hello", () => ({ status: 200, body: { tls: true } }));
    try {
      const base = await server.start();
      assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${base}/hello`, { ca: cert }, (res) => {
            let data = "";
            res.on("data", (c: Buffer) => (data += c.toString()));
            res.on("end", () => resolve(data));
          })
          .on("error", reject);
      });
      assert.deepEqual(JSON.parse(body), { tls: true });
    } finally {
      await server.stop();
    }
  });
});

describe("sim clocks", () => {
  it("ScaledClock runs N× real time and can jump", async () => {
    const clock = new ScaledClock(1000, undefined, 0);
    const t0 = clock.now();
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(clock.now() - t0 >= 20_000);
    const seen: number[] = [];
    clock.onAdvance((now) => seen.push(now));
    const before = clock.now();
    clock.advance(60_000);
    assert.ok(clock.now() - before >= 60_000);
    assert.equal(seen.length, 1);
    const s0 = performance.now();
    await clock.sleep(5000); // 5 ms real
    assert.ok(performance.now() - s0 < 500);
    assert.throws(() => new ScaledClock(0));
  });

  it("waitUntil wakes on clock advances and gives up after maxRealMs", async () => {
    const clock = new ManualClock(0);
    const waiting = waitUntil(() => clock.now() >= 3000, { clock, maxRealMs: 2000, pollRealMs: 1000 });
    setTimeout(() => clock.advance(3000), 10);
    const t0 = performance.now();
    assert.equal(await waiting, true);
    assert.ok(performance.now() - t0 < 900);
    assert.equal(await waitUntil(() => false, { clock, maxRealMs: 30 }), false);
    assert.equal(await waitUntil(() => false, { clock, maxRealMs: 0 }), false);
    const aborter = new AbortController();
    setTimeout(() => aborter.abort(), 10);
    assert.equal(await waitUntil(() => false, { clock, maxRealMs: 5000, signal: aborter.signal }), false);
  });
});
