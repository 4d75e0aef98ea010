/**
 * The end of a provider host's life. The engine starts one host per command and stops it with
 * SIGINT to its process group (a kill follows 5 s later, sdk plugin.go): lingering vendor
 * sessions (a VRG token kept for the next call) are logged out in that window instead of
 * staying live on the system until they expire. When the engine dies without a word (the CLI
 * killed), the host would run forever: a watchdog notices that the engine's address no longer
 * answers, lets operations in flight finish (a vendor job we started completes and is adopted
 * by the next `pulumi up`), logs out and exits. Sessions still in use are never logged out.
 */
import * as net from "node:net";
import { processWide } from "../core/process-state";
import { drainSessions } from "../core/session";

/** What the engine allows between its SIGINT and its kill, minus a margin. */
const SHUTDOWN_BUDGET_MS = 4000;
const WATCHDOG_INTERVAL_MS = 10_000;
/** Consecutive refused probes before the engine counts as gone (a busy engine still accepts). */
const WATCHDOG_MISSES = 2;

const state = processWide("host.lifecycle", () => ({ installed: false, inFlight: 0 }));

/** Counts an operation in flight; call the returned function when it ends. */
export function trackOperation(): () => void {
  state.inFlight++;
  let ended = false;
  return () => {
    if (!ended) state.inFlight--;
    ended = true;
  };
}

function shutdown(code: number): void {
  const exit = () => process.exit(code);
  setTimeout(exit, SHUTDOWN_BUDGET_MS).unref();
  drainSessions().then(exit, exit);
}

/** The engine address the host was started with (`dynamic-provider/index.js <host:port>`). */
function engineAddress(): { host: string; port: number } | undefined {
  if (!/dynamic-provider[\\/](index\.js)?$/.test(process.argv[1] ?? "")) return undefined;
  const m = /^(.+):(\d+)$/.exec(process.argv[2] ?? "");
  return m ? { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) } : undefined;
}

function probe(addr: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(addr.port, addr.host);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.once("connect", () => done(true));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code !== "ECONNREFUSED"));
    socket.setTimeout(5000, () => done(true));
  });
}

function watchEngine(addr: { host: string; port: number }): void {
  let misses = 0;
  const timer = setInterval(() => {
    void probe(addr).then((alive) => {
      misses = alive ? 0 : misses + 1;
      if (misses >= WATCHDOG_MISSES && state.inFlight === 0) {
        clearInterval(timer);
        shutdown(0);
      }
    });
  }, WATCHDOG_INTERVAL_MS);
  timer.unref();
}

/** Installs the SIGINT/SIGTERM logout and, inside the provider host, the engine watchdog. Once per process. */
export function installHostLifecycle(): void {
  if (state.installed) return;
  state.installed = true;
  process.once("SIGINT", () => shutdown(130));
  process.once("SIGTERM", () => shutdown(143));
  const addr = engineAddress();
  if (addr) watchEngine(addr);
}
