/**
 * Level 3+4: SwiftContainer through the real Pulumi dynamic-provider host, as `pulumi up`,
 * `preview`, `refresh` and `destroy` drive it, against the real Swift, under tempauth
 * (password from the stack's secret config) and Keystone v3 (password from the environment).
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readContainer } from "../../provider/vendors/swift/containers";
import { putObject } from "../../provider/vendors/swift/objects";
import { listObjects } from "../../provider/vendors/swift/bulk";
import { uploadSlo } from "../../provider/vendors/swift/slo";
import { closeAllAgents } from "../../provider/core/http";
import {
  AUTH_MODES,
  PROFILES,
  cleanupContainers,
  connectionCounter,
  swiftFixture,
  uniqueName,
  type SwiftFixture,
} from "../vendors/swift/fixtures";
import { ProviderHost, urnOf, type Props } from "./harness";
import { providerTextOf } from "./provider-text";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const URN = urnOf("SwiftContainer", "archive");
const bigFile = path.join(tmpdir(), `drplane-ct-${process.pid}.bin`);

let fx: SwiftFixture;
let host: ProviderHost;
let provider: string;
/** A copy without some keys (the gRPC Struct cannot carry `undefined`). */
function without(p: Props, keys: string[]): Props {
  return Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
}

const created: Array<[mode: (typeof AUTH_MODES)[number], name: string]> = [];

before(async () => {
  fx = await swiftFixture();
  provider = await providerTextOf(
    (api) => new api.SwiftContainer("archive", { connection: fx.connection("tempauth") as any, name: "x" }),
  );
  // tempauth's password comes from the stack config, Keystone's from the environment.
  host = await ProviderHost.start({ env: { DRPLANE_SWIFT_TA_PASSWORD: undefined } });
  await host.configure({
    "drplane:credentials": JSON.stringify({ [PROFILES.tempauth]: { password: fx.env.tempauth.key } }),
  });
});

after(async () => {
  await host?.stop();
  for (const [mode, name] of created) await cleanupContainers(fx.client(mode), [name]);
  await closeAllAgents();
});

test("bad inputs fail in Check with the property named, and no request is sent", async () => {
  const counter = await connectionCounter();
  try {
    const { failures } = await host.check(
      URN,
      {},
      {
        __provider: provider,
        __drplaneName: "archive",
        connection: { authUrl: `${counter.url}/v3`, authType: "keystone", profile: "p", username: "u" },
        name: "has/slash",
        storagePolicy: "gold silver",
        metadata: { bad_key: "v", ok: " padded" },
        quota: { bytes: -1 },
        bogus: 1,
      },
    );
    const props = failures.map((f) => f.property).sort();
    assert.deepEqual(
      props,
      [
        "bogus",
        "connection.projectId",
        "connection.userDomainId",
        "metadata.bad_key",
        "metadata.ok",
        "name",
        "quota.bytes",
        "storagePolicy",
      ].sort(),
    );
    assert.match(failures.find((f) => f.property === "name")!.reason, /cannot contain '\/'/);
    assert.equal(counter.count(), 0, "no connection reached the endpoint");
  } finally {
    await counter.close();
  }
});

test("preview: unknown inputs pass Check and Diff reports a change without a replace", async () => {
  const { failures } = await host.check(
    URN,
    {},
    {
      __provider: provider,
      connection: fx.connection("keystone"),
      name: UNKNOWN,
      metadata: { a: UNKNOWN },
    },
  );
  assert.deepEqual(failures, []);
});

for (const mode of AUTH_MODES) {
  describe(`SwiftContainer lifecycle (${mode})`, () => {
    const name = uniqueName(`ct-${mode.slice(0, 2)}`);
    const inputs = (extra: Props = {}): Props => ({
      __provider: provider,
      __drplaneName: "archive",
      connection: fx.connection(mode),
      name,
      storagePolicy: "silver",
      metadata: { Owner: "dr-team", Tier: "archive" },
      readAcl: ".r:*,.rlistings",
      quota: { bytes: 10_000_000 },
      ...extra,
    });
    let id = "";
    let olds: Props = {};
    let outs: Props = {};

    test("create", async () => {
      created.push([mode, name]);
      const checked = await host.check(URN, {}, inputs());
      assert.deepEqual(checked.failures, []);
      const res = await host.create(URN, checked.inputs);
      id = res.id;
      olds = checked.inputs;
      outs = res.properties;
      assert.equal(id, name);
      assert.equal(outs.actualStoragePolicy, "silver");
      assert.match(outs.url, new RegExp(`/v1/AUTH_[^/]+/${name}$`));
      assert.equal(typeof outs.__provider, "string");
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "dr-team", tier: "archive" });
      assert.equal(live?.readAcl, ".r:*,.rlistings");
      assert.deepEqual(live?.quota, { bytes: 10_000_000 });
    });

    test("no-op: the same inputs, or only another credential profile, are not a diff", async () => {
      const same = await host.check(URN, olds, inputs());
      assert.equal((await host.diff(id, URN, outs, same.inputs)).changes, "none");
      const conn = { ...fx.connection(mode), profile: "another-profile" };
      const creds = await host.check(URN, olds, inputs({ connection: conn }));
      assert.equal((await host.diff(id, URN, outs, creds.inputs)).changes, "none");
    });

    test("preview: an unknown name or policy is a change, not yet a replace", async () => {
      for (const unknown of [{ name: UNKNOWN }, { storagePolicy: UNKNOWN }, { connection: UNKNOWN }]) {
        const d = await host.diff(id, URN, outs, { ...olds, ...unknown });
        assert.equal(d.changes, "some", JSON.stringify(unknown));
        assert.deepEqual(d.replaces, [], JSON.stringify(unknown));
      }
    });

    test("update: metadata, ACL, versioning and quota change in place", async () => {
      const news = (
        await host.check(URN, olds, {
          ...without(inputs(), ["readAcl"]),
          metadata: { Owner: "ops" },
          writeAcl: mode === "tempauth" ? "test:tester3" : `${fx.env.keystone.projectId}:*`,
          versioning: { location: `${name}-history` },
          quota: { count: 100 },
        })
      ).inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      outs = await host.update(id, URN, outs, news);
      olds = news;
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "ops" }, "undeclared metadata removed");
      assert.equal(live?.readAcl, undefined);
      assert.ok(live?.writeAcl);
      assert.deepEqual(live?.versioning, { location: `${name}-history`, mode: "history" });
      assert.deepEqual(live?.quota, { count: 100 });
      assert.equal(outs.actualStoragePolicy, "silver", "computed outputs survive an update");
    });

    test("refresh finds drift made outside Pulumi, and the next up reverts it", async () => {
      await fx.client(mode).request({
        method: "POST",
        container: name,
        headers: { "x-container-meta-owner": "someone-else", "x-container-meta-extra": "1" },
        operation: "tamper",
        idempotent: true,
      });
      const read = await host.read(id, URN, outs, olds);
      assert.equal(read.id, id);
      assert.deepEqual(read.inputs.metadata, { Owner: "someone-else", extra: "1" });
      const news = (await host.check(URN, read.inputs, { ...olds, __provider: provider })).inputs;
      const d = await host.diff(id, URN, read.properties, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      outs = await host.update(id, URN, read.properties, news);
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "ops" });
    });

    test("replace: a new storage policy replaces the container, deleting first", async () => {
      const news = (await host.check(URN, olds, { ...olds, __provider: provider, storagePolicy: "gold" }))
        .inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.deepEqual(d.replaces, ["storagePolicy"]);
      assert.equal(d.deleteBeforeReplace, true);
      await host.delete(id, URN, outs);
      const res = await host.create(URN, news);
      outs = res.properties;
      olds = news;
      assert.equal(outs.actualStoragePolicy, "gold");
      assert.equal((await readContainer(fx.client(mode), name))?.storagePolicy, "gold");
    });

    test("delete: a non-empty container is refused unless forceDestroy, then refresh drops it", async () => {
      await putObject(fx.client(mode), { container: name, name: "keep.txt", content: { text: "data" } });
      // An SLO whose segments live in another container: forceDestroy removes them too.
      writeFileSync(bigFile, Buffer.alloc(300_000, 1));
      await uploadSlo(fx.client(mode), {
        container: name,
        name: "big.bin",
        file: bigFile,
        segmentSize: 100_000,
        segmentContainer: `${name}-segs`,
      });
      created.push([mode, `${name}-segs`]);
      await assert.rejects(host.delete(id, URN, outs), /not empty \(2 objects\)[\s\S]*forceDestroy/);
      const news = (await host.check(URN, olds, { ...olds, __provider: provider, forceDestroy: true }))
        .inputs;
      assert.equal((await host.diff(id, URN, outs, news)).changes, "some");
      outs = await host.update(id, URN, outs, news);
      await host.delete(id, URN, outs);
      assert.equal(await readContainer(fx.client(mode), name), undefined);
      assert.deepEqual(
        await listObjects(fx.client(mode), `${name}-segs`),
        [],
        "the SLO's segments are gone too",
      );
      const read = await host.read(id, URN, outs, olds);
      assert.equal(read.id, "", "refresh of a deleted container drops it");
    });
  });
}
