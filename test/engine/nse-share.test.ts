/**
 * Engine level, NetApp Service Engine: examples/dr-topology with its ERP file share
 * (NseFileShare, DR enabled) through the real `pulumi` CLI against the NSE simulator: up
 * creates it; a preview afterwards expects no changes; DR turned off out of band is recorded by
 * refresh and put back in place by up; no canary password (ours, or the back-end one NSE keeps in
 * its job tasks) in `pulumi stack export`; destroy leaves no share.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { expectNoChanges, expectNoSecretsInState } from "./assertions";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf } from "./stack";
import {
  ERP_SHARE,
  canaryCredentials,
  leftoversAfterStop,
  siteWithStack,
  teardown,
  type DrSite,
} from "./dr-site";
import { REPO_ROOT } from "../host/stage";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");

describe("examples/dr-topology's ERP file share on NetApp Service Engine, on the real engine", () => {
  let site: DrSite;
  let stack: EngineStack;
  const share = () => site.nse!.shares().find((x) => x.name === ERP_SHARE.name);

  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(EXAMPLE), "nse", {
      credentials: canaryCredentials("nse"),
      jobDurationMs: 1500,
      nse: true,
    }));
  });

  after(async () => {
    await teardown(stack, site);
  });

  test("up creates the share with DR enabled; a preview then expects no changes", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.equal(opsOf(up)["erp-share"], "create");
    assert.equal(share()?.dr_enabled, true);
    assert.equal(share()?.size_gb, 500);
    await expectNoChanges(stack);
  });

  test("DR turned off out of band: refresh records it, up enables it again in place", async () => {
    site.nse!.changeShare(ERP_SHARE.name, { dr_enabled: false });
    const refresh = await stack.refresh();
    assert.equal(refresh.code, 0, explain(refresh));
    assert.equal(opsOf(refresh)["erp-share"], "refresh-drift");
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.equal(opsOf(up)["erp-share"], "update");
    assert.equal(share()?.dr_enabled, true);
    assert.equal(site.nse!.shares().length, 1, "updated, not created again");
  });

  test("pulumi stack export holds no password, ours or NSE's back-end one", async () => {
    const text = await expectNoSecretsInState(stack, site);
    assert.ok(!text.includes(site.nse!.backendPassword), "NSE's back-end password is in the exported state");
  });

  test("destroy leaves no share (and nothing elsewhere)", async () => {
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, explain(destroy));
    assert.deepEqual(await leftoversAfterStop(site), []);
  });
});
