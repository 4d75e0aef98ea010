/**
 * The API root (product version, what `apiVersion: "auto"` reads; reference §1.1, seed 2.2) and
 * the read-only collections: data centers (seed 2.3) and clusters (2.4), each also by id,
 * logical networks (2.5), vNIC profiles and templates (2.14's Blank).
 */
import type { Json } from "./codec";
import { RUNNING_STATUSES, ZERO_GUID, type ClusterRecord, type DataCenterRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";

const ROOT_LINKS = [
  "clusters",
  "datacenters",
  "disks",
  "events",
  "hosts",
  "jobs",
  "networks",
  "storagedomains",
  "templates",
  "vms",
];

function root(ctx: Ctx): Json {
  const c = ctx.codec;
  const state = ctx.state;
  const v = state.productVersion();
  const vms = [...state.vms.values()];
  const hosts = [...state.hosts.values()];
  const summary = {
    vms: {
      total: c.int(vms.length),
      active: c.int(vms.filter((x) => RUNNING_STATUSES.has(x.status)).length),
    },
    hosts: { total: c.int(hosts.length), active: c.int(hosts.filter((h) => h.status === "up").length) },
    storage_domains: {
      total: c.int(state.domains.size),
      active: c.int([...state.domains.values()].filter((d) => d.status === "active").length),
    },
  };
  const links = ROOT_LINKS.map((rel) => ({ href: c.href(`/${rel}`), rel }));
  // vNIC profiles exist since engine 3.3, so RHEV 3.6's v3 lists them too.
  links.push({ href: c.href("/vnicprofiles"), rel: "vnicprofiles" });
  if (ctx.dialect === "v4") {
    return {
      product_info: {
        name: state.info.productName,
        vendor: "ovirt.org",
        version: {
          major: c.int(v.major),
          minor: c.int(v.minor),
          build: c.int(v.build),
          revision: c.int(v.revision),
          full_version: v.full,
        },
      },
      special_objects: {
        blank_template: c.ref("/templates", ZERO_GUID),
        root_tag: c.ref("/tags", ZERO_GUID),
      },
      summary,
      time: c.date(state.now()),
      authenticated_user: { user_name: ctx.caller.user },
      link: links,
    };
  }
  return {
    product_info: {
      name: state.info.productName,
      vendor: "Red Hat",
      version: {
        major: c.int(v.major),
        minor: c.int(v.minor),
        build: c.int(v.build),
        revision: c.int(v.revision),
      },
      full_version: v.full,
    },
    special_objects: {
      link: [
        { href: c.href(`/templates/${ZERO_GUID}`), rel: "templates/blank" },
        { href: c.href(`/tags/${ZERO_GUID}`), rel: "tags/root" },
      ],
    },
    summary,
    time: c.date(state.now()),
    link: links,
  };
}

/** A data center: `up` once a master data domain is active in it, else `uninitialized`. */
function renderDataCenter(ctx: Ctx, d: DataCenterRecord): Json {
  const c = ctx.codec;
  const up = [...ctx.state.domains.values()].some(
    (sd) => sd.dataCenterId === d.id && sd.master && sd.status === "active",
  );
  return {
    id: d.id,
    href: c.href(`/datacenters/${d.id}`),
    name: d.name,
    description: d.description,
    local: c.bool(d.local),
    storage_type: d.storageType,
    ...c.status(up ? "up" : "uninitialized"),
    version: { major: c.int(d.version.major), minor: c.int(d.version.minor) },
    link: c.links(`/datacenters/${d.id}`, ["storagedomains", "clusters", "networks"]),
  };
}

function renderCluster(ctx: Ctx, x: ClusterRecord): Json {
  const c = ctx.codec;
  return {
    id: x.id,
    href: c.href(`/clusters/${x.id}`),
    name: x.name,
    cpu: { type: x.cpuType, architecture: "x86_64" },
    data_center: c.ref("/datacenters", x.dataCenterId),
    version: { major: c.int(x.version.major), minor: c.int(x.version.minor) },
  };
}

export function installInventoryRoutes(router: OvirtRouter): void {
  router.add("GET", "", (ctx) => ({ status: 200, body: root(ctx) }));
  router.add("GET", "/datacenters", (ctx) => {
    const items = applySearch(ctx, [...ctx.state.dataCenters.values()], {
      name: (d) => d.name,
      id: (d) => d.id,
      storage_type: (d) => d.storageType,
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "data_center",
        items.map((d) => renderDataCenter(ctx, d)),
      ),
    };
  });
  // The entity GETs (DataCenterService.get, ClusterService.get of the API model): a lookup by id.
  router.add("GET", "/datacenters/:id", (ctx) => ({
    status: 200,
    body: renderDataCenter(ctx, ctx.state.dataCenter(ctx.params["id"])),
  }));
  router.add("GET", "/clusters", (ctx) => {
    const items = applySearch(ctx, [...ctx.state.clusters.values()], {
      name: (x) => x.name,
      id: (x) => x.id,
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "cluster",
        items.map((x) => renderCluster(ctx, x)),
      ),
    };
  });
  router.add("GET", "/clusters/:id", (ctx) => ({
    status: 200,
    body: renderCluster(ctx, ctx.state.cluster(ctx.params["id"])),
  }));
  router.add("GET", "/networks", (ctx) => {
    const c = ctx.codec;
    const items = applySearch(ctx, [...ctx.state.networks.values()], {
      name: (x) => x.name,
      id: (x) => x.id,
    });
    return {
      status: 200,
      body: c.collection(
        "network",
        items.map((x) => ({
          id: x.id,
          href: c.href(`/networks/${x.id}`),
          name: x.name,
          description: x.description,
          data_center: c.ref("/datacenters", x.dataCenterId),
          usages: { usage: x.vmNetwork ? ["vm", "management"] : ["management"] },
        })),
      ),
    };
  });
  router.add("GET", "/vnicprofiles", (ctx) => {
    const c = ctx.codec;
    const items = applySearch(ctx, [...ctx.state.vnicProfiles.values()], {
      name: (x) => x.name,
      id: (x) => x.id,
    });
    return {
      status: 200,
      body: c.collection(
        "vnic_profile",
        items.map((x) => ({
          id: x.id,
          href: c.href(`/vnicprofiles/${x.id}`),
          name: x.name,
          network: c.ref("/networks", x.networkId),
        })),
      ),
    };
  });
  router.add("GET", "/templates", (ctx) => {
    const c = ctx.codec;
    const items = applySearch(ctx, [...ctx.state.templates.values()], {
      name: (x) => x.name,
      id: (x) => x.id,
    });
    return {
      status: 200,
      body: c.collection(
        "template",
        items.map((t) => ({
          id: t.id,
          href: c.href(`/templates/${t.id}`),
          name: t.name,
          description: t.description,
          memory: c.long(t.memory),
          os: { type: t.osType },
          ...c.status("ok"),
        })),
      ),
    };
  });
}
