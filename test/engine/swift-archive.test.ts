/**
 * Engine level: examples/swift-archive (SwiftContainer, SwiftObject directory marker and README,
 * SloObject backup, getSwiftObjectOutput check) through the real `pulumi` CLI on a local file
 * backend, installed from `npm pack`'s tarball, against the real Swift (test/swift/backend.ts:
 * the loopback Swift + Keystone, or an existing one) under tempauth and Keystone v3. Never mocked.
 *
 * Per auth mode: config set as a user sets it (password by `--secret --path`), preview, up
 * creates everything (byte-exact backup) → `preview --expect-no-changes` and a second up change
 * nothing → out-of-band drift (README deleted, container metadata changed, by direct Swift
 * calls) → refresh records it → up converges → a changed backup file → up swaps in a new SLO
 * (byte-exact, old segments gone) → no password or issued token in `pulumi stack export` or the
 * CLI's output → refresh finds nothing → destroy leaves nothing.
 *
 * The stack's `authUrl` is a pass-through in front of the real auth service (tempauth's
 * /auth/v1.0 or Keystone's /v3) that records the tokens it hands out, so the leak check knows
 * the very tokens the provider and the program were issued. Swift itself is reached directly,
 * at the storage URL the auth service returns.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import {
  AUTH_MODES,
  cleanupContainers,
  swiftFixture,
  type AuthMode,
  type SwiftFixture,
} from "../vendors/swift/fixtures";
import { REPO_ROOT } from "../host/stage";
import { installProgram, tempDir } from "./program-dir";
import { EngineStack, explain, opsOf, type CommandResult } from "./stack";

const EXAMPLE = path.join(REPO_ROOT, "examples", "swift-archive");
const MiB = 1024 * 1024;

// ---- direct Swift calls (not through the provider) -----------------------------------------

interface Direct {
  storageUrl: string;
  token: string;
}

/** Logs in to the real auth service the way any Swift client does, and returns the account URL. */
async function directLogin(fx: SwiftFixture, mode: AuthMode): Promise<Direct> {
  if (mode === "tempauth") {
    const res = await fetch(fx.env.tempauth.authUrl, {
      headers: { "x-auth-user": fx.env.tempauth.user, "x-auth-key": fx.env.tempauth.key },
    });
    assert.ok(res.ok, `tempauth login: ${res.status}`);
    await res.arrayBuffer();
    return { storageUrl: res.headers.get("x-storage-url")!, token: res.headers.get("x-auth-token")! };
  }
  const k = fx.env.keystone;
  const res = await fetch(`${k.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: k.username, domain: { id: k.userDomainId }, password: k.password } },
        },
        scope: { project: { id: k.projectId } },
      },
    }),
  });
  assert.ok(res.ok, `keystone login: ${res.status}`);
  const body = (await res.json()) as {
    token: {
      catalog: { type: string; endpoints: { interface: string; region_id?: string; url: string }[] }[];
    };
  };
  const endpoint = body.token.catalog
    .find((s) => s.type === "object-store")
    ?.endpoints.find((e) => e.interface === "public" && (!k.region || e.region_id === k.region));
  assert.ok(endpoint, "the Keystone catalog has a public object-store endpoint");
  return { storageUrl: endpoint.url, token: res.headers.get("x-subject-token")! };
}

async function swift(
  d: Direct,
  method: string,
  container: string,
  object?: string,
  headers: Record<string, string> = {},
  query = "",
): Promise<Response> {
  const obj = object === undefined ? "" : `/${object.split("/").map(encodeURIComponent).join("/")}`;
  return fetch(`${d.storageUrl}/${encodeURIComponent(container)}${obj}${query}`, {
    method,
    headers: { ...headers, "x-auth-token": d.token },
  });
}

/** Object names in a container; undefined when the container does not exist. */
async function listing(d: Direct, container: string): Promise<string[] | undefined> {
  const res = await swift(d, "GET", container, undefined, {}, "?format=json");
  if (res.status === 404) {
    await res.arrayBuffer();
    return undefined;
  }
  assert.ok(res.ok, `GET ${container}: ${res.status}`);
  if (res.status === 204) return [];
  return ((await res.json()) as { name: string }[]).map((e) => e.name);
}

async function getBytes(d: Direct, container: string, object: string): Promise<Buffer> {
  const res = await swift(d, "GET", container, object);
  assert.equal(res.status, 200, `GET ${container}/${object}`);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * A pass-through in front of an auth URL (tempauth or Keystone): every request goes to the real
 * service unchanged (Host included, so tempauth's storage URL names Swift itself), and every
 * token in an answer (X-Auth-Token, X-Storage-Token, X-Subject-Token) is recorded.
 */
async function tokenRecorder(target: string): Promise<{ url: string; tokens: string[]; close(): void }> {
  const t = new URL(target);
  const client = t.protocol === "https:" ? https : http;
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    const upstream = client.request(
      {
        protocol: t.protocol,
        hostname: t.hostname,
        port: t.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: t.host },
      },
      (answer) => {
        for (const h of ["x-auth-token", "x-storage-token", "x-subject-token"]) {
          const v = answer.headers[h];
          if (typeof v === "string" && !tokens.includes(v)) tokens.push(v);
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      res.writeHead(502).end(String(err));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${t.pathname.replace(/\/+$/, "")}`,
    tokens,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

// ---- the example, per auth mode ------------------------------------------------------------

let fx: SwiftFixture;
let programDir: string;
let dir: string;

before(async () => {
  fx = await swiftFixture();
  programDir = installProgram(EXAMPLE);
  dir = tempDir("swift-archive");
});

after(async () => {
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

for (const mode of AUTH_MODES) {
  describe(`examples/swift-archive on the real engine (${mode})`, { concurrency: false }, () => {
    const stackName = `${mode === "tempauth" ? "ta" : "ks"}${randomBytes(3).toString("hex")}`;
    const container = `drplane-archive-${stackName}`;
    const segments = `${container}_segments`;
    const profile = `archive-${mode === "tempauth" ? "ta" : "ks"}`;
    const backup = () => path.join(dir, `${mode}-backup.bin`);
    let stack: EngineStack;
    let recorder: Awaited<ReturnType<typeof tokenRecorder>>;
    let direct: Direct;
    /** Everything the CLI printed, for the leak check. */
    const printed: string[] = [];
    const run = async (r: Promise<CommandResult>): Promise<CommandResult> => {
      const result = await r;
      printed.push(result.stdout, result.stderr);
      return result;
    };
    const outputs = async (): Promise<Record<string, unknown>> => {
      const r = await run(stack.pulumi(["stack", "output", "--json"]));
      assert.equal(r.code, 0, explain(r));
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const password = () => (mode === "tempauth" ? fx.env.tempauth.key : fx.env.keystone.password);

    before(async () => {
      direct = await directLogin(fx, mode);
      recorder = await tokenRecorder(mode === "tempauth" ? fx.env.tempauth.authUrl : fx.env.keystone.authUrl);
      stack = await EngineStack.init(programDir, stackName);
    });

    after(async () => {
      try {
        if (stack && (await stack.stateResources()).length > 0) await stack.destroy();
        await stack?.remove(true);
      } finally {
        recorder?.close();
        await cleanupContainers(fx.client(mode), [container, segments]);
      }
    });

    test("config set as a user sets it; preview, then up creates the archive with a byte-exact SLO backup", async () => {
      const k = fx.env.keystone;
      const config: Record<string, string> =
        mode === "tempauth"
          ? { authType: "tempauth", authUrl: recorder.url, username: fx.env.tempauth.user }
          : {
              authUrl: recorder.url,
              username: k.username,
              userDomainId: k.userDomainId,
              projectId: k.projectId,
              region: k.region,
            };
      Object.assign(config, { profile, backupFile: backup(), storagePolicy: "silver" });
      for (const [key, value] of Object.entries(config)) await stack.setConfig(key, value);
      await stack.setConfig(`drplane:credentials.${profile}.password`, password(), true);
      const content = randomBytes(25 * MiB + 3);
      writeFileSync(backup(), content);

      const preview = await run(stack.preview());
      assert.equal(preview.code, 0, explain(preview));
      assert.deepEqual(preview.errors, []);
      assert.deepEqual(opsOf(preview), {
        archive: "create",
        "backups-folder": "create",
        readme: "create",
        backup: "create",
      });
      const up = await run(stack.up());
      assert.equal(up.code, 0, explain(up));
      assert.deepEqual(opsOf(up), {
        archive: "create",
        "backups-folder": "create",
        readme: "create",
        backup: "create",
      });
      const out = await outputs();
      assert.equal(out.backupVerified, "yes");
      assert.match(
        String(out.backupSegments),
        new RegExp(`^3 segments in ${segments}/backups/backup\\.bin/slo/`),
      );

      // What Swift itself holds.
      const head = await swift(direct, "HEAD", container);
      assert.equal(head.status, 204);
      assert.equal(head.headers.get("x-storage-policy"), "silver");
      assert.equal(head.headers.get("x-container-meta-owner"), "dr-team");
      assert.equal(head.headers.get("x-container-meta-purpose"), "nightly-backups");
      assert.equal(head.headers.get("x-container-meta-quota-bytes"), String(100 * 1024 ** 3));
      assert.deepEqual((await listing(direct, container))?.sort(), [
        "README.txt",
        "backups",
        "backups/backup.bin",
      ]);
      const folder = await swift(direct, "HEAD", container, "backups");
      assert.equal(folder.headers.get("content-type"), "application/directory");
      assert.equal(
        (await getBytes(direct, container, "README.txt")).toString(),
        `Nightly backups of stack ${stackName}. Managed by Pulumi (pulumi-drplane).\n`,
      );
      const slo = await swift(direct, "HEAD", container, "backups/backup.bin");
      assert.equal(slo.headers.get("x-static-large-object"), "True");
      assert.equal(slo.headers.get("x-object-meta-source"), "db1");
      assert.ok(
        (await getBytes(direct, container, "backups/backup.bin")).equals(content),
        "byte-exact backup",
      );
      assert.equal((await listing(direct, segments))?.length, 3);
    });

    test("preview --expect-no-changes passes, and a second up changes nothing", async () => {
      const preview = await run(stack.preview(["--expect-no-changes"]));
      assert.equal(preview.code, 0, explain(preview));
      assert.ok(
        preview.resources.every((r) => r.op === "same"),
        JSON.stringify(opsOf(preview)),
      );
      const up = await run(stack.up());
      assert.equal(up.code, 0, explain(up));
      assert.ok(
        up.resources.every((r) => r.op === "same"),
        JSON.stringify(opsOf(up)),
      );
    });

    test("out-of-band drift (README deleted, container metadata changed): refresh records it, up converges", async () => {
      const del = await swift(direct, "DELETE", container, "README.txt");
      assert.equal(del.status, 204);
      const post = await swift(direct, "POST", container, undefined, {
        "x-container-meta-purpose": "tampered",
      });
      assert.equal(post.status, 204);

      const refresh = await run(stack.refresh());
      assert.equal(refresh.code, 0, explain(refresh));
      assert.deepEqual(opsOf(refresh), {
        archive: "refresh-drift",
        "backups-folder": "refresh-same",
        readme: "refresh-gone",
        backup: "refresh-same",
      });
      const drifted = await run(stack.preview(["--expect-no-changes"]));
      assert.notEqual(drifted.code, 0, "preview --expect-no-changes fails while drift is recorded");

      const up = await run(stack.up());
      assert.equal(up.code, 0, explain(up));
      assert.deepEqual(opsOf(up), {
        archive: "update",
        "backups-folder": "same",
        readme: "create",
        backup: "same",
      });
      const head = await swift(direct, "HEAD", container);
      assert.equal(head.headers.get("x-container-meta-purpose"), "nightly-backups");
      assert.equal(head.headers.get("x-container-meta-owner"), "dr-team");
      assert.match((await getBytes(direct, container, "README.txt")).toString(), /^Nightly backups of stack/);
      const clean = await run(stack.preview(["--expect-no-changes"]));
      assert.equal(clean.code, 0, explain(clean));
    });

    test("a changed backup file: up swaps in a new SLO, byte-exact, and removes the old segments", async () => {
      const before = await outputs();
      const oldSegments = (await listing(direct, segments)) ?? [];
      assert.equal(oldSegments.length, 3);
      const content = randomBytes(12 * MiB + 5);
      writeFileSync(backup(), content);

      const preview = await run(stack.preview());
      assert.equal(preview.code, 0, explain(preview));
      assert.equal(opsOf(preview).backup, "update");
      const up = await run(stack.up());
      assert.equal(up.code, 0, explain(up));
      assert.deepEqual(opsOf(up), {
        archive: "same",
        "backups-folder": "same",
        readme: "same",
        backup: "update",
      });
      const out = await outputs();
      assert.equal(out.backupVerified, "yes");
      assert.match(String(out.backupSegments), /^2 segments in /);
      assert.notEqual(out.backupSegments, before.backupSegments, "a new segment prefix");
      assert.notEqual(out.backupEtag, before.backupEtag);

      const slo = await swift(direct, "HEAD", container, "backups/backup.bin");
      assert.equal(slo.headers.get("x-static-large-object"), "True");
      assert.equal(slo.headers.get("content-length"), String(content.length));
      assert.ok(
        (await getBytes(direct, container, "backups/backup.bin")).equals(content),
        "the object is byte-exact the new file",
      );
      const now = (await listing(direct, segments)) ?? [];
      assert.equal(now.length, 2, `segments now: ${now.join(", ")}`);
      assert.deepEqual(
        now.filter((s) => oldSegments.includes(s)),
        [],
        "the old segments are deleted",
      );
      const clean = await run(stack.preview(["--expect-no-changes"]));
      assert.equal(clean.code, 0, explain(clean));
    });

    test("pulumi stack export and the CLI's output hold no password and no issued token", async () => {
      const text = await stack.exportText();
      assert.ok((await stack.stateResources()).length === 4);
      // The stack's password, and the other mode's (never configured here), must appear nowhere.
      for (const secret of [fx.env.tempauth.key, fx.env.keystone.password]) {
        assert.ok(!text.includes(secret), "a password is in the exported state");
        assert.ok(!printed.some((p) => p.includes(secret)), "a password is in the CLI's output");
      }
      // Tokens the auth service issued to the provider and the program (through the recorder).
      assert.ok(recorder.tokens.length > 0, "the auth service issued tokens through the stack's authUrl");
      if (mode === "tempauth") {
        // tempauth hands every login of a user the same token while it is valid.
        assert.ok(recorder.tokens.includes(direct.token), "the recorded token is the user's live token");
      }
      for (const token of [...recorder.tokens, direct.token]) {
        assert.ok(!text.includes(token), "a token is in the exported state");
        assert.ok(!printed.some((p) => p.includes(token)), "a token is in the CLI's output");
      }
      // The password travels as secret config: encrypted in Pulumi.<stack>.yaml, not in clear.
      const stackConfig = readFileSync(path.join(programDir, `Pulumi.${stackName}.yaml`), "utf8");
      assert.ok(!stackConfig.includes(password()));
      assert.match(stackConfig, /secure: /);
    });

    test("refresh finds nothing to change; destroy leaves no container and no segments", async () => {
      const refresh = await run(stack.refresh());
      assert.equal(refresh.code, 0, explain(refresh));
      assert.ok(
        refresh.resources.every((r) => r.op === "refresh-same"),
        JSON.stringify(opsOf(refresh)),
      );
      const destroy = await run(stack.destroy());
      assert.equal(destroy.code, 0, explain(destroy));
      assert.deepEqual(opsOf(destroy), {
        archive: "delete",
        "backups-folder": "delete",
        readme: "delete",
        backup: "delete",
      });
      assert.equal(await listing(direct, container), undefined, "the container is gone");
      // No segment is left. The segment container the SloObject created stays, empty, as the
      // Swift CLI leaves it (examples/swift-archive/README.md); gone would be fine too.
      const left = await listing(direct, segments);
      assert.ok(left === undefined || left.length === 0, `segments left: ${left?.join(", ")}`);
      assert.deepEqual(await stack.stateResources(), []);
    });
  });
}
