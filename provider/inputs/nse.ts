/**
 * NetApp Service Engine (NSE 2.1) input shapes shared by the NSE handlers and data functions:
 * the connection (the common connection plus the API's base path), the shapes of names, ids,
 * snapshot schedules and export rules checked before any request, and the client builder
 * `nseClient(conn)`. Every limit below that NSE does not document is marked UNCONFIRMED.
 */
import { z } from "zod";
import { NseClient, type NseConnection } from "../vendors/nse/client";
import { connectionSchema, originEndpointSchema, plainNameSchema } from "./common";
import type { Props } from "./props";

/** Scheme and host only (the API path has its own input). */
const endpointSchema = originEndpointSchema("set the API path with basePath");

export const nseConnectionSchema = connectionSchema
  .extend({
    endpoint: endpointSchema,
    /** Default "/api" (the docs show https://<host>/api and paths /v2.1/…: UNCONFIRMED); "" allowed. */
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'a path such as "/api" (no trailing slash), or "" for none')
      .optional(),
  })
  .strict();
export type NseConnectionInput = z.infer<typeof nseConnectionSchema>;

/** An NSE id (file server, subtenant, file share, job): opaque text, no spaces around it. */
export const nseIdSchema = z
  .string()
  .min(1, "an id such as the one NSE shows for it")
  .max(255, "at most 255 characters")
  .regex(/^\S+$/, "no spaces");

/**
 * A file share's name. NSE documents no rule; the volume behind it is an ONTAP volume, so
 * letters, digits, '_', '-' and '.', at most 64 (UNCONFIRMED).
 */
export const nseShareNameSchema = plainNameSchema(64);

/**
 * The share path (NFS junction or CIFS share name; a trailing '$' hides a CIFS share). NSE
 * documents no rule: no whitespace, at most 255 (UNCONFIRMED).
 */
export const nseSharePathSchema = z
  .string()
  .min(1, "must not be empty, e.g. /projects or projects$")
  .max(255, "at most 255 characters")
  .regex(/^\S+$/, "no whitespace");

/** A snapshot's name (ONTAP allows 255; letters, digits, '_', '-', '.': UNCONFIRMED for NSE). */
export const nseSnapshotNameSchema = plainNameSchema(255);

/** The service levels the NSE docs name; compared without case (the examples write "extreme"). */
export const NSE_SERVICE_LEVELS = ["standard", "premium", "premium-tiering", "extreme", "extreme-tiering"];
export const nseServiceLevelSchema = z
  .string()
  .refine(
    (s) => NSE_SERVICE_LEVELS.includes(s.toLowerCase()),
    "one of Standard, Premium, Premium-Tiering, Extreme, Extreme-Tiering",
  );

const keep = z.number().int("a whole number").min(1, "at least 1").max(1023, "at most 1023 (ONTAP's limit)");
const minute = z.number().int("a whole number").min(0, "0-59").max(59, "0-59");
const hour = z.number().int("a whole number").min(0, "0-23").max(23, "0-23");

/** The snapshot policy: each schedule takes only the fields of its period. */
export const nseSnapshotPolicySchema = z
  .object({
    enabled: z.boolean(),
    hourly: z.object({ minute: minute.optional(), snapshotsToKeep: keep }).strict().optional(),
    daily: z
      .object({ hour: hour.optional(), minute: minute.optional(), snapshotsToKeep: keep })
      .strict()
      .optional(),
    weekly: z
      .object({
        /** 0-6; which day 0 is, NSE does not say (UNCONFIRMED: Sunday as in cron). */
        dayOfWeek: z.number().int("a whole number").min(0, "0-6").max(6, "0-6").optional(),
        hour: hour.optional(),
        minute: minute.optional(),
        snapshotsToKeep: keep,
      })
      .strict()
      .optional(),
    monthly: z
      .object({
        dayOfMonth: z.number().int("a whole number").min(1, "1-31").max(31, "1-31").optional(),
        hour: hour.optional(),
        minute: minute.optional(),
        snapshotsToKeep: keep,
      })
      .strict()
      .optional(),
  })
  .strict();

/** One export rule: which clients (a CIDR, an address or a host name), what access, root squash. */
export const nseExportRuleSchema = z
  .object({
    clientMatch: z
      .string()
      .min(1, "a CIDR such as 10.0.0.0/24, an address or a host name")
      .regex(/^\S+$/, "no whitespace"),
    access: z.enum(["rw", "ro", "none"]),
    superuser: z.boolean().optional(),
  })
  .strict();

/** Tags: text keys and values (NSE replaces them whole). */
export const nseTagsSchema = z.record(z.string().min(1, "a non-empty key"), z.string());

/** The client for a connection input. */
export function nseClient(conn: NseConnectionInput | Props, options: Partial<NseConnection> = {}): NseClient {
  const connection: NseConnection = {
    endpoint: conn.endpoint,
    profile: conn.profile,
    ...(conn.basePath !== undefined ? { basePath: conn.basePath } : {}),
    ...(conn.username !== undefined ? { username: conn.username } : {}),
    tls: { caBundle: conn.caBundle, insecure: conn.insecure },
    ...options,
  };
  return new NseClient(connection);
}
