/**
 * Huawei FusionCompute VRG (Virtual Replication Gateway) `/vrgservice` simulator, after seed 001
 * (FusionCompute V100R005C10SPC700 VRG interface document) and reference part B.
 *
 *   const vrg = await startVrg({ role: "dr", keyStyle: "snake", clock });      // one VRG on 127.0.0.1:0
 *   vrg.baseUrl                                  // "http://127.0.0.1:PORT/vrgservice"
 *   vrg.addVm({ uuid, id: "i-00000001", name: "vm1", volumes: ["vol-a", "vol-b"] });
 *   // login: POST {baseUrl}/session, X-Auth-User: user, X-Auth-Key: sha256Hex("VrgSim@2015")
 *   vrg.expireAllTokens(); vrg.failNextPairing(); vrg.breakLink();
 *   vrg.failVolume(vmUuid, volUuid, VOL_STATUS.pathError); vrg.failNextDelete(vmUuid);
 *   vrg.server.faults.add({ route: "GET /vrgservice/vmstrategy", status: 503 });   // framework faults
 *   vrg.counters / vrg.logins / vrg.failedLogins / vrg.liveTokens / vrg.requestCount("GET /vrgservice/vmstrategy")
 *   await vrg.stop();
 *
 *   const pair = await startVrgPair({ clock, keyStyle: "camel", paired: true });  // production + DR, one fabric
 *   pair.production; pair.dr; pair.addVm(vm);    // addVm declares the VM on both
 *   await pair.stop();
 *
 * Every VRG state that changes over time (pairing, volume setting, deletion, token expiry, lock)
 * is computed from `clock.now()`: share a ManualClock with the test and advance it.
 * See test/sim/README.md, section "Huawei VRG (seed 001)", for what is modelled and the source
 * of each behaviour (and what is invented).
 */
import type { Clock } from "../../../provider/core/clock";
import { VrgFabric } from "./fabric";
import type { KeyStyle } from "./keys";
import type { VrgVmSpec } from "./models";
import type { VrgSimOptions } from "./modes";
import { VrgSim } from "./vrg";

export { VrgSim } from "./vrg";
export { VOL_STATUS, VOL_TYPES, PAIR_STATUS, DR_STATUS, DEL_FLAG } from "./models";
export { sha256Hex, DEFAULT_VRG_USER, DEFAULT_VRG_PASSWORD } from "./login";
export type { VrgSimOptions, VrgRole, VrgNetworkOptions } from "./modes";
export type {
  VrgVmSpec,
  VrgVolumeConfig,
  VrgStrategyConfig,
  VrgStrategyView,
  VrgStatusInfo,
  VrgCounters,
  PairingView,
  DrExtParams,
  VolStatus,
  VolType,
  PairStatus,
  DrStatus,
  DelFlag,
} from "./models";
export { BASE_PATH } from "./paths";
export { VrgFabric, normalizeAddress } from "./fabric";
export { VRG_ERRORS, VRG_ERRORS_BY_CODE, VrgApiError, vrgErrorBody } from "./errors";
export type { VrgErrorDefinition, VrgErrorBody, VrgErrorName } from "./errors";
export { toSnake, toCamel, toWire, fromWire, REQUEST_KEYS } from "./keys";
export type { KeyStyle } from "./keys";
export type { LockState, TokenExpiry, VrgToken, VrgSessionCounters } from "./sessions";

/** Creates a VRG, starts its REST server on 127.0.0.1:0 and joins its fabric. */
export async function startVrg(opts: VrgSimOptions = {}): Promise<VrgSim> {
  const vrg = new VrgSim(opts);
  await vrg.start();
  return vrg;
}

export interface VrgPairOptions {
  clock?: Clock;
  /** Applied to both (default "camel"). */
  keyStyle?: KeyStyle;
  /** Shared fabric (default a new one). */
  fabric?: VrgFabric;
  /** Options for both VRGs. */
  common?: Partial<VrgSimOptions>;
  /** Overrides for the production VRG (role "production"). */
  production?: Partial<VrgSimOptions>;
  /** Overrides for the DR VRG (role "dr"). */
  dr?: Partial<VrgSimOptions>;
  /** Start with production paired to DR (status 1 at once, mirrored on DR). Default false. */
  paired?: boolean;
}

export interface VrgPair {
  production: VrgSim;
  dr: VrgSim;
  fabric: VrgFabric;
  /** Declares the VM on both VRGs. */
  addVm(vm: VrgVmSpec): void;
  /** Stops both servers (safe to call twice). */
  stop(): Promise<void>;
}

/** A production VRG and a DR VRG in one fabric, so that vrgmap finds the peer. */
export async function startVrgPair(opts: VrgPairOptions = {}): Promise<VrgPair> {
  const fabric = opts.fabric ?? opts.common?.fabric ?? new VrgFabric();
  const make = (role: "production" | "dr", own: Partial<VrgSimOptions> | undefined): VrgSimOptions => ({
    role,
    name: `vrg ${role}`,
    clock: opts.clock,
    keyStyle: opts.keyStyle,
    ...opts.common,
    ...own,
    fabric,
  });
  const production = new VrgSim(make("production", opts.production));
  const dr = new VrgSim(make("dr", opts.dr));
  try {
    await production.start();
    await dr.start();
  } catch (err) {
    await Promise.allSettled([production.stop(), dr.stop()]);
    throw err;
  }
  if (opts.paired) production.pairWith(dr);
  return {
    production,
    dr,
    fabric,
    addVm: (vm) => {
      production.addVm(vm);
      dr.addVm(vm);
    },
    stop: async () => {
      await Promise.allSettled([production.stop(), dr.stop()]);
    },
  };
}
