/**
 * oVirt / RHEV input shapes shared by the oVirt handlers and data functions: the connection
 * (the common connection plus the API version and path), the shapes of names and references
 * checked before any request, and the client builder `ovirtClient(conn)`.
 */
import { z } from "zod";
import { OvirtClient, type OvirtConnection } from "../vendors/ovirt/client";
import { connectionSchema, originEndpointSchema, plainNameSchema } from "./common";
import type { Props } from "./props";

/** Scheme and host only (the API path has its own input). */
const endpointSchema = originEndpointSchema("set the API path with apiPath");

export const ovirtConnectionSchema = connectionSchema
  .extend({
    endpoint: endpointSchema,
    apiVersion: z.enum(["auto", "v4", "v3"]).optional(),
    apiPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'a path such as "/ovirt-engine/api" or "/api"')
      .refine((p) => !p.includes("//"), "no empty path segment")
      .optional(),
  })
  .strict();
export type OvirtConnectionInput = z.infer<typeof ovirtConnectionSchema>;

/**
 * The name of an engine object (storage domain, VM, …): the engine allows letters, digits,
 * '_', '-' and '.' (UNCONFIRMED for every object type: it is the VM name rule), at most 50.
 */
export const ovirtNameSchema = plainNameSchema(50);

/** A reference to an existing engine object by name or id (both are accepted). */
export const ovirtRefSchema = z
  .string()
  .min(1, "a name or an id")
  .max(255, "at most 255 characters")
  .refine((s) => s.trim() === s, "no leading or trailing spaces");

/** The client for a connection input (`options`: e.g. `lingerMs: 0` for data functions). */
export function ovirtClient(
  conn: OvirtConnectionInput | Props,
  options: Partial<OvirtConnection> = {},
): OvirtClient {
  const connection: OvirtConnection = {
    endpoint: conn.endpoint,
    profile: conn.profile,
    username: conn.username,
    tls: { caBundle: conn.caBundle, insecure: conn.insecure },
    apiVersion: conn.apiVersion,
    apiPath: conn.apiPath,
    ...options,
  };
  return new OvirtClient(connection);
}
