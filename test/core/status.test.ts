/**
 * The one status table (core/status) and each vendor's overrides: every status × vendor → the
 * error class a user sees (and so whether it is retried), with an empty body; the body codes
 * that decide before the status; every override states its reason; Retry-After in both forms.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ManualClock } from "../../provider/core/clock";
import type { DrplaneErrorCode } from "../../provider/core/errors";
import { backoffDelay, isRetryable } from "../../provider/core/retry";
import {
  httpError,
  parseRetryAfter,
  statusClass,
  type ErrorClass,
  type VendorErrorTable,
} from "../../provider/core/status";
import { HITACHI_ERRORS } from "../../provider/vendors/hitachi/errors";
import { SWIFT_ERRORS } from "../../provider/vendors/swift/errors";
import { VRG_ERRORS } from "../../provider/vendors/vrg/errors";

const CODE_OF: Record<ErrorClass, DrplaneErrorCode> = {
  input: "DRP_INPUT",
  auth: "DRP_AUTH",
  notFound: "DRP_NOT_FOUND",
  conflict: "DRP_CONFLICT",
  transient: "DRP_TRANSIENT",
  vendor: "DRP_VENDOR",
};

const VENDORS: Record<"hitachi" | "vrg" | "swift", VendorErrorTable> = {
  hitachi: HITACHI_ERRORS,
  vrg: VRG_ERRORS,
  swift: SWIFT_ERRORS,
};

/** status → [default, hitachi, vrg, swift]. */
const TABLE: Array<[number, ErrorClass, ErrorClass, ErrorClass, ErrorClass]> = [
  [400, "input", "input", "input", "input"],
  [401, "auth", "auth", "auth", "auth"],
  [403, "auth", "auth", "auth", "auth"],
  [404, "notFound", "notFound", "notFound", "notFound"],
  [405, "vendor", "vendor", "vendor", "vendor"],
  [409, "conflict", "conflict", "conflict", "conflict"],
  [411, "vendor", "vendor", "vendor", "input"],
  [412, "vendor", "input", "vendor", "conflict"],
  [413, "vendor", "vendor", "vendor", "input"],
  [415, "vendor", "input", "vendor", "vendor"],
  [416, "vendor", "vendor", "vendor", "input"],
  [422, "vendor", "vendor", "vendor", "vendor"],
  [429, "transient", "transient", "transient", "transient"],
  [498, "vendor", "vendor", "vendor", "transient"],
  [500, "transient", "transient", "transient", "transient"],
  [501, "vendor", "vendor", "vendor", "vendor"],
  [502, "transient", "transient", "transient", "transient"],
  [503, "transient", "transient", "transient", "transient"],
  [504, "transient", "transient", "transient", "transient"],
  [507, "transient", "transient", "transient", "vendor"],
];

for (const [status, byDefault, ...perVendor] of TABLE) {
  test(`HTTP ${status}: default ${byDefault}; hitachi ${perVendor[0]}, vrg ${perVendor[1]}, swift ${perVendor[2]}`, () => {
    assert.equal(statusClass(status), byDefault);
    (["hitachi", "vrg", "swift"] as const).forEach((vendor, i) => {
      const expected = perVendor[i]!;
      const table = VENDORS[vendor];
      assert.equal(statusClass(status, table.overrides), expected, `${vendor} ${status}`);
      const err = httpError(table, "op", { status, body: undefined, text: "", headers: {} });
      assert.equal(err.code, CODE_OF[expected], `${vendor} ${status}: ${err.message}`);
      assert.equal(isRetryable(err), expected === "transient", `${vendor} ${status} retried`);
      assert.equal(err.meta.httpStatus, status);
      assert.equal(err.meta.vendor, vendor);
    });
  });
}

test("every vendor override says why it departs from the default", () => {
  for (const [vendor, table] of Object.entries(VENDORS)) {
    for (const [status, override] of Object.entries(table.overrides ?? {})) {
      assert.ok(override.reason.length > 20, `${vendor} ${status} has a reason`);
      assert.notEqual(override.class, statusClass(Number(status)), `${vendor} ${status} changes something`);
    }
  }
});

test("messages and remedies keep each vendor's form", () => {
  const h = httpError(HITACHI_ERRORS, "getJob", {
    status: 503,
    body: { messageId: "KART00003-E", message: "busy", solution: "wait" },
    text: "",
    headers: {},
  });
  assert.equal(h.summary, "Hitachi getJob: busy");
  assert.equal(h.meta.vendorCode, "KART00003-E");
  assert.equal(h.meta.remedy, "wait", "the body's solution wins over the status remedy");
  const h503 = httpError(HITACHI_ERRORS, "login", { status: 503, body: undefined, text: "", headers: {} });
  assert.match(h503.meta.remedy ?? "", /64 sessions/);
  const s = httpError(
    SWIFT_ERRORS,
    "deleteContainer",
    { status: 409, body: undefined, text: "<html><h1>Conflict</h1><p>not empty</p></html>", headers: {} },
    { target: "c" },
  );
  assert.equal(s.summary, "Swift deleteContainer c: Conflict. not empty");
  assert.match(s.meta.remedy ?? "", /must be empty/);
  const v = httpError(VRG_ERRORS, "getVm", {
    status: 400,
    body: { errorCode: "10440400", errorDes: "虚拟机不存在" },
    text: "",
    headers: {},
  });
  assert.equal(v.summary, "VRG getVm: the virtual machine does not exist");
  assert.equal(v.meta.vendorCause, "虚拟机不存在");
});

test("a body code decides before the status, except where the vendor says the status wins", () => {
  const hitachi = (status: number, messageId: string) =>
    httpError(HITACHI_ERRORS, "op", { status, body: { messageId }, text: "", headers: {} }).code;
  assert.equal(hitachi(400, "KART30013-E"), "DRP_NOT_FOUND", "not found whatever the status");
  assert.equal(hitachi(400, "KART40050-E"), "DRP_TRANSIENT", "a busy/lock id is transient");
  assert.equal(hitachi(401, "KART40050-E"), "DRP_AUTH", "but not over an auth status");
  assert.equal(
    httpError(HITACHI_ERRORS, "op", { status: 409, body: { solutionType: "RETRY" }, text: "", headers: {} })
      .code,
    "DRP_TRANSIENT",
  );
  const vrg = (status: number, errorCode: string) =>
    httpError(VRG_ERRORS, "op", { status, body: { errorCode }, text: "", headers: {} }).code;
  assert.equal(vrg(400, "10440400"), "DRP_NOT_FOUND");
  assert.equal(vrg(400, "10440306"), "DRP_CONFLICT");
  assert.equal(
    vrg(503, "10440400"),
    "DRP_TRANSIENT",
    "an unavailable server is transient whatever its body says",
  );
  assert.equal(vrg(400, "10449999"), "DRP_INPUT", "an unknown code falls back to the status");
});

test("Retry-After: delta-seconds, and an HTTP-date read against the injected clock", () => {
  const date = "Wed, 21 Oct 2015 07:28:00 GMT";
  const clock = new ManualClock(Date.parse(date) - 90_000);
  assert.equal(parseRetryAfter("2", clock), 2000);
  assert.equal(parseRetryAfter(" 120 ", clock), 120_000);
  assert.equal(parseRetryAfter(date, clock), 90_000);
  clock.advance(30_000);
  assert.equal(parseRetryAfter(date, clock), 60_000, "the date is relative to the clock, which moved");
  clock.advance(60_000);
  assert.equal(parseRetryAfter(date, clock), undefined, "a date now past asks for no wait");
  for (const bad of [undefined, "", "0", "-5", "soon"])
    assert.equal(parseRetryAfter(bad, clock), undefined, bad);

  const err = httpError(
    SWIFT_ERRORS,
    "putObject",
    { status: 503, body: undefined, text: "", headers: { "retry-after": "Wed, 21 Oct 2015 07:30:00 GMT" } },
    { clock },
  );
  assert.equal(err.meta.retryAfterMs, 120_000);
  // The retry's sleep honours it as a floor, capped as before (3 × the 20 s backoff cap).
  assert.ok(backoffDelay(1, { random: () => 0 }, err.meta.retryAfterMs) === 60_000);
  assert.ok(backoffDelay(1, { random: () => 0 }, 5_000) === 5_000);
});
