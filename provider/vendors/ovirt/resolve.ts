/**
 * Names → ids for the objects a VM refers to: clusters, templates, storage domains, logical
 * networks and vNIC profiles. An input that looks like a GUID is taken as an id; a name is looked
 * up with `search=name="…"` and `case_sensitive=true` (reference §1.14: search is otherwise
 * case-insensitive and `*` is a wildcard) and then compared exactly on our side. Networks and
 * vNIC profiles are listed (their collections take no search). Idempotent reads.
 */
import { ConflictError, NotFoundError } from "../../core/errors";
import type { OvirtClient } from "./client";
import { at, isId, list, num, ref, str, type Wire } from "./codec";

/** `name="x"` with quotes and backslashes escaped, as Ansible writes it. */
export function nameSearch(name: string, extra = ""): string {
  return `name="${name.replace(/(["\\])/g, "\\$1")}"${extra}`;
}

/** Every object of `collection` named exactly `name` (search, then an exact compare). */
export async function searchByName(
  client: OvirtClient,
  collection: string,
  key: string,
  name: string,
  extra = "",
): Promise<Wire[]> {
  const res = await client.request({
    method: "GET",
    path: `/${collection}`,
    query: { search: nameSearch(name, extra), case_sensitive: "true" },
    operation: `find${key.charAt(0).toUpperCase()}${key.slice(1)}`,
    idempotent: true,
  });
  return list(res.body, key).filter((o) => str(o.name) === name);
}

/** Every object of a collection (for those without search). */
export async function listAll(client: OvirtClient, collection: string, key: string): Promise<Wire[]> {
  const res = await client.request({
    method: "GET",
    path: `/${collection}`,
    operation: `list${collection.charAt(0).toUpperCase()}${collection.slice(1)}`,
    idempotent: true,
  });
  return list(res.body, key);
}

function notFound(what: string, name: string): NotFoundError {
  return new NotFoundError(`oVirt has no ${what} named "${name}"`, {
    meta: {
      vendor: "ovirt",
      operation: `resolve ${what}`,
      remedy: `check the ${what}'s name (case-sensitive) or give its id`,
    },
  });
}

/** The id of a cluster given by name or id. */
export async function resolveCluster(
  client: OvirtClient,
  nameOrId: string,
): Promise<{ id: string; name?: string; dataCenter?: string }> {
  if (isId(nameOrId)) return { id: nameOrId };
  const [c] = await searchByName(client, "clusters", "cluster", nameOrId);
  if (!c) throw notFound("cluster", nameOrId);
  return { id: str(c.id)!, name: nameOrId, dataCenter: ref(c.data_center).id };
}

/** The id of a template by name or id; of several versions, the base (lowest version number). */
export async function resolveTemplate(client: OvirtClient, nameOrId: string): Promise<string> {
  if (isId(nameOrId)) return nameOrId;
  const found = await searchByName(client, "templates", "template", nameOrId);
  if (!found.length) throw notFound("template", nameOrId);
  found.sort(
    (a, b) => (num(at(a, "version", "version_number")) ?? 1) - (num(at(b, "version", "version_number")) ?? 1),
  );
  return str(found[0]?.id)!;
}

export async function resolveStorageDomain(client: OvirtClient, nameOrId: string): Promise<string> {
  if (isId(nameOrId)) return nameOrId;
  const [sd] = await searchByName(client, "storagedomains", "storage_domain", nameOrId);
  if (!sd) throw notFound("storage domain", nameOrId);
  return str(sd.id)!;
}

/** A logical network by name or id, preferring the one in the VM's data center. */
export async function resolveNetwork(
  client: OvirtClient,
  nameOrId: string,
  dataCenter?: string,
): Promise<string> {
  if (isId(nameOrId)) return nameOrId;
  const all = (await listAll(client, "networks", "network")).filter((n) => str(n.name) === nameOrId);
  const inDc = dataCenter ? all.filter((n) => ref(n.data_center).id === dataCenter) : all;
  const pick = inDc.length ? inDc : all;
  if (!pick.length) throw notFound("logical network", nameOrId);
  if (pick.length > 1) {
    throw new ConflictError(`several logical networks are named "${nameOrId}"`, {
      meta: {
        vendor: "ovirt",
        operation: "resolve network",
        remedy: "give the network's id, or its vNIC profile's id",
      },
    });
  }
  return str(pick[0]?.id)!;
}

/**
 * The vNIC profile of a NIC: by name or id, or (given only a network) the network's profile of
 * the same name, else its only profile (UNCONFIRMED: the engine creates a profile named like the
 * network by default).
 */
export async function resolveVnicProfile(
  client: OvirtClient,
  opts: { vnicProfile?: string; networkId?: string; networkName?: string },
): Promise<string | undefined> {
  if (opts.vnicProfile && isId(opts.vnicProfile)) return opts.vnicProfile;
  if (!opts.vnicProfile && !opts.networkId) return undefined;
  const all = await listAll(client, "vnicprofiles", "vnic_profile");
  const ofNetwork = opts.networkId ? all.filter((p) => ref(p.network).id === opts.networkId) : all;
  const named = opts.vnicProfile ?? opts.networkName;
  const byName = named ? ofNetwork.filter((p) => str(p.name) === named) : [];
  const pick = byName.length ? byName : opts.vnicProfile ? [] : ofNetwork;
  if (pick.length === 1) return str(pick[0]?.id);
  if (!pick.length) throw notFound("vNIC profile", named ?? opts.networkId ?? "?");
  throw new ConflictError(`several vNIC profiles match "${named ?? opts.networkId}"`, {
    meta: { vendor: "ovirt", operation: "resolve vnic profile", remedy: "give the vNIC profile's id" },
  });
}
