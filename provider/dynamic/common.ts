/**
 * Shared pieces of the handlers: the handler contract, connection and timeout schemas,
 * progress lines, and helpers for diff and outputs. Schemas are built here (never in
 * serialized code: zod objects cannot be serialized by Pulumi's closure serializer).
 */
import { z } from "zod";
import { log } from "../core/log";
import { stripInternal } from "../core/schema";

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

export type Props = Record<string, any>;

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export const connectionSchema = z
  .object({
    endpoint: z
      .string()
      .url("must be a URL such as https://192.0.2.100:443")
      .refine((u) => /^https?:\/\//.test(u), "must start with https:// (or http:// for a lab)"),
    profile: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]{1,64}$/,
        "letters, digits, '_', '.', '-' only (it names DRPLANE_<PROFILE>_PASSWORD)",
      ),
    username: z.string().min(1).optional(),
    caBundle: z.string().min(1).optional(),
    insecure: z.boolean().optional(),
  })
  .strict();
export type ConnectionInput = z.infer<typeof connectionSchema>;

/** Fields of a connection that only say how to authenticate: never a diff. */
export const CREDENTIAL_FIELDS = ["profile", "username"] as const;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
export const durationSchema = z.union([
  z.number().int().positive(),
  z.string().regex(DURATION, 'a duration such as "90s", "20m" or "1h", or milliseconds'),
]);

export function durationMs(value: number | string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (typeof value === "number") return value;
  const [, n, unit] = DURATION.exec(value) ?? [];
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"];
  return Math.round(Number(n) * factor);
}

export const timeoutsSchema = z
  .object({
    create: durationSchema.optional(),
    update: durationSchema.optional(),
    delete: durationSchema.optional(),
  })
  .strict();

/** A progress callback that prints `drplane <Kind>/<name>: message` (sparse, redacted). */
export function progress(kind: string, props: Props): (message: string) => void {
  const name = typeof props.__drplaneName === "string" ? props.__drplaneName : "?";
  return (message) => log.info(`${kind}/${name}`, message);
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

/** The old inputs recorded inside outputs (we return inputs as part of outs). */
export function inputsOf(props: Props): Props {
  return stripInternal(props);
}

/**
 * Outputs hold the inputs plus resolved and computed values, some under the same names
 * (e.g. a defaulted restServerPort). They also record which input names were declared, so
 * `read` can hand back exactly the declared inputs (the host does not pass inputs to read).
 */
const DECLARED = "__declaredInputs";

export function withDeclared(outs: Props, inputs: Props): Props {
  return { ...outs, [DECLARED]: Object.keys(stripInternal(inputs)).sort() };
}

/** The declared inputs recorded in `props`; for older state, every non-computed key. */
export function declaredInputs(props: Props, computed: readonly string[]): Props {
  const keys: unknown = props[DECLARED];
  const all = inputsOf(props);
  if (!Array.isArray(keys)) return omitKeys(all, computed);
  return Object.fromEntries(
    keys.filter((k): k is string => typeof k === "string" && k in all).map((k) => [k, all[k]]),
  );
}

export function omitKeys<T extends Props>(obj: T | undefined, keys: readonly string[]): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(obj ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}
