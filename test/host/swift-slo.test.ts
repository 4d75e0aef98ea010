/**
 * Level 3+4: SloObject through the real Pulumi dynamic-provider host against the real Swift,
 * under tempauth and Keystone v3: create, no-op (an unchanged file costs a stat), content
 * update (new segments, swap, old segments gone), metadata update without re-upload, drift,
 * replace, delete with the segments. One list of steps per auth mode, then neither mode's
 * container nor its segment container holds an object.
 */
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
  download,
  type SwiftFixture,
  swiftFixture,
  uniqueName,
} from "../vendors/swift/fixtures";
import { urnOf, type Props } from "./harness";
import { expectCheckFailuresOffline, type CheckCase } from "./check-offline";
import { hostLifecycle, type LifecycleContext, type Step } from "./lifecycle";

const URN = urnOf("SloObject", "backup");
const MIB = 1024 * 1024;

/** The real Swift, a scratch directory for files, and one silver container per auth mode. */
interface Backend {
  fx: SwiftFixture;
  dir: string;
  containers: Record<AuthMode, string>;
}

type Ctx = LifecycleContext<Backend>;

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

const s = hostLifecycle<Backend>({
  backend: async () => {
    const fx = await swiftFixture();
    const dir = mkdtempSync(path.join(tmpdir(), "drplane-slo-host-"));
    const containers = {} as Record<AuthMode, string>;
    for (const mode of AUTH_MODES) {
      const name = uniqueName(`slo-h-${mode.slice(0, 2)}`);
      await ensureContainer(fx.client(mode), { name, storagePolicy: "silver" });
      containers[mode] = name;
    }
    return { fx, dir, containers };
  },
  providers: {
    SloObject: (api, { fx }) =>
      new api.SloObject("backup", {
        connection: fx.connection("tempauth") as any,
        container: "c",
        name: "n",
        file: "f",
      }),
  },
  host: {},
  cleanup: async (backend) => {
    if (backend) {
      for (const mode of AUTH_MODES) {
        const c = backend.containers[mode];
        await cleanupContainers(backend.fx.client(mode), [c, `${c}_segments`]);
      }
      rmSync(backend.dir, { recursive: true, force: true });
    }
    await closeAllAgents();
  },
  steps: [
    {
      name: "bad inputs fail in Check with the property named, and no request is sent",
      run: async ({ host, backend: { dir } }: Ctx) => {
        writeFileSync(path.join(dir, "empty.bin"), "");
        writeFileSync(path.join(dir, "small.bin"), Buffer.alloc(2000));
        const base = (url: string) => ({
          __provider: s.provider("SloObject"),
          connection: { authUrl: `${url}/auth/v1.0`, authType: "tempauth", profile: "p" },
          container: "c",
          name: "n",
        });
        const small = path.join(dir, "small.bin");
        const cases: CheckCase[] = [
          [{ file: path.join(dir, "nope.bin") }, "file", /does not exist/],
          [{ file: path.join(dir, "empty.bin") }, "file", /is empty/],
          [{ file: small, segmentSize: 0 }, "segmentSize", /at least 1 byte/],
          [{ file: small, segmentSize: 6 * 1024 ** 3 }, "segmentSize", /at most 5 GiB/],
          [{ file: small, segmentSize: 1 }, "segmentSize", /2000 segments .* 1000-segment/],
          [{ source: { [ASSET_SIG_KEY]: ASSET_SIG, text: "x" } }, "source", /needs a FileAsset/],
          [{}, "file", /give file/],
          [{ file: small, segmentContainer: "a/b" }, "segmentContainer", /cannot contain/],
          [{ file: small, concurrency: 100 }, "concurrency", /32/],
        ];
        await expectCheckFailuresOffline(host, URN, base, cases);
      },
    },

    ...AUTH_MODES.flatMap(lifecycleSteps),
  ],
  checkDestroy: {
    name: "neither mode's container nor its segment container holds an object",
    run: async ({ backend: { fx, containers } }: Ctx) => {
      for (const mode of AUTH_MODES) {
        const c = containers[mode];
        assert.deepEqual(await listObjects(fx.client(mode), c), [], mode);
        assert.deepEqual(await listObjects(fx.client(mode), `${c}_segments`), [], `${mode} segments`);
      }
    },
  },
});

/** What the engine holds for `mode`'s object after the last step that changed it. */
function current(ctx: Ctx, mode: AuthMode): { id: string; outs: Props; olds: Props } {
  const r = ctx.stateOf(`slo (${mode})`);
  assert.ok(r.inputs, `the checked inputs of the ${mode} SLO were not kept`);
  return { id: r.id, outs: r.outs, olds: r.inputs };
}

/** The SloObject lifecycle under one auth mode. */
function lifecycleSteps(mode: AuthMode): Step<Backend>[] {
  const key = `slo (${mode})`;
  const file = () => path.join(s.backend.dir, `${mode}-backup.bin`);
  const client = () => s.backend.fx.client(mode);
  const c = () => s.backend.containers[mode];
  const inputs = (extra: Props = {}): Props => ({
    __provider: s.provider("SloObject"),
    __drplaneName: "backup",
    connection: s.backend.fx.connection(mode),
    container: c(),
    name: "db/backup.bin",
    file: file(),
    segmentSize: MIB,
    contentType: "application/x-backup",
    metadata: { Source: "db1" },
    ...extra,
  });
  const step = (title: string, run: (ctx: Ctx) => Promise<void>): Step<Backend> => ({
    name: `SloObject lifecycle (${mode}): ${title}`,
    run,
  });

  return [
    step("create uploads the file as an SLO in segments, with progress", async ({ host, remember }) => {
      fill(file(), 3 * MIB + 100, `${mode}-v1`);
      const checked = await host.check(URN, {}, inputs());
      assert.deepEqual(checked.failures, []);
      const res = await host.create(URN, checked.inputs);
      const outs = res.properties;
      remember(key, res.id, outs, checked.inputs);
      assert.equal(res.id, `${c()}/db/backup.bin`);
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
    }),

    step("no-op: unchanged inputs; a touched file with the same bytes is no diff", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      assert.equal(
        (await ctx.host.diff(id, URN, outs, (await ctx.host.check(URN, olds, inputs())).inputs)).changes,
        "none",
      );
      const later = new Date(Date.now() + 10_000);
      utimesSync(file(), later, later);
      const touched = (await ctx.host.check(URN, olds, inputs())).inputs;
      assert.equal((await ctx.host.diff(id, URN, outs, touched)).changes, "none");
      ctx.remember(key, id, outs, touched);
    }),

    step(
      "an unchanged size and mtime is trusted without re-reading the file (the documented trade-off)",
      async (ctx) => {
        const { id, outs, olds } = current(ctx, mode);
        const { mtime } = statSync(file());
        fill(file(), 3 * MIB + 100, `${mode}-same-size`);
        utimesSync(file(), mtime, mtime);
        const trusted = (await ctx.host.check(URN, olds, inputs())).inputs;
        assert.equal((await ctx.host.diff(id, URN, outs, trusted)).changes, "none");
        fill(file(), 3 * MIB + 100, `${mode}-v1`);
        utimesSync(file(), mtime, mtime);
      },
    ),

    step("update: new content is an update; new segments, swap, old segments deleted", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      fill(file(), 2 * MIB + 7, `${mode}-v2`);
      const news = (await ctx.host.check(URN, olds, inputs())).inputs;
      const d = await ctx.host.diff(id, URN, outs, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const updated = await ctx.host.update(id, URN, outs, news);
      ctx.remember(key, id, updated, news);
      assert.equal(updated.segmentCount, 3);
      assert.notEqual(updated.segmentPrefix, outs.segmentPrefix);
      assert.equal(md5(await download(client(), c(), "db/backup.bin")), md5(readFileSync(file())));
      const segs = await segmentsOf(client(), c(), "db/backup.bin");
      assert.equal(segs.length, 3);
      assert.ok(segs.every((seg) => seg.startsWith(updated.segmentPrefix)));
    }),

    step("update: metadata and content type only: a POST, no new segments", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      const news = (
        await ctx.host.check(
          URN,
          olds,
          inputs({ metadata: { Source: "db2" }, contentType: "application/octet-stream" }),
        )
      ).inputs;
      assert.equal((await ctx.host.diff(id, URN, outs, news)).changes, "some");
      const updated = await ctx.host.update(id, URN, outs, news);
      ctx.remember(key, id, updated, news);
      assert.equal(updated.segmentPrefix, outs.segmentPrefix);
      const live = await readObject(client(), c(), "db/backup.bin");
      assert.deepEqual(live?.metadata, { source: "db2" });
      assert.equal(live?.contentType, "application/octet-stream");
    }),

    step("refresh finds the object overwritten outside Pulumi; the next up uploads it again", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      await putObject(client(), { container: c(), name: "db/backup.bin", content: { text: "overwritten" } });
      const read = await ctx.host.read(id, URN, outs, olds);
      assert.equal(read.properties.etag, md5(Buffer.from("overwritten")));
      const news = (await ctx.host.check(URN, read.inputs, { ...olds, __provider: s.provider("SloObject") }))
        .inputs;
      const d = await ctx.host.diff(id, URN, read.properties, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      ctx.remember(key, id, await ctx.host.update(id, URN, read.properties, news), olds);
      const live = await readObject(client(), c(), "db/backup.bin");
      assert.equal(live?.staticLargeObject, true);
      assert.equal(md5(await download(client(), c(), "db/backup.bin")), md5(readFileSync(file())));
    }),

    step(
      "replace: a new name uploads the new object, then deletes the old one with its segments",
      async (ctx) => {
        const { id, outs, olds } = current(ctx, mode);
        const news = (
          await ctx.host.check(URN, olds, {
            ...olds,
            __provider: s.provider("SloObject"),
            name: "db/backup-2.bin",
          })
        ).inputs;
        const d = await ctx.host.diff(id, URN, outs, news);
        assert.deepEqual(d.replaces, ["name"]);
        const created = await ctx.host.create(URN, news);
        await ctx.host.delete(id, URN, outs);
        assert.equal(await readObject(client(), c(), "db/backup.bin"), undefined);
        assert.deepEqual(await segmentsOf(client(), c(), "db/backup.bin"), []);
        ctx.remember(key, created.id, created.properties, news);
      },
    ),

    step("delete removes the manifest and its segments; refresh then drops it", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      await ctx.host.delete(id, URN, outs);
      assert.equal(await readObject(client(), c(), "db/backup-2.bin"), undefined);
      assert.deepEqual(await segmentsOf(client(), c(), "db/backup-2.bin"), []);
      assert.equal((await ctx.host.read(id, URN, outs, olds)).id, "");
      await ctx.host.delete(id, URN, outs); // already gone is fine
    }),
  ];
}
