/**
 * Level 3: VrgPairing and VrgAlarmServer through the real Pulumi dynamic-provider host
 * against two VRG simulators: create, no-op diff, update or replace, drift, delete, and bad
 * input rejected in Check with zero requests; then neither VRG holds a pairing or an alarm
 * receiver.
 */
import * as assert from "node:assert/strict";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrgPair, type VrgPair } from "../sim/vrg";
import { InitFailedError, urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const URN = urnOf("VrgPairing", "prod-to-dr");
const TRAP_URN = urnOf("VrgAlarmServer", "traps");
const placeholder = { endpoint: "http://127.0.0.1:1", profile: "prod" };

type Ctx = LifecycleContext<VrgPair>;

const s = hostLifecycle<VrgPair>({
  backend: () => startVrgPair({ common: { pairingMs: 300 } }),
  stopBackend: (pair) => pair.stop(),
  providers: {
    VrgPairing: (api) =>
      new api.VrgPairing("prod-to-dr", { connection: placeholder, peerIp: "10.0.0.1", peerPort: 7000 }),
    VrgAlarmServer: (api) =>
      new api.VrgAlarmServer("traps", { connection: placeholder, ip: "10.0.0.9", port: 162 }),
  },
  host: { credentials: () => ({ prod: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD } }) },
  steps: [
    {
      name: "bad input fails in Check, naming each property, with zero requests",
      run: async ({ host, backend: pair }: Ctx) => {
        const before = pair.production.requestCount("*");
        const p = await host.check(
          URN,
          {},
          pairing({ peerIp: "10.0.0", peerPort: 0, connection: { endpoint: "nope", profile: "prod" } }),
        );
        assert.deepEqual(p.failures.map((f) => f.property).sort(), [
          "connection.endpoint",
          "peerIp",
          "peerPort",
        ]);
        const style = await host.check(
          URN,
          {},
          pairing({ connection: { endpoint: pair.production.url, profile: "prod", keyStyle: "kebab" } }),
        );
        assert.deepEqual(
          style.failures.map((f) => f.property),
          ["connection.keyStyle"],
        );
        const t = await host.check(TRAP_URN, {}, trap({ ip: "0.0.0.0", port: 65536 }));
        assert.deepEqual(t.failures.map((f) => f.property).sort(), ["ip", "port"]);
        assert.match(t.failures.find((f) => f.property === "ip")!.reason, /not 0\.0\.0\.0/);
        assert.equal(pair.production.requestCount("*"), before);
      },
    },

    {
      name: "create pairs, waits until normal, and reports the status",
      run: async ({ host, backend: pair, remember }: Ctx) => {
        const r = await host.create(URN, await checked(URN, {}, pairing()));
        const { id, properties: outs } = r;
        remember("pairing", id, outs);
        assert.equal(id, `${pair.production.uuid}->${pairing().peerIp}:${pairing().peerPort}`);
        assert.equal(outs.status, 1);
        assert.equal(outs.state, "normal");
        assert.equal(outs.adopted, false);
        assert.equal(pair.production.pairing().status, 1);
      },
    },

    {
      name: "diff: unchanged is no diff; a new peer replaces, deleting first",
      run: async ({ host, stateOf }: Ctx) => {
        const { id, outs } = stateOf("pairing");
        assert.equal((await host.diff(id, URN, outs, await checked(URN, outs, pairing()))).changes, "none");
        const d = await host.diff(id, URN, outs, await checked(URN, outs, pairing({ peerPort: 7001 })));
        assert.deepEqual(d.replaces, ["peerPort"]);
        assert.equal(d.deleteBeforeReplace, true);
      },
    },

    {
      name: "update in place when only the endpoint's address changes, after checking it is the same VRG",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id, outs } = stateOf("pairing");
        const viaLocalhost = pair.production.url.replace("127.0.0.1", "localhost");
        const news = await checked(
          URN,
          outs,
          pairing({ connection: { endpoint: viaLocalhost, profile: "prod" } }),
        );
        const d = await host.diff(id, URN, outs, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        const updated = await host.update(id, URN, outs, news);
        assert.equal(updated.vrgUuid, pair.production.uuid);
        // Another VRG behind the endpoint is refused.
        const elsewhere = await checked(
          URN,
          outs,
          pairing({ connection: { endpoint: pair.dr.url, profile: "prod" } }),
        );
        await assert.rejects(
          host.update(id, URN, outs, elsewhere),
          /is .*not the VRG .* this resource was created on/,
        );
      },
    },

    {
      name: "refresh shows a broken link as drift; the next update fails with the state's meaning",
      run: async ({ host, backend: pair, stateOf, remember }: Ctx) => {
        const { id, outs } = stateOf("pairing");
        pair.production.breakLink();
        const r = await host.read(id, URN, outs);
        assert.equal(r.id, id);
        assert.equal(r.properties.state, "linkBroken");
        assert.equal(r.properties.status, 5);
        const news = await checked(URN, r.properties, pairing());
        const d = await host.diff(id, URN, r.properties, news);
        assert.equal(d.changes, "some");
        await assert.rejects(host.update(id, URN, r.properties, news), /link to .* is broken \(status 5/);
        pair.production.restoreLink();
        const healed = (await host.read(id, URN, outs)).properties;
        assert.equal(healed.state, "normal");
        remember("pairing", id, healed);
      },
    },

    {
      name: "delete unpairs and waits; refresh then drops it; delete again is a no-op",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id, outs } = stateOf("pairing");
        await host.delete(id, URN, outs);
        assert.equal(pair.production.pairing().status, 4);
        assert.equal((await host.read(id, URN, outs)).id, "");
        await host.delete(id, URN, outs);
      },
    },

    {
      name: "a pairing that fails is recorded (ErrorResourceInitFailed) with status 3 and its meaning",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id } = stateOf("pairing");
        pair.production.failNextPairing();
        await assert.rejects(host.create(URN, await checked(URN, {}, pairing())), (err: unknown) => {
          assert.ok(err instanceof InitFailedError, String(err));
          assert.match(
            err.reasons.join("\n"),
            /pairing with \S+ failed: the VRG reports status 3 \(pairing failed/,
          );
          assert.equal(err.properties.state, "failed");
          assert.equal(typeof err.properties.__provider, "string");
          return true;
        });
        // The next up (diff of the recorded state) re-pairs.
        const recorded = (
          await host.read(id, URN, { ...pairing(), status: 3, vrgUuid: pair.production.uuid })
        ).properties;
        const news = await checked(URN, recorded, pairing());
        assert.equal((await host.diff(id, URN, recorded, news)).changes, "some");
        const fixed = await host.update(id, URN, recorded, news);
        assert.equal(fixed.state, "normal");
        await host.delete(id, URN, fixed);
      },
    },

    {
      name: "alarm server: create, no-op diff, port change in place, drift, delete restores none",
      run: async ({ host, backend: pair }: Ctx) => {
        const created = await host.create(TRAP_URN, await checked(TRAP_URN, {}, trap()));
        assert.equal(created.id, `${pair.production.uuid}/trapinfo`);
        let tOuts = created.properties;
        assert.deepEqual(pair.production.trapInfo, { ip: "10.0.0.9", port: 162 });
        assert.equal(
          (await host.diff(created.id, TRAP_URN, tOuts, await checked(TRAP_URN, tOuts, trap()))).changes,
          "none",
        );
        const news = await checked(TRAP_URN, tOuts, trap({ port: 1162 }));
        const d = await host.diff(created.id, TRAP_URN, tOuts, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        tOuts = await host.update(created.id, TRAP_URN, tOuts, news);
        assert.deepEqual(pair.production.trapInfo, { ip: "10.0.0.9", port: 1162 });
        // State that disagrees with the VRG (999): refresh records the live value in outputs and inputs.
        const drifted = await host.read(created.id, TRAP_URN, { ...tOuts, port: 999 });
        assert.equal(drifted.properties.port, 1162);
        assert.equal(drifted.inputs.port, 1162);
        await host.delete(created.id, TRAP_URN, tOuts);
        assert.equal(pair.production.trapInfo, undefined, "0.0.0.0 (none) restored");
        assert.equal((await host.read(created.id, TRAP_URN, tOuts)).id, "", "refresh drops it");
      },
    },

    {
      name: "the host output names the resources' progress and never the password",
      run: async ({ host }: Ctx) => {
        assert.match(host.output, /drplane VrgPairing\/prod-to-dr: pairing with .* requested/);
        assert.ok(!host.output.includes(DEFAULT_VRG_PASSWORD));
      },
    },

    {
      name: "default settings pair, through the host, with a VRG that reads the seed's snake_case vrgmap sample",
      run: async ({ host }: Ctx) => {
        const snake = await startVrgPair({ common: { pairingMs: 300, vrgmapKeyStyle: "snake" } });
        try {
          const peer = snake.dr.replicationAddress;
          const inputs = await checked(
            URN,
            {},
            pairing({
              connection: { endpoint: snake.production.url, profile: "prod" },
              peerIp: peer.ip,
              peerPort: peer.port,
            }),
          );
          const r = await host.create(URN, inputs);
          assert.equal(r.properties.status, 1);
          assert.equal(snake.production.pairing().dstIp, peer.ip);
          const posts = snake.production.server.requests("POST /vrgservice/vrgmap");
          assert.deepEqual(
            posts.map((e) => e.status),
            [400, 200],
            "camelCase refused (10440101) before anything changed, then snake_case",
          );
          await host.delete(r.id, URN, r.properties);
          assert.equal(snake.production.pairing().status, 4);
        } finally {
          await snake.stop();
        }
      },
    },
  ],
  checkDestroy: {
    name: "neither VRG is paired or sends alarms anywhere",
    run: ({ backend: pair }) => {
      assert.equal(pair.production.pairing().status, 4);
      assert.equal(pair.dr.pairing().status, 4);
      assert.equal(pair.production.trapInfo, undefined);
      assert.equal(pair.dr.trapInfo, undefined);
    },
  },
});

function pairing(extra: Props = {}): Props {
  const pair = s.backend;
  const peer = pair.dr.replicationAddress;
  return {
    __provider: s.provider("VrgPairing"),
    __drplaneName: "prod-to-dr",
    connection: { endpoint: pair.production.url, profile: "prod" },
    peerIp: peer.ip,
    peerPort: peer.port,
    ...extra,
  };
}

function trap(extra: Props = {}): Props {
  return {
    __provider: s.provider("VrgAlarmServer"),
    __drplaneName: "traps",
    connection: { endpoint: s.backend.production.url, profile: "prod" },
    ip: "10.0.0.9",
    port: 162,
    ...extra,
  };
}

async function checked(urn: string, olds: Props, news: Props): Promise<Props> {
  const r = await s.host.check(urn, olds, news);
  assert.deepEqual(r.failures, []);
  return r.inputs;
}
