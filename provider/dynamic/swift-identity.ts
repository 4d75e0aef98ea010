/**
 * Which Swift account and which names a resource is: how a connection change affects it
 * (another account replaces; another way to reach the same account updates in place after
 * checking it is still the same account; credentials are never a diff), and the name fields
 * that replace.
 */
import { InputError } from "../core/errors";
import { containsUnknown } from "../core/schema";
import type { SwiftClient } from "../vendors/swift/client";
import { same, withoutCredentials, type Props } from "./kit";

/**
 * `replace` when the connection certainly names another account (auth type, project,
 * tempauth account), `changed` for any other non-credential change (endpoint, region,
 * interface, TLS), which updates in place after `assertSameAccount`.
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
  const reach = (c: Props) => withoutCredentials({ ...c, authType: type(c) });
  return { replace, changed: replace || !same(reach(o), reach(n)) };
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
