/**
 * Swift input shapes shared by the Swift handlers and data functions: the connection (where
 * and who, never a password), container and object names, metadata and content types
 * checked against a stock Swift's /info limits before any request, Pulumi asset inputs, and
 * the client builder. Built here, beneath dynamic/ and data/, never in serialized code.
 */
import { z } from "zod";
import type { SwiftConnection } from "../vendors/swift/auth";
import { SWIFT_DEFAULT_LIMITS, SwiftClient } from "../vendors/swift/client";
import type { Props } from "./props";

const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");

export function swiftConnectionSchema() {
  const id = z.string().min(1).max(255);
  return z
    .object({
      authUrl: z
        .string()
        .url("must be a URL such as https://keystone.example:5000/v3 or http://127.0.0.1:8080/auth/v1.0")
        .refine((u) => /^https?:\/\//.test(u), "must start with https:// (or http:// for a lab)"),
      authType: z.enum(["keystone", "tempauth"]).default("keystone"),
      profile: z
        .string()
        .regex(
          /^[A-Za-z0-9_.-]{1,64}$/,
          "letters, digits, '_', '.', '-' only (it names DRPLANE_<PROFILE>_PASSWORD)",
        ),
      username: id.optional(),
      userId: id.optional(),
      userDomainId: id.optional(),
      userDomainName: id.optional(),
      projectId: id.optional(),
      projectName: id.optional(),
      projectDomainId: id.optional(),
      projectDomainName: id.optional(),
      region: id.optional(),
      interface: z.enum(["public", "internal", "admin"]).optional(),
      caBundle: z.string().min(1).optional(),
      insecure: z.boolean().optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      const issue = (p: string, message: string) => ctx.addIssue({ code: "custom", path: [p], message });
      if (c.authType === "tempauth") {
        if (c.username !== undefined && !c.username.includes(":"))
          issue("username", 'tempauth users are "account:user", e.g. test:tester');
        for (const k of [
          "userId",
          "userDomainId",
          "userDomainName",
          "projectId",
          "projectName",
          "projectDomainId",
          "projectDomainName",
          "region",
          "interface",
        ] as const)
          if (c[k] !== undefined) issue(k, "only for authType keystone");
        return;
      }
      if (c.userId === undefined && c.userDomainId === undefined && c.userDomainName === undefined)
        issue(
          "userDomainId",
          "name the Keystone user by userId, or by username (or the profile's) with userDomainId or userDomainName",
        );
      if (c.projectId === undefined && c.projectName === undefined)
        issue(
          "projectId",
          "scope the token to a project: projectId, or projectName with projectDomainId or projectDomainName",
        );
      if (
        c.projectId === undefined &&
        c.projectName !== undefined &&
        c.projectDomainId === undefined &&
        c.projectDomainName === undefined
      )
        issue("projectDomainId", "projectName needs projectDomainId or projectDomainName");
    });
}
export type SwiftConnectionInput = z.output<ReturnType<typeof swiftConnectionSchema>>;

/** Names and metadata are checked against a stock Swift's /info limits (no request in check). */
const LIMITS = SWIFT_DEFAULT_LIMITS;

const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/** A non-empty name of at most `max` UTF-8 bytes, without control characters. */
function nameSchema(max: number) {
  return z
    .string()
    .min(1, "must not be empty")
    .refine((s) => utf8Length(s) <= max, `at most ${max} bytes (UTF-8)`)
    .refine((s) => !hasControl(s), "no control characters");
}

export function containerNameSchema() {
  return nameSchema(LIMITS.maxContainerNameLength)
    .refine((s) => !s.includes("/"), "a container name cannot contain '/'")
    .refine((s) => s !== "." && s !== "..", "'.' and '..' cannot be addressed in a URL");
}

export function objectNameSchema() {
  return nameSchema(LIMITS.maxObjectNameLength)
    .refine((s) => !s.startsWith("/"), "must not start with '/'")
    .refine(
      (s) => !s.split("/").some((seg) => seg === "." || seg === ".."),
      "'.' and '..' path segments cannot be addressed in a URL",
    );
}

/** Metadata rules of a stock Swift (/info max_meta_*), checked without asking the server. */
export function metadataSchema(reserved: readonly string[] = []) {
  return z.record(z.string(), z.string()).superRefine((m, ctx) => {
    const issue = (key: string | undefined, message: string) =>
      ctx.addIssue({ code: "custom", path: key === undefined ? [] : [key], message });
    const seen = new Set<string>();
    let total = 0;
    const entries = Object.entries(m);
    if (entries.length > LIMITS.maxMetaCount)
      issue(undefined, `at most ${LIMITS.maxMetaCount} items (${entries.length} given)`);
    for (const [k, v] of entries) {
      total += utf8Length(k) + utf8Length(v);
      if (!/^[A-Za-z0-9-]+$/.test(k))
        issue(k, "names are letters, digits and '-' only (Swift turns '_' into '-')");
      if (utf8Length(k) > LIMITS.maxMetaNameLength)
        issue(k, `names are at most ${LIMITS.maxMetaNameLength} bytes`);
      if (seen.has(k.toLowerCase())) issue(k, "names are case-insensitive: this one is given twice");
      seen.add(k.toLowerCase());
      if (reserved.includes(k.toLowerCase())) issue(k, `"${k}" is reserved here (use the dedicated input)`);
      if (!/^[\x20-\x7e]*$/.test(v)) issue(k, "values are printable ASCII");
      else if (v !== v.trim()) issue(k, "values cannot start or end with spaces (HTTP drops them)");
      if (utf8Length(v) > LIMITS.maxMetaValueLength)
        issue(k, `values are at most ${LIMITS.maxMetaValueLength} bytes`);
    }
    if (total > LIMITS.maxMetaOverallSize)
      issue(
        undefined,
        `at most ${LIMITS.maxMetaOverallSize} bytes of names and values in total (${total} given)`,
      );
  });
}

/** A Content-Type header value. */
export function contentTypeSchema() {
  return z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x20-\x7e]+$/, "printable ASCII");
}

/** The signature key and value the Pulumi SDK uses to mark an asset in a property bag. */
export const ASSET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";

export function assetSchema() {
  return z
    .object({
      [ASSET_SIG_KEY]: z.literal(ASSET_SIG, "must be a Pulumi asset (FileAsset or StringAsset)"),
      path: z.string().min(1).optional(),
      text: z.string().optional(),
      uri: z.string().optional(),
      hash: z.string().optional(),
    })
    .passthrough()
    .refine((a) => a.uri === undefined, "a RemoteAsset is not supported: use a FileAsset or StringAsset")
    .refine((a) => a.path !== undefined || a.text !== undefined, "the asset has no path or text");
}

export function swiftClient(conn: SwiftConnectionInput | SwiftConnection | Props): SwiftClient {
  const c = conn as SwiftConnectionInput;
  return new SwiftClient({
    authUrl: c.authUrl,
    authType: c.authType ?? "keystone",
    profile: c.profile,
    username: c.username,
    userId: c.userId,
    userDomainId: c.userDomainId,
    userDomainName: c.userDomainName,
    projectId: c.projectId,
    projectName: c.projectName,
    projectDomainId: c.projectDomainId,
    projectDomainName: c.projectDomainName,
    region: c.region,
    interface: c.interface,
    tls: { caBundle: c.caBundle, insecure: c.insecure },
  });
}
