/**
 * The streaming twin of the core call (core/call `callStream`, core/http-stream) and the Swift
 * calls on it, against a loopback stand-in (test/support/fake-swift): a download holds a slot
 * of the origin's limiter until its body ends or is destroyed, a connection lost mid-body is a
 * TransientError, a stalled body ends at the idle timeout, an error status goes through the
 * status table; and a Swift token aged on a ManualClock is re-issued.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { callStream } from "../../provider/core/call";
import { ManualClock } from "../../provider/core/clock";
import { envPrefix } from "../../provider/core/credentials";
import { isDrplaneError } from "../../provider/core/errors";
import { endpointLimiter } from "../../provider/core/limits";
import { drainSessions } from "../../provider/core/session";
import { SWIFT_ENDPOINT_CONCURRENCY } from "../../provider/vendors/swift/auth";
import { SwiftClient } from "../../provider/vendors/swift/client";
import { SWIFT_ERRORS } from "../../provider/vendors/swift/errors";
import { downloadObject } from "../../provider/vendors/swift/objects";
import { fakeSwift } from "../support/fake-swift";

const swift = fakeSwift();
let profiles = 0;

async function client(clock?: ManualClock): Promise<SwiftClient> {
  const profile = `callstream-${++profiles}`;
  process.env[`${envPrefix(profile)}_PASSWORD`] = "testing";
  return new SwiftClient(
    { authUrl: `${await swift.url}/auth/v1.0`, authType: "tempauth", profile, username: "test:tester" },
    clock ? { clock } : {},
  );
}

function collector(): Writable & { bytes: Buffer[] } {
  const bytes: Buffer[] = [];
  return Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes.push(chunk);
        done();
      },
    }),
    { bytes },
  );
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

test("Swift downloads go through the origin's limiter and hold their slot until the body ends", async () => {
  const c = await client();
  const origin = await swift.url;
  const data = randomBytes(256 * 1024);
  swift.objects.held = data;
  let release!: () => void;
  swift.hold = new Promise<void>((r) => (release = r));
  const limiter = endpointLimiter(origin, SWIFT_ENDPOINT_CONCURRENCY);
  const sinks = Array.from({ length: SWIFT_ENDPOINT_CONCURRENCY + 4 }, () => collector());
  const downloads = sinks.map((sink) => downloadObject(c, "c", "held", sink));
  await until(
    "the first downloads reach the server",
    () => swift.openDownloads === SWIFT_ENDPOINT_CONCURRENCY,
  );
  assert.equal(limiter.inFlight, SWIFT_ENDPOINT_CONCURRENCY, "every open body holds a limiter slot");
  release();
  swift.hold = undefined;
  const results = await Promise.all(downloads);
  const md5 = createHash("md5").update(data).digest("hex");
  for (const [i, r] of results.entries()) {
    assert.equal(r.bytes, data.length);
    assert.equal(r.md5, md5);
    assert.ok(Buffer.concat(sinks[i]!.bytes).equals(data));
  }
  await until("every slot is given back", () => limiter.inFlight === 0);
});

test("a connection reset in the middle of a download is a TransientError, and frees the slot", async () => {
  const c = await client();
  swift.objects.reset = randomBytes(64 * 1024);
  await assert.rejects(downloadObject(c, "c", "reset", collector()), (err: unknown) => {
    assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
    assert.equal(err.meta.operation, "getObject");
    assert.equal(err.meta.mayHaveReachedServer, true);
    assert.match(err.message, /GET .*\/c\/reset/);
    return true;
  });
  const limiter = endpointLimiter(await swift.url);
  await until("the slot is given back", () => limiter.inFlight === 0);
});

const TEST_ERRORS = { ...SWIFT_ERRORS, vendor: "test", label: "Test" };

test("a stream its reader destroys frees its slot; a stalled body ends at the idle timeout", async () => {
  const origin = await swift.url;
  const limiter = endpointLimiter(origin);
  swift.objects.held = randomBytes(64 * 1024);
  let release!: () => void;
  swift.hold = new Promise<void>((r) => (release = r));
  const opts = {
    method: "GET" as const,
    path: "/v1/AUTH_test/c/held",
    operation: "get",
    idempotent: true,
    errors: TEST_ERRORS,
  };
  const dropped = await callStream({ baseUrl: origin }, opts);
  assert.equal(dropped.status, 200);
  assert.equal(limiter.inFlight, 1);
  dropped.body.destroy();
  await until("the destroyed stream's slot is given back", () => limiter.inFlight === 0);

  const stalled = await callStream({ baseUrl: origin }, { ...opts, idleTimeoutMs: 1000 });
  await assert.rejects(
    (async () => {
      for await (const _ of stalled.body) void _;
    })(),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_TRANSIENT"), String(err));
      assert.match(err.message, /timed out after 1000 ms/);
      return true;
    },
  );
  await until("the stalled stream's slot is given back", () => limiter.inFlight === 0);
  release();
  swift.hold = undefined;
});

test("a streamed call's error status goes through the status table", async () => {
  const origin = await swift.url;
  await assert.rejects(
    callStream(
      { baseUrl: origin },
      {
        method: "GET",
        path: "/v1/AUTH_test/c/missing",
        operation: "get",
        idempotent: true,
        errors: TEST_ERRORS,
        target: "c/missing",
      },
    ),
    (err: unknown) => {
      assert.ok(isDrplaneError(err, "DRP_NOT_FOUND"), String(err));
      assert.equal(err.summary, "Test get c/missing: Not Found");
      return true;
    },
  );
  assert.equal(endpointLimiter(origin).inFlight, 0);
});

test("a Swift token aged on a ManualClock is re-issued before it expires", async () => {
  const clock = new ManualClock();
  swift.tokenTtlSeconds = 600;
  const c = await client(clock);
  const head = () => c.request({ method: "HEAD", operation: "headAccount", idempotent: true });
  const before = swift.logins;
  await head();
  assert.equal(swift.logins - before, 1);
  clock.advance(5 * 60_000);
  await head();
  assert.equal(swift.logins - before, 1, "a 5-minute-old token of 10 minutes is still used");
  clock.advance(4 * 60_000);
  await head();
  assert.equal(swift.logins - before, 2, "a token within 2 minutes of its expiry is re-issued");
  assert.equal((await c.withToken(async (t) => t.token)).endsWith(String(swift.logins)), true);
  swift.tokenTtlSeconds = 3600;
  await drainSessions();
});
