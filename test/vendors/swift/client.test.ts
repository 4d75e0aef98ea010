/**
 * The Swift client against the real Swift + Keystone v3: every way of naming the user and
 * the project, one shared token per identity (single-flight), a refused token re-issued
 * once, a wrong password never retried, catalog endpoint choice, and the mapping of Swift's
 * error answers (400/401/403/404/409/412/413/422) to drplane errors.
 */
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { isDrplaneError } from "../../../provider/core/errors";
import { closeAllAgents } from "../../../provider/core/http";
import { setLogSink, type LogSink } from "../../../provider/core/log";
import { SwiftClient } from "../../../provider/vendors/swift/client";
import { ensureContainer } from "../../../provider/vendors/swift/containers";
import { putObject } from "../../../provider/vendors/swift/objects";
import type { SwiftConnection } from "../../../provider/vendors/swift/auth";
import { innerStatus, parseBulkResult, swiftHttpError } from "../../../provider/vendors/swift/errors";
import { AUTH_MODES, cleanupContainers, swiftFixture, uniqueName, type SwiftFixture } from "./fixtures";

let fx: SwiftFixture;
const lines: string[] = [];
let previousSink: LogSink;
const toClean: Array<[SwiftClient, string]> = [];

before(async () => {
  fx = await swiftFixture();
});
beforeEach(() => {
  lines.length = 0;
  previousSink = setLogSink((_level, line) => lines.push(line));
});
afterEach(() => {
  setLogSink(previousSink);
});
after(async () => {
  for (const [client, name] of toClean) await cleanupContainers(client, [name]);
  await closeAllAgents();
});

/** A fresh credential profile (so the process-wide token cache starts empty for it). */
function freshProfile(password: string): string {
  const profile = `t-${randomBytes(4).toString("hex")}`;
  process.env[`DRPLANE_${profile.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_PASSWORD`] = password;
  return profile;
}

function connection(mode: "tempauth" | "keystone", extra: Partial<SwiftConnection> = {}): SwiftConnection {
  const base = fx.connection(mode) as unknown as SwiftConnection;
  const password = mode === "tempauth" ? fx.env.tempauth.key : fx.env.keystone.password;
  return { ...base, profile: freshProfile(password), ...extra };
}

const attempts = () => lines.filter((l) => /swift: logging in/.test(l)).length;

describe("Keystone v3 identities", () => {
  test("every way of naming the user and the project reaches the same account", async () => {
    const k = fx.env.keystone;
    const ways: Array<Partial<SwiftConnection>> = [
      { username: k.username, userDomainId: k.userDomainId, projectId: k.projectId },
      {
        username: k.username,
        userDomainId: undefined,
        userDomainName: k.userDomainName,
        projectId: undefined,
        projectName: k.projectName,
        projectDomainName: k.projectDomainName,
      },
      {
        username: undefined,
        userDomainId: undefined,
        userId: k.userId,
        projectId: undefined,
        projectName: k.projectName,
        projectDomainId: k.projectDomainId,
      },
      // The auth URL without /v3, and no region: the first object-store endpoint.
      { authUrl: k.authUrl.replace(/\/v3$/, ""), region: undefined },
    ];
    const urls = new Set<string>();
    for (const way of ways) urls.add(await new SwiftClient(connection("keystone", way)).storageUrl());
    assert.equal(urls.size, 1, [...urls].join(", "));
    assert.match(
      [...urls][0]!,
      new RegExp(`/v1/AUTH_${fx.env.keystone.projectId}$`),
      "storage URL from the catalog",
    );
  });

  test("a region missing from the catalog is a clear error naming what is there", async () => {
    const client = new SwiftClient(connection("keystone", { region: "Atlantis" }));
    await assert.rejects(client.storageUrl(), (err: Error) => {
      assert.ok(isDrplaneError(err, "DRP_VENDOR"));
      assert.match(err.message, /no object-store endpoint for interface public in region Atlantis/);
      assert.match(err.message, new RegExp(`public@${fx.env.keystone.region}`));
      return true;
    });
  });
});

for (const mode of AUTH_MODES) {
  describe(`tokens (${mode})`, () => {
    test("concurrent calls share one login; the token is cached for later calls", async () => {
      const client = new SwiftClient(connection(mode));
      await Promise.all(
        Array.from({ length: 6 }, () =>
          client.request({ method: "HEAD", operation: "headAccount", idempotent: true }),
        ),
      );
      await client.request({ method: "HEAD", operation: "headAccount", idempotent: true });
      assert.equal(attempts(), 1);
    });

    test("a token Swift refuses (401) is re-issued once and the call replayed", async () => {
      const client = new SwiftClient(connection(mode));
      const token = await client.withToken(async (t) => t);
      token.token =
        mode === "tempauth" ? "AUTH_tk00000000000000000000000000000000" : "gAAAAAB-not-a-valid-fernet-token";
      const res = await client.request({ method: "HEAD", operation: "headAccount", idempotent: true });
      assert.ok(res.status < 300);
      assert.equal(attempts(), 2, "logged in again once");
    });

    test("a wrong password fails at once with the profile named, and is not retried", async () => {
      const client = new SwiftClient({ ...connection(mode), profile: freshProfile("wrong-password") });
      const calls = Array.from({ length: 3 }, () =>
        client.request({ method: "HEAD", operation: "headAccount", idempotent: true }),
      );
      for (const call of calls) {
        await assert.rejects(call, (err: Error) => {
          assert.ok(isDrplaneError(err, "DRP_AUTH"), String(err));
          assert.equal(err.meta.httpStatus, 401);
          assert.match(err.message, /rejected the credentials of profile "t-[0-9a-f]+"/);
          assert.match(err.message, /not retried/);
          assert.ok(!err.message.includes("wrong-password"), "the password is not in the message");
          return true;
        });
      }
      assert.equal(attempts(), 1, "one login attempt for three concurrent calls");
    });

    test("no password anywhere: the error says where to put it", async () => {
      const client = new SwiftClient({ ...connection(mode), profile: "nobody-configured-this" });
      await assert.rejects(client.storageUrl(), /DRPLANE_NOBODY_CONFIGURED_THIS_PASSWORD/);
    });
  });

  describe(`error mapping (${mode})`, () => {
    let client: SwiftClient;
    let name: string;
    before(async () => {
      client = fx.client(mode);
      name = uniqueName(`err-${mode.slice(0, 2)}`);
      toClean.push([client, name]);
      await ensureContainer(client, { name, quota: { bytes: 10 } });
      await putObject(client, { container: name, name: "small", content: { text: "12345" } });
    });

    const expectError = async (p: Promise<unknown>, code: string, status: number, text: RegExp) =>
      assert.rejects(p, (err: Error) => {
        assert.ok(isDrplaneError(err), String(err));
        assert.equal(err.code, code, err.message);
        assert.equal(err.meta.httpStatus, status);
        assert.match(err.message, text);
        return true;
      });

    test("404 Not Found", () =>
      expectError(
        client.request({
          method: "HEAD",
          container: `${name}-missing`,
          operation: "headContainer",
          idempotent: true,
        }),
        "DRP_NOT_FOUND",
        404,
        /Swift headContainer .*-missing: /,
      ));

    test("409 Conflict: deleting a non-empty container", () =>
      expectError(
        client.request({ method: "DELETE", container: name, operation: "deleteContainer", idempotent: true }),
        "DRP_CONFLICT",
        409,
        /Conflict[\s\S]*must be empty/,
      ));

    test("400 with Swift's reason: an unknown storage policy", () =>
      expectError(
        ensureContainer(client, { name: `${name}-p`, storagePolicy: "bronze" }),
        "DRP_INPUT",
        400,
        /Invalid X-Storage-Policy 'bronze'/,
      ));

    test("413: over the container quota", () =>
      expectError(
        putObject(client, { container: name, name: "big", content: { text: "0123456789abcdef" } }),
        "DRP_INPUT",
        413,
        /Upload exceeds quota/,
      ));

    test("422: the body does not match the ETag sent", () =>
      expectError(
        client.request({
          method: "PUT",
          container: name,
          object: "x",
          headers: { etag: "0".repeat(32) },
          body: "abc",
          operation: "putObject",
          idempotent: true,
        }),
        "DRP_VENDOR",
        422,
        /Unprocessable Entity[\s\S]*MD5 did not match/,
      ));

    test("412: If-None-Match on an existing object", () =>
      expectError(
        client.request({
          method: "PUT",
          container: name,
          object: "small",
          headers: { "if-none-match": "*" },
          body: "abc",
          operation: "putObject",
          idempotent: true,
        }),
        "DRP_CONFLICT",
        412,
        /Precondition Failed/,
      ));
  });
}

test("403 Forbidden (a tempauth user without rights) is not a re-login", async () => {
  process.env.DRPLANE_SWIFT_TA3_PASSWORD = "testing3";
  const client = new SwiftClient({
    authUrl: fx.env.tempauth.authUrl,
    authType: "tempauth",
    profile: freshProfile("testing3"),
    username: "test:tester3",
  });
  await assert.rejects(
    client.request({
      method: "PUT",
      container: uniqueName("forbidden"),
      operation: "createContainer",
      idempotent: true,
    }),
    (err: Error) => {
      assert.ok(isDrplaneError(err, "DRP_AUTH"));
      assert.equal(err.meta.httpStatus, 403);
      assert.match(err.message, /Forbidden[\s\S]*role|ACL/);
      return true;
    },
  );
  assert.equal(attempts(), 1);
});

test("/info limits and storage policies are read from the cluster", async () => {
  const info = await fx.client("keystone").info();
  assert.equal(info.maxManifestSegments, 1000);
  assert.equal(info.minSegmentSize, 1);
  assert.ok(info.slo);
  assert.ok(info.bulkDeleteMax! > 0);
  assert.deepEqual(
    info.policies.map((p) => p.name),
    ["gold", "silver"],
  );
  assert.ok(info.policies[0]!.aliases.includes("Policy-0"));
});

test("error bodies: Swift's HTML and text, Keystone's JSON, 503 transient, bulk results in both forms", () => {
  const html =
    "<html><h1>Service Unavailable</h1><p>The server is currently unavailable. Please try again at a later time.</p></html>";
  const e503 = swiftHttpError("putObject", 503, undefined, html, { "retry-after": "2" }, "c/o");
  assert.equal(e503.code, "DRP_TRANSIENT");
  assert.equal(e503.meta.retryAfterMs, 2000);
  assert.match(
    e503.message,
    /^Swift putObject c\/o: Service Unavailable\. The server is currently unavailable/,
  );
  const ks = swiftHttpError(
    "login",
    401,
    { error: { code: 401, message: "The request you have made requires authentication." } },
    "",
    {},
  );
  assert.equal(ks.code, "DRP_AUTH");
  assert.match(ks.message, /requires authentication/);
  assert.equal(swiftHttpError("x", 507, undefined, "", {}).code, "DRP_VENDOR");
  assert.equal(swiftHttpError("x", 498, undefined, "", {}).code, "DRP_TRANSIENT");
  const text = parseBulkResult(
    undefined,
    "Number Deleted: 1\nNumber Not Found: 0\nResponse Body: \nResponse Status: 400 Bad Request\nErrors:\n/c_segments/a/1, 403 Forbidden\n",
  );
  assert.equal(innerStatus(text), 400);
  assert.deepEqual(text.Errors, [["/c_segments/a/1", "403 Forbidden"]]);
  assert.equal(text["Number Deleted"], 1);
});
