/**
 * runProgram: runs a Pulumi TypeScript program, exactly as written, under
 * `pulumi.runtime.setMocks`, with the mock's `newResource` forwarding every resource to the
 * real dynamic-provider host (ProviderHost, harness.ts) and a small JSON state file standing
 * in for the stack's checkpoint (DESIGN §6 "Running a whole program without the CLI").
 *
 * THIS IS A TEST AND DEMO DEVICE, NOT THE PULUMI ENGINE. It sequences the provider calls the
 * way the engine does for the cases our resources need:
 *   preview  Check (+ Diff when in state); nothing is created and the state is not written.
 *   up       Check, then Create when not in state; else Diff, then nothing ("same"), Update,
 *            or a replace (Delete then Create when deleteBeforeReplace, else Create then
 *            Delete); resources in state the program no longer declares are deleted in
 *            reverse dependency order (only when the program and every registration
 *            succeeded, as the engine does). A create that fails with ErrorResourceInitFailed
 *            is recorded with its id, properties and init errors; the next up updates it.
 *   refresh  Read of every resource in state (the program is not run, as `pulumi refresh`);
 *            an empty id drops it; changed outputs/inputs are recorded.
 *   destroy  Delete of every resource in state in reverse dependency order.
 * A replacement is checked again without olds, as the engine does for autonaming.
 * Not modelled: secret annotation (secret inputs are unwrapped and stored in plain text),
 * ignoreChanges, protect, retainOnDelete, aliases, import and `get`, invokes, component
 * resources in state, engine parallelism limits, and deferring create-before-delete deletes
 * to the end of the run (here the old object is deleted right after its replacement).
 * With the Pulumi CLI installed, `pulumi up` on the same program is the real path.
 *
 * setMocks state is process-global: runProgram re-installs the mocks on every call, so it can
 * run several times in one process, one call at a time (calls must not overlap).
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InitFailedError, PROJECT, type ProviderHost, type Props } from "./harness";

export type Mode = "preview" | "up" | "refresh" | "destroy";
export type Op =
  "create" | "update" | "replace" | "same" | "delete" | "refresh-drift" | "refresh-gone" | "refresh-same";

/** One provider-managed resource in the state file. */
export interface ResourceState {
  urn: string;
  type: string;
  id: string;
  /** Checked inputs (with __provider), as the engine stores them. */
  inputs: Props;
  /** Outputs as the provider returned them (with __provider). */
  outputs: Props;
  /** URNs this resource depends on (from the program's registration). */
  dependencies: string[];
  deleteBeforeReplace?: boolean;
  /** Set when a create/update failed after the object began to exist; the next up updates it. */
  initErrors?: string[];
}

export interface ProgramState {
  note: string;
  project: string;
  stack: string;
  /** In registration order. */
  resources: ResourceState[];
  outputs: Props;
}

export interface ResourceResult {
  urn: string;
  type: string;
  name: string;
  op: Op;
  durationMs: number;
  id?: string;
  /** Replaced fields, updated fields, or refresh drift ("restServerPort: 1 → 2"). */
  changes?: string[];
  error?: string;
}

export interface RunError {
  urn?: string;
  message: string;
}

export interface RunSummary {
  mode: Mode;
  stack: string;
  resources: ResourceResult[];
  /** Stack outputs (unknown values shown as "[unknown]" in a preview). */
  outputs: Props;
  errors: RunError[];
  ok: boolean;
  durationMs: number;
}

export interface RunOptions {
  mode: Mode;
  host: ProviderHost;
  /** Small JSON state file; created on the first up. */
  statePath: string;
  stack?: string;
  /** Program config: "key" means "<project>:key"; "ns:key" is taken as is. */
  config?: Record<string, string>;
  /** Human-readable progress lines (the demo prints them). */
  log?: (line: string) => void;
}

export type Program = () => unknown;

const STATE_NOTE =
  "Written by test/host/program.ts, a test and demo runner; not a Pulumi checkpoint. The engine is not involved.";
const UNKNOWN = pulumi.runtime.unknownValue;
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function emptyState(stack = "dev"): ProgramState {
  return { note: STATE_NOTE, project: PROJECT, stack, resources: [], outputs: {} };
}

export function readState(statePath: string, stack = "dev"): ProgramState {
  if (!existsSync(statePath)) return emptyState(stack);
  return JSON.parse(readFileSync(statePath, "utf8")) as ProgramState;
}

function writeState(statePath: string, state: ProgramState): void {
  mkdirSync(path.dirname(statePath), { recursive: true });
  const tmp = `${statePath}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  renameSync(tmp, statePath);
}

/**
 * Loads a program module as Pulumi runs it: its export is the program function
 * (`export = async () => { … }`). Checks that it shares this runner's @pulumi/pulumi (a
 * resource built with another copy never reaches these mocks) and that it gets pulumi-drplane
 * from a node_modules folder (the repository's own dist/ would be serialized by value).
 */
export function loadProgram(modulePath: string): Program {
  // Resolve as the program's own module does (paths: [dir] would apply our package scope).
  const resolveFromProgram = createRequire(require.resolve(modulePath)).resolve;
  const sdk = resolveFromProgram("@pulumi/pulumi");
  if (sdk !== require.resolve("@pulumi/pulumi")) {
    throw new Error(
      `${modulePath} loads its own @pulumi/pulumi (${sdk}); remove that node_modules folder: the runner ` +
        `uses the repository's packages and the staged pulumi-drplane`,
    );
  }
  const pkg = resolveFromProgram("pulumi-drplane");
  if (!pkg.includes(`${path.sep}node_modules${path.sep}pulumi-drplane${path.sep}`)) {
    throw new Error(
      `${modulePath} resolves pulumi-drplane to ${pkg}, not to a node_modules copy; stage it first`,
    );
  }
  const program: unknown = require(modulePath);
  if (typeof program !== "function") throw new Error(`${modulePath} does not export a program function`);
  return program as Program;
}

/** Runs `program` in the given mode; never throws for provider or program errors (see `errors`). */
export async function runProgram(program: Program, opts: RunOptions): Promise<RunSummary> {
  const run = new Run(opts);
  return run.execute(program);
}

/** What the program registered: captured from the RegisterResourceRequest. */
interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  dependencies: string[];
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
}

class Run {
  private readonly stack: string;
  private readonly state: ProgramState;
  private readonly results: ResourceResult[] = [];
  private readonly errors: RunError[] = [];
  private readonly registered = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private handoff: Registration | undefined;
  private stackOutputs: Props = {};
  private readonly log: (line: string) => void;

  constructor(private readonly opts: RunOptions) {
    this.stack = opts.stack ?? "dev";
    this.state = readState(opts.statePath, this.stack);
    this.log = opts.log ?? (() => {});
  }

  private get preview(): boolean {
    return this.opts.mode === "preview";
  }

  async execute(program: Program): Promise<RunSummary> {
    const started = Date.now();
    const tag = this.preview ? "preview" : this.opts.mode;
    this.log(
      `[runner] ${tag} of stack ${PROJECT}/${this.stack} (test/host/program.ts: a test runner, not the Pulumi engine)`,
    );
    if (this.opts.mode === "up" || this.opts.mode === "preview") await this.runProgramUnderMocks(program);
    if ((this.opts.mode === "up" || this.preview) && this.errors.length === 0) await this.deleteUndeclared();
    if (this.opts.mode === "refresh") await this.refresh();
    if (this.opts.mode === "destroy") await this.destroy();
    if (!this.preview) {
      if (this.opts.mode === "up" && this.errors.length === 0) this.state.outputs = this.stackOutputs;
      if (this.opts.mode === "destroy" && this.state.resources.length === 0) this.state.outputs = {};
      writeState(this.opts.statePath, this.state);
    }
    return {
      mode: this.opts.mode,
      stack: this.stack,
      resources: this.results,
      outputs: this.opts.mode === "up" || this.preview ? this.stackOutputs : this.state.outputs,
      errors: this.errors,
      ok: this.errors.length === 0,
      durationMs: Date.now() - started,
    };
  }

  // ---- the program under mocks -------------------------------------------------------------

  private async runProgramUnderMocks(program: Program): Promise<void> {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => this.track(this.newResource(args)),
        call: (args) => {
          throw new Error(`invoke ${args.token} is not supported by this test runner`);
        },
      },
      PROJECT,
      this.stack,
      this.preview,
    );
    pulumi.runtime.setAllConfig(qualify(this.opts.config ?? {}));
    this.interceptMonitor();
    const restore = captureUnhandledRejections((err) => this.programError(err));
    try {
      let settled = false;
      const stack = pulumi.runtime
        .runInPulumiStack(async () => program())
        .then(
          () => (settled = true),
          (err) => {
            settled = true;
            this.programError(err);
          },
        );
      await this.quiescent(() => settled);
      if (!settled && this.errors.length === 0) {
        this.errors.push({ message: "the program's stack outputs never resolved" });
      }
      void stack;
      await pulumi.runtime.disconnect();
      await new Promise((r) => setTimeout(r, 20)); // let late rejections surface
    } finally {
      restore();
    }
  }

  /**
   * Waits until the stack settles, or until no registration is pending any more: outputs
   * that depend on a failed resource never resolve (the language host would exit there).
   */
  private async quiescent(settled: () => boolean): Promise<void> {
    const sdk = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
    const rpcQueue = () => require("@pulumi/pulumi/runtime/state").getStore().settings.rpcDone;
    for (;;) {
      const before = rpcQueue();
      await sdk.waitForRPCs();
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      await new Promise((r) => setTimeout(r, 20));
      if (settled() || rpcQueue() === before) return;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.then(
      () => this.inflight.delete(p),
      () => this.inflight.delete(p),
    );
    return p;
  }

  /** Captures registration options the mocks do not pass on (dependencies, deleteBeforeReplace). */
  private interceptMonitor(): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
      const mockUrn: string = monitor.newUrn(req.getParent(), req.getType(), req.getName());
      this.handoff = {
        urn: engineUrn(mockUrn),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        dependencies: (req.getDependenciesList() as string[]).map(engineUrn),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
      };
      try {
        return registerResource(req, callback); // calls mocks.newResource synchronously
      } finally {
        this.handoff = undefined;
      }
    };
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: unknown) => {
      if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
        this.stackOutputs = showUnknowns(req.getOutputs()?.toJavaScript() ?? {});
      }
      return registerResourceOutputs(req, callback);
    };
  }

  private async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const reg = this.handoff;
    if (!reg || reg.type !== args.type || reg.name !== args.name) {
      throw new Error(
        `${args.type} ${args.name}: reading existing resources (get/import) is not supported by this test runner`,
      );
    }
    if (!reg.custom) return { id: undefined, state: args.inputs }; // the Stack and components
    if (this.registered.has(reg.urn)) throw new Error(`duplicate resource URN ${reg.urn}`);
    this.registered.add(reg.urn);
    if (reg.ignoreChanges.length > 0) {
      throw this.fail(reg.urn, `ignoreChanges is not supported by this test runner`);
    }
    return this.register(reg, toWire(args.inputs));
  }

  private async checked(reg: Registration, olds: Props, news: Props): Promise<Props> {
    const { inputs, failures } = await this.opts.host.check(reg.urn, olds, news);
    if (failures.length > 0) {
      const detail = failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      throw new Error(`check failed: ${detail}`);
    }
    return inputs;
  }

  /** One resource, as the engine's step generator would handle it in this mode. */
  private async register(reg: Registration, news: Props): Promise<pulumi.runtime.MockResourceResult> {
    const host = this.opts.host;
    const old = this.find(reg.urn);
    return this.step(reg, old ? "same" : "create", async (result) => {
      const inputs = await this.checked(reg, old?.inputs ?? {}, news);
      if (!old) {
        if (this.preview) return { id: undefined, state: inputs }; // outputs stay unknown
        const created = await this.create(reg, inputs);
        result.id = created.id;
        return { id: created.id, state: created.outputs };
      }
      const diff = await host.diff(old.id, reg.urn, old.outputs, inputs);
      result.op = this.opFor(diff, old, inputs);
      result.id = old.id;
      if (result.op === "replace") result.changes = diff.replaces;
      if (result.op === "update") result.changes = changedKeys(old.inputs, inputs);
      if (result.op === "same") {
        if (!this.preview) this.put({ ...old, inputs, dependencies: reg.dependencies });
        return { id: old.id, state: old.outputs };
      }
      if (this.preview) return { id: old.id, state: inputs };
      if (result.op === "update") {
        const outputs = await this.partialAware(reg, old.id, inputs, () =>
          host.update(old.id, reg.urn, old.outputs, inputs),
        );
        this.put({ ...withoutInitErrors(old), inputs, outputs, dependencies: reg.dependencies });
        return { id: old.id, state: outputs };
      }
      // The engine checks a replacement again without olds (so autonaming picks a new name).
      const fresh = await this.checked(reg, {}, news);
      const deleteFirst = diff.deleteBeforeReplace || reg.deleteBeforeReplace;
      if (deleteFirst) {
        await host.delete(old.id, reg.urn, old.outputs);
        this.remove(reg.urn);
      }
      const created = await this.create(reg, fresh);
      if (!deleteFirst) await host.delete(old.id, reg.urn, old.outputs);
      result.id = created.id;
      return { id: created.id, state: created.outputs };
    });
  }

  private async create(reg: Registration, inputs: Props): Promise<ResourceState> {
    const properties = await this.partialAware(reg, undefined, inputs, () =>
      this.opts.host.create(reg.urn, inputs),
    );
    const record: ResourceState = {
      urn: reg.urn,
      type: reg.type,
      id: properties.id,
      inputs,
      outputs: properties.properties,
      dependencies: reg.dependencies,
      ...(reg.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
    };
    this.put(record);
    return record;
  }

  /** An ErrorResourceInitFailed still records the object (id, properties), as the engine does. */
  private async partialAware<T>(
    reg: Registration,
    id: string | undefined,
    inputs: Props,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof InitFailedError) {
        this.put({
          urn: reg.urn,
          type: reg.type,
          id: err.id || id || "",
          inputs,
          outputs: err.properties,
          dependencies: reg.dependencies,
          initErrors: err.reasons.length > 0 ? err.reasons : [err.message],
        });
      }
      throw err;
    }
  }

  private opFor(diff: { changes: string; replaces: string[] }, old: ResourceState, inputs: Props): Op {
    if (diff.replaces.length > 0) return "replace";
    if (diff.changes === "some") return "update";
    if (diff.changes === "unknown" && changedKeys(old.inputs, inputs).length > 0) return "update";
    return old.initErrors?.length ? "update" : "same";
  }

  /** Times one resource step, records its result, and turns failures into summary errors. */
  private async step<T>(reg: Registration, op: Op, body: (result: ResourceResult) => Promise<T>): Promise<T> {
    const result: ResourceResult = { urn: reg.urn, type: reg.type, name: reg.name, op, durationMs: 0 };
    const started = Date.now();
    this.log(`[runner]   ${label(reg.type, reg.name)}: ${this.preview ? "previewing" : "working"}…`);
    try {
      const out = await body(result);
      result.durationMs = Date.now() - started;
      this.results.push(result);
      this.log(`[runner]   ${describe(result, this.preview)}`);
      return out;
    } catch (err) {
      result.durationMs = Date.now() - started;
      result.error = message(err);
      this.results.push(result);
      this.log(`[runner]   ${describe(result, this.preview)}`);
      throw this.fail(reg.urn, result.error);
    }
  }

  private fail(urn: string, msg: string): Error {
    this.errors.push({ urn, message: msg });
    return new Error(msg);
  }

  private programError(err: unknown): void {
    const msg = message(err);
    // A failed registration rejects every dependent Output; report each cause once.
    if (this.errors.some((e) => msg.includes(e.message) || e.message === msg)) return;
    this.errors.push({ message: msg });
  }

  // ---- state -------------------------------------------------------------------------------

  private find(urn: string): ResourceState | undefined {
    return this.state.resources.find((r) => r.urn === urn);
  }

  private put(record: ResourceState): void {
    const i = this.state.resources.findIndex((r) => r.urn === record.urn);
    if (i >= 0) this.state.resources[i] = record;
    else this.state.resources.push(record);
    writeState(this.opts.statePath, this.state);
  }

  private remove(urn: string): void {
    this.state.resources = this.state.resources.filter((r) => r.urn !== urn);
    writeState(this.opts.statePath, this.state);
  }

  // ---- deletes, refresh, destroy ------------------------------------------------------------

  private async deleteUndeclared(): Promise<void> {
    const gone = this.state.resources.filter((r) => !this.registered.has(r.urn));
    if (!this.preview) return this.deleteInOrder(gone);
    for (const r of gone.reverse()) {
      const result: ResourceResult = {
        urn: r.urn,
        type: r.type,
        name: nameOf(r.urn),
        op: "delete",
        durationMs: 0,
        id: r.id,
      };
      this.results.push(result);
      this.log(`[runner]   ${describe(result, true)}`);
    }
  }

  private async destroy(): Promise<void> {
    await this.deleteInOrder([...this.state.resources]);
  }

  /** Deletes dependants before what they depend on; a failed delete keeps its dependencies. */
  private async deleteInOrder(targets: ResourceState[]): Promise<void> {
    const pending = new Map(targets.map((r) => [r.urn, r]));
    for (;;) {
      const ready = [...pending.values()]
        .reverse()
        .find((r) => !this.state.resources.some((o) => o.urn !== r.urn && o.dependencies.includes(r.urn)));
      if (!ready) break;
      pending.delete(ready.urn);
      const reg = { urn: ready.urn, type: ready.type, name: nameOf(ready.urn) } as Registration;
      await this.step(reg, "delete", async (result) => {
        result.id = ready.id;
        await this.opts.host.delete(ready.id, ready.urn, ready.outputs);
        this.remove(ready.urn);
      }).catch(() => undefined);
    }
    for (const r of pending.values()) {
      this.errors.push({
        urn: r.urn,
        message: "not deleted: a resource that depends on it could not be deleted",
      });
    }
  }

  private async refresh(): Promise<void> {
    await Promise.all(
      [...this.state.resources].map((old) => {
        const reg = { urn: old.urn, type: old.type, name: nameOf(old.urn) } as Registration;
        return this.step(reg, "refresh-same", async (result) => {
          result.id = old.id;
          const read = await this.opts.host.read(old.id, old.urn, old.outputs, old.inputs);
          if (!read.id) {
            result.op = "refresh-gone";
            this.remove(old.urn);
            return;
          }
          const inputs = Object.keys(read.inputs).length > 0 ? read.inputs : old.inputs;
          // Drift is a change of the live object (its outputs), as `pulumi refresh` shows it;
          // inputs the provider re-derives are recorded and listed, but are not drift alone.
          const changed = drift(old.outputs, read.properties, "");
          result.op = changed.length > 0 || read.id !== old.id ? "refresh-drift" : "refresh-same";
          const changes = [...changed, ...drift(old.inputs, inputs, "input ")];
          if (changes.length > 0) result.changes = changes;
          this.put({ ...old, id: read.id, outputs: read.properties, inputs });
        }).catch(() => undefined);
      }),
    );
  }
}

// ---- helpers ---------------------------------------------------------------------------------

/** The engine does not qualify a top-level resource's type with the root stack's. */
function engineUrn(mockUrn: string): string {
  return mockUrn.replace("::pulumi:pulumi:Stack$", "::");
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function qualify(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]),
  );
}

/** Inputs as the engine sends them to a provider that does not accept secrets or unknowns. */
function toWire(value: unknown): any {
  if (pulumi.Output.isInstance(value)) throw new Error("unexpected Output in mock inputs");
  if (pulumi.isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") {
    const obj = value as Props;
    if (obj[SECRET_SIG] === SECRET_VALUE) return toWire(obj.value);
    const out: Props = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

function showUnknowns(value: unknown): any {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(showUnknowns);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, showUnknowns(v)]));
  }
  return value;
}

function withoutInitErrors(r: ResourceState): ResourceState {
  const { initErrors: _initErrors, ...rest } = r;
  return rest;
}

/** Top-level keys whose values differ (internal "__" keys ignored). */
function changedKeys(a: Props, b: Props): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => !k.startsWith("__") && canonical(a?.[k]) !== canonical(b?.[k])).sort();
}

/** JSON with sorted object keys, so key order is never a change. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p.localeCompare(q)))
      : x,
  );
}

function drift(a: Props, b: Props, prefix: string): string[] {
  return changedKeys(a, b).map((k) => `${prefix}${k}: ${short(a?.[k])} → ${short(b?.[k])}`);
}

function short(v: unknown): string {
  const s = v === undefined ? "(none)" : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function label(type: string, name: string): string {
  return `${type.slice(type.lastIndexOf(":") + 1)}/${name}`;
}

function describe(r: ResourceResult, preview: boolean): string {
  const verb = r.op === "same" ? "no change" : preview ? `would ${r.op}` : r.op;
  const extra = r.changes?.length ? ` [${r.changes.join("; ")}]` : "";
  const id = r.id ? ` id=${r.id}` : "";
  const status = r.error ? ` FAILED: ${r.error}` : "";
  return `${label(r.type, r.name)}: ${verb}${extra}${id} (${(r.durationMs / 1000).toFixed(1)} s)${status}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * While a program runs, unhandled rejections (every Output that depended on a failed
 * registration) are errors of the run, not of the process: the language host does the same.
 */
function captureUnhandledRejections(onError: (err: unknown) => void): () => void {
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const handler = (reason: unknown) => onError(reason);
  process.on("unhandledRejection", handler);
  return () => {
    process.off("unhandledRejection", handler);
    for (const l of previous) process.on("unhandledRejection", l);
  };
}
