/**
 * bench/engine's program: `count` resources (default 500) through the real engine.
 *   mode "drplane" (default): production-role VmDrStrategy resources on the VRG at `vrgEndpoint`,
 *     one per VM `6f1c2d3e-4b5a-4c6d-8e7f-<i as 12 hex digits>` (volume `vol-<i>`, slot 1),
 *     credentials from `drplane:credentials.<profile>.*` (profile `vrgProfile`, default "bench");
 *   mode "noop": dynamic resources whose provider does nothing (create returns its inputs, read
 *     returns the recorded state): the engine's and the dynamic-provider host's own cost per
 *     resource, the baseline the drplane figures are compared with.
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 500;
const mode = config.get("mode") ?? "drplane";

const vmUuid = (i: number) => `6f1c2d3e-4b5a-4c6d-8e7f-${i.toString(16).padStart(12, "0")}`;

const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.key), outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, key: number) {
    super(noopProvider, name, { key }, {}, "bench", "Noop");
  }
}

if (mode === "noop") {
  for (let i = 0; i < count; i++) new Noop(`noop-${i}`, i);
} else if (mode === "drplane") {
  const endpoint = config.require("vrgEndpoint");
  const profile = config.get("vrgProfile") ?? "bench";
  for (let i = 0; i < count; i++) {
    new drplane.VmDrStrategy(`vm-${i}`, {
      connection: { endpoint, profile },
      role: "production",
      vmUuid: vmUuid(i),
      platform: "xen",
      volumes: [{ volUuid: `vol-${i}`, slot: 1 }],
    });
  }
} else {
  throw new Error(`mode must be "drplane" or "noop", not ${JSON.stringify(mode)}`);
}
