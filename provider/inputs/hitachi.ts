/**
 * Hitachi input shapes: an array's connection, stricter than the common one (scheme, host and
 * port only; a CA bundle that exists), and the client builder. Shared by the RemoteStorage
 * handler and anything else that reaches a Hitachi array.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { HitachiClient } from "../vendors/hitachi/client";
import { connectionSchema, type ConnectionInput } from "./common";

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

/** The connection of one array, stricter than the shared schema (see check's rules). */
export function hitachiConnection() {
  return z
    .object({
      ...connectionSchema.shape,
      endpoint: connectionSchema.shape.endpoint.superRefine((value, ctx) => {
        const problem = endpointProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
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
