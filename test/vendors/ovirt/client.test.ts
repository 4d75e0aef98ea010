/**
 * The oVirt client against the simulator: dialect detection on each engine mode (before any
 * write; disagreeing readings name the probes), v4 OAuth and v3 Basic + JSESSIONID sessions with
 * their logouts, one login shared by concurrent calls, a refused password sent once, token expiry
 * mid-operation (one re-login), transient 409 retried, 500, a dropped connection, and the canary
 * password in no error and no log line.
 */
import { afterEach, test } from "node:test";
import * as assert from "node:assert/strict";
import { isDrplaneError } from "../../../provider/core/errors";
import { drainSessions } from "../../../provider/core/session";
import { ensureVm, listAll } from "../../../provider/vendors/ovirt";
import { CANARY, startSite, stopSite, visible, type Site } from "./fixtures";

let site: Site | undefined;
afterEach(async () => {
  if (site) assert.ok(!site.lines.join("\n").includes(CANARY), "the password is in no log line");
  await stopSite(site);
  site = undefined;
});

test("auto on oVirt 4.4: SSO, then the root says 4.4.10 → v4 with Bearer; logout revokes the token", async () => {
  site = await startSite("ovirt-4.4");
  const c = site.client();
  assert.equal(await c.dialect(), "v4");
  assert.equal(await c.productVersion(), "4.4.10");
  assert.equal((await c.api()).base, "/ovirt-engine/api");
  await Promise.all([listAll(c, "clusters", "cluster"), listAll(c, "networks", "network")]);
  assert.equal(site.engine.counters.ssoLogins, 1, "one login for every call");
  assert.equal(site.engine.counters.basicLogins, 0);
  await drainSessions();
  assert.equal(site.engine.counters.liveTokens, 0, "the token was revoked at the end");
});

test("auto on RHEV 3.6: no SSO (404) → Basic + persistent-auth at /ovirt-engine/api → v3 with the cookie; logout closes it", async () => {
  site = await startSite("rhev-3.6");
  const c = site.client();
  assert.equal(await c.dialect(), "v3");
  assert.equal(await c.productVersion(), "3.6.13");
  const api = await c.api();
  assert.match(api.tried.join(" | "), /404 \(no oVirt 4 SSO\)/);
  const clusters = await listAll(c, "clusters", "cluster");
  assert.equal(clusters[0]?.name, "Default");
  assert.equal(site.engine.counters.basicLogins, 1, "the password went once, the cookie after");
  assert.equal(site.engine.counters.liveSessions, 1);
  await drainSessions();
  assert.equal(site.engine.counters.liveSessions, 0, "a request without Prefer closed the session");
});

test('apiVersion "v3" on oVirt 4.3 uses /ovirt-engine/api/v3; on 4.4 it fails naming what it read', async () => {
  site = await startSite("ovirt-4.3");
  const c = site.client({ apiVersion: "v3" });
  const api = await c.api();
  assert.equal(api.dialect, "v3");
  assert.equal(api.base, "/ovirt-engine/api/v3");
  assert.equal((await listAll(c, "clusters", "cluster"))[0]?.name, "Default");
  await stopSite(site);
  site = await startSite("ovirt-4.4");
  const err = await site
    .client({ apiVersion: "v3" })
    .api()
    .catch((e: unknown) => e);
  assert.ok(isDrplaneError(err, "DRP_VENDOR"));
  assert.match(err.message, /apiVersion "v3" was asked for, but no v3 API answered/);
  assert.match(
    err.message,
    /tried: GET \/ovirt-engine\/api \(Version: 3\): 400; GET \/api \(Version: 3\): 404/,
  );
});

test("readings that disagree fail before any write and name every probe", async () => {
  // An engine that has SSO but whose root says 3.6.
  site = await startSite("ovirt-4.4", { productVersion: "3.6.13" });
  const err = await site
    .client()
    .dialect()
    .catch((e: unknown) => e);
  assert.ok(isDrplaneError(err, "DRP_VENDOR"));
  assert.match(err.message, /has OAuth SSO \(oVirt 4\) but its API root reports product 3\.6\.13/);
  assert.match(err.message, /tried: SSO login, then GET \/ovirt-engine\/api/);
  assert.equal(site.engine.vms().length, 0);
});

test("a refused password is sent once, to concurrent and later callers alike, and never shown", async () => {
  site = await startSite("ovirt-4.4", { users: { "admin@internal": "another-password" } });
  const errs = await Promise.all(
    [site.client().dialect(), site.client().dialect()].map((p) => p.catch((e: unknown) => e)),
  );
  const later = await site
    .client()
    .dialect()
    .catch((e: unknown) => e);
  for (const err of [...errs, later]) {
    assert.ok(isDrplaneError(err, "DRP_AUTH"), String(err));
    assert.ok(!visible(err).includes(CANARY));
  }
  assert.match((later as Error).message, /not sent again/);
  assert.equal(site.engine.counters.failedLogins, 1);
});

test("v3: a refused password (401 on the Basic login) is not retried either", async () => {
  site = await startSite("rhev-3.6", { users: { "admin@internal": "another-password" } });
  const err = await site
    .client()
    .dialect()
    .catch((e: unknown) => e);
  assert.ok(isDrplaneError(err, "DRP_AUTH"));
  assert.match(err.message, /refused the login of user admin@internal/);
  assert.ok(!visible(err).includes(CANARY));
  await site
    .client()
    .dialect()
    .catch(() => undefined);
  assert.equal(site.engine.counters.failedLogins, 1);
});

for (const mode of ["ovirt-4.4", "rhev-3.6"] as const) {
  test(`${mode}: an expired token/session mid-operation costs one re-login, and the operation goes on`, async () => {
    site = await startSite(mode);
    const c = site.client();
    await listAll(c, "clusters", "cluster");
    const logins = () => site!.engine.counters.ssoLogins + site!.engine.counters.basicLogins;
    assert.equal(logins(), 1);
    if (mode === "ovirt-4.4") site.engine.expireTokens();
    else site.engine.expireSessions();
    const { record } = await ensureVm({
      client: c,
      spec: { name: "vm-relogin", cluster: "Default", memoryMiB: 512 },
      timeoutMs: 600_000,
    });
    assert.equal(record.status, "down");
    assert.equal(logins(), 2, "one re-login");
  });
}

test("a transient 409 (related operation in progress) is retried; a 500 on a read is retried; a dropped connection on a read is retried", async () => {
  site = await startSite("ovirt-4.4");
  const c = site.client();
  await c.dialect();
  site.engine.injectConflict("GET /ovirt-engine/api/clusters", "in-progress", 1);
  site.engine.server.faults.add({ route: "GET /ovirt-engine/api/networks", status: 500, times: 1 });
  site.engine.server.faults.add({ route: "GET /ovirt-engine/api/templates", reset: true, times: 1 });
  assert.equal((await listAll(c, "clusters", "cluster")).length, 1);
  assert.ok((await listAll(c, "networks", "network")).length >= 1);
  assert.ok((await listAll(c, "templates", "template")).length >= 1);
});

test("an existing VM of the same name with adopt: false is a ConflictError naming it, with the Correlation-Id", async () => {
  site = await startSite("ovirt-4.4");
  const c = site.client();
  await ensureVm({
    client: c,
    spec: { name: "dup", cluster: "Default", memoryMiB: 512 },
    timeoutMs: 600_000,
  });
  const err = await ensureVm({
    client: c,
    spec: { name: "dup", cluster: "Default", memoryMiB: 512 },
    timeoutMs: 600_000,
    adopt: false,
  }).catch((e: unknown) => e);
  assert.ok(isDrplaneError(err, "DRP_CONFLICT"));
  assert.match(err.message, /a VM named "dup" already exists in cluster Default/);
  assert.ok(err.meta.vendorDetail?.correlationId);
});
