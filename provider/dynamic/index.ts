/**
 * What the Pulumi dynamic-provider host runs. Serialized resource shells capture this
 * module by reference (`require("pulumi-drplane/dynamic")`), so its exports are a
 * compatibility contract with every existing stack's state: `configure(config)` and
 * `dispatch(kind, method, ...args)`, versioned by HANDLER_API_VERSION.
 */
import { setStackCredentials, CONFIG_KEY } from "../core/credentials";
import { isDrplaneError } from "../core/errors";
import { log } from "../core/log";
import { installHostLifecycle, trackOperation } from "./host-lifecycle";
import { redactText } from "../core/redact";
import type { Handler } from "./kit";
import { remoteStorageHandler, KIND as REMOTE_STORAGE } from "./remote-storage";
import { vrgAlarmServerHandler, KIND as VRG_ALARM_SERVER } from "./vrg-alarm-server";
import { vrgPairingHandler, KIND as VRG_PAIRING } from "./vrg-pairing";
import { vmDrStrategyHandler, KIND as VM_DR_STRATEGY } from "./vrg-strategy";
import { swiftContainerHandler, KIND as SWIFT_CONTAINER } from "./swift-container";
import { swiftObjectHandler, KIND as SWIFT_OBJECT } from "./swift-object";
import { sloObjectHandler, KIND as SLO_OBJECT } from "./swift-slo-object";
import { vmHandler, KIND as VM } from "./ovirt-vm";
import { ovirtStorageDomainHandler, KIND as OVIRT_STORAGE_DOMAIN } from "./ovirt-storage-domain";
import { ovirtHostApprovalHandler, KIND as OVIRT_HOST_APPROVAL } from "./ovirt-host-approval";
import { nseFileShareHandler, KIND as NSE_FILE_SHARE } from "./nse-fileshare";
import { nseSnapshotHandler, KIND as NSE_SNAPSHOT } from "./nse-snapshot";

/** Bump on an incompatible change of `dispatch`'s contract; old shells keep calling v1. */
export const HANDLER_API_VERSION = 1;

export const handlers: Readonly<Record<string, Handler>> = {
  [REMOTE_STORAGE]: remoteStorageHandler,
  [VRG_PAIRING]: vrgPairingHandler,
  [VM_DR_STRATEGY]: vmDrStrategyHandler,
  [VRG_ALARM_SERVER]: vrgAlarmServerHandler,
  [SWIFT_CONTAINER]: swiftContainerHandler,
  [SWIFT_OBJECT]: swiftObjectHandler,
  [SLO_OBJECT]: sloObjectHandler,
  [VM]: vmHandler,
  [OVIRT_STORAGE_DOMAIN]: ovirtStorageDomainHandler,
  [OVIRT_HOST_APPROVAL]: ovirtHostApprovalHandler,
  [NSE_FILE_SHARE]: nseFileShareHandler,
  [NSE_SNAPSHOT]: nseSnapshotHandler,
};

export type Method = keyof Handler;

interface ConfigLike {
  get(key: string): string | undefined;
}

/**
 * Reads the stack's secret config. Synchronous: the host caches the provider before
 * `configure` resolves, so everything is assigned before any await.
 */
export function configure(config: ConfigLike | undefined): void {
  setStackCredentials(config?.get(CONFIG_KEY));
}

installHostLifecycle();

export async function dispatch(kind: string, method: Method, ...args: unknown[]): Promise<unknown> {
  const handler = handlers[kind];
  if (!handler) {
    throw new Error(
      `pulumi-drplane: no handler for resource kind "${kind}"; is the installed package older than the program's?`,
    );
  }
  const fn = handler[method] as (...a: unknown[]) => Promise<unknown>;
  const done = trackOperation();
  try {
    log.debug(kind, `${method} start`);
    return await fn.apply(handler, args);
  } catch (err) {
    throw sanitize(err);
  } finally {
    done();
  }
}

/** Last line of defence: no secret leaves in an error message or stack. */
function sanitize(err: unknown): unknown {
  if (err instanceof Error) {
    err.message = redactText(err.message);
    if (err.stack) err.stack = redactText(err.stack);
    if (!isDrplaneError(err) && !("properties" in err)) err.message = `pulumi-drplane: ${err.message}`;
    return err;
  }
  return new Error(redactText(String(err)));
}
