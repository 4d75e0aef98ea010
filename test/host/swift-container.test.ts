/**
 * Level 3+4: SwiftContainer through the real Pulumi dynamic-provider host, as `pulumi up`,
 * `preview`, `refresh` and `destroy` drive it, against the real Swift, under tempauth
 * (password from the stack's secret config) and Keystone v3 (password from the environment):
 * one list of steps per auth mode, then neither mode's container is left.
 */
import * as assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
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
  type AuthMode,
  type SwiftFixture,
} from "../vendors/swift/fixtures";
import { urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext, type Step } from "./lifecycle";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const URN = urnOf("SwiftContainer", "archive");
const bigFile = path.join(tmpdir(), `drplane-ct-${process.pid}.bin`);
/** The container each mode's steps create, named once per run. */
const NAMES = Object.fromEntries(AUTH_MODES.map((m) => [m, uniqueName(`ct-${m.slice(0, 2)}`)])) as Record<
  AuthMode,
  string
>;

type Ctx = LifecycleContext<SwiftFixture>;

/** A copy without some keys (the gRPC Struct cannot carry `undefined`). */
function without(p: Props, keys: string[]): Props {
  return Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
}

const s = hostLifecycle<SwiftFixture>({
  backend: () => swiftFixture(),
  providers: {
    SwiftContainer: (api, fx) =>
      new api.SwiftContainer("archive", { connection: fx.connection("tempauth") as any, name: "x" }),
  },
  // tempauth's password comes from the stack config, Keystone's from the environment.
  host: {
    options: { env: { DRPLANE_SWIFT_TA_PASSWORD: undefined } },
    credentials: (fx) => ({ [PROFILES.tempauth]: { password: fx.env.tempauth.key } }),
  },
  cleanup: async (fx) => {
    if (fx) {
      for (const mode of AUTH_MODES)
        await cleanupContainers(fx.client(mode), [NAMES[mode], `${NAMES[mode]}-segs`]);
    }
    await closeAllAgents();
    rmSync(bigFile, { force: true });
  },
  steps: [
    {
      name: "bad inputs fail in Check with the property named, and no request is sent",
      run: async ({ host }: Ctx) => {
        const counter = await connectionCounter();
        try {
          const { failures } = await host.check(
            URN,
            {},
            {
              __provider: s.provider("SwiftContainer"),
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
      },
    },

    {
      name: "preview: unknown inputs pass Check and Diff reports a change without a replace",
      run: async ({ host, backend: fx }: Ctx) => {
        const { failures } = await host.check(
          URN,
          {},
          {
            __provider: s.provider("SwiftContainer"),
            connection: fx.connection("keystone"),
            name: UNKNOWN,
            metadata: { a: UNKNOWN },
          },
        );
        assert.deepEqual(failures, []);
      },
    },

    ...AUTH_MODES.flatMap(lifecycleSteps),
  ],
  checkDestroy: {
    name: "no container of either mode is left, and the SLO segments went with the container",
    run: async ({ backend: fx }: Ctx) => {
      for (const mode of AUTH_MODES) {
        assert.equal(await readContainer(fx.client(mode), NAMES[mode]), undefined, mode);
        assert.deepEqual(await listObjects(fx.client(mode), `${NAMES[mode]}-segs`), [], mode);
      }
    },
  },
});

/** What the engine holds for `mode`'s container after the last step that changed it. */
function current(ctx: Ctx, mode: AuthMode): { id: string; outs: Props; olds: Props } {
  const r = ctx.stateOf(`container (${mode})`);
  assert.ok(r.inputs, `the checked inputs of the ${mode} container were not kept`);
  return { id: r.id, outs: r.outs, olds: r.inputs };
}

/** The SwiftContainer lifecycle under one auth mode: create, no-op, preview, update, drift, replace, delete. */
function lifecycleSteps(mode: AuthMode): Step<SwiftFixture>[] {
  const name = NAMES[mode];
  const key = `container (${mode})`;
  const inputs = (extra: Props = {}): Props => ({
    __provider: s.provider("SwiftContainer"),
    __drplaneName: "archive",
    connection: s.backend.connection(mode),
    name,
    storagePolicy: "silver",
    metadata: { Owner: "dr-team", Tier: "archive" },
    readAcl: ".r:*,.rlistings",
    quota: { bytes: 10_000_000 },
    ...extra,
  });
  const step = (title: string, run: (ctx: Ctx) => Promise<void>): Step<SwiftFixture> => ({
    name: `SwiftContainer lifecycle (${mode}): ${title}`,
    run,
  });

  return [
    step("create", async ({ host, backend: fx, remember }) => {
      const checked = await host.check(URN, {}, inputs());
      assert.deepEqual(checked.failures, []);
      const res = await host.create(URN, checked.inputs);
      const outs = res.properties;
      remember(key, res.id, outs, checked.inputs);
      assert.equal(res.id, name);
      assert.equal(outs.actualStoragePolicy, "silver");
      assert.match(outs.url, new RegExp(`/v1/AUTH_[^/]+/${name}$`));
      assert.equal(typeof outs.__provider, "string");
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "dr-team", tier: "archive" });
      assert.equal(live?.readAcl, ".r:*,.rlistings");
      assert.deepEqual(live?.quota, { bytes: 10_000_000 });
    }),

    step("no-op: the same inputs, or only another credential profile, are not a diff", async (ctx) => {
      const { host, backend: fx } = ctx;
      const { id, outs, olds } = current(ctx, mode);
      const same = await host.check(URN, olds, inputs());
      assert.equal((await host.diff(id, URN, outs, same.inputs)).changes, "none");
      const conn = { ...fx.connection(mode), profile: "another-profile" };
      const creds = await host.check(URN, olds, inputs({ connection: conn }));
      assert.equal((await host.diff(id, URN, outs, creds.inputs)).changes, "none");
    }),

    step("preview: an unknown name or policy is a change, not yet a replace", async (ctx) => {
      const { id, outs, olds } = current(ctx, mode);
      for (const unknown of [{ name: UNKNOWN }, { storagePolicy: UNKNOWN }, { connection: UNKNOWN }]) {
        const d = await ctx.host.diff(id, URN, outs, { ...olds, ...unknown });
        assert.equal(d.changes, "some", JSON.stringify(unknown));
        assert.deepEqual(d.replaces, [], JSON.stringify(unknown));
      }
    }),

    step("update: metadata, ACL, versioning and quota change in place", async (ctx) => {
      const { host, backend: fx, remember } = ctx;
      const { id, outs, olds } = current(ctx, mode);
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
      const updated = await host.update(id, URN, outs, news);
      remember(key, id, updated, news);
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "ops" }, "undeclared metadata removed");
      assert.equal(live?.readAcl, undefined);
      assert.ok(live?.writeAcl);
      assert.deepEqual(live?.versioning, { location: `${name}-history`, mode: "history" });
      assert.deepEqual(live?.quota, { count: 100 });
      assert.equal(updated.actualStoragePolicy, "silver", "computed outputs survive an update");
    }),

    step("refresh finds drift made outside Pulumi, and the next up reverts it", async (ctx) => {
      const { host, backend: fx, remember } = ctx;
      const { id, outs, olds } = current(ctx, mode);
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
      const news = (await host.check(URN, read.inputs, { ...olds, __provider: s.provider("SwiftContainer") }))
        .inputs;
      const d = await host.diff(id, URN, read.properties, news);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      remember(key, id, await host.update(id, URN, read.properties, news), olds);
      const live = await readContainer(fx.client(mode), name);
      assert.deepEqual(live?.metadata, { owner: "ops" });
    }),

    step("replace: a new storage policy replaces the container, deleting first", async (ctx) => {
      const { host, backend: fx, remember } = ctx;
      const { id, outs, olds } = current(ctx, mode);
      const news = (
        await host.check(URN, olds, {
          ...olds,
          __provider: s.provider("SwiftContainer"),
          storagePolicy: "gold",
        })
      ).inputs;
      const d = await host.diff(id, URN, outs, news);
      assert.deepEqual(d.replaces, ["storagePolicy"]);
      assert.equal(d.deleteBeforeReplace, true);
      await host.delete(id, URN, outs);
      const res = await host.create(URN, news);
      remember(key, id, res.properties, news);
      assert.equal(res.properties.actualStoragePolicy, "gold");
      assert.equal((await readContainer(fx.client(mode), name))?.storagePolicy, "gold");
    }),

    step(
      "delete: a non-empty container is refused unless forceDestroy, then refresh drops it",
      async (ctx) => {
        const { host, backend: fx } = ctx;
        const { id, outs: before, olds } = current(ctx, mode);
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
        await assert.rejects(host.delete(id, URN, before), /not empty \(2 objects\)[\s\S]*forceDestroy/);
        const news = (
          await host.check(URN, olds, {
            ...olds,
            __provider: s.provider("SwiftContainer"),
            forceDestroy: true,
          })
        ).inputs;
        assert.equal((await host.diff(id, URN, before, news)).changes, "some");
        const outs = await host.update(id, URN, before, news);
        await host.delete(id, URN, outs);
        assert.equal(await readContainer(fx.client(mode), name), undefined);
        assert.deepEqual(
          await listObjects(fx.client(mode), `${name}-segs`),
          [],
          "the SLO's segments are gone too",
        );
        const read = await host.read(id, URN, outs, olds);
        assert.equal(read.id, "", "refresh of a deleted container drops it");
      },
    ),
  ];
}
