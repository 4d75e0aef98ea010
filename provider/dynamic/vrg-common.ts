/**
 * Pieces shared by the VRG handlers: the connection schema (a VRG adds key style, API
 * version and language to the common connection), field shapes for check, the client
 * builder, and the same-VRG check that lets `connection.endpoint` change in place (the
 * management address moves with modmngnet; the VRG's login uuid says whether it is still
 * the same VRG).
 */
import { z } from "zod";
import { ConflictError } from "../core/errors";

import { VrgClient, type VrgConnection } from "../vendors/vrg/client";
import { connectionSchema, omitKeys, same, type Props } from "./common";

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

/** Keeps the resource's logical name (for progress lines) in what a handler returns. */
export function withName(out: Props, from: Props): Props {
  return from.__drplaneName ? { ...out, __drplaneName: from.__drplaneName } : out;
}

/** The host part of an endpoint (an id fallback when the VRG reports no uuid). */
export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

/** A connection compared for diff: credentials are never a change. */
export function connectionForDiff(conn: Props | undefined): Props {
  return omitKeys(conn, ["profile", "username"]);
}

export function connectionChanged(olds: Props, news: Props): boolean {
  return !same(connectionForDiff(olds.connection), connectionForDiff(news.connection));
}

/**
 * When the endpoint changed, the VRG answering there must be the one recorded (same login
 * uuid): a new endpoint is a new address of the same VRG, not another VRG.
 */
export async function assertSameVrg(client: VrgClient, recordedUuid: unknown, what: string): Promise<void> {
  if (typeof recordedUuid !== "string" || !recordedUuid) return;
  const now = await client.vrgUuid();
  if (now && now !== recordedUuid) {
    throw new ConflictError(
      `${what}: the VRG at ${client.origin} is ${now}, not the VRG ${recordedUuid} this resource was created on`,
      {
        meta: {
          vendor: "vrg",
          operation: "login",
          property: "connection.endpoint",
          remedy:
            "point connection.endpoint back at that VRG, or replace the resource (pulumi up --replace <urn>)",
        },
      },
    );
  }
}
