/**
 * Live Swift state as the handlers report it: metadata read back (lower-cased by Swift) in the
 * casing the user declared, and the URLs of containers and objects (encoded as the client
 * addresses them: vendors/swift/client objectPath).
 */
import { objectPath } from "../vendors/swift/client";

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

/** The URL of a container, or of an object in it. */
export function swiftUrl(storageUrl: string, container: string, object?: string): string {
  return `${storageUrl}${objectPath(container, object)}`;
}
