/**
 * Engine level, oVirt: examples/dr-topology with its DR-site standby VM (StorageDomain + Vm)
 * through the real `pulumi` CLI, once per API dialect (oVirt 4.4 → v4 with OAuth, RHEV 3.6 →
 * v3 with a session cookie): up creates the domain and the stopped VM with its ISO; a preview
 * afterwards expects no changes; out-of-band memory drift is recorded by refresh and converged
 * in place by up; no canary password in `pulumi stack export`; destroy leaves no VM, domain,
 * token or session on the engine.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { expectNoChanges, expectNoSecretsInState } from "./assertions";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf } from "./stack";
import {
  STANDBY,
  canaryCredentials,
  leftoversAfterStop,
  siteWithStack,
  teardown,
  type DrSite,
} from "./dr-site";
import { REPO_ROOT } from "../host/stage";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");
const MiB = 2 ** 20;

for (const mode of ["ovirt-4.4", "rhev-3.6"] as const) {
  describe(`examples/dr-topology's standby VM on ${mode}, on the real engine`, () => {
    let site: DrSite;
    let stack: EngineStack;

    before(async () => {
      ({ site, stack } = await siteWithStack(installProgram(EXAMPLE), `standby-${mode.replace(/\W/g, "")}`, {
        credentials: canaryCredentials("ovirt"),
        jobDurationMs: 1500,
        ovirt: mode,
      }));
    });

    after(async () => {
      await teardown(stack, site);
    });

    test("up creates the data domain and the stopped standby VM with its ISO; a preview then expects no changes", async () => {
      const up = await stack.up();
      assert.equal(up.code, 0, explain(up));
      const ops = opsOf(up);
      assert.equal(ops["dr-data"], "create");
      assert.equal(ops["erp-standby"], "create");
      const engine = site.ovirt!;
      assert.equal(engine.domain(STANDBY.domain)?.status, "active");
      const vm = engine.vm(STANDBY.vm);
      assert.equal(vm?.status, "down");
      assert.equal(vm?.cdrom, STANDBY.iso);
      assert.equal(vm?.config.memory, 4096 * MiB);

      await expectNoChanges(stack);
    });

    test("out-of-band memory is drift: refresh records it and up puts the declared value back in place", async () => {
      const engine = site.ovirt!;
      engine.setVmMemory(STANDBY.vm, 8192 * MiB);
      const refresh = await stack.refresh();
      assert.equal(refresh.code, 0, explain(refresh));
      assert.equal(opsOf(refresh)["erp-standby"], "refresh-drift");
      const up = await stack.up();
      assert.equal(up.code, 0, explain(up));
      assert.equal(opsOf(up)["erp-standby"], "update");
      assert.equal(engine.vm(STANDBY.vm)?.config.memory, 4096 * MiB);
      assert.equal(engine.vm(STANDBY.vm)?.status, "down");
    });

    test("pulumi stack export holds no engine password", async () => {
      await expectNoSecretsInState(stack, site);
    });

    test("destroy leaves no VM, domain, token or session on the engine (and nothing elsewhere)", async () => {
      const destroy = await stack.destroy();
      assert.equal(destroy.code, 0, explain(destroy));
      assert.deepEqual(await leftoversAfterStop(site), []);
    });
  });
}
