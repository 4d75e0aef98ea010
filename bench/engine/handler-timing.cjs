/**
 * bench/engine's probe for the time spent inside pulumi-drplane's handlers, with no product
 * change: bench/engine/index.ts runs `pulumi` with NODE_OPTIONS=--require <this file> and
 * DRPLANE_BENCH_TIMING=<dir>, so every node process the CLI starts (the program's and each
 * dynamic-provider host) loads it first. When a process loads `pulumi-drplane/dynamic` (the
 * module every resource shell requires), its `dispatch` export is wrapped: each handler call
 * appends one line {pid, kind, method, start, end} (epoch ms, sub-ms precision) to
 * <dir>/<pid>.jsonl, written after the call ends (outside the measured interval). At exit the
 * process appends its lifetime and CPU time. Processes that never dispatch write nothing.
 * Without DRPLANE_BENCH_TIMING this file does nothing.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const { performance } = require("node:perf_hooks");

const dir = process.env.DRPLANE_BENCH_TIMING;
if (dir) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const now = () => performance.timeOrigin + performance.now();
  let dispatched = false;
  const write = (record) => fs.appendFileSync(file, JSON.stringify({ pid: process.pid, ...record }) + "\n");

  const wrap = (exports) => {
    if (!exports || typeof exports.dispatch !== "function" || exports.__benchTimed) return;
    const dispatch = exports.dispatch;
    exports.dispatch = async function timedDispatch(kind, method, ...args) {
      const start = now();
      let ok = false;
      try {
        const result = await dispatch.call(this, kind, method, ...args);
        ok = true;
        return result;
      } finally {
        const end = now();
        if (!dispatched) {
          dispatched = true;
          write({ host: true, started: performance.timeOrigin, argv: process.argv.slice(1, 2) });
        }
        write({ kind, method, start, end, ok });
      }
    };
    Object.defineProperty(exports, "__benchTimed", { value: true });
  };

  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const exports = load.call(this, request, parent, isMain);
    if (
      typeof request === "string" &&
      /pulumi-drplane[\\/](dist[\\/])?dynamic([\\/]index(\.js)?)?$/.test(request)
    )
      wrap(exports);
    return exports;
  };

  process.on("exit", () => {
    if (!dispatched) return;
    const cpu = process.cpuUsage();
    write({ exit: now(), cpuMs: (cpu.user + cpu.system) / 1000 });
  });
}
