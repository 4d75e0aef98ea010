/**
 * The VRG's alarm (trap) server setting (seed 001 §3.2 POST trapinfo, §3.3 GET trapinfo):
 * `ip` 0.0.0.0 deletes it; GET with none set answers 10440402, or zeros (`trapNoneAnswer`).
 */
import { vrgFail } from "./errors";
import type { VrgSimOptions } from "./modes";
import { isIpv4, isPort, requireValid } from "./validate";

export class VrgAlarmServer {
  private trap: { ip: string; port: number } | undefined;

  constructor(private readonly options: VrgSimOptions) {
    const initial = options.trapInfo;
    this.trap = initial && initial.ip !== "0.0.0.0" ? { ...initial } : undefined;
  }

  /** The trap server now (undefined: none set). */
  get info(): { ip: string; port: number } | undefined {
    return this.trap && { ...this.trap };
  }

  set(body: Record<string, unknown>): void {
    const ip = requireValid(body, "ip", isIpv4, "invalidIp");
    if (ip === "0.0.0.0") {
      const port = body["port"];
      if (port !== undefined && port !== 0 && !isPort(port))
        vrgFail("invalidPort", `port=${JSON.stringify(port)}`);
      this.trap = undefined;
      return;
    }
    if (ip === "255.255.255.255") vrgFail("invalidIp", `ip=${ip}`);
    const port = requireValid(body, "port", isPort, "invalidPort");
    this.trap = { ip, port };
  }

  get(): { ip: string; port: number } {
    if (this.trap) return { ...this.trap };
    if (this.options.trapNoneAnswer === "zeros") return { ip: "0.0.0.0", port: 0 };
    return vrgFail("trapInfoMissing");
  }
}
