/**
 * The optional parts of a DrTopology's sites, worked out before anything is registered: the DR
 * site's standby VMs on oVirt / RHEV (a data domain and the VMs on it) and the production site's
 * file shares on NetApp Service Engine. Here are their checks (collected by dr-topology-plan.ts
 * into the topology's one InputError), their children's names (derived from the topology's name)
 * and each child's arguments derived from the topology's.
 */
import type {
  DrTopologyArgs,
  DrTopologyFileShareArgs,
  DrTopologyFileSharesArgs,
  DrTopologyStandbyArgs,
  DrTopologyStandbyVmArgs,
} from "../args/dr-topology";
import type { NseFileShareArgs } from "../args/nse";
import type { StorageDomainArgs } from "../args/ovirt";
import type { VmArgs } from "../args/ovirt-vm";

/** The parts' child resources' names. */
export const partNames = (topology: string) => ({
  dataDomain: `${topology}-dr-data`,
  standby: (vm: string) => `${topology}-${vm}-standby`,
  share: (share: string) => `${topology}-${share}-share`,
});

/** Records a bad field and what is wrong with it. */
export type Fail = (property: string, reason: string) => void;

/**
 * Checks the `name` of each entry of the list at `at`, in turn: a non-empty plain string used
 * once in the list (the name is part of the entry's child resource names, the `what`).
 */
export function nameChecker(at: string, what: string, fail: Fail): (name: unknown, i: number) => void {
  const seen = new Map<string, number>();
  return (name, i) => {
    if (typeof name !== "string" || name === "") {
      fail(`${at}[${i}].name`, `must be a non-empty plain string: it is part of the ${what}' resource names`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) fail(`${at}[${i}].name`, `"${name}" is used twice (also ${at}[${first}])`);
    else seen.set(name, i);
  };
}

/** The list at `at` is a list, and each entry's name is good (`nameChecker`). */
function namedOnce(list: unknown, at: string, what: string, fail: Fail): void {
  if (!Array.isArray(list)) {
    fail(at, `must be a list of ${what}`);
    return;
  }
  const checkName = nameChecker(at, what, fail);
  list.forEach((entry: { name?: unknown } | undefined, i) => checkName(entry?.name, i));
}

/** What is wrong with the standby VMs and the file shares, as far as plain values tell. */
export function partFailures(args: DrTopologyArgs, fail: Fail): void {
  const standby = args.dr?.standby;
  if (standby !== undefined) namedOnce(standby.vms, "dr.standby.vms", "standby VMs", fail);
  const fileShares = args.production?.fileShares;
  if (fileShares !== undefined)
    namedOnce(fileShares.shares, "production.fileShares.shares", "file shares", fail);
}

/** The DR site's data domain on its engine, when one is declared. */
export function dataDomainArgs(standby: DrTopologyStandbyArgs): StorageDomainArgs | undefined {
  if (standby.dataDomain === undefined) return undefined;
  return { ...standby.dataDomain, connection: standby.engine };
}

/** A standby VM on the DR site's engine. */
export function standbyVmArgs(standby: DrTopologyStandbyArgs, vm: DrTopologyStandbyVmArgs): VmArgs {
  return { ...vm, connection: standby.engine };
}

/** A file share on the production site's NSE. */
export function fileShareArgs(
  fileShares: DrTopologyFileSharesArgs,
  share: DrTopologyFileShareArgs,
): NseFileShareArgs {
  return { ...share, connection: fileShares.nse };
}
