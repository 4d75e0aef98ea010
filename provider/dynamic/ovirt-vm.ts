/**
 * Handler for `Vm` (oVirt 4.x / RHEV 3.6): one VM with its NICs, disks, CD-ROM, run state and
 * cloud-init. The VM is adopted by exact name within its cluster (nothing is created twice,
 * also after a run that crashed before recording it; `adopt: false` refuses instead);
 * cluster and template replace; a disk's placement (storage domain, format, sparseness) or a
 * smaller size replaces; everything else updates in place, hot where the engine allows and
 * through `next_run` otherwise (the pending fields are an output, `pendingChanges`). The
 * persisted initialization applies at first boot only: once the VM has booted, a changed
 * initialization replaces the VM (`initializationChanges: "replace"`) or is kept with a
 * printed warning (`"warn"`, the default) — never silently ignored.
 */
import { resolveCredentials } from "../core/credentials";
import { isDrplaneError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { ovirtClient } from "../inputs/ovirt";
import {
  ensureVm,
  findVmByName,
  readVm,
  removeVm,
  updateVm,
  type VmRecord,
  type VmSpec,
} from "../vendors/ovirt";
import { defineHandler, inputsChanged, partialCreate, same, type OpContext, type Props } from "./kit";
import { ovirtVmSchema } from "./ovirt-vm-schema";

export const KIND = "Vm";
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

/** Output-only keys. */
const COMPUTED = [
  "vmId",
  "status",
  "ips",
  "isInitialized",
  "nextRunConfigurationExists",
  "pendingChanges",
  "nicMacs",
  "diskIds",
  "resolvedRefs",
  "adopted",
];

/** The declared VM, as the vendor flows take it (the root password resolved from its profile). */
function specOf(inputs: Props): VmSpec {
  const init = inputs.initialization as Props | undefined;
  const rootPassword = init?.rootPasswordProfile ? rootPasswordOf(init.rootPasswordProfile) : undefined;
  const { rootPasswordProfile: _profile, ...initialization } = init ?? {};
  return {
    name: inputs.name,
    cluster: inputs.cluster,
    template: inputs.template,
    memoryMiB: inputs.memoryMiB,
    memoryGuaranteedMiB: inputs.memoryGuaranteedMiB,
    memoryMaxMiB: inputs.memoryMaxMiB,
    cpu: inputs.cpu,
    osType: inputs.osType,
    bootDevices: inputs.bootDevices,
    description: inputs.description,
    highAvailability: inputs.highAvailability,
    deleteProtected: inputs.deleteProtected,
    nics: inputs.nics ?? [],
    disks: inputs.disks ?? [],
    cdromIso: inputs.cdromIso,
    runState: inputs.runState ?? "stopped",
    ...(init ? { initialization: { ...initialization, ...(rootPassword ? { rootPassword } : {}) } } : {}),
    ...(inputs.startOverrides ? { startOverrides: inputs.startOverrides } : {}),
  };
}

/** The root password of cloud-init: the password of a credential profile (never an input). */
function rootPasswordOf(profile: string): string {
  const { password } = resolveCredentials(profile);
  registerSecret(password);
  return password;
}

function idOf(record: VmRecord): string {
  return record.id;
}

/** What the engine reports, as outputs (declared inputs take the live values in `read`). */
function outputs(
  inputs: Props,
  record: VmRecord,
  adopted: boolean,
  pending: readonly string[],
  refs: Refs = refsOf(inputs, record),
): Props {
  return {
    ...inputs,
    vmId: record.id,
    status: record.status,
    ips: record.ips,
    // null: the engine does not say (the initialization then counts as used, see `booted`).
    isInitialized: record.isInitialized ?? null,
    nextRunConfigurationExists: record.nextRunConfigurationExists,
    pendingChanges: [...pending],
    nicMacs: Object.fromEntries(record.nics.map((n) => [n.name, n.mac ?? null])),
    diskIds: Object.fromEntries(record.disks.filter((d) => !d.fromTemplate).map((d) => [d.name, d.id])),
    resolvedRefs: refs,
    adopted,
  };
}

/**
 * The live VM in the shape of the inputs. Where a pending next-run configuration exists, its
 * values are what the VM becomes at its next restart: drift is measured against them, and the
 * fields that differ from the running configuration are listed in `pendingChanges`.
 */
export function liveInputs(recorded: Props, record: VmRecord): { inputs: Props; pending: string[] } {
  const now = shape(recorded, record);
  if (!record.nextRun) return { inputs: now, pending: [] };
  const next = shape(recorded, { ...record, ...record.nextRun } as VmRecord);
  const pending = Object.keys(next).filter((k) => !same(now[k], next[k]));
  return { inputs: next, pending };
}

function shape(recorded: Props, r: VmRecord): Props {
  const out: Props = {
    ...recorded,
    name: r.name,
    memoryMiB: r.memoryMiB,
    cpu: r.cpu,
    bootDevices: r.bootDevices,
    highAvailability: r.highAvailability,
    deleteProtected: r.deleteProtected,
    cdromIso: r.cdromIso ?? "",
  };
  const optional: Array<[string, unknown]> = [
    ["memoryGuaranteedMiB", r.memoryGuaranteedMiB],
    ["memoryMaxMiB", r.memoryMaxMiB],
    ["osType", r.osType],
    ["description", r.description],
  ];
  for (const [k, v] of optional) if (v !== undefined) out[k] = v;
  const refs = (recorded.resolvedRefs ?? {}) as Refs;
  out.nics = liveItems(recorded.nics, r.nics, (n) => ({
    name: n.name,
    interface: n.interface,
    vnicProfile: declaredRef(refs, n.vnicProfile),
    network: declaredRef(refs, n.network),
  }));
  // Template disks are the VM's own but not declared: only declared-style disks are inputs.
  out.disks = liveItems(
    recorded.disks,
    r.disks.filter((d) => !d.fromTemplate),
    (d) => ({
      name: d.name,
      storageDomain: declaredRef(refs, d.storageDomain),
      sizeGiB: d.sizeGiB,
      format: d.format,
      sparse: d.sparse,
      interface: d.interface,
      bootable: d.bootable,
    }),
  );
  const runState = r.status === "up" ? "running" : r.status === "down" ? "stopped" : undefined;
  if (runState) out.runState = runState;
  return out;
}

/** Declared name → the engine id it resolved to (storage domains, vNIC profiles, networks). */
type Refs = Record<string, string>;

/** The declared reference when the live id is the one it resolved to; else the live id (drift). */
function declaredRef(refs: Refs, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  return Object.entries(refs).find(([, v]) => v === id)?.[0] ?? id;
}

/**
 * Live items (NICs, disks) in the declared form: a declared item shows only the fields the
 * user declared (engine defaults are not drift); an undeclared live item shows the basic ones.
 */
function liveItems<T extends { name: string }>(
  declared: Props[] | undefined,
  live: T[],
  form: (item: T) => Props,
): Props[] {
  const byName = new Map((declared ?? []).map((d) => [d.name, d]));
  return live.map((item) => {
    const full = dropUndefined(form(item));
    const d = byName.get(item.name);
    const keys = d ? Object.keys(d) : ["name", "storageDomain", "sizeGiB", "vnicProfile", "network"];
    return Object.fromEntries(keys.filter((k) => k in full).map((k) => [k, full[k]]));
  });
}

/** What each declared reference resolved to, read from the record right after create/update. */
function refsOf(inputs: Props, record: VmRecord): Refs {
  const refs: Refs = {};
  const disks = new Map(record.disks.map((d) => [d.name, d]));
  for (const d of (inputs.disks as Props[] | undefined) ?? []) {
    const live = disks.get(d.name)?.storageDomain;
    if (live) refs[d.storageDomain] = live;
  }
  const nics = new Map(record.nics.map((n) => [n.name, n]));
  for (const n of (inputs.nics as Props[] | undefined) ?? []) {
    const live = nics.get(n.name);
    if (n.vnicProfile && live?.vnicProfile) refs[n.vnicProfile] = live.vnicProfile;
    if (n.network && live?.network) refs[n.network] = live.network;
  }
  return refs;
}

function dropUndefined(p: Props): Props {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

/** A disk whose placement changed, or that shrank, cannot change in place. */
function diskReplaced(olds: Props, news: Props): boolean {
  const old = new Map(((olds.disks as Props[] | undefined) ?? []).map((d) => [d.name, d]));
  return ((news.disks as Props[] | undefined) ?? []).some((d) => {
    const o = old.get(d.name);
    if (!o) return false;
    const changed = (k: string, dflt?: unknown) => (o[k] ?? dflt) !== (d[k] ?? dflt);
    return (
      changed("storageDomain") ||
      changed("format", "cow") ||
      changed("sparse") ||
      (typeof o.sizeGiB === "number" && d.sizeGiB < o.sizeGiB)
    );
  });
}

/** The declared initialization changed (the root password's profile included). */
function initializationChanged(olds: Props, news: Props): boolean {
  return !same(olds.initialization ?? null, news.initialization ?? null);
}

export const vmHandler = defineHandler({
  kind: KIND,
  schema: ovirtVmSchema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces: string[] = [];
    if (olds.cluster !== news.cluster) replaces.push("cluster");
    if ((olds.template ?? "Blank") !== (news.template ?? "Blank")) replaces.push("template");
    if (diskReplaced(olds, news)) replaces.push("disks");
    const reinit = booted(olds) && initializationChanged(olds, news);
    if (reinit && news.initializationChanges === "replace") replaces.push("initialization");
    const changes =
      replaces.length > 0 ||
      (Array.isArray(olds.pendingChanges) &&
        olds.pendingChanges.length > 0 &&
        news.applyNextRun === "reboot") ||
      inputsChanged(olds, news, COMPUTED, ["cluster", "template"]);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs, ctx) {
    const client = ovirtClient(inputs.connection);
    try {
      const r = await ensureVm({
        client,
        spec: specOf(inputs),
        timeoutMs: ctx.timeoutMs,
        onProgress: ctx.say,
        adopt: inputs.adopt ?? true,
      });
      return { id: idOf(r.record), outs: outputs(inputs, r.record, r.adopted, []) };
    } catch (err) {
      // The VM may exist now (a disk went illegal, a start timed out): record it, so the next
      // `pulumi up` converges it and destroy removes it, instead of creating a second VM.
      if (!isDrplaneError(err, "DRP_TIMEOUT") && !isDrplaneError(err, "DRP_JOB_FAILED")) throw err;
      const found = await findCreated(inputs).catch(() => undefined);
      if (!found) throw err;
      throw partialCreate(inputs, idOf(found), outputs(inputs, found, false, []), err);
    }
  },

  async read(id, props) {
    const record = await readVm(ovirtClient(props.connection), id);
    if (!record) return undefined;
    const { inputs, pending } = liveInputs(props, record);
    // The references keep what they resolved to at create/update: a disk moved since is drift.
    const refs = (props.resolvedRefs ?? {}) as Refs;
    return { ...outputs(props, record, props.adopted ?? false, pending, refs), ...inputs };
  },

  async update(id, olds, news, ctx) {
    warnIfInitializationKept(olds, news, ctx);
    const r = await updateVm({
      client: ovirtClient(news.connection),
      id,
      spec: specOf(news),
      previous: specOf({ ...olds, initialization: undefined }),
      applyNextRun: news.applyNextRun ?? "never",
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
      detachOnlyDisks: news.detachOnly ?? false,
    });
    if (r.pending.length)
      ctx.say(
        `waiting for the next restart of the VM: ${r.pending.join(", ")} (set applyNextRun: "reboot" to restart now)`,
      );
    return outputs(news, r.record, olds.adopted ?? false, r.pending);
  },

  async delete(id, props, ctx) {
    const r = await removeVm({
      client: ovirtClient(props.connection),
      id,
      detachOnlyDisks: props.detachOnly ?? false,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (r.alreadyGone) ctx.say(`VM ${props.name} (${id}) is gone already; nothing to delete`);
  },
});

/** After a failed create: the VM of this name in this cluster, if the engine has it. */
async function findCreated(inputs: Props): Promise<VmRecord | undefined> {
  return findVmByName(ovirtClient(inputs.connection), inputs.name, inputs.cluster);
}

/**
 * Whether the VM has booted once (its persisted initialization is used): when the engine does
 * not say (null), it counts as booted, so a change is reported rather than silently dropped.
 */
function booted(props: Props): boolean {
  return props.isInitialized !== false && props.isInitialized !== undefined;
}

/** Honest cloud-init: a change after the first boot is said, not silently dropped. */
function warnIfInitializationKept(olds: Props, news: Props, ctx: OpContext): void {
  if (booted(olds) && initializationChanged(olds, news)) {
    ctx.say(
      'initialization changed after the VM\'s first boot: the engine applies it at first boot only, so the guest will NOT see it (set initializationChanges: "replace" to rebuild the VM with it)',
    );
  }
}
