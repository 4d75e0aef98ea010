/**
 * The VRG's alarm (trap) receiver (seed 001 §3.2, §3.3): POST trapinfo {ip, port} sets it,
 * `ip` 0.0.0.0 deletes it, GET trapinfo reads it (10440402 when none is set).
 */
import { ConflictError, isDrplaneError } from "../../core/errors";
import type { VrgClient } from "./client";
import { CODE } from "./errors";
import { NO_TRAP_IP, trapInfoWire, type TrapInfo } from "./wire";

/** The configured receiver, or undefined when none is (10440402, or ip 0.0.0.0). */
export async function getAlarmServer(client: VrgClient): Promise<TrapInfo | undefined> {
  try {
    const res = await client.call<unknown>({
      method: "GET",
      path: "/trapinfo",
      operation: "getTrapInfo",
      idempotent: true,
    });
    const t = trapInfoWire.fromWire(res.body);
    if (!t.ip || t.ip === NO_TRAP_IP) return undefined;
    return { ip: t.ip, port: t.port ?? 0 };
  } catch (err) {
    if (isDrplaneError(err, "DRP_NOT_FOUND") && err.meta.vendorCode === CODE.trapInfoMissing)
      return undefined;
    throw err;
  }
}

/** POST trapinfo: sets a value (repeating it is harmless, so it is retried). */
export async function setAlarmServer(client: VrgClient, trap: TrapInfo): Promise<void> {
  await client.callWithBody({
    method: "POST",
    path: "/trapinfo",
    object: "trapinfo",
    write: (style) => trapInfoWire.toWire(trap, style),
    operation: "setTrapInfo",
    idempotent: true,
  });
}

export interface AlarmServerSpec extends TrapInfo {
  client: VrgClient;
  /** Overwrite a receiver set to another address (else that is a conflict). */
  adopt?: boolean;
  onProgress?: (message: string) => void;
}

/** Sets the receiver unless it already is exactly this one; reads it back. */
export async function ensureAlarmServer(
  spec: AlarmServerSpec,
): Promise<{ trap: TrapInfo; adopted: boolean }> {
  const live = await getAlarmServer(spec.client);
  const want = { ip: spec.ip, port: spec.port };
  if (live && live.ip === want.ip && live.port === want.port) {
    spec.onProgress?.(`alarm server ${want.ip}:${want.port} is already set; adopting it`);
    return { trap: live, adopted: true };
  }
  if (live && !spec.adopt) {
    throw new ConflictError(
      `the VRG already sends alarms to ${live.ip}:${live.port}; declared ${want.ip}:${want.port}`,
      {
        meta: {
          vendor: "vrg",
          operation: "setTrapInfo",
          remedy: "set adopt: true to replace it, or declare it",
        },
      },
    );
  }
  await setAlarmServer(spec.client, want);
  const after = await getAlarmServer(spec.client);
  return { trap: after ?? want, adopted: false };
}

/**
 * Restores "no alarm server" (ip 0.0.0.0, §3.2). The port sent is the one being removed (a
 * valid port; the seed does not say which port a deletion carries).
 */
export async function removeAlarmServer(
  client: VrgClient,
  declared: TrapInfo,
): Promise<{ alreadyGone: boolean }> {
  const live = await getAlarmServer(client);
  if (!live) return { alreadyGone: true };
  if (live.ip !== declared.ip || live.port !== declared.port) return { alreadyGone: true };
  await setAlarmServer(client, { ip: NO_TRAP_IP, port: live.port || declared.port });
  return { alreadyGone: false };
}
