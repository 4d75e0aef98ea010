/**
 * Engine level: examples/dr-topology (RemoteStorage, VrgPairing, VmDrStrategy on both roles,
 * VrgAlarmServer) through the real `pulumi` CLI on a local file backend, installed from
 * `npm pack`'s tarball. Every resource kind: up → `preview --expect-no-changes` passes →
 * out-of-band drift → refresh records it → up converges → destroy leaves nothing; secret config
 * set by path and rotated (no diff); no canary password or token in `pulumi stack export`, and
 * each `__provider` a small shell that requires only pulumi-drplane/dynamic.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { expectNoChanges, expectNoSecretsInState } from "./assertions";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf } from "./stack";
import {
  ERP_VM,
  canaryCredentials,
  leftoversAfterStop,
  recordIssuedTokens,
  siteWithStack,
  teardown,
  type DrSite,
} from "./dr-site";
import { REPO_ROOT } from "../host/stage";
import { PAIR_STATUS } from "../sim/vrg";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");
const PROVIDER_LIMIT = 8 * 1024;

describe("examples/dr-topology on the real engine", () => {
  let site: DrSite;
  let stack: EngineStack;
  let tokens: string[];

  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(EXAMPLE), "lifecycle", {
      credentials: canaryCredentials("dr"),
      jobDurationMs: 1500,
    }));
    tokens = recordIssuedTokens(site);
  });

  after(async () => {
    await teardown(stack, site);
  });

  test("up creates every resource, and a preview afterwards expects no changes", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.deepEqual(opsOf(up), {
      "site-link": "create",
      "prod-to-dr": "create",
      "erp-prod": "create",
      "erp-dr": "create",
      "prod-traps": "create",
      "dr-traps": "create",
    });
    assert.equal(site.hitachi.local.registrations().length, 1);
    assert.equal(site.vrg.production.pairing().status, PAIR_STATUS.normal);
    assert.ok(site.vrg.production.strategy(ERP_VM.uuid) && site.vrg.dr.strategy(ERP_VM.uuid));

    await expectNoChanges(stack);
  });

  test("pulumi stack export holds no password or session token, and each __provider is a small shell", async () => {
    await expectNoSecretsInState(stack, site, tokens);

    const resources = await stack.stateResources();
    assert.equal(resources.length, 6);
    for (const r of resources) {
      const shell = r.outputs?.__provider ?? r.inputs?.__provider;
      assert.equal(typeof shell, "string", `${r.urn} has a __provider`);
      const size = Buffer.byteLength(shell as string);
      assert.ok(size <= PROVIDER_LIMIT, `${r.urn}: __provider is ${size} bytes`);
      const required = new Set([...(shell as string).matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
      assert.deepEqual(
        [...required],
        ["pulumi-drplane/dynamic"],
        `${r.urn} requires ${[...required].join(", ")}`,
      );
    }
  });

  // The engine records the default provider's configuration (the whole stack config, secrets
  // encrypted) in state at each `up`, and a plain `pulumi refresh` or `destroy` configures the
  // provider from that record, not from the current config: right after a rotation they would
  // send the old password. `--run-program` (or one `pulumi up`) takes the current config.
  test("a password rotated in secret config is no diff; refresh --run-program and the next up use it", async () => {
    const user = site.credentials.local.username;
    const rotated = `${site.credentials.local.password}-rotated`;
    site.hitachi.local.options.users[user] = rotated; // the array's password changes first
    site.credentials.local.password = rotated;
    await stack.setConfig("drplane:credentials.local.password", rotated, true);
    const failedBefore = site.hitachi.local.failedLogins;

    const preview = await stack.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, explain(preview));
    const refresh = await stack.refresh(["--run-program"]);
    assert.equal(refresh.code, 0, explain(refresh));
    assert.ok(
      refresh.resources.every((r) => r.op === "refresh-same"),
      JSON.stringify(opsOf(refresh)),
    );
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.ok(
      up.resources.every((r) => r.op === "same"),
      JSON.stringify(opsOf(up)),
    );
    const plainRefresh = await stack.refresh();
    assert.equal(plainRefresh.code, 0, explain(plainRefresh));

    assert.equal(site.hitachi.local.failedLogins, failedBefore, "the old password was never sent");
    assert.ok(!(await stack.exportText()).includes(rotated));
  });

  test("out-of-band drift of each kind: refresh records it and up converges", async () => {
    const { hitachi, vrg } = site;
    hitachi.local.removeRegistration(hitachi.remote.storageDeviceId); // RemoteStorage gone
    vrg.dr.removeStrategy(ERP_VM.uuid); // VmDrStrategy (dr) gone
    vrg.production.setTrap({ ip: "192.0.2.99", port: 1162 }); // VrgAlarmServer changed
    vrg.production.breakLink(); // VrgPairing: link broken (status 5)

    const refresh = await stack.refresh();
    assert.equal(refresh.code, 0, explain(refresh));
    assert.deepEqual(opsOf(refresh), {
      "site-link": "refresh-gone",
      "prod-to-dr": "refresh-drift",
      "erp-prod": "refresh-same",
      "erp-dr": "refresh-gone",
      "prod-traps": "refresh-drift",
      "dr-traps": "refresh-same",
    });
    const drifted = await stack.preview(["--expect-no-changes"]);
    assert.notEqual(drifted.code, 0, "preview --expect-no-changes fails while drift is recorded");

    vrg.production.restoreLink(); // a broken link is repaired on the network, not by up
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.deepEqual(opsOf(up), {
      "site-link": "create",
      "prod-to-dr": "update",
      "erp-prod": "same",
      "erp-dr": "create",
      "prod-traps": "update",
      "dr-traps": "same",
    });
    assert.equal(hitachi.local.registrations().length, 1);
    assert.ok(vrg.dr.strategy(ERP_VM.uuid));
    assert.equal(vrg.production.trapInfo?.ip, "192.0.2.162");
    const clean = await stack.preview(["--expect-no-changes"]);
    assert.equal(clean.code, 0, explain(clean));
  });

  test("destroy leaves nothing on the arrays and VRGs, and no token stays live", async () => {
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, explain(destroy));
    assert.ok(
      destroy.resources.every((r) => r.op === "delete"),
      JSON.stringify(opsOf(destroy)),
    );
    assert.deepEqual(await leftoversAfterStop(site), []);
    assert.deepEqual(await stack.stateResources(), []);
  });
});
