/**
 * Level 3+4: SwiftObject through the real Pulumi dynamic-provider host against the real
 * Swift, under tempauth and Keystone v3: content from a string, a file, Pulumi assets and
 * directory markers; create, no-op, content and metadata updates, drift, replace, delete.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import { ensureContainer } from "../../provider/vendors/swift/containers";
import { putObject, readObject } from "../../provider/vendors/swift/objects";
import {
  ASSET_SIG,
  ASSET_SIG_KEY,
  AUTH_MODES,
  cleanupContainers,
  connectionCounter,
  download,
  type SwiftFixture,
  swiftFixture,
  uniqueName,
} from "../vendors/swift/fixtures";
import { ProviderHost, urnOf, type Props } from "./harness";
import { providerTextOf } from "./provider-text";

const URN = urnOf("SwiftObject", "readme");

let fx: SwiftFixture;
let host: ProviderHost;
let provider: string;
let dir: string;
const containers = new Map<string, string>();

before(async () => {
  fx = await swiftFixture();
  dir = mkdtempSync(path.join(tmpdir(), "drplane-swift-object-"));
  provider = await providerTextOf(
    (api) =>
      new api.SwiftObject("readme", {
        connection: fx.connection("tempauth") as any,
        container: "c",
        name: "n",
        content: "x",
      }),
  );
  host = await ProviderHost.start();
  await host.configure({});
  for (const mode of AUTH_MODES) {
    const name = uniqueName(`obj-${mode.slice(0, 2)}`);
    await ensureContainer(fx.client(mode), { name });
    containers.set(mode, name);
  }
});

after(async () => {
  await host?.stop();
  for (const mode of AUTH_MODES) await cleanupContainers(fx.client(mode), [containers.get(mode)!]);
  await closeAllAgents();
  rmSync(dir, { recursive: true, force: true });
});

const md5 = (b: string | Buffer) => createHash("md5").update(b).digest("hex");

test("bad inputs fail in Check with the property named, and no request is sent", async () => {
  const counter = await connectionCounter();
  try {
    const base = {
      __provider: provider,
      connection: { authUrl: `${counter.url}/auth/v1.0`, authType: "tempauth", profile: "p" },
      container: "c",
    };
    const cases: Array<[Props, string, RegExp]> = [
      [{ name: "x" }, "content", /one of content, file or source/],
      [{ name: "x", file: path.join(dir, "missing.bin") }, "file", /does not exist/],
      [{ name: "a/../b", content: "x" }, "name", /'\.' and '\.\.'/],
      [{ name: "x", content: "a", file: "/etc/hostname" }, "file", /only one of/],
      [
        { name: "x", source: { [ASSET_SIG_KEY]: ASSET_SIG, uri: "https://example.com/x" } },
        "source",
        /RemoteAsset/,
      ],
      [{ name: "x", directory: true, content: "x" }, "content", /directory marker has no content/],
      [{ name: "x", content: "x", metadata: { k: "é" } }, "metadata.k", /printable ASCII/],
      [{ name: "x", content: "x", container: "a/b" }, "container", /cannot contain '\/'/],
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
  describe(`SwiftObject lifecycle (${mode})`, () => {
    const file = () => path.join(dir, `${mode}-report.csv`);
    const inputs = (extra: Props = {}): Props => ({
      __provider: provider,
      __drplaneName: "readme",
      connection: fx.connection(mode),
      container: containers.get(mode),
      name: "reports/2026/q4.csv",
      file: file(),
      contentType: "text/csv",
      metadata: { Owner: "finance" },
      ...extra,
    });
    let id = "";
    let olds: Props = {};
    let outs: Props = {};
    const client = () => fx.client(mode);

    test("create from a file: the ETag is the file's MD5 and the bytes round-trip", async () => {
      writeFileSync(file(), "a,b\n1,2\n");
      const checked = await host.check(URN, {}, inputs());
      assert.deepEqual(checked.failures, []);
      const res = await host.create(URN, checked.inputs);
      id = res.id;
      olds = checked.inputs;
      outs = res.properties;
      assert.equal(id, `${containers.get(mode)}/reports/2026/q4.csv`);
      assert.equal(outs.etag, md5("a,b\n1,2\n"));
      assert.equal(outs.size, 8);
      assert.equal(outs.actualContentType, "text/csv");
      assert.equal(
        (await download(client(), containers.get(mode)!, "reports/2026/q4.csv")).toString(),
        "a,b\n1,2\n",
      );
    });

    test("no-op: same inputs; a touched but unchanged file is not a diff either", async () => {
      const same = await host.check(URN, olds, inputs());
      assert.equal((await host.diff(id, URN, outs, same.inputs)).changes, "none");
      const later = new Date(Date.now() + 5000);
      utimesSync(file(), later, later);
      const touched = await host.check(URN, olds, inputs());
      assert.equal((await host.diff(id, URN, outs, touched.inputs)).changes, "none");
    });

    test("update: new file content is an update (not a replace) and is uploaded", async () => {
      writeFileSync(file(), "a,b\n1,2\n3,4\n");
      const news = (await host.check(URN, olds, inputs())).inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      outs = await host.update(id, URN, outs, news);
      olds = news;
      assert.equal(outs.etag, md5("a,b\n1,2\n3,4\n"));
      assert.equal(
        (await readObject(client(), containers.get(mode)!, "reports/2026/q4.csv"))?.etag,
        outs.etag,
      );
    });

    test("update: content type and metadata change in place (POST), content kept", async () => {
      const news = (
        await host.check(URN, olds, inputs({ contentType: "text/plain", metadata: { Tier: "gold" } }))
      ).inputs;
      assert.equal((await host.diff(id, URN, outs, news)).changes, "some");
      outs = await host.update(id, URN, outs, news);
      olds = news;
      const live = await readObject(client(), containers.get(mode)!, "reports/2026/q4.csv");
      assert.equal(live?.contentType, "text/plain");
      assert.deepEqual(live?.metadata, { tier: "gold" });
      assert.equal(live?.etag, md5("a,b\n1,2\n3,4\n"));
    });

    test("refresh finds content and metadata changed outside Pulumi; the next up restores them", async () => {
      await putObject(client(), {
        container: containers.get(mode)!,
        name: "reports/2026/q4.csv",
        content: { text: "tampered" },
        metadata: { Tier: "bronze" },
      });
      const read = await host.read(id, URN, outs, olds);
      assert.equal(read.properties.etag, md5("tampered"));
      assert.deepEqual(read.inputs.metadata, { Tier: "bronze" });
      const news = (await host.check(URN, read.inputs, { ...olds, __provider: provider })).inputs;
      const d = await host.diff(id, URN, read.properties, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      outs = await host.update(id, URN, read.properties, news);
      const live = await readObject(client(), containers.get(mode)!, "reports/2026/q4.csv");
      assert.equal(live?.etag, md5("a,b\n1,2\n3,4\n"));
      assert.deepEqual(live?.metadata, { tier: "gold" });
    });

    test("replace: a new name creates the new object, then the old one is deleted", async () => {
      const news = (
        await host.check(URN, olds, { ...olds, __provider: provider, name: "reports/2026/q4-final.csv" })
      ).inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.deepEqual(d.replaces, ["name"]);
      assert.equal(d.deleteBeforeReplace, false);
      const created = await host.create(URN, news);
      await host.delete(id, URN, outs);
      assert.equal(await readObject(client(), containers.get(mode)!, "reports/2026/q4.csv"), undefined);
      id = created.id;
      outs = created.properties;
      olds = news;
      assert.equal(outs.etag, md5("a,b\n1,2\n3,4\n"));
    });

    test("a missing container is named in the error", async () => {
      const checked = await host.check(
        URN,
        {},
        inputs({ container: `${containers.get(mode)}-missing`, name: "x" }),
      );
      await assert.rejects(host.create(URN, checked.inputs), /container .*-missing does not exist/);
    });

    test("delete, then refresh drops it", async () => {
      await host.delete(id, URN, outs);
      assert.equal(await readObject(client(), containers.get(mode)!, "reports/2026/q4-final.csv"), undefined);
      assert.equal((await host.read(id, URN, outs, olds)).id, "");
      await host.delete(id, URN, outs); // already gone is fine
    });

    test("strings, Pulumi assets and directory markers", async () => {
      const text = `hello ${randomBytes(4).toString("hex")}`;
      writeFileSync(path.join(dir, `${mode}-asset.bin`), text);
      const variants: Array<[string, Props, string, string]> = [
        ["string.txt", { content: text }, md5(text), ""],
        ["string-asset.txt", { source: { [ASSET_SIG_KEY]: ASSET_SIG, text } }, md5(text), ""],
        [
          "file-asset.bin",
          { source: { [ASSET_SIG_KEY]: ASSET_SIG, path: path.join(dir, `${mode}-asset.bin`) } },
          md5(text),
          "",
        ],
        ["folder", { directory: true }, md5(""), "application/directory"],
      ];
      for (const [name, extra, etag, type] of variants) {
        const checked = await host.check(
          URN,
          {},
          {
            __provider: provider,
            connection: fx.connection(mode),
            container: containers.get(mode),
            name,
            ...extra,
          },
        );
        assert.deepEqual(checked.failures, [], name);
        const res = await host.create(URN, checked.inputs);
        assert.equal(res.properties.etag, etag, name);
        if (type) assert.equal(res.properties.actualContentType, type, name);
        const again = await host.check(URN, checked.inputs, checked.inputs);
        assert.equal((await host.diff(res.id, URN, res.properties, again.inputs)).changes, "none", name);
        await host.delete(res.id, URN, res.properties);
      }
    });

    test("create adopts an identical object and refuses to overwrite a different one unless adopt", async () => {
      const c = containers.get(mode)!;
      await putObject(client(), { container: c, name: "pre.txt", content: { text: "same" } });
      const same = await host.check(
        URN,
        {},
        {
          __provider: provider,
          connection: fx.connection(mode),
          container: c,
          name: "pre.txt",
          content: "same",
        },
      );
      const adopted = await host.create(URN, same.inputs);
      assert.equal(adopted.properties.adopted, true);
      const other = await host.check(URN, {}, { ...same.inputs, content: "different" });
      await assert.rejects(
        host.create(URN, other.inputs),
        /already exists with other content[\s\S]*adopt: true/,
      );
      const forced = await host.check(URN, {}, { ...same.inputs, content: "different", adopt: true });
      const res = await host.create(URN, forced.inputs);
      assert.equal(res.properties.etag, md5("different"));
      await host.delete(res.id, URN, res.properties);
    });
  });
}
