/**
 * Level 3: VmDrStrategy through the real Pulumi dynamic-provider host, as `pulumi up`,
 * `preview`, `refresh` and `destroy` drive it, against a production + DR VRG simulator pair;
 * then neither VRG holds a strategy.
 */
import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrgPair, VOL_STATUS, type VrgPair } from "../sim/vrg";
import { clearStackCredentials, setStackCredentials } from "../../provider/core/credentials";
import { closeAllAgents } from "../../provider/core/http";
import { drainSessions } from "../../provider/core/session";
import { strategyOf } from "../../provider/dynamic/vrg-strategy";
import { VrgClient } from "../../provider/vendors/vrg/client";
import { postStrategy } from "../../provider/vendors/vrg/strategy";
import type { StrategySpec } from "../../provider/vendors/vrg/wire";
import { InitFailedError, urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROD_URN = urnOf("VmDrStrategy", "app-prod");
const DR_URN = urnOf("VmDrStrategy", "app-dr");
const vm = { uuid: randomUUID(), volumes: ["vol-app-1", "vol-app-2", "vol-app-3"] };

const CREDENTIALS = JSON.stringify({
  prod: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
  dr: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
});

type Ctx = LifecycleContext<VrgPair>;

const s = hostLifecycle<VrgPair>({
  backend: async () => {
    const pair = await startVrgPair({
      common: { pairingMs: 200, volumeSetMs: 400, deleteMs: 300 },
      paired: true,
    });
    pair.addVm(vm);
    return pair;
  },
  stopBackend: (pair) => pair.stop(),
  providers: {
    VmDrStrategy: (api) =>
      new api.VmDrStrategy("app-prod", {
        connection: { endpoint: "http://127.0.0.1:1", profile: "prod" },
        role: "production",
        vmUuid: vm.uuid,
        volumes: [{ volUuid: "vol-app-1", slot: 1 }],
      }),
  },
  host: {
    credentials: () => JSON.parse(CREDENTIALS),
  },
  // A step talks to the VRG in this process too (an out-of-band change): its sessions,
  // credentials and agents go with the suite.
  cleanup: async () => {
    await drainSessions();
    clearStackCredentials();
    await closeAllAgents();
  },
  steps: [
    {
      name: "bad input fails in Check, one failure per property, with zero requests to the VRGs",
      run: async ({ host }: Ctx) => {
        const before = requests();
        const bad = await host.check(
          DR_URN,
          {},
          {
            ...dr(),
            agentIp: "300.1.1.1",
            agentPort: 70000,
            volumes: [
              { volUuid: "vol-a", volumeUrl: "nas://x/a", volType: "SAN", slot: 41 },
              { volUuid: "vol-a", volumeUrl: "nas://x/b", volType: "NAS", slot: 2 },
              { volUuid: "vol-c", volumeUrl: "nas://x/c", volType: "NAS", slot: 2 },
              { volUuid: "vol-d", volumeUrl: "nas://x/d", volType: "NAS" },
            ],
            drExtra: true,
          },
        );
        const byProperty = Object.fromEntries(bad.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual(
          Object.keys(byProperty).sort(),
          ["agentIp", "agentPort", "drExtra", "volumes[0].slot", "volumes[0].volType"].sort(),
          JSON.stringify(bad.failures),
        );
        assert.match(byProperty["volumes[0].volType"]!, /LOCALPOME, LUNPOME, NAS, DSWARE/);
        assert.match(byProperty["volumes[0].slot"]!, /1-40/);
        // Once the shapes are right, the cross-volume rules speak.
        const dup = await host.check(
          DR_URN,
          {},
          {
            ...dr(),
            volumes: [
              { volUuid: "vol-a", volumeUrl: "nas://x/a", slot: 1 },
              { volUuid: "vol-a", volumeUrl: "nas://x/b", slot: 2 },
              { volUuid: "vol-c", volumeUrl: "nas://x/c", slot: 2 },
              { volUuid: "vol-d", volumeUrl: "nas://x/d" },
            ],
          },
        );
        const dups = Object.fromEntries(dup.failures.map((f) => [f.property, f.reason]));
        assert.match(dups["volumes[1].volUuid"]!, /duplicate volume UUID.*10440306/);
        assert.match(dups["volumes[2].slot"]!, /duplicate slot 2.*10440309/);
        assert.match(dups["volumes[3].slot"]!, /required on Xen/);
        const role = await host.check(DR_URN, {}, { ...dr(), role: "both" });
        assert.deepEqual(
          role.failures.map((f) => f.property),
          ["role"],
        );
        const uuid = await host.check(PROD_URN, {}, production({ vmUuid: "not-a-uuid" }));
        assert.deepEqual(
          uuid.failures.map((f) => f.property),
          ["vmUuid"],
        );
        assert.equal(requests(), before, "no request reached a VRG");
      },
    },

    {
      name: "preview: unknown inputs pass Check and Diff",
      run: async ({ host }: Ctx) => {
        const r = await host.check(DR_URN, {}, dr({ agentIp: UNKNOWN, volumes: UNKNOWN }));
        assert.deepEqual(r.failures, []);
      },
    },

    {
      name: "create: both sides, with defaults applied, waiting until every DR volume is normal",
      run: async ({ host, backend: pair, remember }: Ctx) => {
        const p = await host.create(PROD_URN, await checked(PROD_URN, {}, production()));
        const { id: prodId, properties: prodOuts } = p;
        remember("production", prodId, prodOuts);
        assert.equal(prodId, `${pair.production.uuid}/${vm.uuid}`);
        assert.equal(prodOuts.compression, false, "default applied");
        assert.equal(prodOuts.healthy, true);
        assert.equal(prodOuts.vrgUuid, pair.production.uuid);
        assert.equal(pair.production.strategy(vm.uuid)?.encryptOption, 1);
        const d = await host.create(DR_URN, await checked(DR_URN, {}, dr()));
        const { id: drId, properties: drOuts } = d;
        remember("dr", drId, drOuts);
        assert.deepEqual(
          drOuts.volumeStatuses.map((v: Props) => [v.volUuid, v.state]),
          [
            ["vol-app-1", "normal"],
            ["vol-app-2", "normal"],
          ],
        );
        assert.equal(typeof drOuts.__provider, "string");
      },
    },

    {
      name: "diff: unchanged and credential-only changes are not a diff",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id: prodId, outs: prodOuts } = stateOf("production");
        assert.equal(
          (await host.diff(prodId, PROD_URN, prodOuts, await checked(PROD_URN, prodOuts, production())))
            .changes,
          "none",
        );
        const creds = production({
          connection: { endpoint: pair.production.url, profile: "other", username: "x" },
        });
        assert.equal(
          (await host.diff(prodId, PROD_URN, prodOuts, await checked(PROD_URN, prodOuts, creds))).changes,
          "none",
        );
      },
    },

    {
      name: "update in place: compression, vmName and an added volume are set again, keeping the strategy",
      run: async ({ host, backend: pair, stateOf, remember }: Ctx) => {
        const { id: prodId, outs: prodOuts } = stateOf("production");
        const news = await checked(
          PROD_URN,
          prodOuts,
          production({
            compression: true,
            vmName: "app-renamed",
            volumes: [...production().volumes, { volUuid: "vol-app-3", slot: 3 }],
          }),
        );
        const d = await host.diff(prodId, PROD_URN, prodOuts, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        const deletesBefore = pair.production.counters.deletesAccepted;
        const updated = await host.update(prodId, PROD_URN, prodOuts, news);
        remember("production", prodId, updated);
        const s = pair.production.strategy(vm.uuid)!;
        assert.equal(s.compressOption, 1);
        assert.equal(s.vmName, "app-renamed");
        assert.equal(s.volList.length, 3);
        assert.equal(pair.production.counters.deletesAccepted, deletesBefore, "not deleted");
        assert.equal(updated.healthy, true, "computed outputs survive an update");
      },
    },

    {
      name: "replace: a volume's slot or target, the VM or the role replace, deleting first",
      run: async ({ host, stateOf }: Ctx) => {
        const { id: drId, outs: drOuts } = stateOf("dr");
        const slot = await host.diff(
          drId,
          DR_URN,
          drOuts,
          await checked(
            DR_URN,
            drOuts,
            dr({
              volumes: [dr().volumes[0], { ...dr().volumes[1], slot: 9 }],
            }),
          ),
        );
        assert.deepEqual(slot.replaces, ["volumes"]);
        assert.equal(slot.deleteBeforeReplace, true);
        const target = await host.diff(
          drId,
          DR_URN,
          drOuts,
          await checked(
            DR_URN,
            drOuts,
            dr({
              volumes: [dr().volumes[0], { ...dr().volumes[1], volumeUrl: "nas://10.0.0.6/dr/vol-app-2" }],
            }),
          ),
        );
        assert.deepEqual(target.replaces, ["volumes"]);
        const agent = await host.diff(
          drId,
          DR_URN,
          drOuts,
          await checked(DR_URN, drOuts, dr({ agentIp: "192.168.40.18" })),
        );
        assert.equal(agent.changes, "some");
        assert.deepEqual(agent.replaces, [], "moving the writeagent updates in place");
        const other = await host.diff(
          drId,
          DR_URN,
          drOuts,
          await checked(DR_URN, drOuts, dr({ vmUuid: randomUUID() })),
        );
        assert.deepEqual(other.replaces, ["vmUuid"]);
      },
    },

    {
      name: "refresh shows a failed DR volume as drift, and the next diff proposes to converge it",
      run: async ({ host, backend: pair, stateOf, remember }: Ctx) => {
        const { id: drId, outs: drOuts } = stateOf("dr");
        pair.dr.failVolume(vm.uuid, "vol-app-2", VOL_STATUS.typeError);
        const r = await host.read(drId, DR_URN, drOuts);
        assert.equal(r.id, drId);
        assert.equal(r.properties.healthy, false);
        const bad = r.properties.volumeStatuses.find((v: Props) => v.volUuid === "vol-app-2");
        assert.equal(bad.state, "typeError");
        assert.match(bad.meaning, /volume type error/);
        const d = await host.diff(drId, DR_URN, r.properties, await checked(DR_URN, r.properties, dr()));
        assert.equal(d.changes, "some");
        pair.dr.failVolume(vm.uuid, "vol-app-2", VOL_STATUS.normal);
        const healed = (await host.read(drId, DR_URN, drOuts)).properties;
        assert.equal(healed.healthy, true);
        remember("dr", drId, healed);
      },
    },

    {
      name: "refresh records an out-of-band change as drift, and drops a strategy deleted out of band",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id: prodId, outs: prodOuts } = stateOf("production");
        // Someone sets the strategy again on the VRG, without encryption.
        setStackCredentials(CREDENTIALS);
        const client = new VrgClient({ endpoint: pair.production.url, profile: "prod", lingerMs: 0 });
        await postStrategy(client, { ...strategyOf(prodOuts), encryption: "none" } as StrategySpec);
        const changed = await host.read(prodId, PROD_URN, prodOuts);
        assert.equal(changed.properties.encryption, "none", "the live value is recorded");
        assert.equal(changed.inputs.encryption, "none");
        const d = await host.diff(
          prodId,
          PROD_URN,
          changed.properties,
          await checked(PROD_URN, changed.properties, production()),
        );
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, [], "set again in place");
        pair.production.removeStrategy(vm.uuid);
        const gone = await host.read(prodId, PROD_URN, prodOuts);
        assert.equal(gone.id, "", "refresh drops it");
      },
    },

    {
      name: "a create whose volume fails is recorded (ErrorResourceInitFailed) with the volume's meaning",
      run: async ({ host, backend: pair, provider }: Ctx) => {
        const other = { uuid: randomUUID(), volumes: ["vol-b-1"] };
        pair.addVm(other);
        pair.dr.failVolume(other.uuid, "vol-b-1", VOL_STATUS.pathError);
        const inputs = await checked(
          DR_URN,
          {},
          dr({
            vmUuid: other.uuid,
            volumes: [
              { volUuid: "vol-b-1", volumeUrl: "nas://10.0.0.5/dr/vol-b-1", volType: "NAS", slot: 1 },
            ],
          }),
        );
        await assert.rejects(host.create(urnOf("VmDrStrategy", "b-dr"), inputs), (err: unknown) => {
          assert.ok(err instanceof InitFailedError, String(err));
          assert.equal(err.id, `${pair.dr.uuid}/${other.uuid}`);
          assert.match(err.reasons.join("\n"), /volume vol-b-1: volume path error/);
          assert.equal(typeof err.properties.__provider, "string", "state can be refreshed and destroyed");
          assert.equal(err.properties.healthy, false);
          return true;
        });
        // destroy of the partial resource removes it.
        await host.delete(`${pair.dr.uuid}/${other.uuid}`, urnOf("VmDrStrategy", "b-dr"), {
          ...inputs,
          __provider: provider("VmDrStrategy"),
        });
        assert.equal(pair.dr.strategy(other.uuid), undefined);
      },
    },

    {
      name: "delete: forceOnFailure gets past a failing normal deletion; deleting again is a no-op",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id: drId, outs: drOuts } = stateOf("dr");
        pair.dr.failNextDelete(vm.uuid);
        await host.delete(drId, DR_URN, drOuts);
        assert.equal(pair.dr.strategy(vm.uuid), undefined);
        await host.delete(drId, DR_URN, drOuts);
        const gone = await host.read(drId, DR_URN, drOuts);
        assert.equal(gone.id, "");
      },
    },

    {
      name: "the host printed progress and the DR status seen at deletion, never a password or token",
      run: async ({ host, backend: pair }: Ctx) => {
        const out = host.output;
        assert.match(out, /drplane VmDrStrategy\/app-dr: .*volume/);
        assert.match(
          out,
          /drplane VmDrStrategy\/app-dr: VM .*deletion started; DR status before deletion: \w/,
        );
        assert.match(out, /drplane VmDrStrategy\/app-dr: VM .* DR strategy deleted with force$/m);
        assert.ok(!out.includes(DEFAULT_VRG_PASSWORD), "password leaked");
        for (const t of pair.dr.sessions.live()) assert.ok(!out.includes(t.token), "token leaked");
      },
    },
  ],
  checkDestroy: {
    name: "neither VRG holds a strategy",
    run: ({ backend: pair }) => {
      assert.deepEqual(pair.production.strategies(), []);
      assert.deepEqual(pair.dr.strategies(), []);
    },
  },
});

function production(extra: Props = {}): Props {
  return {
    __provider: s.provider("VmDrStrategy"),
    __drplaneName: "app-prod",
    connection: { endpoint: s.backend.production.url, profile: "prod" },
    role: "production",
    vmUuid: vm.uuid,
    vmId: "i-00000042",
    vmName: "app",
    encryption: "aes128",
    volumes: [
      { volUuid: "vol-app-1", slot: 1 },
      { volUuid: "vol-app-2", slot: 2 },
    ],
    ...extra,
  };
}

function dr(extra: Props = {}): Props {
  return {
    __provider: s.provider("VmDrStrategy"),
    __drplaneName: "app-dr",
    connection: { endpoint: s.backend.dr.url, profile: "dr" },
    role: "dr",
    vmUuid: vm.uuid,
    hostUrn: "urn:sites:1:hosts:7",
    agentIp: "192.168.40.17",
    agentPort: 7100,
    deleteMode: "forceOnFailure",
    volumes: [
      { volUuid: "vol-app-1", volumeUrl: "nas://10.0.0.5/dr/vol-app-1", volType: "NAS", slot: 1 },
      { volUuid: "vol-app-2", volumeUrl: "nas://10.0.0.5/dr/vol-app-2", volType: "NAS", slot: 2 },
    ],
    ...extra,
  };
}

function requests(): number {
  return s.backend.production.requestCount("*") + s.backend.dr.requestCount("*");
}

async function checked(urn: string, olds: Props, news: Props): Promise<Props> {
  const r = await s.host.check(urn, olds, news);
  assert.deepEqual(r.failures, []);
  return r.inputs;
}
