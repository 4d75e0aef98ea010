/**
 * One Pulumi stack of a program folder, driven through the real `pulumi` CLI as a user runs it
 * (`pulumi stack init`, `config set`, `preview`, `up`, `refresh`, `destroy`, `stack export`),
 * on a local file backend with the passphrase secrets provider. Each command's engine events
 * (`--event-log`) are read back into what happened to each resource, so tests and the demo
 * judge the engine's own account, not a guess from its text output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { pulumiEnv } from "./cli";
import { tempDir } from "./program-dir";

/** What happened to one resource in a command (refresh ops are refresh-*). */
export type Op =
  "create" | "same" | "update" | "replace" | "delete" | "refresh-same" | "refresh-drift" | "refresh-gone";

export interface ResourceOp {
  urn: string;
  /** The resource's logical name (last URN segment). */
  name: string;
  type: string;
  op: Op;
  failed: boolean;
  /** Raw engine ops seen for it, in order (e.g. create-replacement, replace, delete-replaced). */
  steps: string[];
}

export interface CommandResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Custom resources only (not the stack, not providers). */
  resources: ResourceOp[];
  /** Error diagnostics, as the engine reported them. */
  errors: { urn?: string; message: string }[];
  /** Every diagnostic line (info and error), what the provider printed included. */
  diagnostics: string[];
}

export interface RunOptions {
  /** Called with each chunk the CLI writes (stdout and stderr), e.g. to show it live. */
  onOutput?: (chunk: string) => void;
  /** Text for the CLI's stdin (`config set --secret` reads the value from it). */
  input?: string;
  /** Called once the process has started (interruption tests signal it). */
  onSpawn?: (child: ChildProcess) => void;
}

type EngineEvent = Record<string, unknown> & { sequence?: number };
interface StepMetadata {
  op?: string;
  urn?: string;
  type?: string;
}

const ENGINE_TYPES = /^pulumi:(pulumi:Stack|providers:)/;
/** Colour directives the engine leaves in diagnostic messages. */
const COLOR = /<\{%[^%]*%\}>/g;

export class EngineStack {
  readonly env: NodeJS.ProcessEnv;
  private events = 0;

  private constructor(
    readonly programDir: string,
    readonly name: string,
    readonly workDir: string,
    env: Record<string, string>,
  ) {
    this.env = pulumiEnv(workDir, env);
  }

  /** `pulumi stack init <name>` in `programDir`, with its own backend under a new temp folder. */
  static async init(
    programDir: string,
    name = "dev",
    opts: { env?: Record<string, string>; workDir?: string } = {},
  ): Promise<EngineStack> {
    const stack = new EngineStack(programDir, name, opts.workDir ?? tempDir("engine"), opts.env ?? {});
    const r = await stack.pulumi(["stack", "init"]);
    if (r.code !== 0) throw new Error(`pulumi stack init ${name} failed:\n${r.stderr}${r.stdout}`);
    return stack;
  }

  /** Runs `pulumi <args> --stack <name>` in the program folder and collects its result. */
  async pulumi(args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const operation = ["preview", "up", "refresh", "destroy"].includes(args[0]!);
    const eventLog = path.join(this.workDir, `events-${++this.events}.jsonl`);
    const full = [
      ...args,
      "--stack",
      this.name,
      "--non-interactive",
      ...(operation ? ["--event-log", eventLog] : []),
    ];
    const started = Date.now();
    const child = spawn("pulumi", full, {
      cwd: this.programDir,
      env: this.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    opts.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      opts.onOutput?.(c);
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      opts.onOutput?.(c);
    });
    child.stdin.end(opts.input ?? "");
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c, s) => resolve([c, s]));
    });
    const result: CommandResult = {
      args: full,
      code,
      signal,
      stdout,
      stderr,
      durationMs: Date.now() - started,
      resources: [],
      errors: [],
      diagnostics: [],
    };
    if (operation) Object.assign(result, readEvents(eventLog, args[0] === "refresh"));
    rmSync(eventLog, { force: true });
    return result;
  }

  preview(extra: string[] = [], opts?: RunOptions): Promise<CommandResult> {
    return this.pulumi(["preview", ...extra], opts);
  }

  up(extra: string[] = [], opts?: RunOptions): Promise<CommandResult> {
    return this.pulumi(["up", "--yes", ...extra], opts);
  }

  refresh(extra: string[] = [], opts?: RunOptions): Promise<CommandResult> {
    return this.pulumi(["refresh", "--yes", ...extra], opts);
  }

  destroy(extra: string[] = [], opts?: RunOptions): Promise<CommandResult> {
    return this.pulumi(["destroy", "--yes", ...extra], opts);
  }

  /** `pulumi config set [--secret] --path <key>`, the value on stdin (never on a command line). */
  async setConfig(key: string, value: string, secret = false): Promise<void> {
    const r = await this.pulumi(["config", "set", "--path", ...(secret ? ["--secret"] : []), key], {
      input: value,
    });
    if (r.code !== 0) throw new Error(`pulumi config set ${key} failed:\n${r.stderr}`);
  }

  /** `pulumi stack export`: the raw checkpoint text (secrets stay encrypted, as on disk). */
  async exportText(): Promise<string> {
    const r = await this.pulumi(["stack", "export"]);
    if (r.code !== 0) throw new Error(`pulumi stack export failed:\n${r.stderr}`);
    return r.stdout;
  }

  /** The resources in the stack's state (custom resources only). */
  async stateResources(): Promise<StateResource[]> {
    const deployment = JSON.parse(await this.exportText()) as {
      deployment?: { resources?: StateResource[]; pending_operations?: unknown[] };
    };
    return (deployment.deployment?.resources ?? []).filter((r) => !ENGINE_TYPES.test(r.type));
  }

  /** Removes the stack and its backend folder (the stack must be empty, or `force`). */
  async remove(force = false): Promise<void> {
    await this.pulumi(["stack", "rm", "--yes", ...(force ? ["--force"] : [])]);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Each resource's operation by logical name, for assertions. */
export const opsOf = (r: CommandResult): Record<string, Op> =>
  Object.fromEntries(r.resources.map((x) => [x.name, x.op]));

/** The end of a command's output, for an assertion's message. */
export const explain = (r: CommandResult): string =>
  `exit ${r.code ?? r.signal}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

/** The logical name of a URN (`…::site-link` → `site-link`). */
export const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * Reads an engine event log (one JSON event a line). `pulumi up` without --skip-preview logs
 * its preview first: only the events after the last prelude (the update itself) count.
 */
function readEvents(
  file: string,
  refresh: boolean,
): Pick<CommandResult, "resources" | "errors" | "diagnostics"> {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return { resources: [], errors: [], diagnostics: [] };
  }
  const events = lines.map((l) => JSON.parse(l) as EngineEvent);
  const lastPrelude = events.map((e) => "preludeEvent" in e).lastIndexOf(true);
  const byUrn = new Map<string, ResourceOp>();
  const errors: CommandResult["errors"] = [];
  const diagnostics: string[] = [];
  const entry = (m: StepMetadata): ResourceOp | undefined => {
    if (!m.urn || !m.type || ENGINE_TYPES.test(m.type)) return undefined;
    let r = byUrn.get(m.urn);
    if (!r) {
      r = { urn: m.urn, name: nameOf(m.urn), type: m.type, op: "same", failed: false, steps: [] };
      byUrn.set(m.urn, r);
    }
    return r;
  };
  for (const e of events.slice(Math.max(0, lastPrelude))) {
    const pre = (e.resourcePreEvent as { metadata?: StepMetadata } | undefined)?.metadata;
    const done = (e.resOutputsEvent as { metadata?: StepMetadata } | undefined)?.metadata;
    const failed = (e.resOpFailedEvent as { metadata?: StepMetadata } | undefined)?.metadata;
    for (const m of [pre, done, failed]) {
      const r = m && entry(m);
      if (!r || !m.op) continue;
      if (r.steps[r.steps.length - 1] !== m.op) r.steps.push(m.op);
      if (m === failed) r.failed = true;
    }
    const diag = e.diagnosticEvent as { urn?: string; message?: string; severity?: string } | undefined;
    if (diag?.message) {
      const message = diag.message.replace(COLOR, "").trimEnd();
      diagnostics.push(message);
      if (diag.severity === "error") errors.push({ urn: diag.urn || undefined, message });
    }
  }
  for (const r of byUrn.values()) r.op = summarize(r.steps, refresh);
  return { resources: [...byUrn.values()], errors, diagnostics };
}

/** One word for a resource's engine steps. */
function summarize(steps: string[], refresh: boolean): Op {
  const has = (op: string) => steps.includes(op);
  if (refresh) {
    if (has("delete") || has("discard")) return "refresh-gone";
    if (has("update") || steps.some((s) => s.startsWith("refresh") && s !== "refresh"))
      return "refresh-drift";
    return "refresh-same";
  }
  if (has("replace") || has("create-replacement") || has("delete-replaced")) return "replace";
  for (const op of ["create", "update", "delete"] as const) if (has(op)) return op;
  return "same";
}
