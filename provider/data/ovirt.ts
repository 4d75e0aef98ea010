/**
 * oVirt / RHEV data functions (seed 002 §2.3–2.8, §2.22): data centers, clusters, logical
 * networks, hosts, the ISO files of an ISO domain, a VM's disk sizes and statistics, and the
 * events after an id. Read-only, in the program's own process (also during preview), each with
 * an *Output twin taking Pulumi inputs. Bad arguments fail before any request, naming the
 * argument. The password is resolved as for resources: the stack's `drplane:credentials`
 * (under Pulumi) or DRPLANE_<PROFILE>_PASSWORD; the session is logged out when the call is done.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ovirtClient, ovirtConnectionSchema, ovirtRefSchema } from "../inputs/ovirt";
import type { OvirtClient } from "../vendors/ovirt/client";
import {
  eventsSince,
  listClusters,
  listDataCenters,
  listHosts,
  listIsoFiles,
  listNetworks,
  vmStatistics,
  type ClusterInfo,
  type DataCenterInfo,
  type HostRecord,
  type IsoFile,
  type NetworkInfo,
  type OvirtEvent,
  type VmStatistics,
} from "../vendors/ovirt/lists";
import type { OvirtConnectionArgs } from "../args/ovirt";
import { checkedArgs, keptAlive, loadStackCredentials } from "./kit";

export type {
  ClusterInfo,
  DataCenterInfo,
  HostRecord as OvirtHost,
  IsoFile,
  NetworkInfo,
  OvirtEvent,
  VmStatistics,
};

export interface OvirtEventList {
  events: OvirtEvent[];
  /** The highest id returned (or `sinceId` when none): pass it as `sinceId` next time. */
  lastId: number | null;
  /** True when `max` events were returned: there may be more after `lastId`. */
  more: boolean;
}

type Extra = Record<string, { schema: z.ZodType; value: unknown }>;

/** Bad arguments fail before any request, naming the argument (as check does for resources). */
function validated(what: string, connection: OvirtConnectionArgs, extra: Extra = {}): void {
  const schema = z
    .object({
      connection: ovirtConnectionSchema,
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.schema])),
    })
    .strict();
  const args = {
    connection,
    ...Object.fromEntries(
      Object.entries(extra)
        .filter(([, v]) => v.value !== undefined)
        .map(([k, v]) => [k, v.value]),
    ),
  };
  checkedArgs(what, schema, args);
}

/** Runs `work` on a client that logs out as soon as it is done (a program makes a few calls and exits). */
async function withClient<T>(
  what: string,
  connection: OvirtConnectionArgs,
  extra: Extra,
  work: (client: OvirtClient) => Promise<T>,
): Promise<T> {
  validated(what, connection, extra);
  loadStackCredentials();
  return work(ovirtClient(connection, { lingerMs: 0 }));
}

/** GET /datacenters (seed 2.3). */
export function getOvirtDataCenters(connection: OvirtConnectionArgs): Promise<DataCenterInfo[]> {
  return withClient("getOvirtDataCenters", connection, {}, listDataCenters);
}

/** GET /clusters (seed 2.4). */
export function getOvirtClusters(connection: OvirtConnectionArgs): Promise<ClusterInfo[]> {
  return withClient("getOvirtClusters", connection, {}, listClusters);
}

/** GET /networks: the logical networks (seed 2.5). */
export function getOvirtNetworks(connection: OvirtConnectionArgs): Promise<NetworkInfo[]> {
  return withClient("getOvirtNetworks", connection, {}, listNetworks);
}

/** GET /hosts, with each host's status (pending_approval, up …) and cluster (seed 2.6). */
export function getOvirtHosts(connection: OvirtConnectionArgs): Promise<HostRecord[]> {
  return withClient("getOvirtHosts", connection, {}, listHosts);
}

/** The files of an ISO domain given by name or id (seed 2.7); a file's id is what a VM's CD-ROM takes. */
export function getOvirtIsoFiles(connection: OvirtConnectionArgs, isoDomain: string): Promise<IsoFile[]> {
  return withClient(
    "getOvirtIsoFiles",
    connection,
    { isoDomain: { schema: ovirtRefSchema, value: isoDomain } },
    (c) => listIsoFiles(c, isoDomain),
  );
}

/** A VM's (name or id) disk sizes, total size (seed 2.8) and engine statistics. */
export function getOvirtVmStatistics(connection: OvirtConnectionArgs, vm: string): Promise<VmStatistics> {
  return withClient("getOvirtVmStatistics", connection, { vm: { schema: ovirtRefSchema, value: vm } }, (c) =>
    vmStatistics(c, vm),
  );
}

/**
 * The engine's events after `sinceId`, oldest first, at most `max` (default 100); without
 * `sinceId`, the newest `max` (seed 2.22). Continue from `lastId`.
 */
export async function getOvirtEvents(
  connection: OvirtConnectionArgs,
  sinceId?: number,
  max = 100,
): Promise<OvirtEventList> {
  const events = await withClient(
    "getOvirtEvents",
    connection,
    {
      sinceId: { schema: z.number().int("a whole number").min(0, "0 or more").optional(), value: sinceId },
      max: { schema: z.number().int("a whole number").min(1, "1-1000").max(1000, "1-1000"), value: max },
    },
    (c) => eventsSince(c, sinceId, max),
  );
  const last = events.length ? events[events.length - 1]!.id : (sinceId ?? null);
  return { events, lastId: last, more: events.length >= max };
}

/** getOvirtDataCenters with a Pulumi input. */
export function getOvirtDataCentersOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
): pulumi.Output<DataCenterInfo[]> {
  return pulumi
    .output(connection)
    .apply((c) => keptAlive(() => getOvirtDataCenters(c as OvirtConnectionArgs)));
}

/** getOvirtClusters with a Pulumi input. */
export function getOvirtClustersOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
): pulumi.Output<ClusterInfo[]> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getOvirtClusters(c as OvirtConnectionArgs)));
}

/** getOvirtNetworks with a Pulumi input. */
export function getOvirtNetworksOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
): pulumi.Output<NetworkInfo[]> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getOvirtNetworks(c as OvirtConnectionArgs)));
}

/** getOvirtHosts with a Pulumi input. */
export function getOvirtHostsOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
): pulumi.Output<HostRecord[]> {
  return pulumi.output(connection).apply((c) => keptAlive(() => getOvirtHosts(c as OvirtConnectionArgs)));
}

/** getOvirtIsoFiles with Pulumi inputs. */
export function getOvirtIsoFilesOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
  isoDomain: pulumi.Input<string>,
): pulumi.Output<IsoFile[]> {
  return pulumi
    .all([connection, isoDomain])
    .apply(([c, d]) => keptAlive(() => getOvirtIsoFiles(c as OvirtConnectionArgs, d)));
}

/** getOvirtVmStatistics with Pulumi inputs. */
export function getOvirtVmStatisticsOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
  vm: pulumi.Input<string>,
): pulumi.Output<VmStatistics> {
  return pulumi
    .all([connection, vm])
    .apply(([c, v]) => keptAlive(() => getOvirtVmStatistics(c as OvirtConnectionArgs, v)));
}

/** getOvirtEvents with Pulumi inputs. */
export function getOvirtEventsOutput(
  connection: pulumi.Input<OvirtConnectionArgs>,
  sinceId?: pulumi.Input<number | undefined>,
  max?: pulumi.Input<number | undefined>,
): pulumi.Output<OvirtEventList> {
  return pulumi
    .all([connection, sinceId, max])
    .apply(([c, s, m]) => keptAlive(() => getOvirtEvents(c as OvirtConnectionArgs, s, m ?? 100)));
}
