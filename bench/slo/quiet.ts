/**
 * Pauses the loopback Swift's container-updater for the length of the measurement. The test
 * backend runs it every 2 s (so that account statistics converge within a test) and each sweep
 * forks workers that walk every container database: on a 2-core machine that takes CPU from
 * the proxy and object server the contenders measure, unevenly. An existing Swift (no log
 * directory of ours) is left alone. The updater resumes when the bench ends, also on Ctrl-C.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { SwiftTestEnv } from "../../test/swift/backend";

/** Returns what resumes it (a no-op when nothing was paused), and a line saying what was done. */
export function pauseLoopbackUpdater(env: SwiftTestEnv): { resume: () => void; said: string } {
  const pidFile = env.logDir ? path.join(path.dirname(env.logDir), "run", "updater.pid") : undefined;
  if (!pidFile || !existsSync(pidFile)) return { resume: () => undefined, said: "" };
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  // The script starts each service as its own process group: stop the sweep's workers too.
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* not running: nothing to pause */
      }
    }
  };
  signal("SIGSTOP");
  let resumed = false;
  const resume = () => {
    if (resumed) return;
    resumed = true;
    signal("SIGCONT");
  };
  process.once("exit", resume);
  for (const s of ["SIGINT", "SIGTERM"] as const)
    process.once(s, () => {
      resume();
      process.exit(130);
    });
  return { resume, said: `; the loopback Swift's container-updater (pid ${pid}) paused while measuring` };
}
