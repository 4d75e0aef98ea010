/**
 * runProgram (test/host/program.ts) end to end: programs built from the staged package, run
 * under setMocks, with every resource call going through the real dynamic-provider host to
 * the Hitachi simulators (and, for examples/dr-topology, the VRG simulators). Assertions are on what a user sees: the arrays' registrations,
 * the operations in the run summary, the state file, and live sessions. Never on timing.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProviderHost } from "./harness";
import { loadProgram, readState, runProgram, type Mode, type Program, type RunSummary } from "./program";
import { REPO_ROOT, stagedApi } from "./stage";
import { SEED_LOCAL, SEED_REMOTE, startHitachiPair, type HitachiPair } from "../sim/hitachi";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrgPair } from "../sim/vrg";

type Api = ReturnType<typeof stagedApi>;
type Args = Partial<import("../../provider/index").RemoteStorageArgs>;

const ALIAS_PORT = 23452;
const REGISTER = "POST /ConfigurationManager/v1/objects/remote-storages";
const UNREGISTER = "DELETE /ConfigurationManager/v1/objects/remote-storages/:storageDeviceId";

let api: Api;
let pair: HitachiPair;
let host: ProviderHost;
let dir: string;

before(async () => {
  api = stagedApi();
  pair = await startHitachiPair({
    common: { jobDurationMs: 300, jobQueuedMs: 100 },
    remote: { aliases: [`127.0.0.1:${ALIAS_PORT}`] },
  });
  host = await ProviderHost.start();
  const [[lu, lp], [ru, rp]] = [Object.entries(SEED_LOCAL.users)[0]!, Object.entries(SEED_REMOTE.users)[0]!];
  await host.configure({
    "drplane:credentials": JSON.stringify({
      local: { username: lu, password: lp },
      remote: { username: ru, password: rp },
      "vrg-prod": { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
      "vrg-dr": { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
    }),
  });
  dir = mkdtempSync(path.join(os.tmpdir(), "drplane-program-"));
});

after(async () => {
  await host?.stop();
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A one-resource program; `extra` changes its inputs. */
function topology(extra: Args = {}): Program {
  return () => {
    const link = new api.RemoteStorage("site-link", {
      local: { endpoint: pair.local.url, profile: "local" },
      remote: { endpoint: pair.remote.url, profile: "remote" },
      ...extra,
    });
    return { registration: link.id, remoteStorageDeviceId: link.remoteStorageDeviceId };
  };
}

const nothing: Program = () => ({});

function runner(statePath: string) {
  return (program: Program, mode: Mode) => runProgram(program, { mode, host, statePath });
}

function ops(summary: RunSummary): string[] {
  assert.deepEqual(summary.errors, [], `no errors in ${summary.mode}`);
  return summary.resources.map((r) => r.op);
}

function registered(): Array<{ id: string; port: number }> {
  return pair.local.registrations().map((r) => ({ id: r.storageDeviceId, port: r.restServerPort }));
}

describe("runProgram through the real provider host", { concurrency: false }, () => {
  const statePath = () => path.join(dir, "lifecycle.json");
  const run = (program: Program, mode: Mode) => runner(statePath())(program, mode);
  const remoteId = () => pair.remote.storageDeviceId;

  test("preview of an empty stack plans a create and changes nothing", async () => {
    const summary = await run(topology(), "preview");
    assert.deepEqual(ops(summary), ["create"]);
    assert.deepEqual(registered(), []);
    assert.equal(readState(statePath()).resources.length, 0);
  });

  test("up creates the registration; a second up is a no-op", async () => {
    const first = await run(topology(), "up");
    assert.deepEqual(ops(first), ["create"]);
    assert.deepEqual(registered(), [{ id: remoteId(), port: pair.remote.restServerPort }]);
    assert.equal(first.outputs.remoteStorageDeviceId, remoteId());
    const state = readState(statePath());
    assert.equal(state.resources.length, 1);
    assert.equal(state.resources[0]!.id, `${pair.local.storageDeviceId}/${remoteId()}`);
    assert.equal(
      typeof state.resources[0]!.outputs.__provider,
      "string",
      "state keeps __provider for delete",
    );

    const posts = pair.local.server.requestCount(REGISTER);
    const second = await run(topology(), "up");
    assert.deepEqual(ops(second), ["same"]);
    assert.equal(pair.local.server.requestCount(REGISTER), posts, "no second registration request");
    assert.deepEqual(second.outputs, first.outputs);
  });

  test("changing an updatable input updates in place", async () => {
    const summary = await run(topology({ timeouts: { create: "10m", delete: "10m" } }), "up");
    assert.deepEqual(ops(summary), ["update"]);
    assert.ok(summary.resources[0]!.changes?.includes("timeouts"), JSON.stringify(summary.resources[0]));
    assert.deepEqual(registered(), [{ id: remoteId(), port: pair.remote.restServerPort }]);
    assert.deepEqual(readState(statePath()).resources[0]!.inputs.timeouts, { create: "10m", delete: "10m" });
  });

  test("changing restServerPort replaces the registration, deleting it first", async () => {
    const program = topology({ restServerPort: ALIAS_PORT });
    const preview = await run(program, "preview");
    assert.deepEqual(ops(preview), ["replace"]);
    assert.deepEqual(
      registered(),
      [{ id: remoteId(), port: pair.remote.restServerPort }],
      "preview changed nothing",
    );

    const summary = await run(program, "up");
    assert.deepEqual(ops(summary), ["replace"]);
    assert.deepEqual(summary.resources[0]!.changes, ["restServerPort"]);
    assert.deepEqual(registered(), [{ id: remoteId(), port: ALIAS_PORT }]);
    const log = pair.local.server.log;
    const lastDelete = log.filter((e) => e.route === UNREGISTER).at(-1)!;
    const lastPost = log.filter((e) => e.route === REGISTER).at(-1)!;
    assert.ok(lastDelete && lastPost && lastDelete.seq < lastPost.seq, "the old registration went first");
  });

  test("refresh without drift changes nothing", async () => {
    const program = topology({ restServerPort: ALIAS_PORT });
    assert.deepEqual(ops(await run(program, "refresh")), ["refresh-same"]);
    assert.deepEqual(ops(await run(program, "up")), ["same"]);
  });

  test("refresh after an out-of-band removal drops it; the next up re-creates it", async () => {
    const program = topology({ restServerPort: ALIAS_PORT });
    assert.ok(pair.local.removeRegistration(remoteId()));
    assert.deepEqual(ops(await run(program, "refresh")), ["refresh-gone"]);
    assert.equal(readState(statePath()).resources.length, 0);
    assert.deepEqual(ops(await run(program, "up")), ["create"]);
    assert.deepEqual(registered(), [{ id: remoteId(), port: ALIAS_PORT }]);
  });

  test("refresh records an out-of-band change; up converges it", async () => {
    const program = topology({ restServerPort: ALIAS_PORT });
    pair.local.mutateRegistration(remoteId(), { restServerPort: pair.remote.restServerPort });
    const refreshed = await run(program, "refresh");
    assert.deepEqual(ops(refreshed), ["refresh-drift"]);
    assert.ok(
      refreshed.resources[0]!.changes?.some((c) => c.startsWith("restServerPort:")),
      JSON.stringify(refreshed.resources[0]!.changes),
    );
    assert.deepEqual(ops(await run(program, "up")), ["replace"]);
    assert.deepEqual(registered(), [{ id: remoteId(), port: ALIAS_PORT }]);
  });

  test("a resource the program no longer declares is deleted", async () => {
    assert.deepEqual(ops(await run(nothing, "preview")), ["delete"]);
    assert.equal(registered().length, 1, "preview deleted nothing");
    assert.deepEqual(ops(await run(nothing, "up")), ["delete"]);
    assert.deepEqual(registered(), []);
    assert.equal(readState(statePath()).resources.length, 0);
    assert.deepEqual(ops(await run(topology(), "up")), ["create"]);
  });

  test("destroy empties the state and both arrays, leaving no live session", async () => {
    assert.deepEqual(ops(await run(topology(), "destroy")), ["delete"]);
    assert.equal(readState(statePath()).resources.length, 0);
    assert.deepEqual(pair.local.registrations(), []);
    assert.deepEqual(pair.remote.registrations(), [], "mutual deletion removed the reverse entry");
    assert.equal(pair.local.liveSessions, 0);
    assert.equal(pair.remote.liveSessions, 0);
  });
});

describe("failures", { concurrency: false }, () => {
  test("a check failure is reported with its property and nothing is created or recorded", async () => {
    const statePath = path.join(dir, "check.json");
    const posts = pair.local.server.requestCount(REGISTER);
    const summary = await runner(statePath)(topology({ remoteStorageDeviceId: "not-an-id" }), "up");
    assert.equal(summary.ok, false);
    assert.match(summary.errors[0]!.message, /remoteStorageDeviceId/);
    assert.deepEqual(readState(statePath).resources, []);
    assert.equal(pair.local.server.requestCount(REGISTER), posts);
  });

  test("a failed registration fails its dependants and the run deletes nothing", async () => {
    const statePath = path.join(dir, "failed-run.json");
    const run = runner(statePath);
    assert.deepEqual(ops(await run(topology(), "up")), ["create"]);
    const broken: Program = () => {
      const bad = new api.RemoteStorage("bad", {
        local: { endpoint: pair.local.url, profile: "local" },
        remote: { endpoint: pair.remote.url, profile: "remote" },
        remoteStorageDeviceId: "not-an-id",
      });
      const dependant = new api.RemoteStorage("dependant", {
        local: { endpoint: pair.local.url, profile: "local" },
        remote: { endpoint: pair.remote.url, profile: "remote" },
        restServerPort: bad.restServerPort,
      });
      return { id: dependant.id };
    };
    const failed = await run(broken, "up");
    assert.equal(failed.ok, false);
    assert.deepEqual(
      failed.resources.map((r) => [r.name, r.op, r.error !== undefined]),
      [["bad", "create", true]],
    );
    const thrown = await run(() => {
      throw new Error("a bug in the program");
    }, "up");
    assert.deepEqual(thrown.errors, [{ message: "a bug in the program" }]);
    assert.equal(readState(statePath).resources.length, 1, "site-link was not deleted");
    assert.equal(registered().length, 1);
    assert.deepEqual(ops(await run(nothing, "destroy")), ["delete"]);
    assert.deepEqual(registered(), []);
  });

  test("a create that times out is recorded with its id; the next up completes it", async () => {
    const statePath = path.join(dir, "partial.json");
    const run = runner(statePath);
    pair.local.hangJobs(true);
    let first: RunSummary;
    try {
      first = await run(topology({ timeouts: { create: "1s" } }), "up");
    } finally {
      pair.local.hangJobs(false);
    }
    assert.equal(first.ok, false);
    assert.deepEqual(
      first.resources.map((r) => r.op),
      ["create"],
    );
    const partial = readState(statePath).resources;
    assert.equal(partial.length, 1, "the partly created registration is in the state");
    assert.equal(partial[0]!.id, `${pair.local.storageDeviceId}/${pair.remote.storageDeviceId}`);
    assert.ok(partial[0]!.initErrors?.length, "with its init error");

    const second = await run(topology({ timeouts: { create: "1s" } }), "up");
    assert.deepEqual(ops(second), ["update"]);
    assert.equal(readState(statePath).resources[0]!.initErrors, undefined);
    assert.deepEqual(registered(), [{ id: pair.remote.storageDeviceId, port: pair.remote.restServerPort }]);

    assert.deepEqual(ops(await run(nothing, "destroy")), ["delete"]);
    assert.deepEqual(registered(), []);
    assert.equal(pair.local.liveSessions, 0);
    assert.equal(pair.remote.liveSessions, 0);
  });
});

test("the examples/dr-topology program runs up and destroy as written", async (t) => {
  // The VRGs accept any VM here (the demo declares the example's VM and its disks instead).
  const vrg = await startVrgPair({
    common: { pairingMs: 300, volumeSetMs: 200, deleteMs: 200, requireDeclaredVms: false },
  });
  t.after(() => vrg.stop());
  const statePath = path.join(dir, "example.json");
  const program = loadProgram(path.join(REPO_ROOT, "examples", "dr-topology"));
  const peer = vrg.dr.replicationAddress;
  const config = {
    localEndpoint: pair.local.url,
    remoteEndpoint: pair.remote.url,
    prodVrgEndpoint: vrg.production.url,
    drVrgEndpoint: vrg.dr.url,
    drVrgPeerIp: peer.ip,
    drVrgPeerPort: String(peer.port),
  };
  const up = await runProgram(program, { mode: "up", host, statePath, config });
  // Independent resources run concurrently: compare by name.
  const byName = (s: RunSummary) => Object.fromEntries(s.resources.map((r) => [r.name, r.op]));
  assert.equal(ops(up).length, 4, "no alarm receiver without alarmReceiverIp");
  assert.deepEqual(byName(up), {
    "site-link": "create",
    "prod-to-dr": "create",
    "erp-prod": "create",
    "erp-dr": "create",
  });
  assert.equal(up.outputs.remoteStorageDeviceId, pair.remote.storageDeviceId);
  assert.equal(up.outputs.restServer, `127.0.0.1:${pair.remote.restServerPort}`);
  assert.equal(up.outputs.vrgPairingState, "normal");
  assert.equal(up.outputs.protectedVmHealthy, true);
  assert.equal(vrg.production.pairing().status, 1);
  assert.equal(vrg.production.strategies().length, 1);
  assert.equal(vrg.dr.strategies().length, 1);
  const down = await runProgram(program, { mode: "destroy", host, statePath, config });
  assert.deepEqual(ops(down), ["delete", "delete", "delete", "delete"]);
  assert.deepEqual(registered(), []);
  assert.equal(vrg.production.pairing().status, 4);
  assert.deepEqual([...vrg.production.strategies(), ...vrg.dr.strategies()], []);
});
