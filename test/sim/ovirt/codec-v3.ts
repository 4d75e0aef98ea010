/**
 * v3 wire shapes (RHEV 3.6; reference §2 table): `"status":{"state":"down"}`,
 * `os.boot:[{"dev":"hd"}]`, action replies `{"status":{"state":"complete"},"job":{..}}`.
 * JSON, as the reference reads 3.6 (Jackson 1.x with the JAXB introspector); xs:long values are
 * numbers there (no long binding in the 3.6 xjb). Both readings are UNCONFIRMED against a live
 * 3.6 engine; the sim does not serve XML (a request that accepts only XML gets 406).
 */
import { Codec, obj, str, type Json } from "./codec";
import { badRequest } from "./errors";

export class CodecV3 extends Codec {
  readonly dialect = "v3" as const;

  status(state: string): Json {
    return { status: { state } };
  }

  boot(devices: string[]): unknown {
    return devices.map((dev) => ({ dev }));
  }

  parseBoot(boot: unknown): string[] | undefined {
    if (boot === undefined) return undefined;
    if (Array.isArray(boot)) return boot.map((b) => str(obj(b)?.["dev"]) ?? "");
    if (obj(boot)?.["devices"] !== undefined)
      throw badRequest("os.boot.devices is a v4 shape; v3 expects os.boot[].dev");
    const single = str(obj(boot)?.["dev"]);
    return single === undefined ? undefined : [single];
  }

  actionResult(jobId: string | undefined, extra: Json = {}): Json {
    const out: Json = { ...extra, status: { state: "complete" } };
    if (jobId) out["job"] = this.ref("/jobs", jobId);
    return out;
  }

  actionFault(reason: string, detail: string): Json {
    return { status: { state: "failed" }, fault: { reason, detail } };
  }
}
