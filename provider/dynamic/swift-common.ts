/**
 * Shared pieces of the Swift handlers: the connection schema (where and who, never a
 * password), name and metadata rules checked before any request, Pulumi asset inputs, the
 * connection diff (which fields change the account and so replace, which only say how to
 * reach it, which are credentials and never a diff), and file fingerprints that avoid
 * re-hashing an unchanged file.
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import { z } from "zod";
import { InputError } from "../core/errors";
import { containsUnknown } from "../core/schema";
import { SWIFT_DEFAULT_LIMITS, SwiftClient } from "../vendors/swift/client";
import type { SwiftConnection } from "../vendors/swift/auth";
import { inputsOf, omitKeys, type Props } from "./common";

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

export function containerNameSchema() {
  return z
    .string()
    .min(1, "must not be empty")
    .refine(
      (s) => utf8Length(s) <= LIMITS.maxContainerNameLength,
      `at most ${LIMITS.maxContainerNameLength} bytes (UTF-8)`,
    )
    .refine((s) => !s.includes("/"), "a container name cannot contain '/'")
    .refine((s) => s !== "." && s !== "..", "'.' and '..' cannot be addressed in a URL")
    .refine((s) => !hasControl(s), "no control characters");
}

export function objectNameSchema() {
  return z
    .string()
    .min(1, "must not be empty")
    .refine(
      (s) => utf8Length(s) <= LIMITS.maxObjectNameLength,
      `at most ${LIMITS.maxObjectNameLength} bytes (UTF-8)`,
    )
    .refine((s) => !s.startsWith("/"), "must not start with '/'")
    .refine(
      (s) => !s.split("/").some((seg) => seg === "." || seg === ".."),
      "'.' and '..' path segments cannot be addressed in a URL",
    )
    .refine((s) => !hasControl(s), "no control characters");
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

/** Fields that only say who we are: never a diff (rotation, renames of the credential profile). */
const CREDENTIAL_FIELDS = ["profile", "username", "userId", "userDomainId", "userDomainName"];

/**
 * How a connection change affects a resource: `replace` when it certainly names another
 * account (auth type, project, tempauth account), `changed` for any other non-credential
 * change (endpoint, region, interface, TLS), which updates in place after checking that the
 * account is still the same one.
 */
export function connectionChange(
  olds: Props | undefined,
  news: Props | undefined,
): { replace: boolean; changed: boolean } {
  // Unknown during preview: a change, but not (yet) a replace.
  if (containsUnknown(news)) return { replace: false, changed: true };
  const o = olds ?? {};
  const n = news ?? {};
  const type = (c: Props) => c.authType ?? "keystone";
  const differs = (k: string) => o[k] !== undefined && n[k] !== undefined && o[k] !== n[k];
  const account = (u: unknown) => (typeof u === "string" && u.includes(":") ? u.split(":")[0] : undefined);
  const replace =
    type(o) !== type(n) ||
    differs("projectId") ||
    (o.projectId === undefined &&
      n.projectId === undefined &&
      (differs("projectName") || differs("projectDomainId") || differs("projectDomainName"))) ||
    (type(n) === "tempauth" &&
      account(o.username) !== undefined &&
      account(o.username) !== account(n.username));
  const strip = (c: Props) =>
    JSON.stringify(
      Object.entries(c)
        .filter(([k, v]) => !CREDENTIAL_FIELDS.includes(k) && v !== undefined && !k.startsWith("__"))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  return {
    replace,
    changed: replace || strip({ authType: "keystone", ...o }) !== strip({ authType: "keystone", ...n }),
  };
}

/**
 * Identity fields that differ (they replace). A field still unknown during preview is reported
 * in `unknown` instead: a change, decided for real at `up`.
 */
export function identityChanges(
  olds: Props,
  news: Props,
  fields: readonly string[],
): { replaces: string[]; unknown: boolean } {
  const replaces: string[] = [];
  let unknown = false;
  for (const f of fields) {
    if (containsUnknown(news[f])) unknown = true;
    else if (olds[f] !== news[f]) replaces.push(f);
  }
  return { replaces, unknown };
}

/** The account segment of a storage URL (…/v1/AUTH_x → AUTH_x). */
export function accountOf(storageUrl: string | undefined): string | undefined {
  return storageUrl?.replace(/\/+$/, "").split("/").pop();
}

/**
 * Before an in-place update after a connection change: the new connection must still reach
 * the account the resource lives in (a different one would need a replace).
 */
export async function assertSameAccount(
  client: SwiftClient,
  recordedStorageUrl: string | undefined,
): Promise<string> {
  const now = await client.storageUrl();
  const was = accountOf(recordedStorageUrl);
  if (was && accountOf(now) !== was) {
    throw new InputError(
      `the connection now reaches Swift account ${accountOf(now)}, but this resource lives in ${was}`,
      {
        meta: {
          vendor: "swift",
          property: "connection",
          remedy:
            "point the connection back at the same project/account, or run pulumi up --replace on this resource",
        },
      },
    );
  }
  return now;
}

/** Where a local file is: relative paths are resolved from the program's directory (the host's cwd). */
export function resolveFile(file: string): string {
  return path.resolve(process.cwd(), file);
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** stat of an input file, or a check failure naming the property. */
export async function statInput(
  file: string,
  property: string,
): Promise<{ stat?: FileStat; failure?: { property: string; reason: string } }> {
  try {
    const s = await stat(resolveFile(file));
    if (!s.isFile()) return { failure: { property, reason: `${file} is not a regular file` } };
    return { stat: { size: s.size, mtimeMs: Math.floor(s.mtimeMs) } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      failure: {
        property,
        reason:
          code === "ENOENT"
            ? `file ${file} does not exist (relative paths start at ${process.cwd()})`
            : `cannot read ${file}: ${code ?? String(err)}`,
      },
    };
  }
}

/** Metadata as read back (lower-case names), renamed to the casing the user declared. */
export function declaredCasing(
  live: Record<string, string>,
  declared: Record<string, string> | undefined,
): Record<string, string> {
  const byLower = new Map(Object.keys(declared ?? {}).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(live)) out[byLower.get(k.toLowerCase()) ?? k] = v;
  return out;
}

/** Keeps `__drplaneName` (and other engine-facing internal keys) on checked inputs. */
export function withInternal(inputs: Props, news: Props, extra: Props = {}): Props {
  return { ...inputs, ...(news.__drplaneName ? { __drplaneName: news.__drplaneName } : {}), ...extra };
}

/** The URL of an object, each path segment encoded. */
export function objectUrl(storageUrl: string, container: string, name: string): string {
  return `${storageUrl}/${encodeURIComponent(container)}/${String(name).split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * The inputs `read` reports for an object that still exists: the recorded inputs with the
 * live metadata (in the declared key casing) and, when declared, the live content type.
 */
export function liveObjectInputs(
  props: Props,
  computed: readonly string[],
  live: { metadata: Record<string, string>; contentType?: string },
): Props {
  const old = omitKeys(inputsOf(props), computed);
  return {
    ...old,
    metadata: declaredCasing(live.metadata, old.metadata),
    ...(old.contentType !== undefined ? { contentType: live.contentType } : {}),
  };
}
