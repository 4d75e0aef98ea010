/**
 * bench/vrg: HTTP requests and logins needed to refresh N VmDrStrategy resources on one VRG,
 * naive (one `GET vmstrategy?vmUuid=<uuid>` per resource) versus the coalescing reader that
 * the handler's `read` uses, at several engine parallelism levels (`pulumi refresh
 * --parallel`). Runs against the VRG simulator on loopback in one process; prints counts and
 * ratios, never a pass/fail on time.
 *
 * Target (issue 5): 500 strategies → at most 12 requests and 1 login per VRG (naive: 500).
 * Target (issue 9): the same with any fraction of the strategies deleted out of band (a batch
 * naming one unknown VM is refused whole, 10440400; the listing settles absence).
 */
import { ManualClock } from "../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../provider/core/credentials";
import { closeAllAgents } from "../../provider/core/http";
import { drainSessions } from "../../provider/core/session";
import { vmDrStrategyHandler } from "../../provider/dynamic/vrg-strategy";
import { VrgClient } from "../../provider/vendors/vrg/client";
import { postStrategy } from "../../provider/vendors/vrg/strategy";
import { queryByUuid, resetStrategyReaders } from "../../provider/vendors/vrg/strategy-reader";
import type { ProductionStrategy } from "../../provider/vendors/vrg/wire";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrg, type VrgSim } from "../../test/sim/vrg";

const SIZES = [50, 500];
const PARALLEL = [500, 16, 8, 1];
/** The vanished case: [N, fraction deleted out of band, parallel]. */
const VANISHED: Array<[number, number, number]> = [
  [200, 0.25, 8],
  [500, 0.1, 8],
  [500, 0.25, 8],
  [500, 0.5, 8],
  [500, 0.9, 8],
  [500, 0.5, 500],
  [500, 0.5, 1],
];

function uuid(i: number): string {
  const hex = i.toString(16).padStart(12, "0");
  return `6f1c2d3e-4b5a-4c6d-8e7f-${hex}`;
}

function strategy(i: number): ProductionStrategy {
  return {
    role: "production",
    vmUuid: uuid(i),
    encryption: "none",
    compression: false,
    volumes: [{ volUuid: `vol-${i}`, slot: 1 }],
  };
}

async function withVrg(
  n: number,
  run: (vrg: VrgSim, client: VrgClient) => Promise<void>,
  vanished = 0,
): Promise<{ requests: number; logins: number }> {
  const clock = new ManualClock();
  const vrg = await startVrg({ clock, role: "production" });
  try {
    const client = new VrgClient({ endpoint: vrg.url, profile: "bench" }, clock);
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, (_, k) => {
          const s = strategy(i + k);
          vrg.addVm({ uuid: s.vmUuid, volumes: [`vol-${i + k}`] });
          return postStrategy(client, s);
        }),
      );
    }
    for (let i = 0; i < n; i++) {
      if (Math.floor((i + 1) * vanished) > Math.floor(i * vanished)) vrg.removeStrategy(uuid(i));
    }
    // A new provider-host process: no token, no cache, an empty request log.
    await drainSessions();
    resetStrategyReaders();
    vrg.server.resetLog();
    const loginsBefore = vrg.logins;
    await run(vrg, client);
    await drainSessions();
    return {
      requests: vrg.requestCount("*") - vrg.requestCount("DELETE /vrgservice/session"),
      logins: vrg.logins - loginsBefore,
    };
  } finally {
    resetStrategyReaders();
    await vrg.stop();
  }
}

async function pool(n: number, parallel: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      while (next < n) await one(next++);
    }),
  );
}

async function main(): Promise<void> {
  setStackCredentials(
    JSON.stringify({ bench: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD } }),
  );
  console.log("bench/vrg: requests to refresh N VmDrStrategy resources on one VRG (simulator, loopback)");
  console.log("requests exclude the final logout; naive = one GET vmstrategy?vmUuid=<uuid> per resource\n");
  console.log("    N  parallel  naive req  coalesced req  logins  ratio naive/coalesced");
  for (const n of SIZES) {
    for (const parallel of PARALLEL) {
      const naive = await withVrg(n, (_vrg, client) =>
        pool(n, parallel, (i) => queryByUuid(client, [uuid(i)])),
      );
      const coalesced = await withVrg(n, (vrg) =>
        pool(n, parallel, async (i) => {
          const s = strategy(i);
          const r = await vmDrStrategyHandler.read(`${vrg.uuid}/${s.vmUuid}`, {
            connection: { endpoint: vrg.url, profile: "bench" },
            platform: "xen",
            ...s,
          });
          if (!r.id) throw new Error(`strategy ${i} not found`);
        }),
      );
      const ratio = (naive.requests / coalesced.requests).toFixed(1);
      console.log(
        `${String(n).padStart(5)}  ${String(parallel).padStart(8)}  ${String(naive.requests).padStart(9)}  ${String(coalesced.requests).padStart(13)}  ${String(coalesced.logins).padStart(6)}  ${ratio.padStart(8)}x`,
      );
    }
  }
  console.log("\nvanished: a fraction of the strategies deleted out of band before the refresh");
  console.log("    N  vanished  parallel  naive req  coalesced req  logins  ratio naive/coalesced");
  for (const [n, fraction, parallel] of VANISHED) {
    const naive = await withVrg(
      n,
      (_vrg, client) => pool(n, parallel, (i) => queryByUuid(client, [uuid(i)])),
      fraction,
    );
    const coalesced = await withVrg(
      n,
      (vrg) =>
        pool(n, parallel, async (i) => {
          const s = strategy(i);
          await vmDrStrategyHandler.read(`${vrg.uuid}/${s.vmUuid}`, {
            connection: { endpoint: vrg.url, profile: "bench" },
            platform: "xen",
            ...s,
          });
        }),
      fraction,
    );
    const ratio = (naive.requests / coalesced.requests).toFixed(1);
    console.log(
      `${String(n).padStart(5)}  ${`${Math.round(fraction * 100)} %`.padStart(8)}  ${String(parallel).padStart(8)}  ${String(naive.requests).padStart(9)}  ${String(coalesced.requests).padStart(13)}  ${String(coalesced.logins).padStart(6)}  ${ratio.padStart(8)}x`,
    );
  }
  clearStackCredentials();
  await closeAllAgents();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
