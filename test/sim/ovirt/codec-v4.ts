/**
 * v4 wire shapes (reference §1.3, §1.7): `"status":"down"`, `os.boot.devices.device[]`,
 * action replies `{"status":"complete","job":{..}}` and action faults
 * `{"status":"failed","fault":{"reason","detail"}}`.
 */
import { Codec, listOf, obj, str, type Json } from "./codec";
import { badRequest } from "./errors";

export class CodecV4 extends Codec {
  readonly dialect = "v4" as const;

  status(state: string): Json {
    return { status: state };
  }

  boot(devices: string[]): unknown {
    return { devices: { device: devices } };
  }

  parseBoot(boot: unknown): string[] | undefined {
    if (boot === undefined) return undefined;
    if (Array.isArray(boot)) throw badRequest("os.boot is a v3 shape; v4 expects os.boot.devices.device");
    const devices = obj(boot)?.["devices"];
    if (devices === undefined) return undefined;
    return listOf(devices, "device").map((d) => str(d) ?? "");
  }

  actionResult(jobId: string | undefined, extra: Json = {}): Json {
    const out: Json = { ...extra, status: "complete" };
    if (jobId) out["job"] = this.ref("/jobs", jobId);
    return out;
  }

  actionFault(reason: string, detail: string): Json {
    return { status: "failed", fault: { reason, detail } };
  }
}
