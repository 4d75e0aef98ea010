/**
 * Level 3: what only shows when many resources share one provider-host process: a wrong
 * password is sent to the VRG once however many resources use the profile, and a refresh of
 * many VmDrStrategy resources is coalesced into a few requests with one login.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrg, type VrgSim } from "../sim/vrg";
import { ProviderHost, urnOf, type Props } from "./harness";
import { providerTextOf } from "./provider-text";

const N = Number(process.env.VRG_N ?? 200);
let vrg: VrgSim;
let provider: string;
let pairingProvider: string;

before(async () => {
  vrg = await startVrg({ role: "production" });
  const connection = { endpoint: "http://127.0.0.1:1", profile: "prod" };
  provider = await providerTextOf(
    (api) =>
      new api.VmDrStrategy("vm", {
        connection,
        role: "production",
        vmUuid: randomUUID(),
        volumes: [{ volUuid: "v", slot: 1 }],
      }),
  );
  pairingProvider = await providerTextOf(
    (api) => new api.VrgPairing("p", { connection, peerIp: "10.0.0.1", peerPort: 7000 }),
  );
});

after(async () => {
  await vrg?.stop();
});

function strategy(vmUuid: string, name: string): Props {
  return {
    __provider: provider,
    __drplaneName: name,
    connection: { endpoint: vrg.url, profile: "prod" },
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

test("a wrong password reaches the VRG once, whatever number of resources create or refresh concurrently", async () => {
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
      __provider: pairingProvider,
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
});

test("refresh of many strategies through the host: a handful of requests and one login", async () => {
  const host = await ProviderHost.start();
  const states: Array<{ id: string; props: Props }> = [];
  try {
    await host.configure({
      "drplane:credentials": JSON.stringify({
        prod: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
      }),
    });
    for (let i = 0; i < N; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, N) }, async (_, k) => {
          const vmUuid = randomUUID();
          vrg.addVm({ uuid: vmUuid });
          const r = await host.create(urnOf("VmDrStrategy", `vm-${i + k}`), strategy(vmUuid, `vm-${i + k}`));
          return { id: r.id, props: r.properties };
        }),
      );
      states.push(...batch);
    }
  } finally {
    // (ProviderHost.stop must run once: a second call waits for an exit that already happened.)
    await host.stop();
  }
  // A new `pulumi refresh` runs in a new host process.
  {
    const refresh = await ProviderHost.start();
    try {
      await refresh.configure({
        "drplane:credentials": JSON.stringify({
          prod: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
        }),
      });
      const loginsBefore = vrg.logins;
      vrg.server.resetLog();
      const reads = await Promise.all(
        states.map((s, i) => refresh.read(s.id, urnOf("VmDrStrategy", `vm-${i}`), s.props)),
      );
      assert.ok(
        reads.every((r, i) => r.id === states[i]!.id),
        "every strategy is still there",
      );
      const requests = vrg.requestCount("*");
      assert.ok(requests <= 8, `${requests} requests for 200 reads`);
      assert.equal(vrg.logins - loginsBefore, 1, "one login");
    } finally {
      await refresh.stop();
    }
  }
});
