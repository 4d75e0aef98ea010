/**
 * VRG input shapes shared by the VRG handlers and data functions: the connection (a VRG adds
 * key style, API version and language to the common connection), field shapes checked
 * before any request, and the client builder.
 */
import { z } from "zod";
import { VrgClient, type VrgConnection } from "../vendors/vrg/client";
import { connectionSchema } from "./common";
import type { Props } from "./props";

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** A host's IPv4 address (the seed's VRG interfaces are IPv4; 0.0.0.0 means "none" to trapinfo). */
export const hostIpSchema = z
  .string()
  .regex(IPV4, "an IPv4 address such as 192.168.100.20")
  .refine(
    (ip) => ip !== "0.0.0.0" && ip !== "255.255.255.255",
    "must be a host address (not 0.0.0.0 or 255.255.255.255)",
  );

export const portSchema = z
  .number({ error: "a port number" })
  .int("a whole number")
  .min(1, "1-65535")
  .max(65535, "1-65535");

export const vmUuidSchema = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "a VM UUID such as 4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
  );

export const vrgConnectionSchema = connectionSchema
  .extend({
    keyStyle: z.enum(["camel", "snake"]).optional(),
    apiVersion: z
      .string()
      .regex(/^(auto|v?\d+(\.\d+)*)$/, 'a version such as "v1.0", or "auto"')
      .optional(),
    language: z.enum(["en_US", "zh_CN"]).optional(),
  })
  .strict();
export type VrgConnectionInput = z.infer<typeof vrgConnectionSchema>;

export function vrgClient(conn: VrgConnectionInput | Props, options: Partial<VrgConnection> = {}): VrgClient {
  return new VrgClient({
    endpoint: conn.endpoint,
    profile: conn.profile,
    username: conn.username,
    tls: { caBundle: conn.caBundle, insecure: conn.insecure },
    keyStyle: conn.keyStyle,
    apiVersion: conn.apiVersion,
    language: conn.language,
    ...options,
  });
}

/** The host part of an endpoint (an id fallback when the VRG reports no uuid). */
export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
