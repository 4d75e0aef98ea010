/**
 * Shared set-up of the VRG client tests: credentials of the simulator's default account under
 * two profiles, clients bound to a simulator, strategy specs, and a clean slate between tests.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { closeAllAgents } from "../../../provider/core/http";
import { drainSessions } from "../../../provider/core/session";
import { resetVersionCache, VrgClient, type VrgConnection } from "../../../provider/vendors/vrg/client";
import { resetKeyStyles } from "../../../provider/vendors/vrg/key-style";
import { resetLoginGuard } from "../../../provider/vendors/vrg/login-guard";
import { resetStrategyReaders } from "../../../provider/vendors/vrg/strategy-reader";
import type { DrStrategy, ProductionStrategy } from "../../../provider/vendors/vrg/wire";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, type VrgSim } from "../../sim/vrg";

export const USER = DEFAULT_VRG_USER;
export const PASSWORD = DEFAULT_VRG_PASSWORD;

/** Profiles "prod" and "dr" hold the simulator's default account. */
export function useCredentials(
  overrides: Record<string, { username?: string; password?: string }> = {},
): void {
  setStackCredentials(
    JSON.stringify({
      prod: { username: USER, password: PASSWORD },
      dr: { username: USER, password: PASSWORD },
      ...overrides,
    }),
  );
}

/** Logs out what tests left behind and forgets every process-wide VRG cache. */
export async function cleanSlate(): Promise<void> {
  await drainSessions();
  resetLoginGuard();
  resetStrategyReaders();
  resetKeyStyles();
  resetVersionCache();
  clearStackCredentials();
  await closeAllAgents();
}

export function clientFor(vrg: VrgSim, clock: Clock, overrides: Partial<VrgConnection> = {}): VrgClient {
  return new VrgClient({ endpoint: vrg.url, profile: "prod", keyStyle: vrg.keyStyle, ...overrides }, clock);
}

export interface TestVm {
  uuid: string;
  volumes: string[];
}

export function newVm(volumes = 2): TestVm {
  const uuid = randomUUID();
  return { uuid, volumes: Array.from({ length: volumes }, (_, i) => `vol-${uuid.slice(0, 8)}-${i + 1}`) };
}

export function productionOf(vm: TestVm, extra: Partial<ProductionStrategy> = {}): ProductionStrategy {
  return {
    role: "production",
    vmUuid: vm.uuid,
    vmId: "i-00000001",
    vmName: "app-1",
    encryption: "aes128",
    compression: true,
    volumes: vm.volumes.map((volUuid, i) => ({ volUuid, slot: i + 1 })),
    ...extra,
  };
}

export function drOf(vm: TestVm, extra: Partial<DrStrategy> = {}): DrStrategy {
  return {
    role: "dr",
    vmUuid: vm.uuid,
    vmId: "i-00000001",
    vmName: "app-1",
    hostUrn: "urn:sites:1:hosts:7",
    agentIp: "192.168.40.17",
    agentPort: 7100,
    volumes: vm.volumes.map((volUuid, i) => ({
      volUuid,
      volumeUrl: `nas://10.0.0.5/dr/${volUuid}`,
      dsUrn: "urn:sites:1:datastores:3",
      volType: "NAS" as const,
      slot: i + 1,
    })),
    ...extra,
  };
}
