/**
 * Hitachi input shapes: an array's connection, stricter than the common one (scheme, host and
 * port only; a CA bundle that exists), and the client builder. Shared by the RemoteStorage
 * handler and anything else that reaches a Hitachi array.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { HitachiClient } from "../vendors/hitachi/client";
import { connectionSchema, originEndpointSchema, type ConnectionInput } from "./common";

/** The connection of one array, stricter than the shared schema (see check's rules). */
export function hitachiConnection() {
  return z
    .object({
      ...connectionSchema.shape,
      endpoint: originEndpointSchema(),
      caBundle: connectionSchema.shape.caBundle.refine(
        (value) => value === undefined || value.includes("-----BEGIN") || existsSync(value),
        "no such file: give PEM text or the path of a PEM file (relative to the Pulumi project)",
      ),
    })
    .strict();
}

export function hitachiClient(conn: ConnectionInput): HitachiClient {
  return new HitachiClient({
    endpoint: conn.endpoint,
    profile: conn.profile,
    username: conn.username,
    tls: { caBundle: conn.caBundle, insecure: conn.insecure },
  });
}
