/**
 * Level 3: what only shows when many resources share one provider-host process: a wrong
 * password is sent to the VRG once however many resources use the profile, and a refresh of
 * many VmDrStrategy resources is coalesced into a few requests with one login; then every
 * strategy is deleted and the VRG holds none. Each step starts its own host, as separate
 * `pulumi` runs do.
 */
import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, PAIR_STATUS, startVrg, type VrgSim } from "../sim/vrg";
import { ProviderHost, urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const N = Number(process.env.VRG_N ?? 200);
const BATCH = 20;
const GOOD_CREDENTIALS = {
  "drplane:credentials": JSON.stringify({
    prod: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
  }),
};

type Ctx = LifecycleContext<VrgSim>;

const s = hostLifecycle<VrgSim>({
  backend: () => startVrg({ role: "production", deleteMs: 300 }),
  stopBackend: (vrg) => vrg.stop(),
  providers: {
    VmDrStrategy: (api) =>
      new api.VmDrStrategy("vm", {
        connection: { endpoint: "http://127.0.0.1:1", profile: "prod" },
        role: "production",
        vmUuid: randomUUID(),
        volumes: [{ volUuid: "v", slot: 1 }],
      }),
    VrgPairing: (api) =>
      new api.VrgPairing("p", {
        connection: { endpoint: "http://127.0.0.1:1", profile: "prod" },
        peerIp: "10.0.0.1",
        peerPort: 7000,
      }),
  },
  host: false,
  steps: [
    {
      name: "a wrong password reaches the VRG once, whatever number of resources create or refresh concurrently",
      run: async ({ backend: vrg, provider }: Ctx) => {
        const host = await ProviderHost.start();
        try {
          await host.configure({
            "drplane:credentials": JSON.stringify({
              prod: { username: DEFAULT_VRG_USER, password: "Not-The-Password-3" },
            }),
          });
          const creates = Array.from({ length: 6 }, (_, i) => {
            const vmUuid = randomUUID();
            vrg.addVm({ uuid: vmUuid });
            return host.create(urnOf("VmDrStrategy", `vm-${i}`), strategy(vmUuid, `vm-${i}`));
          });
          const pairing = host.create(urnOf("VrgPairing", "p"), {
            __provider: provider("VrgPairing"),
            __drplaneName: "p",
            connection: { endpoint: vrg.url, profile: "prod" },
            peerIp: "10.0.0.1",
            peerPort: 7000,
          });
          const results = await Promise.allSettled([...creates, pairing]);
          for (const r of results) {
            assert.equal(r.status, "rejected");
            const message = String((r as PromiseRejectedResult).reason?.message);
            assert.match(message, /wrong password/);
            assert.ok(!message.includes("Not-The-Password-3"));
          }
          // Later operations in the same run (a refresh, a delete) do not try it again either.
          const later = await Promise.allSettled([
            host.read("x/y", urnOf("VmDrStrategy", "vm-0"), strategy(randomUUID(), "vm-0")),
            host.delete("x/z", urnOf("VmDrStrategy", "vm-1"), strategy(randomUUID(), "vm-1")),
          ]);
          assert.ok(later.every((r) => r.status === "rejected"));
          assert.equal(vrg.failedLogins, 1, "one attempt with the wrong password");
          assert.equal(vrg.lockState().locked, false, "the account is not locked");
          assert.ok(!host.output.includes("Not-The-Password-3"));
        } finally {
          await host.stop();
          vrg.resetLockout();
        }
      },
    },

    {
      name: `create ${N} strategies through one host, ${BATCH} at a time`,
      run: async ({ backend: vrg, remember }: Ctx) => {
        const host = await ProviderHost.start();
        try {
          await host.configure(GOOD_CREDENTIALS);
          for (let i = 0; i < N; i += BATCH) {
            await Promise.all(
              Array.from({ length: Math.min(BATCH, N - i) }, async (_, k) => {
                const vmUuid = randomUUID();
                vrg.addVm({ uuid: vmUuid });
                const name = `vm-${i + k}`;
                const r = await host.create(urnOf("VmDrStrategy", name), strategy(vmUuid, name));
                remember(name, r.id, r.properties);
              }),
            );
          }
        } finally {
          // (ProviderHost.stop must run once: a second call waits for an exit that already happened.)
          await host.stop();
        }
        assert.equal(vrg.strategies().length, N);
      },
    },

    {
      name: "refresh of many strategies through a new host: a handful of requests and one login",
      run: async ({ backend: vrg, stateOf }: Ctx) => {
        // A new `pulumi refresh` runs in a new host process.
        const refresh = await ProviderHost.start();
        try {
          await refresh.configure(GOOD_CREDENTIALS);
          const states = names().map((name) => stateOf(name));
          const loginsBefore = vrg.logins;
          vrg.server.resetLog();
          const reads = await Promise.all(
            states.map((st, i) => refresh.read(st.id, urnOf("VmDrStrategy", `vm-${i}`), st.outs)),
          );
          assert.ok(
            reads.every((r, i) => r.id === states[i]!.id),
            "every strategy is still there",
          );
          const requests = vrg.requestCount("*");
          assert.ok(requests <= 8, `${requests} requests for ${N} reads`);
          assert.equal(vrg.logins - loginsBefore, 1, "one login");
        } finally {
          await refresh.stop();
        }
      },
    },

    {
      name: `destroy: the ${N} strategies are deleted through a new host`,
      run: async ({ stateOf }: Ctx) => {
        const destroy = await ProviderHost.start();
        try {
          await destroy.configure(GOOD_CREDENTIALS);
          const all = names();
          for (let i = 0; i < all.length; i += BATCH) {
            await Promise.all(
              all.slice(i, i + BATCH).map((name) => {
                const st = stateOf(name);
                return destroy.delete(st.id, urnOf("VmDrStrategy", name), st.outs);
              }),
            );
          }
        } finally {
          await destroy.stop();
        }
      },
    },
  ],
  checkDestroy: {
    name: "the VRG holds no strategy and no pairing",
    run: ({ backend: vrg }: Ctx) => {
      assert.deepEqual(vrg.strategies(), []);
      assert.equal(vrg.pairing().status, PAIR_STATUS.unpaired);
    },
  },
});

function names(): string[] {
  return Array.from({ length: N }, (_, i) => `vm-${i}`);
}

function strategy(vmUuid: string, name: string): Props {
  return {
    __provider: s.provider("VmDrStrategy"),
    __drplaneName: name,
    connection: { endpoint: s.backend.url, profile: "prod" },
    role: "production",
    vmUuid,
    platform: "xen",
    adopt: false,
    deleteMode: "normal",
    encryption: "none",
    compression: false,
    volumes: [{ volUuid: `vol-${vmUuid.slice(0, 8)}`, slot: 1 }],
  };
}
