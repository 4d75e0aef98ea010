/**
 * Level 3+4: SloObject through the real Pulumi dynamic-provider host against the real Swift,
 * under tempauth and Keystone v3: create, no-op (an unchanged file costs a stat), content
 * update (new segments, swap, old segments gone), metadata update without re-upload, drift,
 * replace, delete with the segments.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { createCipheriv, createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import { listObjects } from "../../provider/vendors/swift/bulk";
import type { SwiftClient } from "../../provider/vendors/swift/client";
import { ensureContainer } from "../../provider/vendors/swift/containers";
import { putObject, readObject } from "../../provider/vendors/swift/objects";
import {
  ASSET_SIG,
  ASSET_SIG_KEY,
  AUTH_MODES,
  type AuthMode,
  cleanupContainers,
  connectionCounter,
  download,
  type SwiftFixture,
  swiftFixture,
  uniqueName,
} from "../vendors/swift/fixtures";
import { ProviderHost, urnOf, type Props } from "./harness";
import { providerTextOf } from "./provider-text";

const URN = urnOf("SloObject", "backup");
const MIB = 1024 * 1024;

let fx: SwiftFixture;
let host: ProviderHost;
let provider: string;
let dir: string;
const containers = new Map<AuthMode, string>();

before(async () => {
  fx = await swiftFixture();
  dir = mkdtempSync(path.join(tmpdir(), "drplane-slo-host-"));
  provider = await providerTextOf(
    (api) =>
      new api.SloObject("backup", {
        connection: fx.connection("tempauth") as any,
        container: "c",
        name: "n",
        file: "f",
      }),
  );
  host = await ProviderHost.start();
  await host.configure({});
  for (const mode of AUTH_MODES) {
    const name = uniqueName(`slo-h-${mode.slice(0, 2)}`);
    await ensureContainer(fx.client(mode), { name, storagePolicy: "silver" });
    containers.set(mode, name);
  }
});

after(async () => {
  await host?.stop();
  for (const mode of AUTH_MODES) {
    const c = containers.get(mode)!;
    await cleanupContainers(fx.client(mode), [c, `${c}_segments`]);
  }
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

function fill(file: string, size: number, seed: string): void {
  const key = createHash("md5").update(seed).digest();
  writeFileSync(file, createCipheriv("aes-128-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(size)));
}

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

async function segmentsOf(client: SwiftClient, container: string, object: string): Promise<string[]> {
  return (await listObjects(client, `${container}_segments`, { prefix: `${object}/slo/` })).map(
    (e) => e.name,
  );
}

test("bad inputs fail in Check with the property named, and no request is sent", async () => {
  const counter = await connectionCounter();
  writeFileSync(path.join(dir, "empty.bin"), "");
  writeFileSync(path.join(dir, "small.bin"), Buffer.alloc(2000));
  try {
    const base = {
      __provider: provider,
      connection: { authUrl: `${counter.url}/auth/v1.0`, authType: "tempauth", profile: "p" },
      container: "c",
      name: "n",
    };
    const cases: Array<[Props, string, RegExp]> = [
      [{ file: path.join(dir, "nope.bin") }, "file", /does not exist/],
      [{ file: path.join(dir, "empty.bin") }, "file", /is empty/],
      [{ file: path.join(dir, "small.bin"), segmentSize: 0 }, "segmentSize", /at least 1 byte/],
      [{ file: path.join(dir, "small.bin"), segmentSize: 6 * 1024 ** 3 }, "segmentSize", /at most 5 GiB/],
      [{ file: path.join(dir, "small.bin"), segmentSize: 1 }, "segmentSize", /2000 segments .* 1000-segment/],
      [{ source: { [ASSET_SIG_KEY]: ASSET_SIG, text: "x" } }, "source", /needs a FileAsset/],
      [{}, "file", /give file/],
      [{ file: path.join(dir, "small.bin"), segmentContainer: "a/b" }, "segmentContainer", /cannot contain/],
      [{ file: path.join(dir, "small.bin"), concurrency: 100 }, "concurrency", /32/],
    ];
    for (const [extra, property, reason] of cases) {
      const { failures } = await host.check(URN, {}, { ...base, ...extra });
      const f = failures.find((x) => x.property === property);
      assert.ok(
        f,
        `${JSON.stringify(extra)}: expected a failure on ${property}, got ${JSON.stringify(failures)}`,
      );
      assert.match(f.reason, reason);
    }
    assert.equal(counter.count(), 0, "no connection reached the endpoint");
  } finally {
    await counter.close();
  }
});

for (const mode of AUTH_MODES) {
  describe(`SloObject lifecycle (${mode})`, () => {
    const file = () => path.join(dir, `${mode}-backup.bin`);
    const client = () => fx.client(mode);
    const c = () => containers.get(mode)!;
    const inputs = (extra: Props = {}): Props => ({
      __provider: provider,
      __drplaneName: "backup",
      connection: fx.connection(mode),
      container: c(),
      name: "db/backup.bin",
      file: file(),
      segmentSize: MIB,
      contentType: "application/x-backup",
      metadata: { Source: "db1" },
      ...extra,
    });
    let id = "";
    let olds: Props = {};
    let outs: Props = {};

    test("create uploads the file as an SLO in segments, with progress", async () => {
      fill(file(), 3 * MIB + 100, `${mode}-v1`);
      const checked = await host.check(URN, {}, inputs());
      assert.deepEqual(checked.failures, []);
      const res = await host.create(URN, checked.inputs);
      id = res.id;
      olds = checked.inputs;
      outs = res.properties;
      assert.equal(id, `${c()}/db/backup.bin`);
      assert.equal(outs.size, 3 * MIB + 100);
      assert.equal(outs.segmentCount, 4);
      assert.equal(outs.effectiveSegmentContainer, `${c()}_segments`);
      assert.match(outs.segmentPrefix, /^db\/backup\.bin\/slo\/\d+\/3145828\/1048576\/[a-z0-9-]+\/$/);
      assert.equal(outs.actualContentType, "application/x-backup");
      const live = await readObject(client(), c(), "db/backup.bin");
      assert.equal(live?.staticLargeObject, true);
      assert.equal(live?.etag, outs.etag);
      assert.equal(md5(await download(client(), c(), "db/backup.bin")), md5(readFileSync(file())));
      const segContainer = await client().request({
        method: "HEAD",
        container: `${c()}_segments`,
        operation: "t",
        idempotent: true,
      });
      assert.equal(
        segContainer.headers["x-storage-policy"],
        "silver",
        "segment container created with the container's policy",
      );
      assert.match(
        host.output,
        /drplane SloObject\/backup: uploaded .*db\/backup\.bin: 3\.0 of 3\.0 MiB, 4\/4 segments, [\d.]+ MiB\/s/,
      );
    });

    test("no-op: unchanged inputs; a touched file with the same bytes is no diff", async () => {
      assert.equal(
        (await host.diff(id, URN, outs, (await host.check(URN, olds, inputs())).inputs)).changes,
        "none",
      );
      const later = new Date(Date.now() + 10_000);
      utimesSync(file(), later, later);
      const touched = (await host.check(URN, olds, inputs())).inputs;
      assert.equal((await host.diff(id, URN, outs, touched)).changes, "none");
      olds = touched;
    });

    test("an unchanged size and mtime is trusted without re-reading the file (the documented trade-off)", async () => {
      const { mtime } = statSync(file());
      fill(file(), 3 * MIB + 100, `${mode}-same-size`);
      utimesSync(file(), mtime, mtime);
      const trusted = (await host.check(URN, olds, inputs())).inputs;
      assert.equal((await host.diff(id, URN, outs, trusted)).changes, "none");
      fill(file(), 3 * MIB + 100, `${mode}-v1`);
      utimesSync(file(), mtime, mtime);
    });

    test("update: new content is an update; new segments, swap, old segments deleted", async () => {
      fill(file(), 2 * MIB + 7, `${mode}-v2`);
      const news = (await host.check(URN, olds, inputs())).inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const before = outs.segmentPrefix;
      outs = await host.update(id, URN, outs, news);
      olds = news;
      assert.equal(outs.segmentCount, 3);
      assert.notEqual(outs.segmentPrefix, before);
      assert.equal(md5(await download(client(), c(), "db/backup.bin")), md5(readFileSync(file())));
      const segs = await segmentsOf(client(), c(), "db/backup.bin");
      assert.equal(segs.length, 3);
      assert.ok(segs.every((s) => s.startsWith(outs.segmentPrefix)));
    });

    test("update: metadata and content type only: a POST, no new segments", async () => {
      const news = (
        await host.check(
          URN,
          olds,
          inputs({ metadata: { Source: "db2" }, contentType: "application/octet-stream" }),
        )
      ).inputs;
      assert.equal((await host.diff(id, URN, outs, news)).changes, "some");
      const prefix = outs.segmentPrefix;
      outs = await host.update(id, URN, outs, news);
      olds = news;
      assert.equal(outs.segmentPrefix, prefix);
      const live = await readObject(client(), c(), "db/backup.bin");
      assert.deepEqual(live?.metadata, { source: "db2" });
      assert.equal(live?.contentType, "application/octet-stream");
    });

    test("refresh finds the object overwritten outside Pulumi; the next up uploads it again", async () => {
      await putObject(client(), { container: c(), name: "db/backup.bin", content: { text: "overwritten" } });
      const read = await host.read(id, URN, outs, olds);
      assert.equal(read.properties.etag, md5(Buffer.from("overwritten")));
      const news = (await host.check(URN, read.inputs, { ...olds, __provider: provider })).inputs;
      const d = await host.diff(id, URN, read.properties, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      outs = await host.update(id, URN, read.properties, news);
      const live = await readObject(client(), c(), "db/backup.bin");
      assert.equal(live?.staticLargeObject, true);
      assert.equal(md5(await download(client(), c(), "db/backup.bin")), md5(readFileSync(file())));
    });

    test("replace: a new name uploads the new object, then deletes the old one with its segments", async () => {
      const news = (await host.check(URN, olds, { ...olds, __provider: provider, name: "db/backup-2.bin" }))
        .inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.deepEqual(d.replaces, ["name"]);
      const created = await host.create(URN, news);
      await host.delete(id, URN, outs);
      assert.equal(await readObject(client(), c(), "db/backup.bin"), undefined);
      assert.deepEqual(await segmentsOf(client(), c(), "db/backup.bin"), []);
      id = created.id;
      outs = created.properties;
      olds = news;
    });

    test("delete removes the manifest and its segments; refresh then drops it", async () => {
      await host.delete(id, URN, outs);
      assert.equal(await readObject(client(), c(), "db/backup-2.bin"), undefined);
      assert.deepEqual(await segmentsOf(client(), c(), "db/backup-2.bin"), []);
      assert.equal((await host.read(id, URN, outs, olds)).id, "");
      await host.delete(id, URN, outs); // already gone is fine
    });
  });
}
