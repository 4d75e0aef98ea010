/**
 * Proves the Swift test backend works, with the global fetch only:
 *   node --import tsx --test test/swift/backend.test.ts
 * Starts the loopback backend (scripts/swift/swift-loopback.sh) unless DRPLANE_TEST_* point
 * at an existing Swift. Never skips.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { ensureSwiftBackend, type SwiftTestEnv } from "./backend";

interface KsEndpoint {
  interface: string;
  region_id?: string;
  region?: string;
  url: string;
}
interface KsTokenBody {
  token: {
    expires_at: string;
    user: { id: string; name: string; domain: { id: string; name: string } };
    project?: { id: string; name: string; domain: { id: string; name: string } };
    roles?: { id: string; name: string }[];
    catalog?: { type: string; name?: string; endpoints: KsEndpoint[] }[];
  };
}
interface KsLogin {
  token: string;
  body: KsTokenBody;
  storageUrl: string;
}

let env: SwiftTestEnv;
/** Containers created by this file: [storageUrl, token, container]; removed in after(). */
const created: Array<[string, string, string]> = [];

before(async () => {
  env = await ensureSwiftBackend();
});

after(async () => {
  for (const [storageUrl, token, container] of created) {
    await deleteContainerDeep(storageUrl, token, container);
  }
});

async function drain(res: Response): Promise<string> {
  return await res.text();
}

async function tempauthLogin(): Promise<{ token: string; storageUrl: string; res: Response }> {
  const res = await fetch(env.tempauth.authUrl, {
    headers: { "X-Auth-User": env.tempauth.user, "X-Auth-Key": env.tempauth.key },
  });
  await drain(res);
  assert.equal(res.status, 200, `tempauth GET ${env.tempauth.authUrl}`);
  const token = res.headers.get("x-auth-token");
  const storageUrl = res.headers.get("x-storage-url");
  assert.ok(token, "X-Auth-Token header");
  assert.ok(storageUrl, "X-Storage-Url header");
  return { token, storageUrl, res };
}

function objectStoreUrl(body: KsTokenBody, region: string): string {
  const catalog = body.token.catalog ?? [];
  const svc = catalog.find((s) => s.type === "object-store");
  assert.ok(svc, `object-store service in catalog: ${JSON.stringify(catalog.map((s) => s.type))}`);
  const ep = svc.endpoints.find((e) => e.interface === "public" && (e.region_id ?? e.region) === region);
  assert.ok(ep, `public object-store endpoint in region ${region}: ${JSON.stringify(svc.endpoints)}`);
  return ep.url.replace(/\/+$/, "");
}

async function keystoneLogin(
  user: Record<string, unknown>,
  project: Record<string, unknown>,
): Promise<KsLogin> {
  const res = await fetch(`${env.keystone.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { ...user, password: env.keystone.password } } },
        scope: { project },
      },
    }),
  });
  const text = await drain(res);
  assert.equal(res.status, 201, `POST ${env.keystone.authUrl}/auth/tokens: ${text.slice(0, 300)}`);
  const token = res.headers.get("x-subject-token");
  assert.ok(token, "X-Subject-Token header");
  const body = JSON.parse(text) as KsTokenBody;
  assert.equal(body.token.project?.id, env.keystone.projectId, "token scoped to the test project");
  assert.equal(body.token.user.id, env.keystone.userId);
  assert.equal(body.token.user.domain.id, env.keystone.userDomainId);
  assert.ok(Date.parse(body.token.expires_at) > Date.now(), "expires_at in the future");
  return { token, body, storageUrl: objectStoreUrl(body, env.keystone.region) };
}

function uniqueContainer(tag: string): string {
  return `drplane-backend-test-${tag}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

async function deleteContainerDeep(storageUrl: string, token: string, container: string): Promise<void> {
  const base = `${storageUrl}/${encodeURIComponent(container)}`;
  const list = await fetch(`${base}?format=json`, { headers: { "X-Auth-Token": token } });
  if (list.status === 404) {
    await drain(list);
    return;
  }
  const names = list.ok ? ((await list.json()) as { name: string }[]).map((o) => o.name) : [];
  if (!list.ok) await drain(list);
  for (const name of names) {
    const r = await fetch(`${base}/${encodeURIComponent(name)}`, {
      method: "DELETE",
      headers: { "X-Auth-Token": token },
    });
    await drain(r);
  }
  const r = await fetch(base, { method: "DELETE", headers: { "X-Auth-Token": token } });
  await drain(r);
}

/** PUT container, PUT/GET object, list, DELETE object + container, then 404. */
async function containerRoundTrip(storageUrl: string, token: string, tag: string): Promise<void> {
  const container = uniqueContainer(tag);
  const base = `${storageUrl}/${encodeURIComponent(container)}`;
  const auth = { "X-Auth-Token": token };
  created.push([storageUrl, token, container]);

  let res = await fetch(base, { method: "PUT", headers: { ...auth, "X-Container-Meta-Owner": "drplane" } });
  assert.equal(res.status, 201, `PUT container: ${await drain(res)}`);
  res = await fetch(base, { method: "PUT", headers: auth });
  assert.equal(res.status, 202, `re-PUT container is idempotent: ${await drain(res)}`);

  res = await fetch(base, { method: "HEAD", headers: auth });
  await drain(res);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("x-container-meta-owner"), "drplane");

  const payload = `hello from ${tag} ${randomBytes(8).toString("hex")}`;
  const md5 = createHash("md5").update(payload).digest("hex");
  res = await fetch(`${base}/hello.txt`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "text/plain" },
    body: payload,
  });
  assert.equal(res.status, 201, `PUT object: ${await drain(res)}`);
  assert.equal(res.headers.get("etag"), md5, "plain object etag = unquoted md5");

  res = await fetch(`${base}?format=json`, { headers: auth });
  assert.equal(res.status, 200);
  const listing = (await res.json()) as { name: string; bytes: number; hash: string }[];
  assert.deepEqual(
    listing.map((o) => [o.name, o.bytes, o.hash]),
    [["hello.txt", Buffer.byteLength(payload), md5]],
  );

  res = await fetch(`${base}/hello.txt`, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), payload);

  res = await fetch(base, { method: "DELETE", headers: auth });
  assert.equal(res.status, 409, `DELETE of a non-empty container: ${await drain(res)}`);

  res = await fetch(`${base}/hello.txt`, { method: "DELETE", headers: auth });
  assert.equal(res.status, 204, `DELETE object: ${await drain(res)}`);
  res = await fetch(base, { method: "DELETE", headers: auth });
  assert.equal(res.status, 204, `DELETE container: ${await drain(res)}`);
  res = await fetch(base, { method: "HEAD", headers: auth });
  await drain(res);
  assert.equal(res.status, 404, "container gone");
}

describe("swift test backend", () => {
  test("settings are complete", () => {
    for (const [k, v] of Object.entries(env.vars)) assert.ok(v, `${k} is empty`);
    assert.match(env.tempauth.authUrl, /^https?:\/\//);
    assert.match(env.keystone.authUrl, /\/v3$/);
  });

  test("tempauth v1.0 returns X-Storage-Url and X-Auth-Token, and the token works", async () => {
    const { token, storageUrl } = await tempauthLogin();
    assert.match(storageUrl, /^https?:\/\/.+\/v1\/[^/]+$/);
    const res = await fetch(storageUrl, { method: "HEAD", headers: { "X-Auth-Token": token } });
    await drain(res);
    assert.ok(res.status === 204 || res.status === 200, `HEAD account: ${res.status}`);
  });

  test("tempauth rejects a wrong key with 401", async () => {
    const res = await fetch(env.tempauth.authUrl, {
      headers: { "X-Auth-User": env.tempauth.user, "X-Auth-Key": `${env.tempauth.key}-wrong` },
    });
    await drain(res);
    assert.equal(res.status, 401);
  });

  test("keystone v3: user name + user_domain_id, scoped by project id (as python-swiftclient does)", async () => {
    const { token, storageUrl, body } = await keystoneLogin(
      { name: env.keystone.username, domain: { id: env.keystone.userDomainId } },
      { id: env.keystone.projectId },
    );
    assert.equal(body.token.project?.name, env.keystone.projectName);
    assert.equal(body.token.project?.domain.id, env.keystone.projectDomainId);
    const res = await fetch(storageUrl, { method: "HEAD", headers: { "X-Auth-Token": token } });
    await drain(res);
    assert.ok(res.status === 204 || res.status === 200, `HEAD ${storageUrl}: ${res.status}`);
  });

  test("keystone v3: user domain name, scoped by project name + project domain name", async () => {
    const { token, storageUrl, body } = await keystoneLogin(
      { name: env.keystone.username, domain: { name: env.keystone.userDomainName } },
      { name: env.keystone.projectName, domain: { name: env.keystone.projectDomainName } },
    );
    assert.equal(body.token.project?.domain.name, env.keystone.projectDomainName);
    const res = await fetch(storageUrl, { method: "HEAD", headers: { "X-Auth-Token": token } });
    await drain(res);
    assert.ok(res.status === 204 || res.status === 200, `HEAD ${storageUrl}: ${res.status}`);
  });

  test("keystone v3: user id, scoped by project name + project domain id", async () => {
    const { body } = await keystoneLogin(
      { id: env.keystone.userId },
      { name: env.keystone.projectName, domain: { id: env.keystone.projectDomainId } },
    );
    assert.equal(body.token.user.name, env.keystone.username);
  });

  test("keystone v3: wrong password is a JSON 401", async () => {
    const res = await fetch(`${env.keystone.authUrl}/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: {
                name: env.keystone.username,
                domain: { id: env.keystone.userDomainId },
                password: `${env.keystone.password}-wrong`,
              },
            },
          },
          scope: { project: { id: env.keystone.projectId } },
        },
      }),
    });
    const body = (await res.json()) as { error?: { code?: number } };
    assert.equal(res.status, 401);
    assert.equal(body.error?.code, 401);
    assert.equal(res.headers.get("x-subject-token"), null);
  });

  test("container PUT/GET/DELETE round trip with a tempauth token", async () => {
    const { token, storageUrl } = await tempauthLogin();
    await containerRoundTrip(storageUrl, token, "tempauth");
  });

  test("container PUT/GET/DELETE round trip with a keystone token (project id scope)", async () => {
    const { token, storageUrl } = await keystoneLogin(
      { name: env.keystone.username, domain: { id: env.keystone.userDomainId } },
      { id: env.keystone.projectId },
    );
    await containerRoundTrip(storageUrl, token, "ks-id");
  });

  test("container PUT/GET/DELETE round trip with a keystone token (project name scope)", async () => {
    const { token, storageUrl } = await keystoneLogin(
      { name: env.keystone.username, domain: { name: env.keystone.userDomainName } },
      { name: env.keystone.projectName, domain: { name: env.keystone.projectDomainName } },
    );
    await containerRoundTrip(storageUrl, token, "ks-name");
  });

  test("/info advertises slo limits (no auth)", async () => {
    const res = await fetch(env.infoUrl);
    assert.equal(res.status, 200);
    const info = (await res.json()) as {
      swift?: { version?: string; max_file_size?: number };
      slo?: { max_manifest_segments?: unknown; min_segment_size?: unknown; max_manifest_size?: unknown };
    };
    assert.ok(info.swift?.version, "swift.version");
    assert.ok(info.slo, `slo in /info: ${Object.keys(info).join(",")}`);
    assert.equal(typeof info.slo.max_manifest_segments, "number");
    assert.equal(typeof info.slo.min_segment_size, "number");
    assert.ok((info.slo.max_manifest_segments as number) >= 1);
    assert.ok((info.slo.min_segment_size as number) >= 1);
  });
});
