/**
 * Which key style each VRG reads, per request body. Seed 001's interface tables name body keys
 * in camelCase (`dstIp`), its vrgmap request sample in snake_case (`dst_ip`), and every other
 * sample in camelCase, so a VRG may read one style for one object and the other elsewhere: the
 * style is a fact of each VRG and body, not a connection setting.
 *
 * A body whose reading this VRG has not shown yet in this process is sent in the preferred
 * style (the connection's `keyStyle`, else camelCase, the tables'). When the VRG refuses it
 * with 10440101 (invalid input parameter: a required key it did not find; the VRG refuses
 * before acting, so nothing changed) and the body has keys that differ between the styles, it
 * is sent once more in the other style. The style of the first answer that succeeds is
 * remembered for this VRG and body (process-wide); a remembered style is used alone. When the
 * other style gets another answer (e.g. 10440400), that answer is the VRG's verdict and is
 * thrown as it is; when both styles are refused with 10440101, the error carries both answers.
 */
import { InputError, isDrplaneError, type DrplaneError } from "../../core/errors";
import { processWide } from "../../core/process-state";
import { CODE } from "./errors";
import type { KeyStyle } from "./wire";

function learnt(): Map<string, KeyStyle> {
  return processWide("vrg.key-styles", () => new Map<string, KeyStyle>());
}

/** The style this VRG took for this body earlier in the process, if any. */
export function knownKeyStyle(origin: string, object: string): KeyStyle | undefined {
  return learnt().get(`${origin}|${object}`);
}

/** Forget what was learnt (tests). */
export function resetKeyStyles(): void {
  learnt().clear();
}

function refusedAsInput(err: unknown): err is DrplaneError {
  return isDrplaneError(err, "DRP_INPUT") && err.meta.vendorCode === CODE.invalidParameter;
}

const NAME: Record<KeyStyle, string> = { camel: "camelCase", snake: "snake_case" };

/**
 * Sends `write(style)` through `send`, in the style this VRG reads for `object` (see above).
 * `object` names the body's shape (e.g. "vrgmap", "vmstrategy", "vmstrategy-delete").
 */
export async function sendInStyle<T>(
  origin: string,
  object: string,
  preferred: KeyStyle | undefined,
  write: (style: KeyStyle) => unknown,
  send: (body: unknown) => Promise<T>,
): Promise<T> {
  const key = `${origin}|${object}`;
  const known = learnt().get(key);
  if (known) return send(write(known));
  const first = preferred ?? "camel";
  const other: KeyStyle = first === "camel" ? "snake" : "camel";
  const body = write(first);
  let refused: DrplaneError;
  try {
    const res = await send(body);
    learnt().set(key, first);
    return res;
  } catch (err) {
    if (!refusedAsInput(err)) throw err;
    refused = err;
  }
  const alternative = write(other);
  if (JSON.stringify(alternative) === JSON.stringify(body)) throw refused;
  try {
    const res = await send(alternative);
    learnt().set(key, other);
    return res;
  } catch (err) {
    // Another answer than 10440101 means the VRG read this style's keys: its verdict stands.
    if (!refusedAsInput(err)) throw err;
    const cause = err.meta.vendorCause ? ` (${err.meta.vendorCause})` : "";
    throw new InputError(
      `${refused.summary} (${NAME[first]} keys); with ${NAME[other]} keys: ${err.summary}${cause}`,
      { cause: refused, meta: refused.meta },
    );
  }
}
