/**
 * Engine modes (which product the simulator pretends to be) and the simulator's options.
 *
 * | mode        | product version | API prefixes served                                         | longs     |
 * |-------------|-----------------|-------------------------------------------------------------|-----------|
 * | "ovirt-4.4" | 4.4.10          | /ovirt-engine/api (v4; `Version: 3` → 400), /ovirt-engine/api/v4 | strings |
 * | "ovirt-4.3" | 4.3.10          | /ovirt-engine/api (v4 default, v3 with `Version: 3`), /v4, /v3  | numbers |
 * | "rhev-3.6"  | 3.6.13          | /ovirt-engine/api and /api (v3 only; `Version: 4` → 400)       | numbers |
 *
 * Reference §1.1 (version selection), §1.3 (xs:long as strings from engine 4.4.0), §2 (v3
 * availability; gone from 4.4.0).
 */
import type { Clock } from "../../../provider/core/clock";
import type { Dialect } from "./models";

export type OvirtMode = "ovirt-4.4" | "ovirt-4.3" | "rhev-3.6";

export interface ModeInfo {
  productName: string;
  version: { major: number; minor: number; build: number; revision: number };
  /** Dialect when neither a /v3|/v4 prefix nor a Version header says. */
  defaultDialect: Dialect;
  dialects: readonly Dialect[];
  /** Path prefixes answered (longest first). */
  prefixes: readonly string[];
  /** xs:long values (memory, sizes) as JSON strings (4.4+) or numbers. */
  longsAsStrings: boolean;
  /** OAuth SSO at /ovirt-engine/sso/oauth/token (4.0+). */
  sso: boolean;
  /** `/jobs?search=correlation_id=` (4.2+). */
  jobSearch: boolean;
}

export const MODES: Readonly<Record<OvirtMode, ModeInfo>> = {
  "ovirt-4.4": {
    productName: "oVirt Engine",
    version: { major: 4, minor: 4, build: 10, revision: 0 },
    defaultDialect: "v4",
    dialects: ["v4"],
    prefixes: ["/ovirt-engine/api/v4", "/ovirt-engine/api"],
    longsAsStrings: true,
    sso: true,
    jobSearch: true,
  },
  "ovirt-4.3": {
    productName: "oVirt Engine",
    version: { major: 4, minor: 3, build: 10, revision: 0 },
    defaultDialect: "v4",
    dialects: ["v4", "v3"],
    prefixes: ["/ovirt-engine/api/v4", "/ovirt-engine/api/v3", "/ovirt-engine/api"],
    longsAsStrings: false,
    sso: true,
    jobSearch: true,
  },
  "rhev-3.6": {
    productName: "Red Hat Enterprise Virtualization Manager",
    version: { major: 3, minor: 6, build: 13, revision: 0 },
    defaultDialect: "v3",
    dialects: ["v3"],
    prefixes: ["/ovirt-engine/api", "/api"],
    longsAsStrings: false,
    sso: false,
    jobSearch: false,
  },
};

/** Every prefix any mode serves; routes are registered under each (longest first). */
export const ALL_PREFIXES = ["/ovirt-engine/api/v4", "/ovirt-engine/api/v3", "/ovirt-engine/api", "/api"];

/** Durations on the simulator clock (ms). Defaults are ours (**invented**) unless the README says. */
export interface OvirtTimings {
  /** Template disk copy: VM `image_locked` → `down`, its disks `locked` → `ok`. */
  imageCopyMs: number;
  /** New disk `locked` → `ok` | `illegal`. */
  diskCreateMs: number;
  /** `wait_for_launch` → `powering_up`. */
  launchMs: number;
  /** `powering_up` → `up` (the engine's default without a guest agent is 60 s; ours is shorter). */
  powerUpMs: number;
  /** Guest agent reports IPs this long after `up`. */
  guestAgentMs: number;
  /** ACPI shutdown: `powering_down` → `down`. */
  shutdownMs: number;
  /** ACPI ignored: back to `up` after this (VmGracefulShutdownTimeout, 30 s in the engine's config). */
  acpiTimeoutMs: number;
  /** Hard stop: `powering_down` → `down`. */
  stopMs: number;
  /** `reboot_in_progress` → `up`. */
  rebootMs: number;
  /** Suspend (`saving_state` → `suspended`) and resume (`restoring_state` → `up`). */
  suspendMs: number;
  /** VM removal: GET answers (status image_locked) until this passes, then 404. */
  removeMs: number;
  /** Storage domain attach / detach / activate / deactivate (`locked`/`activating`/`preparing_for_maintenance`). */
  domainOpMs: number;
  /** Host approve: `installing` → `up` (or `install_failed`). */
  hostInstallMs: number;
  /** Host deactivate: `preparing_for_maintenance` → `maintenance`. */
  hostMaintenanceMs: number;
}

export const DEFAULT_TIMINGS: OvirtTimings = {
  imageCopyMs: 5_000,
  diskCreateMs: 3_000,
  launchMs: 2_000,
  powerUpMs: 5_000,
  guestAgentMs: 10_000,
  shutdownMs: 5_000,
  acpiTimeoutMs: 30_000,
  stopMs: 1_000,
  rebootMs: 5_000,
  suspendMs: 3_000,
  removeMs: 2_000,
  domainOpMs: 3_000,
  hostInstallMs: 20_000,
  hostMaintenanceMs: 3_000,
};

export interface OvirtSeedOptions {
  /** An active NFS data domain "data0" in the Default data center (default true). */
  dataDomain?: boolean;
  /** Files of the seeded ISO domain "ISO_DOMAIN" (default: seed 2.17 and 2.20's files). */
  isoFiles?: string[];
  /** Hosts in `pending_approval` (default ["Pacific"]); "Atlantic" is always seeded `up`. */
  pendingHosts?: string[];
}

export interface OvirtEngineOptions {
  /** Default "ovirt-4.4". */
  mode?: OvirtMode;
  /** Overrides the API root's product version, e.g. "4.5.4" (the dialects stay the mode's). */
  productVersion?: string;
  /** user@domain → password. Default { "admin@internal": "engine-pass" }. */
  users?: Record<string, string>;
  clock?: Clock;
  timings?: Partial<OvirtTimings>;
  /** SSO access token idle lifetime on the clock (default 30 min; **invented**). */
  tokenTtlMs?: number;
  /** v3/Basic session idle lifetime when no `Session-TTL` header (default 30 min). */
  sessionTtlMs?: number;
  /** "ignored": every guest ignores ACPI shutdown (stays `up`); per VM: `engine.setAcpiIgnored`. */
  acpi?: "honoured" | "ignored";
  /** Guests have a guest agent that reports IPs (default true). */
  guestAgent?: boolean;
  /** Every new disk ends `illegal` ("illegal"), or only those armed by `failNextDisk()` ("ok"). */
  diskOutcome?: "ok" | "illegal";
  /**
   * Attaching a domain to a data center: "seed" (default) answers with the domain already in
   * `maintenance`, as seed 2.12 prints; "locked" shows `locked` for domainOpMs first (UNCONFIRMED).
   */
  domainAttach?: "seed" | "locked";
  /** With `X-Ovirt-Expect: 201-created`, hold a 202-create up to this much real time (default 0). */
  maxHoldRealMs?: number;
  /** An empty collection is `{}` ("omit", default; UNCONFIRMED) or `{"vm":[]}`. */
  emptyCollections?: "omit" | "empty-array";
  seed?: OvirtSeedOptions;
  tls?: { key: string | Buffer; cert: string | Buffer };
  name?: string;
}
