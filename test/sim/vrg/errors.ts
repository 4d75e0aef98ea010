/**
 * VRG error codes (seed 001 §2.1.4 "公共错误码" and the per-interface 错误码 tables of §3).
 * Every business error is HTTP 400 in the seed; the body is `{errorCode: "<numeric string>",
 * errorDes}` (§2.1.4: errorCode string, required; errorDes string, optional). errorDes is Chinese
 * (the seed's text) when the request sends `Accept-Language: zh_CN`, English otherwise (§2.1.1
 * lists zh_CN and en_US; which one is the default is UNCONFIRMED).
 */

export interface VrgErrorDefinition {
  /** errorCode as sent (a numeric string). */
  code: string;
  /** HTTP status (400 for every code in the seed). */
  status: number;
  /** The seed's description. */
  zh: string;
  /** Our translation. */
  en: string;
  /** Seed section(s) that list the code. */
  source: string;
}

const def = (d: VrgErrorDefinition): VrgErrorDefinition => d;

export const VRG_ERRORS = {
  internal: def({
    code: "10440000",
    status: 400,
    zh: "系统内部错误,请检查系统运行状态。",
    en: "Internal system error. Check the system status.",
    source: "§2.1.4",
  }),
  invalidParameter: def({
    code: "10440101",
    status: 400,
    zh: "输入参数不合法。",
    en: "Invalid input parameter.",
    source: "§2.1.4",
  }),
  notLoggedIn: def({
    code: "10440102",
    status: 400,
    zh: "用户未登录或超时,请重新登录后重试。",
    en: "The user is not logged in or the session timed out. Log in again and retry.",
    source: "§2.1.4",
  }),
  invalidPassword: def({
    code: "10440200",
    status: 400,
    zh: "用户密码不合法。",
    en: "Invalid user password.",
    source: "§2.1.4",
  }),
  userNotFound: def({
    code: "10440201",
    status: 400,
    zh: "用户不存在。",
    en: "The user does not exist.",
    source: "§2.1.4",
  }),
  wrongPassword: def({
    code: "10440202",
    status: 400,
    zh: "用户密码错误。",
    en: "Wrong user password.",
    source: "§2.1.4",
  }),
  logoutFailed: def({
    code: "10440205",
    status: 400,
    zh: "退出失败,请重试",
    en: "Logout failed. Retry.",
    source: "§3.1.3",
  }),
  lockedNow: def({
    code: "10440207",
    status: 400,
    zh: "用户密码连续 3 次输入错误,帐户锁定 5 分钟",
    en: "Wrong password entered 3 times in a row. The account is locked for 5 minutes.",
    source: "§2.1.4",
  }),
  accountLocked: def({
    code: "10440208",
    status: 400,
    zh: "用户账户被锁定,用户无法登录",
    en: "The user account is locked and cannot log in.",
    source: "§2.1.4",
  }),
  invalidIp: def({
    code: "10440301",
    status: 400,
    zh: "IP 地址不合法",
    en: "Invalid IP address.",
    source: "§3.2, §3.7.1",
  }),
  invalidPort: def({
    code: "10440302",
    status: 400,
    zh: "端口不合法",
    en: "Invalid port.",
    source: "§3.2, §3.7.1",
  }),
  eth0Missing: def({
    code: "10440305",
    status: 400,
    zh: "管理面 eth0 不存在",
    en: "The management-plane eth0 does not exist.",
    source: "§3.5",
  }),
  duplicateVolumeUuid: def({
    code: "10440306",
    status: 400,
    zh: "卷 Uuid 重复",
    en: "Duplicate volume UUID.",
    source: "§3.8.1, §3.8.2",
  }),
  noVmInSystem: def({
    code: "10440308",
    status: 400,
    zh: "系统当前不存在虚拟机",
    en: "No virtual machine exists in the system.",
    source: "§3.8.3",
  }),
  duplicateSlot: def({
    code: "10440309",
    status: 400,
    zh: "磁盘槽位号重复",
    en: "Duplicate disk slot number.",
    source: "§3.8.1, §3.8.2",
  }),
  vmNotFound: def({
    code: "10440400",
    status: 400,
    zh: "虚拟机不存在",
    en: "The virtual machine does not exist.",
    source: "§3.6, §3.8.3",
  }),
  invalidVmUuid: def({
    code: "10440401",
    status: 400,
    zh: "虚拟机 UUID 不合法",
    en: "Invalid virtual machine UUID.",
    source: "§3.6, §3.8.3",
  }),
  trapInfoMissing: def({
    code: "10440402",
    status: 400,
    zh: "告警管理端信息不存在。",
    en: "No alarm server information exists.",
    source: "§3.3",
  }),
} as const;

export type VrgErrorName = keyof typeof VRG_ERRORS;

/** Every code the seed lists, by code ("10440102" → definition). */
export const VRG_ERRORS_BY_CODE: Readonly<Record<string, VrgErrorDefinition>> = Object.fromEntries(
  Object.values(VRG_ERRORS).map((d) => [d.code, d]),
);

export interface VrgErrorBody {
  errorCode: string;
  errorDes?: string;
}

/** Thrown by the model; routes turn it into `{errorCode, errorDes}` with the error's HTTP status. */
export class VrgApiError extends Error {
  constructor(
    readonly definition: VrgErrorDefinition,
    /** Extra text appended to errorDes (which field was wrong). */
    readonly detail?: string,
  ) {
    super(`VRG ${definition.code}: ${definition.en}${detail ? ` (${detail})` : ""}`);
    this.name = "VrgApiError";
  }
}

export function vrgFail(name: VrgErrorName, detail?: string): never {
  throw new VrgApiError(VRG_ERRORS[name], detail);
}

/** Error body in the language the request asked for (`Accept-Language: zh_CN` → Chinese). */
export function vrgErrorBody(
  def: VrgErrorDefinition,
  acceptLanguage?: string,
  detail?: string,
): VrgErrorBody {
  const zh = /^zh/i.test((acceptLanguage ?? "").trim());
  const text = zh ? def.zh : def.en;
  return { errorCode: def.code, errorDes: detail ? `${text} (${detail})` : text };
}
