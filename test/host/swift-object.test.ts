/**
 * Level 3+4: SwiftObject through the real Pulumi dynamic-provider host against the real
 * Swift, under tempauth and Keystone v3: content from a string, a file, Pulumi assets and
 * directory markers; create, no-op, content and metadata updates, drift, replace, delete. One
 * list of steps per auth mode, then each mode's container holds no object.
 */
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import { listObjects } from "../../provider/vendors/swift/bulk";
import { ensureContainer } from "../../provider/vendors/swift/containers";
import { putObject, readObject } from "../../provider/vendors/swift/objects";
import {
  ASSET_SIG,
  ASSET_SIG_KEY,
  AUTH_MODES,
  cleanupContainers,
  download,
  type AuthMode,
  type SwiftFixture,
  swiftFixture,
  uniqueName,
} from "../vendors/swift/fixtures";
import { urnOf, type Props } from "./harness";
import { expectCheckFailuresOffline, type CheckCase } from "./check-offline";
import { hostLifecycle, type LifecycleContext, type Step } from "./lifecycle";

const URN = urnOf("SwiftObject", "readme");

/** The real Swift, a scratch directory for files, and one container per auth mode. */
interface Backend {
  fx: SwiftFixture;
  dir: string;
  containers: Record<AuthMode, string>;
}

type Ctx = LifecycleContext<Backend>;

const md5 = (b: string | Buffer) => createHash("md5").update(b).digest("hex");

const s = hostLifecycle<Backend>({
  backend: async () => {
    const fx = await swiftFixture();
    const dir = mkdtempSync(path.join(tmpdir(), "drplane-swift-object-"));
    const containers = {} as Record<AuthMode, string>;
    for (const mode of AUTH_MODES) {
      const name = uniqueName(`obj-${mode.slice(0, 2)}`);
      await ensureContainer(fx.client(mode), { name });
      containers[mode] = name;
    }
    return { fx, dir, containers };
  },
  providers: {
    SwiftObject: (api, { fx }) =>
      new api.SwiftObject("readme", {
        connection: fx.connection("tempauth") as any,
        container: "c",
        name: "n",
        content: "x",
      }),
  },
  host: {},
  cleanup: async (backend) => {
    if (backend) {
      for (const mode of AUTH_MODES)
        await cleanupContainers(backend.fx.client(mode), [backend.containers[mode]]);
      rmSync(backend.dir, { recursive: true, force: true });
    }
    await closeAllAgents();
  },
  steps: [
    {
      name: "bad inputs fail in Check with the property named, and no request is sent",
      run: async ({ host, backend: { dir } }: Ctx) => {
        const base = (url: string) => ({
          __provider: s.provider("SwiftObject"),
          connection: { authUrl: `${url}/auth/v1.0`, authType: "tempauth", profile: "p" },
          container: "c",
        });
        const cases: CheckCase[] = [
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
        await expectCheckFailuresOffline(host, URN, base, cases);
      },
    },

    ...AUTH_MODES.flatMap(lifecycleSteps),
  ],
  checkDestroy: {
    name: "neither mode's container holds an object",
    run: async ({ backend: { fx, containers } }: Ctx) => {
      for (const mode of AUTH_MODES)
        assert.deepEqual(await listObjects(fx.client(mode), containers[mode]), [], mode);
    },
  },
});

/** What the engine holds for `mode`'s object after the last step that changed it. */
function current(ctx: Ctx, mode: AuthMode): { id: string; outs: Props; olds: Props } {
  const r = ctx.stateOf(`object (${mode})`);
  assert.ok(r.inputs, `the checked inputs of the ${mode} object were not kept`);
  return { id: r.id, outs: r.outs, olds: r.inputs };
}

/** The SwiftObject lifecycle under one auth mode. */
function lifecycleSteps(mode: AuthMode): Step<Backend>[] {
  const key = `object (${mode})`;
  const c = () => s.backend.containers[mode];
  const file = () => path.join(s.backend.dir, `${mode}-report.csv`);
  const client = () => s.backend.fx.client(mode);
  const inputs = (extra: Props = {}): Props => ({
    __provider: s.provider("SwiftObject"),
    __drplaneName: "readme",
    connection: s.backend.fx.connection(mode),
    container: c(),
    name: "reports/2026/q4.csv",
    file: file(),
    contentType: "text/csv",
    metadata: { Owner: "finance" },
    ...extra,
  });
  const step = (title: string, run: (ctx: Ctx) => Promise<void>): Step<Backend> => ({
    name: `SwiftObject lifecycle (${mode}): ${title}`,
    run,
  });

  return [
    step(
      "create from a file: the ETag is the file's MD5 and the bytes round-trip",
      async ({ host, remember }) => {
        writeFileSync(file(), "a,b\n1,2\n");
        const checked = await host.check(URN, {}, inputs());
        assert.deepEqual(checked.failures, []);
        const res = await host.create(URN, checked.inputs);
        const outs = res.properties;
        remember(key, res.id, outs, checked.inputs);
        assert.equal(res.id, `${c()}/reports/2026/q4.csv`);
        assert.equal(outs.etag, md5("a,b\n1,2\n"));
        assert.equal(outs.size, 8);
        assert.equal(outs.actualContentType, "text/csv");
        assert.equal((await download(client(), c(), "reports/2026/q4.csv")).toString(), "a,b\n1,2\n");
      },
    ),

    step("no-op: same inputs; a touched but unchanged file is not a diff either", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      const same = await ctx.host.check(URN, olds, inputs());
      assert.equal((await ctx.host.diff(id, URN, outs, same.inputs)).changes, "none");
      const later = new Date(Date.now() + 5000);
      utimesSync(file(), later, later);
      const touched = await ctx.host.check(URN, olds, inputs());
      assert.equal((await ctx.host.diff(id, URN, outs, touched.inputs)).changes, "none");
    }),

    step("update: new file content is an update (not a replace) and is uploaded", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      writeFileSync(file(), "a,b\n1,2\n3,4\n");
      const news = (await ctx.host.check(URN, olds, inputs())).inputs;
      const d = await ctx.host.diff(id, URN, outs, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const updated = await ctx.host.update(id, URN, outs, news);
      ctx.remember(key, id, updated, news);
      assert.equal(updated.etag, md5("a,b\n1,2\n3,4\n"));
      assert.equal((await readObject(client(), c(), "reports/2026/q4.csv"))?.etag, updated.etag);
    }),

    step("update: content type and metadata change in place (POST), content kept", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      const news = (
        await ctx.host.check(URN, olds, inputs({ contentType: "text/plain", metadata: { Tier: "gold" } }))
      ).inputs;
      assert.equal((await ctx.host.diff(id, URN, outs, news)).changes, "some");
      ctx.remember(key, id, await ctx.host.update(id, URN, outs, news), news);
      const live = await readObject(client(), c(), "reports/2026/q4.csv");
      assert.equal(live?.contentType, "text/plain");
      assert.deepEqual(live?.metadata, { tier: "gold" });
      assert.equal(live?.etag, md5("a,b\n1,2\n3,4\n"));
    }),

    step(
      "refresh finds content and metadata changed outside Pulumi; the next up restores them",
      async (ctx) => {
        const { id, outs, olds } = current(ctx, mode);
        await putObject(client(), {
          container: c(),
          name: "reports/2026/q4.csv",
          content: { text: "tampered" },
          metadata: { Tier: "bronze" },
        });
        const read = await ctx.host.read(id, URN, outs, olds);
        assert.equal(read.properties.etag, md5("tampered"));
        assert.deepEqual(read.inputs.metadata, { Tier: "bronze" });
        const news = (
          await ctx.host.check(URN, read.inputs, { ...olds, __provider: s.provider("SwiftObject") })
        ).inputs;
        const d = await ctx.host.diff(id, URN, read.properties, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        ctx.remember(key, id, await ctx.host.update(id, URN, read.properties, news), olds);
        const live = await readObject(client(), c(), "reports/2026/q4.csv");
        assert.equal(live?.etag, md5("a,b\n1,2\n3,4\n"));
        assert.deepEqual(live?.metadata, { tier: "gold" });
      },
    ),

    step("replace: a new name creates the new object, then the old one is deleted", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      const news = (
        await ctx.host.check(URN, olds, {
          ...olds,
          __provider: s.provider("SwiftObject"),
          name: "reports/2026/q4-final.csv",
        })
      ).inputs;
      const d = await ctx.host.diff(id, URN, outs, news);
      assert.deepEqual(d.replaces, ["name"]);
      assert.equal(d.deleteBeforeReplace, false);
      const created = await ctx.host.create(URN, news);
      await ctx.host.delete(id, URN, outs);
      assert.equal(await readObject(client(), c(), "reports/2026/q4.csv"), undefined);
      ctx.remember(key, created.id, created.properties, news);
      assert.equal(created.properties.etag, md5("a,b\n1,2\n3,4\n"));
    }),

    step("a missing container is named in the error", async ({ host }) => {
      const checked = await host.check(URN, {}, inputs({ container: `${c()}-missing`, name: "x" }));
      await assert.rejects(host.create(URN, checked.inputs), /container .*-missing does not exist/);
    }),

    step("delete, then refresh drops it", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      await ctx.host.delete(id, URN, outs);
      assert.equal(await readObject(client(), c(), "reports/2026/q4-final.csv"), undefined);
      assert.equal((await ctx.host.read(id, URN, outs, olds)).id, "");
      await ctx.host.delete(id, URN, outs); // already gone is fine
    }),

    step("strings, Pulumi assets and directory markers", async ({ host }) => {
      const text = `hello ${randomBytes(4).toString("hex")}`;
      const assetFile = path.join(s.backend.dir, `${mode}-asset.bin`);
      writeFileSync(assetFile, text);
      const variants: Array<[string, Props, string, string]> = [
        ["string.txt", { content: text }, md5(text), ""],
        ["string-asset.txt", { source: { [ASSET_SIG_KEY]: ASSET_SIG, text } }, md5(text), ""],
        ["file-asset.bin", { source: { [ASSET_SIG_KEY]: ASSET_SIG, path: assetFile } }, md5(text), ""],
        ["folder", { directory: true }, md5(""), "application/directory"],
      ];
      for (const [name, extra, etag, type] of variants) {
        const checked = await host.check(
          URN,
          {},
          {
            __provider: s.provider("SwiftObject"),
            connection: s.backend.fx.connection(mode),
            container: c(),
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
    }),

    step(
      "create adopts an identical object and refuses to overwrite a different one unless adopt",
      async ({ host }) => {
        await putObject(client(), { container: c(), name: "pre.txt", content: { text: "same" } });
        const same = await host.check(
          URN,
          {},
          {
            __provider: s.provider("SwiftObject"),
            connection: s.backend.fx.connection(mode),
            container: c(),
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
      },
    ),
  ];
}
