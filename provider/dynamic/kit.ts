/**
 * The handler kit: what every resource handler does the same way, written once. A resource
 * is a `ResourceFlow` (schema + vendor flow + state mapping) and `defineHandler` turns it
 * into the host's `Handler`:
 * - check validates with the schema and keeps the logical name (`__drplaneName`);
 * - each operation gets its timeout (update falls back to create) and a progress callback;
 * - outputs record which inputs were declared, and `read` hands back exactly those inputs
 *   (with the live values the flow put in the outputs): the one read-inputs mechanism;
 * - a create that failed after the vendor acted is recorded (`partialCreate`: a
 *   `ResourceInitError` carrying `__provider`), so the next `pulumi up` converges instead of
 *   creating twice;
 * - credentials (who we are) are never a diff: `withoutCredentials`.
 */
import type { z } from "zod";
import { ResourceInitError } from "../core/errors";
import { log } from "../core/log";
import { checkWith, stripInternal } from "../core/schema";
import { durationMs } from "../inputs/common";
import type { Props } from "../inputs/props";

export type { Props };

/** The methods a handler implements; mirrors pulumi.dynamic.ResourceProvider. */
export interface Handler {
  check(
    olds: Props,
    news: Props,
  ): Promise<{ inputs?: Props; failures?: Array<{ property: string; reason: string }> }>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

type Operation = "create" | "update" | "delete";

/** What the kit hands each operation of a flow. */
export interface OpContext {
  kind: string;
  /** "VrgPairing site-a" (the logical name when the engine gave one). */
  label: string;
  /** This operation's timeout: `timeouts.<op>`, update falling back to create, else the default. */
  timeoutMs: number;
  /** Prints `drplane <Kind>/<name>: message` (sparse, redacted). */
  say: (message: string) => void;
}

export interface ResourceFlow {
  kind: string;
  /** Built on each call (zod objects must not be captured by serialized code). */
  schema: () => z.ZodType;
  defaultTimeoutMs: number;
  /** Output-only keys: tell inputs from outputs in state written before inputs were recorded. */
  computed: readonly string[];
  diff(olds: Props, news: Props): DiffResult;
  create(inputs: Props, ctx: OpContext): Promise<{ id: string; outs: Props }>;
  /** The live outputs (declared inputs take their live values here), or undefined when gone. */
  read(id: string, props: Props, ctx: OpContext): Promise<Props | undefined>;
  update(id: string, olds: Props, news: Props, ctx: OpContext): Promise<Props>;
  delete(id: string, props: Props, ctx: OpContext): Promise<void>;
}

export function defineHandler(flow: ResourceFlow): Handler {
  const context = (props: Props, op: Operation): OpContext => ({
    kind: flow.kind,
    label: `${flow.kind} ${typeof props.__drplaneName === "string" ? props.__drplaneName : ""}`.trim(),
    timeoutMs: timeoutOf(props, op, flow.defaultTimeoutMs),
    say: progress(flow.kind, props),
  });
  return {
    async check(_olds, news) {
      const { inputs, failures } = checkWith(flow.schema(), news);
      return { inputs: keepName(inputs as Props, news), failures };
    },

    async diff(_id, olds, news) {
      return flow.diff(olds, news);
    },

    async create(inputs) {
      const r = await flow.create(inputs, context(inputs, "create"));
      return { id: r.id, outs: recorded(r.outs, inputs) };
    },

    async read(id, props) {
      const live = await flow.read(id, props, context(props, "update"));
      if (!live) return {};
      const outs = { ...live, ...internalOf(props) };
      return { id, props: outs, inputs: keepName(declaredInputs(outs, flow.computed), props) };
    },

    async update(id, olds, news) {
      return { outs: recorded(await flow.update(id, olds, news, context(news, "update")), news) };
    },

    async delete(id, props) {
      await flow.delete(id, props, context(props, "delete"));
    },
  };
}

/**
 * The error a create throws when it failed after the vendor acted (a job that timed out, a
 * strategy set with a failed volume): the engine records `outs` under `id`, so the next
 * `pulumi up` updates (converges) and destroy deletes, instead of a second create.
 */
export function partialCreate(inputs: Props, id: string, outs: Props, cause: unknown): ResourceInitError {
  return new ResourceInitError(id, { ...recorded(outs, inputs), __provider: inputs.__provider }, cause);
}

/** The timeout of an operation; an update without its own falls back to the create's. */
export function timeoutOf(props: Props, op: Operation, fallbackMs: number): number {
  const t = props.timeouts as Partial<Record<Operation, number | string>> | undefined;
  return durationMs(op === "update" ? (t?.update ?? t?.create) : t?.[op], fallbackMs);
}

/** A progress callback that prints `drplane <Kind>/<name>: message` (sparse, redacted). */
export function progress(kind: string, props: Props): (message: string) => void {
  const name = typeof props.__drplaneName === "string" ? props.__drplaneName : "?";
  return (message) => log.info(`${kind}/${name}`, message);
}

/** Keeps the resource's logical name (progress lines, messages) in what a handler returns. */
export function keepName(out: Props, from: Props): Props {
  return typeof from.__drplaneName === "string" ? { ...out, __drplaneName: from.__drplaneName } : out;
}

/**
 * Outputs hold the inputs plus resolved and computed values, some under the same names
 * (e.g. a defaulted restServerPort). They also record which input names were declared, so
 * `read` can hand back exactly the declared inputs (the host does not pass inputs to read).
 */
const DECLARED = "__declaredInputs";

/** Outputs as recorded: no engine-internal key of the flow's (the host adds `__provider`). */
function recorded(outs: Props, inputs: Props): Props {
  return keepName({ ...stripInternal(outs), [DECLARED]: Object.keys(stripInternal(inputs)).sort() }, inputs);
}

/** The internal keys a read keeps from the recorded state (declared inputs, name). */
function internalOf(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([k]) => k === DECLARED || k === "__drplaneName"));
}

/** The declared inputs recorded in `props`; for older state, every non-computed key. */
export function declaredInputs(props: Props, computed: readonly string[]): Props {
  const keys: unknown = props[DECLARED];
  const all = stripInternal(props);
  if (!Array.isArray(keys)) return omitKeys(all, computed);
  return Object.fromEntries(
    keys.filter((k): k is string => typeof k === "string" && k in all).map((k) => [k, all[k]]),
  );
}

/** Fields of a connection that only say who we are: never a diff (rotation, profile renames). */
export const CREDENTIAL_FIELDS = ["profile", "username", "userId", "userDomainId", "userDomainName"] as const;

/** A connection without its credential fields, for comparison. */
export function withoutCredentials(conn: Props | undefined): Props {
  return omitKeys(conn, CREDENTIAL_FIELDS);
}

/**
 * Whether the declared inputs changed in a way that updates in place: every input except
 * `ignore` (the fields the flow's own rules handle), with each connection-like value
 * (an object holding a credential `profile`) compared without its credentials.
 */
export function inputsChanged(
  olds: Props,
  news: Props,
  computed: readonly string[],
  ignore: readonly string[] = [],
): boolean {
  const comparable = (p: Props) =>
    Object.fromEntries(
      Object.entries(omitKeys(p, ignore)).map(([k, v]) => [
        k,
        v && typeof v === "object" && !Array.isArray(v) && "profile" in v
          ? withoutCredentials(v as Props)
          : v,
      ]),
    );
  return !same(comparable(declaredInputs(olds, computed)), comparable(stripInternal(news)));
}

/** Deep equality for JSON-like values (inputs after stripping internal keys). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => x !== undefined && !k.startsWith("__"))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

export function omitKeys(obj: Props | undefined, keys: readonly string[]): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(obj ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}
