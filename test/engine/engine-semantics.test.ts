/**
 * Engine level: what only the real engine decides. A replace the provider marks
 * delete-before-replace is sequenced by the engine (the array sees the DELETE before the new
 * POST); a first preview where one resource's outputs feed another's inputs (unknowns) succeeds;
 * and an upgrade of the installed package (version N → N+1 with a changed resource shell) is
 * recorded by `pulumi up`, after which refresh and destroy run the new code.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { installPackage, installProgram, installedVersion, packPackage } from "./program-dir";
import { EngineStack, explain, opsOf } from "./stack";
import { leftoversAfterStop, siteWithStack, teardown, type DrSite } from "./dr-site";
import { REPO_ROOT } from "../host/stage";
import { REMOTE_STORAGES_PATH } from "../sim/hitachi";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");
const LINKED = path.join(__dirname, "programs", "linked");
const ALIAS_PORT = 23452;

describe("a delete-before-replace replace on the real engine", () => {
  let site: DrSite;
  let stack: EngineStack;
  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(EXAMPLE), "replace", {
      jobDurationMs: 1000,
      remoteAliases: [`127.0.0.1:${ALIAS_PORT}`],
    }));
  });
  after(async () => {
    await teardown(stack, site);
  });

  test("the array sees the old registration deleted before the new one is posted", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    const { local, remote } = site.hitachi;
    local.mutateRegistration(remote.storageDeviceId, { restServerPort: ALIAS_PORT });
    const refresh = await stack.refresh();
    assert.equal(opsOf(refresh)["site-link"], "refresh-drift", explain(refresh));

    const since = local.server.requests().length;
    const replace = await stack.up();
    assert.equal(replace.code, 0, explain(replace));
    const link = replace.resources.find((r) => r.name === "site-link")!;
    assert.equal(link.op, "replace");
    assert.deepEqual(
      link.steps.filter((s) => s !== "replace"),
      ["delete-replaced", "create-replacement"],
      `engine steps ${link.steps.join(", ")}`,
    );
    const calls = local.server
      .requests()
      .slice(since)
      .filter(
        (e) => e.path.startsWith(REMOTE_STORAGES_PATH) && (e.method === "DELETE" || e.method === "POST"),
      )
      .map((e) => e.method);
    assert.deepEqual(calls, ["DELETE", "POST"], "one DELETE, then one POST");
    assert.deepEqual(
      local.registrations().map((r) => r.restServerPort),
      [remote.restServerPort],
    );
  });
});

describe("unknowns and upgrades on the real engine", () => {
  let site: DrSite;
  let stack: EngineStack;
  let programDir: string;
  before(async () => {
    programDir = installProgram(LINKED, packPackage("0.1.0"));
    ({ site, stack } = await siteWithStack(programDir, "linked", { jobDurationMs: 500 }));
  });
  after(async () => {
    await teardown(stack, site);
  });

  test("a first preview with one resource's outputs as another's inputs succeeds and changes nothing", async () => {
    const preview = await stack.preview();
    assert.equal(preview.code, 0, explain(preview));
    assert.deepEqual(opsOf(preview), { link: "create", traps: "create" });
    assert.equal(site.hitachi.local.registrations().length, 0);
    assert.equal(site.vrg.production.trapInfo, undefined);

    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    const { restServerIp, restServerPort } = site.hitachi.remote;
    assert.deepEqual(site.vrg.production.trapInfo, { ip: restServerIp, port: restServerPort });
  });

  // A shell is the serialized provider object (provider/resources/shell.ts); it only delegates
  // to require("pulumi-drplane/dynamic"). An upgrade that changes the shell's text is no diff
  // (the provider ignores __provider), so the engine takes a "same" step: the new shell goes
  // into the recorded inputs, the outputs keep the old one, and reads and deletes (which get
  // the outputs) run the old shell, which loads the new code. That delegation is the contract
  // (HANDLER_API_VERSION in provider/dynamic/index.ts).
  test("upgrading the installed package: up records the new shells, refresh and destroy run the new code", async () => {
    const shellMarker = "drplane shell 0.1.1";
    const codeMarker = "drplane dynamic 0.1.1 loaded";
    const next = packPackage("0.1.1", (dist) => {
      const patch = (file: string, from: RegExp, to: string) => {
        const text = readFileSync(path.join(dist, file), "utf8");
        const patched = text.replace(from, to);
        assert.notEqual(patched, text, `${file} has the text to mark`);
        writeFileSync(path.join(dist, file), patched);
      };
      // A release whose serialized shell differs (a comment inside a serialized method) and
      // whose handler module says when it loads.
      patch("resources/shell.js", /configure\(req\) \{/, `configure(req) { /* ${shellMarker} */`);
      patch(
        "dynamic/index.js",
        /^"use strict";/,
        `"use strict";\nconsole.error(${JSON.stringify(codeMarker)});`,
      );
    });
    const shells = async (where: "inputs" | "outputs") =>
      (await stack.stateResources()).map((r) => String(r[where]?.__provider ?? ""));
    assert.ok((await shells("inputs")).every((s) => s.length > 0 && !s.includes(shellMarker)));

    installPackage(programDir, next);
    assert.equal(installedVersion(programDir), "0.1.1");
    const up = await stack.up();
    assert.equal(up.code, 0, explain(up));
    assert.ok(
      up.resources.every((r) => r.op === "same"),
      `an upgrade changes no resource: ${JSON.stringify(opsOf(up))}`,
    );
    assert.ok(
      (await shells("inputs")).every((s) => s.includes(shellMarker)),
      "the inputs hold the new shells",
    );

    const refresh = await stack.refresh();
    assert.equal(refresh.code, 0, explain(refresh));
    assert.ok(
      refresh.resources.every((r) => r.op === "refresh-same"),
      JSON.stringify(opsOf(refresh)),
    );
    assert.ok(
      refresh.diagnostics.some((d) => d.includes(codeMarker)),
      "refresh ran the new code",
    );
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, explain(destroy));
    assert.ok(
      destroy.diagnostics.some((d) => d.includes(codeMarker)),
      "destroy ran the new code",
    );
    assert.deepEqual(await leftoversAfterStop(site), []);
  });
});
