/**
 * The inputs of `Vm`, checked before any request: names the engine accepts, sizes in MiB/GiB
 * with their relations (guaranteed ≤ memory ≤ max), CPU topology, unique NIC and disk names,
 * at most one bootable declared disk, a NIC on a vNIC profile or a network (not both), and
 * cloud-init whose root password comes from a credential profile (never an input).
 */
import { z } from "zod";
import { plainNameSchema, timeoutsSchema } from "../inputs/common";
import { ovirtConnectionSchema } from "../inputs/ovirt";

/** The engine's VM name rule: letters, digits, '_', '-', '.', at most 64 characters (UNCONFIRMED for 3.6). */
const vmName = plainNameSchema(64, "letters, digits, '_', '-', '.' only (the engine's VM name rule)");
const objectRef = z.string().min(1).max(255);
const deviceName = plainNameSchema(50);
const bootDevice = z.enum(["hd", "cdrom", "network"]);
const positiveInt = (what: string) => z.number({ error: what }).int("a whole number").positive("must be > 0");

const nic = z
  .object({
    name: deviceName,
    interface: z.enum(["virtio", "e1000", "rtl8139"]).optional(),
    vnicProfile: objectRef.optional(),
    network: objectRef.optional(),
  })
  .strict();

const disk = z
  .object({
    name: deviceName,
    storageDomain: objectRef,
    sizeGiB: positiveInt("a size in GiB").max(65_536, "at most 64 TiB"),
    format: z.enum(["cow", "raw"]).optional(),
    sparse: z.boolean().optional(),
    interface: z.enum(["virtio", "virtio_scsi", "ide", "sata"]).optional(),
    bootable: z.boolean().optional(),
  })
  .strict();

const nicConfiguration = z
  .object({
    name: deviceName,
    bootProtocol: z.enum(["dhcp", "static", "none"]),
    address: z.string().min(1).optional(),
    netmask: z.string().min(1).optional(),
    gateway: z.string().min(1).optional(),
    onBoot: z.boolean().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.bootProtocol === "static" && (!c.address || !c.netmask))
      ctx.addIssue({
        code: "custom",
        path: ["address"],
        message: "a static configuration needs address and netmask",
      });
  });

const initialization = z
  .object({
    hostName: z.string().min(1).max(255).optional(),
    userName: z.string().min(1).max(255).optional(),
    /** The root password is the password of this credential profile (stack config or environment). */
    rootPasswordProfile: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "a credential profile name (it names DRPLANE_<PROFILE>_PASSWORD)")
      .optional(),
    authorizedSshKeys: z.string().min(1).optional(),
    customScript: z.string().min(1).optional(),
    dnsServers: z.string().min(1).optional(),
    dnsSearch: z.string().min(1).optional(),
    timezone: z.string().min(1).optional(),
    nicConfigurations: z.array(nicConfiguration).optional(),
  })
  .strict();

function uniqueNames(items: Array<{ name: string }> | undefined, path: string, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  (items ?? []).forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [path, i, "name"],
        message: `duplicate name (also ${path}[${first}])`,
      });
    else seen.set(item.name, i);
  });
}

export function ovirtVmSchema() {
  return z
    .object({
      connection: ovirtConnectionSchema,
      name: vmName,
      cluster: objectRef,
      template: objectRef.optional(),
      memoryMiB: positiveInt("memory in MiB").max(16 * 1024 * 1024, "at most 16 TiB"),
      memoryGuaranteedMiB: positiveInt("memory in MiB").optional(),
      memoryMaxMiB: positiveInt("memory in MiB").optional(),
      cpu: z
        .object({
          sockets: positiveInt("a count").max(64),
          cores: positiveInt("a count").max(64),
          threads: positiveInt("a count").max(8),
        })
        .strict()
        .optional(),
      osType: z.string().min(1).max(64).optional(),
      bootDevices: z.array(bootDevice).min(1).max(3).optional(),
      description: z.string().max(255).optional(),
      highAvailability: z.boolean().optional(),
      deleteProtected: z.boolean().optional(),
      nics: z.array(nic).max(32).optional(),
      disks: z.array(disk).max(64).optional(),
      cdromIso: z.string().max(255).optional(),
      runState: z.enum(["running", "stopped"]).optional(),
      initialization: initialization.optional(),
      initializationChanges: z.enum(["warn", "replace"]).optional(),
      startOverrides: z
        .object({
          bootDevices: z.array(bootDevice).min(1).max(3).optional(),
          initialization: initialization.optional(),
        })
        .strict()
        .optional(),
      applyNextRun: z.enum(["reboot", "never"]).optional(),
      detachOnly: z.boolean().optional(),
      adopt: z.boolean().optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      uniqueNames(v.nics, "nics", ctx);
      uniqueNames(v.disks, "disks", ctx);
      if (v.memoryGuaranteedMiB !== undefined && v.memoryGuaranteedMiB > v.memoryMiB)
        ctx.addIssue({
          code: "custom",
          path: ["memoryGuaranteedMiB"],
          message: `must be ≤ memoryMiB (${v.memoryMiB})`,
        });
      if (v.memoryMaxMiB !== undefined && v.memoryMaxMiB < v.memoryMiB)
        ctx.addIssue({
          code: "custom",
          path: ["memoryMaxMiB"],
          message: `must be ≥ memoryMiB (${v.memoryMiB})`,
        });
      const bootable = (v.disks ?? []).filter((d) => d.bootable);
      if (bootable.length > 1)
        ctx.addIssue({ code: "custom", path: ["disks"], message: "at most one disk can be bootable" });
      for (const nicIndex of (v.nics ?? []).keys()) {
        const n = v.nics![nicIndex]!;
        if (n.vnicProfile && n.network)
          ctx.addIssue({
            code: "custom",
            path: ["nics", nicIndex, "network"],
            message: "give vnicProfile or network, not both",
          });
      }
    });
}
