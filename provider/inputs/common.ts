/**
 * Input shapes shared by every resource and data function: the connection of a REST
 * endpoint (where, and which credential profile; never a password), durations, and the
 * per-operation timeouts. Built here, beneath dynamic/ and data/, never in serialized code
 * (zod objects cannot be serialized by Pulumi's closure serializer).
 */
import { z } from "zod";

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

/** Why an endpoint is not just scheme://host[:port], or undefined when it is. */
function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined; // the URL check reports it
  }
  if (url.username || url.password)
    return "must not contain a user name or password: give credentials through the profile";
  if (url.pathname !== "/" && url.pathname !== "") return "must be scheme://host[:port] only, without a path";
  if (url.search || url.hash || value.includes("?") || value.includes("#"))
    return "must be scheme://host[:port] only, without a query or fragment";
  if (url.port === "0") return "port must be from 1 to 65535";
  return undefined;
}

/**
 * An endpoint that is an origin only (scheme://host[:port]: no credentials, path, query or
 * fragment); `pathHint` says where a vendor's API path goes instead ("set the API path with
 * apiPath").
 */
export function originEndpointSchema(pathHint?: string) {
  return connectionSchema.shape.endpoint.superRefine((value, ctx) => {
    const problem = endpointProblem(value);
    if (problem)
      ctx.addIssue({
        code: "custom",
        message: pathHint && problem.includes("without a path") ? `${problem} (${pathHint})` : problem,
      });
  });
}

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

/**
 * A vendor object's name made of letters, digits, '_', '-' and '.' (the rule of oVirt VMs and
 * devices, and our reading for NSE shares and snapshots), 1..`max` characters.
 */
export function plainNameSchema(max: number, rule = "letters, digits, '_', '-' and '.' only") {
  return z
    .string()
    .min(1, "must not be empty")
    .max(max, `at most ${max} characters`)
    .regex(/^[A-Za-z0-9_.-]+$/, rule);
}
