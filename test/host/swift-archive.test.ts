/**
 * examples/swift-archive, run as written through the program runner (test/host/program.ts:
 * setMocks → the real provider host; a test device, not the Pulumi engine) against the real
 * Swift, under tempauth and Keystone v3: up, a no-op up, a changed backup file (an update of
 * the SloObject alone), refresh, destroy.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import { listObjects } from "../../provider/vendors/swift/bulk";
import { readContainer } from "../../provider/vendors/swift/containers";
import { AUTH_MODES, cleanupContainers, swiftFixture, type SwiftFixture } from "../vendors/swift-fixtures";
import { ProviderHost } from "./harness";
import { loadProgram, runProgram, type Program, type RunSummary } from "./program";
import { REPO_ROOT } from "./stage";

let fx: SwiftFixture;
let host: ProviderHost;
let program: Program;
let dir: string;

before(async () => {
  fx = await swiftFixture();
  dir = mkdtempSync(path.join(tmpdir(), "drplane-swift-archive-"));
  host = await ProviderHost.start({
    env: {
      DRPLANE_ARCHIVE_TA_PASSWORD: fx.env.tempauth.key,
      DRPLANE_ARCHIVE_KS_PASSWORD: fx.env.keystone.password,
    },
  });
  await host.configure({});
  program = loadProgram(path.join(REPO_ROOT, "examples", "swift-archive"));
});

after(async () => {
  await host?.stop();
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

function credentials(): string {
  return JSON.stringify({
    "archive-ta": { password: fx.env.tempauth.key },
    "archive-ks": { password: fx.env.keystone.password },
  });
}

const ops = (s: RunSummary) => Object.fromEntries(s.resources.map((r) => [r.name, r.op]));

for (const mode of AUTH_MODES) {
  describe(`examples/swift-archive (${mode})`, { concurrency: false }, () => {
    const stack = `t${randomBytes(3).toString("hex")}`;
    const statePath = () => path.join(dir, `${mode}.json`);
    const backup = () => path.join(dir, `${mode}-backup.bin`);
    const config = (): Record<string, string> => {
      const k = fx.env.keystone;
      const common = { backupFile: backup(), storagePolicy: "silver", "drplane:credentials": credentials() };
      return mode === "tempauth"
        ? {
            ...common,
            authType: "tempauth",
            authUrl: fx.env.tempauth.authUrl,
            username: fx.env.tempauth.user,
            profile: "archive-ta",
          }
        : {
            ...common,
            authUrl: k.authUrl,
            username: k.username,
            userDomainId: k.userDomainId,
            projectId: k.projectId,
            region: k.region,
            profile: "archive-ks",
          };
    };
    const run = (m: "up" | "refresh" | "destroy" | "preview") =>
      runProgram(program, { mode: m, host, statePath: statePath(), stack, config: config() });
    const container = `drplane-archive-${stack}`;

    after(async () => {
      await cleanupContainers(fx.client(mode), [container, `${container}_segments`]);
    });

    test("preview, then up creates the archive and the data function sees the backup", async () => {
      writeFileSync(backup(), randomBytes(25 * 1024 * 1024 + 3));
      const preview = await run("preview");
      assert.deepEqual(preview.errors, []);
      const up = await run("up");
      assert.deepEqual(up.errors, [], JSON.stringify(up.errors));
      assert.deepEqual(ops(up), {
        archive: "create",
        "backups-folder": "create",
        readme: "create",
        backup: "create",
      });
      assert.equal(up.outputs.backupVerified, "yes");
      assert.match(
        String(up.outputs.backupSegments),
        new RegExp(`^3 segments in ${container}_segments/backups/backup\\.bin/slo/`),
      );
      const live = await readContainer(fx.client(mode), container);
      assert.equal(live?.storagePolicy, "silver");
      assert.equal(live?.objectCount, 3);
    });

    test("a second up changes nothing", async () => {
      const up = await run("up");
      assert.deepEqual(up.errors, []);
      assert.ok(
        Object.values(ops(up)).every((op) => op === "same"),
        JSON.stringify(ops(up)),
      );
    });

    test("a changed backup file updates the SloObject only", async () => {
      writeFileSync(backup(), randomBytes(12 * 1024 * 1024));
      const up = await run("up");
      assert.deepEqual(up.errors, []);
      assert.deepEqual(ops(up), {
        archive: "same",
        "backups-folder": "same",
        readme: "same",
        backup: "update",
      });
      assert.equal(up.outputs.backupVerified, "yes");
      const segments = await listObjects(fx.client(mode), `${container}_segments`);
      assert.equal(segments.length, 2, "old segments deleted");
    });

    test("refresh finds nothing to change; destroy removes everything", async () => {
      const refresh = await run("refresh");
      assert.deepEqual(refresh.errors, []);
      assert.ok(
        refresh.resources.every((r) => r.op === "refresh-same"),
        JSON.stringify(refresh.resources),
      );
      const down = await run("destroy");
      assert.deepEqual(down.errors, []);
      assert.equal(await readContainer(fx.client(mode), container), undefined);
      assert.deepEqual(await listObjects(fx.client(mode), `${container}_segments`), []);
    });
  });
}
