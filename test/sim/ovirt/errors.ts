/**
 * Engine faults: the `{reason, detail}` body of CRUD calls and the `{status: failed, fault}`
 * body of actions (reference §1.7, §1.13), the texts the engine prints (AppErrors.properties,
 * reference §1.13 and §1.12), and the body an injected status fault gets.
 *
 * The detail is a Java List `toString`, so it carries the brackets: "[Cannot run VM. VM is running.]".
 */

/** Thrown by handlers; the router renders it in the request's dialect and shape. */
export class EngineFault extends Error {
  constructor(
    readonly status: number,
    /** Messages; rendered as "[m1, m2]" unless `raw`. */
    readonly messages: string[],
    readonly reason = "Operation Failed",
    /** Detail used verbatim (no brackets), e.g. "Vm [name] required for add". */
    readonly raw = false,
  ) {
    super(`${status} ${reason}: ${messages.join(", ")}`);
    this.name = "EngineFault";
  }

  get detail(): string {
    return this.raw ? this.messages.join(", ") : `[${this.messages.join(", ")}]`;
  }
}

/** 404 with an empty body: unknown or non-GUID id (reference §1.13). */
export class NotFound extends Error {
  constructor() {
    super("not found");
    this.name = "NotFound";
  }
}

/** 409 CONFLICT with one message. */
export const conflict = (message: string): EngineFault => new EngineFault(409, [message]);
/** 400 BAD_PARAMETERS with one message. */
export const badRequest = (message: string): EngineFault => new EngineFault(400, [message]);

/** 400 "Incomplete parameters" / "<Type> [<fields>] required for <verb>" (reference §1.5). */
export const incomplete = (type: string, fields: string, verb = "add"): EngineFault =>
  new EngineFault(400, [`${type} [${fields}] required for ${verb}`], "Incomplete parameters", true);

/** 400 for a value that does not parse (**invented** wording). */
export const invalidValue = (field: string, value: unknown): EngineFault =>
  new EngineFault(400, [`Invalid value '${String(value)}' for '${field}'`], "Invalid value", true);

/** Bad JSON (reference §1.13, from terraform-provider-ovirt#212). */
export const syntaxError = (engineHost: string, service: string): EngineFault =>
  new EngineFault(
    400,
    [`For correct usage, see: https://${engineHost}/ovirt-engine/apidoc#services/${service}`],
    "Request syntactically incorrect.",
    true,
  );

/** Message texts (reference §1.13 unless marked in the README). */
export const MSG = {
  vmLockedRun: "Cannot run VM: VM is locked. Please try again in a few minutes.",
  vmRunning: "Cannot run VM. VM is running.",
  noBootableDisk:
    "Cannot run VM without at least one bootable disk.\nAlternatives:\n-Create a disk for this VM, and rerun the VM.\n-Change the boot sequence using the Edit VM command (Boot Option Sub-Tab).\n-Use the 'Run-Once' command to select a different boot option and rerun the VM.",
  notRunning: (verb: string): string => `Cannot ${verb} VM. VM is not running.`,
  disksLocked: (action: string, type: string, aliases: string[]): string =>
    `Cannot ${action} ${type}: The following disks are locked: ${aliases.join(", ")}. Please try again in a few minutes.`,
  disksIllegal: (action: string, type: string, aliases: string[]): string =>
    `Cannot ${action} ${type}. The following attached disks are in ILLEGAL status: ${aliases.join(", ")} - please remove them and try again.`,
  relatedInProgress: (action: string, type: string): string =>
    `Cannot ${action} ${type}. Related operation is currently in progress. Please try again later.`,
  objectLocked: (action: string, type: string): string =>
    `Cannot ${action} ${type}: ${type} is locked. Please try again in a few minutes.`,
  vmNameInUse: "Cannot add VM. The VM name is already in use, please choose a unique name and try again.",
  vmNameInUseEdit:
    "Cannot edit VM. The VM name is already in use, please choose a unique name and try again.",
  removeRunning: "Cannot remove VM. VM is running.",
  removeNotDown: "Cannot remove VM that its state is not down.\n-Please stop the VM first.",
  deleteProtected:
    "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.",
  detachOnlyTemplate: "Cannot remove VM with detaching disks, VM is based from template.",
  vmLocked: (action: string): string =>
    `Cannot ${action} VM: VM is locked. Please try again in a few minutes.`,
  diskVmImageLocked: (verb: "add" | "attach"): string =>
    `Cannot ${verb} Virtual Disk because the VM is in Image Locked status.`,
  noHost: "Cannot run VM. There is no host that satisfies current scheduling constraints.",
} as const;

/** "POST .../vms/:id/start" → ["run", "VM"], for the in-progress / locked texts of injected 409s. */
export function actionAndType(method: string, routeOrPath: string): [string, string] {
  const parts = routeOrPath.split("/").filter((p) => p && !p.startsWith(":"));
  const last = parts[parts.length - 1] ?? "";
  const type = /disk/.test(routeOrPath)
    ? "Virtual Disk"
    : /storagedomains/.test(routeOrPath)
      ? "Storage"
      : /hosts/.test(routeOrPath)
        ? "Host"
        : /nics/.test(routeOrPath)
          ? "Interface"
          : "VM";
  const verbs: Record<string, string> = {
    start: "run",
    stop: "stop",
    shutdown: "shutdown",
    reboot: "reboot",
    suspend: "suspend",
    activate: "activate",
    deactivate: "deactivate",
    approve: "approve",
  };
  if (method === "POST" && verbs[last]) return [verbs[last]!, type];
  if (method === "POST") return ["add", type];
  if (method === "PUT") return ["edit", type];
  if (method === "DELETE") return ["remove", type];
  return ["get", type];
}
