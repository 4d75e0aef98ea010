/**
 * The provider's only output channel. Inside the Pulumi dynamic-provider host, stdout lines
 * become Info diagnostics on the stack row and stderr lines Infoerr (there is no engine
 * connection for structured logs), so lines are sparse, self-identifying and redacted.
 * Nothing is printed at import time (the host's first stdout line must be its port).
 */
import { processWide } from "./process-state";
import { redactText } from "./redact";

export type LogLevel = "debug" | "info" | "warn";
export type LogSink = (level: LogLevel, line: string) => void;

const defaultSink: LogSink = (level, line) => {
  if (level === "debug" && !process.env.DRPLANE_DEBUG) return;
  if (level === "warn") console.error(line);
  else console.log(line);
};

const state = processWide<{ sink: LogSink }>("log.sink", () => ({ sink: defaultSink }));

/** Tests and the demo capture lines by installing a sink; returns the previous one. */
export function setLogSink(sink: LogSink | undefined): LogSink {
  const previous = state.sink;
  state.sink = sink ?? defaultSink;
  return previous;
}

function emit(level: LogLevel, subject: string, message: string): void {
  state.sink(level, redactText(`drplane ${subject}: ${message}`));
}

export const log = {
  debug: (subject: string, message: string) => emit("debug", subject, message),
  info: (subject: string, message: string) => emit("info", subject, message),
  warn: (subject: string, message: string) => emit("warn", subject, message),
};

/** Keys already warned about, process-wide (two loaded copies warn once between them). */
const warnedOnce = processWide("log.warnedOnce", () => new Set<string>());
/** Warn once per process for a given key (e.g. "insecure TLS to https://a:443"). */
export function warnOnce(key: string, subject: string, message: string): void {
  if (warnedOnce.has(key)) return;
  warnedOnce.add(key);
  log.warn(subject, message);
}
