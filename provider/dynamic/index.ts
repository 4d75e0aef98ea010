/**
 * What the Pulumi dynamic-provider host runs. Serialized resource shells capture this
 * module by reference (`require("pulumi-drplane/dynamic")`), so its exports are a
 * compatibility contract with every existing stack's state: `configure(config)` and
 * `dispatch(kind, method, ...args)`, versioned by HANDLER_API_VERSION.
 */
import { setStackCredentials, CONFIG_KEY } from "../core/credentials";
import { isDrplaneError } from "../core/errors";
import { log } from "../core/log";
import { processWide } from "../core/process-state";
import { drainSessions } from "../core/session";
import { redactText } from "../core/redact";
import type { Handler } from "./common";
import { remoteStorageHandler, KIND as REMOTE_STORAGE } from "./remote-storage";
import { vrgAlarmServerHandler, KIND as VRG_ALARM_SERVER } from "./vrg-alarm-server";
import { vrgPairingHandler, KIND as VRG_PAIRING } from "./vrg-pairing";
import { vmDrStrategyHandler, KIND as VM_DR_STRATEGY } from "./vrg-strategy";
import { swiftContainerHandler, KIND as SWIFT_CONTAINER } from "./swift-container";
import { swiftObjectHandler, KIND as SWIFT_OBJECT } from "./swift-object";
import { sloObjectHandler, KIND as SLO_OBJECT } from "./swift-slo-object";

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

/** How long the engine waits after its SIGINT before it kills a plugin (sdk plugin.go: 5 s). */
const ENGINE_KILL_GRACE_MS = 5000;

/**
 * The engine ends the provider host at the end of every command with SIGINT to its process
 * group, and kills it 5 s later. Lingering vendor sessions (a VRG token kept for the next
 * call) are logged out in that window instead of staying live on the system until they
 * expire; sessions still in use by an operation are left alone. Installed once per process,
 * and only here: this module is loaded by the provider host, never by a program.
 */
function logoutOnShutdown(): void {
  const installed = processWide("shutdown.handler", () => ({ done: false }));
  if (installed.done) return;
  installed.done = true;
  const stop = (signal: NodeJS.Signals) => {
    const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
    setTimeout(exit, ENGINE_KILL_GRACE_MS - 1000).unref();
    drainSessions().then(exit, exit);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
logoutOnShutdown();

export async function dispatch(kind: string, method: Method, ...args: unknown[]): Promise<unknown> {
  const handler = handlers[kind];
  if (!handler) {
    throw new Error(
      `pulumi-drplane: no handler for resource kind "${kind}"; is the installed package older than the program's?`,
    );
  }
  const fn = handler[method] as (...a: unknown[]) => Promise<unknown>;
  try {
    log.debug(kind, `${method} start`);
    return await fn.apply(handler, args);
  } catch (err) {
    throw sanitize(err);
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
