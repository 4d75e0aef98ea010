/**
 * Engine level: one Hitachi registration (test/engine/programs/registration) driven through the
 * real `pulumi` CLI as a user edits a program between runs (`pulumi config set` changes its
 * inputs and shape): update in place, replace on an input change, removal from the program,
 * a check failure, a failed create with dependants, a program that throws, and a create that
 * times out. Judged by the arrays' registrations, the engine's per-resource operations and
 * the exported state.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { installProgram } from "./program-dir";
import { EngineStack, explain, opsOf, type CommandResult, type StateResource } from "./stack";
import { leftoversAfterStop, siteWithStack, teardown, type DrSite } from "./dr-site";
import { REMOTE_STORAGES_PATH } from "../sim/hitachi";

const PROGRAM = path.join(__dirname, "programs", "registration");
const ALIAS_PORT = 23453;

describe("a Hitachi registration edited between pulumi runs", { concurrency: false }, () => {
  let site: DrSite;
  let stack: EngineStack;
  const registered = () => site.hitachi.local.registrations().map((r) => r.restServerPort);
  const posts = () =>
    site.hitachi.local.server.requests().filter((e) => e.method === "POST" && e.path === REMOTE_STORAGES_PATH)
      .length;
  const state = async (): Promise<StateResource[]> => stack.stateResources();
  const ok = async (run: Promise<CommandResult>) => {
    const r = await run;
    assert.equal(r.code, 0, explain(r));
    return r;
  };

  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(PROGRAM), "registration", {
      jobDurationMs: 300,
      remoteAliases: [`127.0.0.1:${ALIAS_PORT}`],
    }));
  });
  after(async () => {
    site?.hitachi.local.hangJobs(false);
    await teardown(stack, site);
  });

  test("up creates it; changing an updatable input updates it in place", async () => {
    assert.deepEqual(opsOf(await ok(stack.up())), { "site-link": "create" });
    await stack.setConfig("createTimeout", "10m");
    const up = await ok(stack.up());
    assert.deepEqual(opsOf(up), { "site-link": "update" });
    assert.deepEqual((await state())[0]!.inputs?.timeouts, { create: "10m", delete: "10m" });
    assert.deepEqual(registered(), [site.hitachi.remote.restServerPort]);
  });

  test("changing restServerPort previews a replace, then replaces it, deleting first", async () => {
    await stack.setConfig("restServerPort", String(ALIAS_PORT));
    const preview = await ok(stack.preview());
    assert.deepEqual(opsOf(preview), { "site-link": "replace" });
    assert.deepEqual(registered(), [site.hitachi.remote.restServerPort], "preview changed nothing");
    const up = await ok(stack.up());
    assert.deepEqual(opsOf(up), { "site-link": "replace" });
    assert.deepEqual(registered(), [ALIAS_PORT]);
  });

  test("a registration the program no longer declares is deleted (previewed first)", async () => {
    await stack.setConfig("shape", "none");
    assert.deepEqual(opsOf(await ok(stack.preview())), { "site-link": "delete" });
    assert.equal(registered().length, 1, "preview deleted nothing");
    assert.deepEqual(opsOf(await ok(stack.up())), { "site-link": "delete" });
    assert.deepEqual(registered(), []);
    assert.deepEqual(await state(), []);
  });

  test("a check failure names the property; nothing is posted or recorded", async () => {
    await stack.setConfig("shape", "link");
    await stack.setConfig("restServerPort", String(site.hitachi.remote.restServerPort));
    await stack.setConfig("remoteStorageDeviceId", "not-an-id");
    const before = posts();
    const up = await stack.up();
    assert.notEqual(up.code, 0);
    assert.ok(
      up.errors.some((e) => /remoteStorageDeviceId/.test(e.message)),
      up.errors.map((e) => e.message).join("\n"),
    );
    assert.equal(posts(), before);
    assert.deepEqual(await state(), []);
    await stack.pulumi(["config", "rm", "remoteStorageDeviceId"]);
  });

  test("a failed registration fails its dependant, and neither it nor a throwing program deletes anything", async () => {
    assert.deepEqual(opsOf(await ok(stack.up())), { "site-link": "create" });
    await stack.setConfig("shape", "broken");
    const failed = await stack.up();
    assert.notEqual(failed.code, 0);
    const ops = opsOf(failed);
    assert.ok([undefined, "same"].includes(ops["site-link"]), JSON.stringify(ops));
    assert.equal(ops["dependant"], undefined, "the dependant never ran");
    assert.ok(
      failed.errors.some((e) => e.urn?.endsWith("::bad") && /remoteStorageDeviceId/.test(e.message)),
      explain(failed),
    );

    await stack.setConfig("shape", "throws");
    const thrown = await stack.up();
    assert.notEqual(thrown.code, 0);
    assert.ok(
      thrown.errors.some((e) => e.message.includes("a bug in the program")),
      explain(thrown),
    );
    assert.equal(registered().length, 1, "site-link still registered");
    assert.deepEqual(
      (await state()).map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2)),
      ["site-link"],
    );
    await stack.setConfig("shape", "none");
    await ok(stack.up());
    assert.deepEqual(registered(), []);
  });

  test("a create that times out is recorded; the next up completes it without posting again", async () => {
    await stack.setConfig("shape", "link");
    await stack.setConfig("createTimeout", "1s");
    site.hitachi.local.hangJobs(true);
    const before = posts();
    const first = await stack.up();
    site.hitachi.local.hangJobs(false);
    assert.notEqual(first.code, 0, "the timed-out create fails the run");
    const partial = await state();
    assert.equal(partial.length, 1, "the partly created registration is in the state");
    assert.equal(
      partial[0]!.id,
      `${site.hitachi.local.storageDeviceId}/${site.hitachi.remote.storageDeviceId}`,
    );

    await stack.setConfig("createTimeout", "1m");
    const second = await ok(stack.up());
    assert.deepEqual(opsOf(second), { "site-link": "update" });
    assert.deepEqual(registered(), [site.hitachi.remote.restServerPort]);
    assert.equal(posts() - before, 1, "the registration was posted once");

    await ok(stack.destroy());
    // The remote session the timed-out run left for its job (the array needs it until the job
    // ends, docs/vendors/hitachi.md) expires on the array; nothing else may be left.
    assert.deepEqual(await leftoversAfterStop(site, ["remote array live sessions"]), []);
    assert.ok(
      site.hitachi.remote.liveSessions <= 1,
      `remote live sessions: ${site.hitachi.remote.liveSessions}`,
    );
  });
});
