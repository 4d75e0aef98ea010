/**
 * The VRG's status codes and what they mean (seed 001 §3.4, §3.5, §3.6, §3.7.3, §3.8.3,
 * §3.8.4). Names are what users see in outputs; the numbers stay beside them.
 */

/** vrgmap status (§3.7.3). */
export const PAIRING_STATUS = {
  1: { name: "normal", meaning: "paired, link normal" },
  2: { name: "pairing", meaning: "pairing in progress" },
  3: { name: "failed", meaning: "pairing failed (abnormal)" },
  4: { name: "unpaired", meaning: "not paired" },
  5: { name: "linkBroken", meaning: "the link to the peer VRG is broken" },
} as const;

/** volStatus of a DR-side volume (§3.8.3). */
export const VOLUME_STATUS = {
  1: { name: "normal", meaning: "normal" },
  2: { name: "pathError", meaning: "volume path error (volumeUrl not usable)" },
  3: { name: "typeError", meaning: "volume type error (volType does not match the volume)" },
  4: { name: "usedByOtherVrg", meaning: "the volume is configured on another VRG" },
  5: { name: "setting", meaning: "being set" },
  6: { name: "deleteFailed", meaning: "deletion failed (delete again with delFlag 2, force)" },
} as const;

/** What to do about a DR volume in an error state (shown as the remedy of a failed wait). */
export const VOLUME_REMEDY: Readonly<Record<number, string>> = {
  2: "the DR volume at volumeUrl must exist on the DR site and be reachable by the writeagent: repair it and run again, or declare another volumeUrl (that replaces the strategy)",
  3: "declare the volType the DR volume really has (a changed volType replaces the strategy)",
  4: "the DR volume is configured on another VRG: delete that VRG's strategy for it, or declare another volumeUrl",
  6: 'a deletion failed on the VRG: set deleteMode "forceOnFailure" (or "force") and destroy again, or run up to set the strategy again',
};

/** vmdrstatus status and the drStatus a deletion answers with (§3.6, §3.8.4). */
export const DR_STATUS = {
  1: { name: "incrementalQueue", meaning: "incremental (queue)" },
  2: { name: "incrementalCbt", meaning: "incremental (CBT)" },
  3: { name: "consistencyCheck", meaning: "consistency check" },
} as const;

/** vrgstatus status (§3.4). */
export const VRG_STATUS = {
  1: { name: "normal", meaning: "normal" },
  2: { name: "abnormal", meaning: "abnormal" },
} as const;

/** netinfos type (§3.5). */
export const NET_TYPE = {
  0: { name: "management", meaning: "management network" },
  1: { name: "cna", meaning: "network to the CNA (host) nodes" },
  2: { name: "peerVrg", meaning: "network to the peer VRG" },
} as const;

/** vmstrategy flag (§3.8.3). */
export const ROLE_FLAG = { production: 1, dr: 2 } as const;
export type Role = keyof typeof ROLE_FLAG;

type Table = Readonly<Record<number, { name: string; meaning: string }>>;

/** `{name, meaning}` of a code; unknown codes are named `unknown(<n>)`. */
export function describeCode(table: Table, code: number | undefined): { name: string; meaning: string } {
  if (code === undefined || Number.isNaN(code)) return { name: "unknown", meaning: "not reported" };
  return table[code] ?? { name: `unknown(${code})`, meaning: `status ${code} is not in the seed's table` };
}

/**
 * Capacity fields of vrgstatus (§3.4): -1 cache unused, -2 cache loading (available only),
 * -3 value invalid (available only); other values are KB.
 */
export function capacity(kb: number | undefined): { kb: number | null; state: string } {
  if (kb === undefined || Number.isNaN(kb)) return { kb: null, state: "unknown" };
  if (kb === -1) return { kb: null, state: "cacheUnused" };
  if (kb === -2) return { kb: null, state: "cacheLoading" };
  if (kb === -3) return { kb: null, state: "invalid" };
  return { kb, state: "ok" };
}
