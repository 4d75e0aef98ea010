import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { closeAllAgents, send } from "../../provider/core/http";
import { isDrplaneError, AuthError } from "../../provider/core/errors";
import { setLogSink } from "../../provider/core/log";
import { drainSessions, withSession } from "../../provider/core/session";
import { selfSignedCert } from "../support/tls";

const tls = selfSignedCert();
const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
  if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2000);
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ? "present" : "absent" }));
});
const ready = new Promise<string>((resolve) =>
  server.listen(0, "127.0.0.1", () => resolve(`https://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
after(async () => {
  await closeAllAgents();
  server.closeAllConnections();
  server.close();
});

const req = { method: "GET" as const, vendor: "test", operation: "get" };

test("TLS is verified by default: a self-signed server is refused with a remedy", async () => {
  const baseUrl = await ready;
  await assert.rejects(
    send({ baseUrl }, { ...req, path: "/x" }),
    (err: unknown) => isDrplaneError(err, "DRP_AUTH") && /caBundle/.test(err.message),
  );
});

test("a CA bundle (PEM text or file path) makes the same server trusted", async () => {
  const baseUrl = await ready;
  const byText = await send<{ path: string }>(
    { baseUrl, tls: { caBundle: tls.cert } },
    { ...req, path: "/a" },
  );
  assert.equal(byText.body.path, "/a");
  const byPath = await send<{ path: string }>(
    { baseUrl, tls: { caBundle: tls.certPath } },
    { ...req, path: "/b" },
  );
  assert.equal(byPath.status, 200);
});

test("insecure: true is an explicit opt-in that logs a warning", async () => {
  const baseUrl = await ready;
  const lines: string[] = [];
  const prev = setLogSink((_level, line) => lines.push(line));
  try {
    const res = await send({ baseUrl, tls: { insecure: true } }, { ...req, path: "/c" });
    assert.equal(res.status, 200);
  } finally {
    setLogSink(prev);
  }
  assert.ok(lines.some((l) => /verification is DISABLED/.test(l)));
});

test("a request timeout is a transient error naming the call, with no credential in it", async () => {
  const baseUrl = await ready;
  await assert.rejects(
    send(
      { baseUrl, tls: { caBundle: tls.cert } },
      { ...req, path: "/slow", timeoutMs: 200, headers: { authorization: "Session secret-token-123" } },
    ),
    (err: unknown) =>
      isDrplaneError(err, "DRP_TRANSIENT") &&
      /timed out/.test(err.message) &&
      !err.message.includes("secret-token-123"),
  );
});

test("sessions: concurrent users share one login; it is logged out after the last release", async () => {
  let logins = 0;
  const loggedOut: number[] = [];
  const hooks = {
    login: async () => {
      logins++;
      await new Promise((r) => setTimeout(r, 20));
      return logins;
    },
    logout: async (s: number) => {
      loggedOut.push(s);
    },
  };
  const results = await Promise.all([1, 2, 3, 4].map(() => withSession("k1", hooks, async (s) => s)));
  assert.deepEqual(results, [1, 1, 1, 1]);
  assert.equal(logins, 1);
  await drainSessions();
  assert.deepEqual(loggedOut, [1]);
});

test("sessions: a rejected session is replaced once; a rejected login is never retried", async () => {
  let logins = 0;
  const hooks = { login: async () => ++logins, logout: async () => undefined };
  let calls = 0;
  const out = await withSession("k2", hooks, async (s) => {
    calls++;
    if (s === 1) throw new AuthError("expired", { meta: { httpStatus: 401, operation: "get" } });
    return s;
  });
  assert.equal(out, 2);
  assert.equal(calls, 2);

  let badLogins = 0;
  const bad = {
    login: async () => {
      badLogins++;
      throw new AuthError("wrong password", { meta: { httpStatus: 401, operation: "login" } });
    },
    logout: async () => undefined,
  };
  await Promise.all(
    [1, 2, 3].map(() =>
      assert.rejects(
        withSession("k3", bad, async () => "never"),
        (e: unknown) => isDrplaneError(e, "DRP_AUTH"),
      ),
    ),
  );
  assert.equal(badLogins, 1, "concurrent users of a wrong password share one failed login");
  await drainSessions();
});

test("endpoint limiter: bounds requests in flight per origin, and the largest bound asked for wins", async () => {
  const { endpointLimiter } = await import("../../provider/core/limits");
  const sem = endpointLimiter("https://limits.test:1", 2);
  let peak = 0;
  const work = () =>
    sem.run(async () => {
      peak = Math.max(peak, sem.inFlight);
      await new Promise((r) => setTimeout(r, 10));
    });
  await Promise.all([1, 2, 3, 4, 5].map(work));
  assert.equal(peak, 2);
  assert.equal(endpointLimiter("https://limits.test:1", 4), sem, "one limiter per origin");
  peak = 0;
  await Promise.all([1, 2, 3, 4, 5, 6].map(work));
  assert.equal(peak, 4);
});
