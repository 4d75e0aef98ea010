/**
 * Level 3: RemoteStorage through the real Pulumi dynamic-provider host, as `pulumi up`,
 * `preview`, `refresh` and `destroy` drive it, against the Hitachi simulator; then neither
 * array holds a registration or a live session.
 */
import * as assert from "node:assert/strict";
import { startHitachiPair, type HitachiPair } from "../sim/hitachi";
import { InitFailedError, urnOf, type Props } from "./harness";
import { hostLifecycle, type LifecycleContext } from "./lifecycle";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const URN = urnOf("RemoteStorage", "site-link");

type Ctx = LifecycleContext<HitachiPair>;

const s = hostLifecycle<HitachiPair>({
  backend: () => startHitachiPair({ common: { jobDurationMs: { registerMs: 400, deleteMs: 300 } } }),
  stopBackend: (pair) => pair.stop(),
  providers: {
    RemoteStorage: (api, pair) =>
      new api.RemoteStorage("site-link", {
        local: { endpoint: pair.local.url, profile: "local" },
        remote: { endpoint: pair.remote.url, profile: "remote" },
      }),
  },
  host: {
    credentials: () => ({
      local: { username: "local_user", password: "local_pass" },
      remote: { username: "remote_user", password: "remote_pass" },
    }),
  },
  steps: [
    {
      name: "bad input fails in Check, naming each property, with zero requests to the arrays",
      run: async ({ host }: Ctx) => {
        const before = totalRequests();
        const { failures } = await host.check(
          URN,
          {},
          {
            ...inputs(),
            local: { endpoint: "not a url", profile: "local" },
            remoteStorageDeviceId: "12345",
            restServerPort: 70000,
            bogus: true,
          },
        );
        const props = failures.map((f) => f.property).sort();
        assert.deepEqual(
          props,
          ["bogus", "local.endpoint", "remoteStorageDeviceId", "restServerPort"].sort(),
        );
        assert.ok(
          failures.find((f) => f.property === "remoteStorageDeviceId")?.reason.includes("12 characters"),
        );
        assert.equal(totalRequests(), before, "no request reached a simulator");
      },
    },

    {
      name: "preview: unknown inputs are tolerated by Check and Diff",
      run: async ({ host }: Ctx) => {
        const { failures } = await host.check(
          URN,
          {},
          inputs({ remote: { endpoint: UNKNOWN, profile: "remote" } }),
        );
        assert.deepEqual(failures, []);
      },
    },

    {
      name: "create registers the remote storage and returns complete outputs",
      run: async ({ host, backend: pair, remember }: Ctx) => {
        const checked = await host.check(URN, {}, inputs());
        assert.deepEqual(checked.failures, []);
        assert.equal(checked.inputs.isMutualDiscovery, true, "defaults applied");
        const created = await host.create(URN, checked.inputs);
        const { id, properties: outs } = created;
        remember("registration", id, outs);
        assert.equal(id, "836000410000/832000420000");
        assert.equal(outs.remoteStorageDeviceId, "832000420000");
        assert.equal(outs.model, "VSP G200");
        assert.equal(outs.restServerPort, pair.remote.restServerPort);
        assert.equal(outs.adopted, false);
        assert.equal(typeof outs.__provider, "string");
        assert.deepEqual(
          pair.local.registrations().map((r) => r.storageDeviceId),
          ["832000420000"],
        );
        assert.equal(pair.local.liveSessions + pair.remote.liveSessions, 0, "sessions discarded");
      },
    },

    {
      name: "diff: unchanged and credential-only changes are not a diff",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id, outs } = stateOf("registration");
        const same = await host.diff(id, URN, outs, (await host.check(URN, outs, inputs())).inputs);
        assert.equal(same.changes, "none");
        const creds = await host.diff(
          id,
          URN,
          outs,
          (
            await host.check(
              URN,
              outs,
              inputs({ local: { endpoint: pair.local.url, profile: "other", username: "someone" } }),
            )
          ).inputs,
        );
        assert.equal(creds.changes, "none");
      },
    },

    {
      name: "preview: Diff with unknown identity inputs reports a change without crashing or replacing",
      run: async ({ host, stateOf }: Ctx) => {
        const { id, outs } = stateOf("registration");
        const news = inputs({ remote: { endpoint: UNKNOWN, profile: "remote" }, restServerPort: UNKNOWN });
        const d = await host.diff(id, URN, outs, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
      },
    },

    {
      name: "diff + update: isMutualDeletion changes in place and keeps all outputs",
      run: async ({ host, backend: pair, stateOf, remember }: Ctx) => {
        const { id, outs } = stateOf("registration");
        const news = (await host.check(URN, outs, inputs({ isMutualDeletion: false }))).inputs;
        const d = await host.diff(id, URN, outs, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        const updated = await host.update(id, URN, outs, news);
        assert.equal(updated.isMutualDeletion, false);
        assert.equal(updated.model, "VSP G200", "computed outputs survive an update");
        assert.equal(
          updated.adopted,
          false,
          "an update does not turn a created registration into an adopted one",
        );
        assert.equal(pair.local.registrations().length, 1);
        remember("registration", id, updated);
      },
    },

    {
      name: "diff: an identity change replaces, deleting first",
      run: async ({ host, stateOf }: Ctx) => {
        const { id, outs } = stateOf("registration");
        const news = (await host.check(URN, outs, inputs({ restServerPort: 4443 }))).inputs;
        const d = await host.diff(id, URN, outs, news);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, ["restServerPort"]);
        assert.equal(d.deleteBeforeReplace, true);
      },
    },

    {
      name: "refresh finds drift, and the next diff proposes to converge it",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id, outs } = stateOf("registration");
        const same = await host.read(id, URN, outs);
        assert.equal(same.id, id);
        pair.local.mutateRegistration("832000420000", { restServerPort: 8443 });
        const drifted = await host.read(id, URN, outs);
        assert.equal(drifted.properties.restServerPort, 8443);
        assert.ok(
          !("restServerPort" in drifted.inputs),
          "refresh does not invent inputs the program did not declare",
        );
        assert.ok(!("remoteStorageDeviceId" in drifted.inputs));
        assert.equal(drifted.inputs.isMutualDeletion, false, "declared inputs are kept");
        const d = await host.diff(
          id,
          URN,
          drifted.properties,
          (await host.check(URN, drifted.properties, inputs())).inputs,
        );
        assert.deepEqual(d.replaces, ["restServerPort"]);
        pair.local.mutateRegistration("832000420000", { restServerPort: pair.remote.restServerPort });
      },
    },

    {
      name: "create adopts an identical registration instead of duplicating it",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id } = stateOf("registration");
        const again = await host.create(URN, (await host.check(URN, {}, inputs())).inputs);
        assert.equal(again.id, id);
        assert.equal(again.properties.adopted, true);
        assert.equal(pair.local.registrations().length, 1);
      },
    },

    {
      name: "delete honours isMutualDeletion; refresh of a deleted registration drops it; delete of a gone one succeeds",
      run: async ({ host, backend: pair, stateOf }: Ctx) => {
        const { id, outs } = stateOf("registration");
        assert.equal(outs.isMutualDeletion, false, "set by the update test");
        await host.delete(id, URN, outs);
        assert.equal(pair.local.registrations().length, 0);
        assert.deepEqual(
          pair.remote.registrations().map((r) => r.storageDeviceId),
          ["836000410000"],
          "without mutual deletion the remote keeps its entry for the local array",
        );
        const gone = await host.read(id, URN, outs);
        assert.equal(gone.id, "", "refresh drops it");
        await host.delete(id, URN, outs);
        assert.equal(pair.local.liveSessions + pair.remote.liveSessions, 0);
      },
    },

    {
      name: "the host printed progress for the job waits and never a password or token",
      run: async ({ host }: Ctx) => {
        const output = host.output;
        assert.match(
          output,
          /drplane RemoteStorage\/site-link: registering remote storage 832000420000: job \d+/,
        );
        assert.match(
          output,
          /drplane RemoteStorage\/site-link: job \d+: Completed\/Succeeded after \d+ s/,
          "job completion reported",
        );
        for (const secret of ["local_pass", "remote_pass"])
          assert.ok(!output.includes(secret), `${secret} leaked`);
        assert.ok(!/Session [0-9a-f]{32}/.test(output), "no session token in output");
      },
    },

    {
      name: "check rejects dangerous inputs, naming the property, with zero requests",
      run: async ({ host, backend: pair }: Ctx) => {
        const before = totalRequests();
        const local = { endpoint: pair.local.url, profile: "local" };
        const remote = { endpoint: pair.remote.url, profile: "remote" };
        const port = new URL(pair.local.url).port;
        const cases: Array<[Props, string]> = [
          [{ local: { ...local, endpoint: `http://admin:s3cret-pw@127.0.0.1:${port}` } }, "local.endpoint"],
          [{ remote: { ...remote, endpoint: `${pair.remote.url}/ConfigurationManager` } }, "remote.endpoint"],
          [{ local: { ...local, endpoint: `${pair.local.url}?x=1` } }, "local.endpoint"],
          [{ local: { ...local, endpoint: "https://127.0.0.1:0" } }, "local.endpoint"],
          [{ timeouts: { create: "0s" } }, "timeouts.create"],
          [{ timeouts: { delete: 0 } }, "timeouts.delete"],
          [{ remote: { ...local, profile: "remote" } }, "remote.endpoint"],
          [{ local: { ...local, caBundle: "certs/does-not-exist.pem" } }, "local.caBundle"],
        ];
        for (const [extra, property] of cases) {
          const { failures } = await host.check(URN, {}, inputs(extra));
          assert.deepEqual(
            failures.map((f) => f.property),
            [property],
            `${JSON.stringify(extra)}: ${JSON.stringify(failures)}`,
          );
          assert.ok(!failures.some((f) => f.reason.includes("s3cret-pw")), "the password is not echoed");
        }
        assert.equal(totalRequests(), before, "no request reached a simulator");
      },
    },

    {
      name: "a create that times out records its job; the next up resumes it instead of posting again",
      run: async ({ host, backend: pair }: Ctx) => {
        const posts = () =>
          pair.local.server.requestCount("POST /ConfigurationManager/v1/objects/remote-storages");
        const postsBefore = posts();
        const logoutsBefore = pair.remote.server.requestCount(
          "DELETE /ConfigurationManager/v1/objects/sessions/:sessionId",
        );
        const news = (await host.check(URN, {}, inputs({ timeouts: { create: "100ms" } }))).inputs;
        const failed = await host.create(URN, news).then(
          () => assert.fail("the create should time out"),
          (err: unknown) => err,
        );
        assert.ok(failed instanceof InitFailedError, String(failed));
        assert.equal(failed.id, "836000410000/832000420000");
        assert.match(String(failed.properties.registrationJobId), /^\d+$/, "the job id is recorded");
        assert.equal(
          pair.remote.server.requestCount("DELETE /ConfigurationManager/v1/objects/sessions/:sessionId"),
          logoutsBefore,
          "the remote session the job needs was not logged out",
        );
        const updated = await host.update(failed.id, URN, failed.properties, inputs());
        assert.equal(updated.remoteStorageDeviceId, "832000420000");
        assert.equal(posts() - postsBefore, 1, "posted once");
        assert.equal(pair.local.registrations().length, 1);
        assert.ok(!("registrationJobId" in updated), "the job id is dropped once the job is done");
        await host.delete(failed.id, URN, updated);
      },
    },
  ],
  checkDestroy: {
    name: "neither array holds a registration or a live session",
    run: ({ backend: pair }) => {
      assert.deepEqual(pair.local.registrations(), []);
      assert.deepEqual(pair.remote.registrations(), []);
      assert.equal(pair.local.liveSessions + pair.remote.liveSessions, 0);
    },
  },
});

function inputs(extra: Props = {}): Props {
  return {
    __provider: s.provider("RemoteStorage"),
    __drplaneName: "site-link",
    local: { endpoint: s.backend.local.url, profile: "local" },
    remote: { endpoint: s.backend.remote.url, profile: "remote" },
    ...extra,
  };
}

function totalRequests(): number {
  return s.backend.local.server.log.length + s.backend.remote.server.log.length;
}
