/**
 * The data functions getSwiftContainer / getSwiftObject (program side) against the real
 * Swift, under tempauth and Keystone v3.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../../provider/core/http";
import { ensureContainer } from "../../../provider/vendors/swift/containers";
import { DIRECTORY_CONTENT_TYPE, putObject } from "../../../provider/vendors/swift/objects";
import { uploadSlo } from "../../../provider/vendors/swift/slo";
import { getSwiftContainer, getSwiftContainerOutput, getSwiftObject } from "../../../provider/data/swift";
import {
  AUTH_MODES,
  cleanupContainers,
  connectionCounter,
  swiftFixture,
  uniqueName,
  type SwiftFixture,
} from "./fixtures";

let fx: SwiftFixture;
let dir: string;
const names = new Map<string, string>();

before(async () => {
  fx = await swiftFixture();
  dir = mkdtempSync(path.join(tmpdir(), "drplane-swift-data-"));
  writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(300_000, 7));
  for (const mode of AUTH_MODES) {
    const name = uniqueName(`data-${mode.slice(0, 2)}`);
    names.set(mode, name);
    const client = fx.client(mode);
    await ensureContainer(client, { name, metadata: { Purpose: "backups" } });
    await putObject(client, {
      container: name,
      name: "nightly/",
      content: { bytes: Buffer.alloc(0) },
      contentType: DIRECTORY_CONTENT_TYPE,
    });
    await putObject(client, { container: name, name: "nightly/2026-11-22.tar", content: { text: "a" } });
    await putObject(client, { container: name, name: "nightly/2026-11-23.tar", content: { text: "bb" } });
    await putObject(client, {
      container: name,
      name: "readme.txt",
      content: { text: "hello" },
      metadata: { Owner: "ops" },
    });
    await uploadSlo(client, {
      container: name,
      name: "big.bin",
      file: path.join(dir, "big.bin"),
      segmentSize: 100_000,
      segmentContainer: `${name}_segments`,
    });
  }
});

after(async () => {
  for (const mode of AUTH_MODES)
    await cleanupContainers(fx.client(mode), [names.get(mode)!, `${names.get(mode)!}_segments`]);
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

for (const mode of AUTH_MODES) {
  describe(`data functions (${mode})`, () => {
    test("getSwiftContainer: settings, listing with prefix and delimiter, SLOs marked", async () => {
      const all = await getSwiftContainer({
        connection: fx.connection(mode) as any,
        container: names.get(mode)!,
      });
      assert.equal(all.exists, true);
      assert.deepEqual(all.metadata, { purpose: "backups" });
      assert.deepEqual(
        all.objects.map((o) => o.name),
        ["big.bin", "nightly/", "nightly/2026-11-22.tar", "nightly/2026-11-23.tar", "readme.txt"],
      );
      const big = all.objects.find((o) => o.name === "big.bin")!;
      assert.equal(big.staticLargeObject, true);
      assert.equal(big.bytes, 300_000);
      const top = await getSwiftContainer({
        connection: fx.connection(mode) as any,
        container: names.get(mode)!,
        delimiter: "/",
      });
      assert.deepEqual(top.subdirs, ["nightly/"]);
      const nightly = await getSwiftContainer({
        connection: fx.connection(mode) as any,
        container: names.get(mode)!,
        prefix: "nightly/2",
        limit: 1,
      });
      assert.deepEqual(
        nightly.objects.map((o) => o.name),
        ["nightly/2026-11-22.tar"],
      );
    });

    test("getSwiftObject: plain, SLO (with its segment count) and missing", async () => {
      const c = names.get(mode)!;
      const readme = await getSwiftObject({
        connection: fx.connection(mode) as any,
        container: c,
        name: "readme.txt",
      });
      assert.equal(readme.exists, true);
      assert.equal(readme.etag, "5d41402abc4b2a76b9719d911017c592");
      assert.deepEqual(readme.metadata, { owner: "ops" });
      const big = await getSwiftObject({
        connection: fx.connection(mode) as any,
        container: c,
        name: "big.bin",
      });
      assert.equal(big.staticLargeObject, true);
      assert.equal(big.segmentCount, 3);
      assert.equal(big.size, 300_000);
      const missing = await getSwiftObject({
        connection: fx.connection(mode) as any,
        container: c,
        name: "nope",
      });
      assert.deepEqual(missing, { container: c, name: "nope", exists: false });
      const gone = await getSwiftContainer({
        connection: fx.connection(mode) as any,
        container: `${c}-nope`,
      });
      assert.equal(gone.exists, false);
    });
  });
}

test("the Output form resolves like the plain one", async () => {
  const out = getSwiftContainerOutput({
    connection: fx.connection("tempauth") as any,
    container: names.get("tempauth")!,
    delimiter: "/",
  });
  const listing = await new Promise<any>((resolve) => out.apply(resolve));
  assert.deepEqual(listing.subdirs, ["nightly/"]);
});

test("bad arguments fail before any request, naming the argument", async () => {
  const counter = await connectionCounter();
  try {
    await assert.rejects(
      getSwiftObject({
        connection: { authUrl: `${counter.url}/auth/v1.0`, authType: "tempauth", profile: "p" },
        container: "a/b",
        name: "x",
      }),
      /getSwiftObject: container: a container name cannot contain '\/'/,
    );
    assert.equal(counter.count(), 0);
  } finally {
    await counter.close();
  }
});
