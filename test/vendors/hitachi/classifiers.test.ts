/**
 * `classifyHitachiJob` as a table: one job snapshot per row and the verdict the waiter acts on
 * (pending, success, or failure with the vendor's message id, message and SSB codes).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { classifyHitachiJob, type HitachiJob } from "../../../provider/vendors/hitachi/jobs";

interface Row {
  case: string;
  job: Omit<HitachiJob, "jobId">;
  status: "pending" | "success" | "failure";
  state?: string;
  message?: RegExp;
  vendorCode?: string;
  vendorDetail?: Record<string, string>;
}

const failed = { status: "Completed", state: "Failed" };
const rows: Row[] = [
  { case: "just created", job: { status: "Initializing" }, status: "pending", state: "Initializing/?" },
  {
    case: "running",
    job: { status: "Running", state: "Started" },
    status: "pending",
    state: "Running/Started",
  },
  { case: "nothing reported yet", job: {}, status: "pending", state: "?/?" },
  { case: "an unknown status", job: { status: "Suspended" }, status: "pending", state: "Suspended/?" },
  {
    case: "a status in another case is not Completed",
    job: { status: "completed", state: "Succeeded" },
    status: "pending",
    state: "completed/Succeeded",
  },
  { case: "succeeded", job: { status: "Completed", state: "Succeeded" }, status: "success" },
  {
    case: "failed with the vendor's error",
    job: {
      ...failed,
      error: {
        messageId: "KART30005-E",
        message: "The specified remote storage system is already registered.",
        errorCode: { SSB1: "2E31", SSB2: "9100" },
      },
    },
    status: "failure",
    state: "Completed/Failed",
    message: /^KART30005-E The specified remote storage system is already registered\.$/,
    vendorCode: "KART30005-E",
    vendorDetail: { SSB1: "2E31", SSB2: "9100" },
  },
  {
    case: "failed, message id spelt messageID",
    job: { ...failed, error: { messageID: "KART40050-E", message: "busy" } },
    status: "failure",
    state: "Completed/Failed",
    message: /^KART40050-E busy$/,
    vendorCode: "KART40050-E",
  },
  {
    case: "failed without an error object",
    job: failed,
    status: "failure",
    state: "Completed/Failed",
    message: /^the job ended without an error object$/,
  },
  {
    case: "completed in a state other than Succeeded",
    job: { status: "Completed", state: "Canceled", error: { messageId: "KART00001-E", message: "stopped" } },
    status: "failure",
    state: "Completed/Canceled",
    message: /^KART00001-E stopped$/,
    vendorCode: "KART00001-E",
  },
];

for (const row of rows) {
  test(`classifyHitachiJob: ${row.case}`, () => {
    const v = classifyHitachiJob({ jobId: 892, ...row.job });
    assert.equal(v.status, row.status);
    if (row.state !== undefined) assert.equal("state" in v ? v.state : undefined, row.state);
    if (v.status !== "failure") return;
    assert.match(v.message, row.message!);
    assert.equal(v.meta?.vendor, "hitachi");
    assert.equal(v.meta?.vendorCode, row.vendorCode);
    if (row.vendorDetail) assert.deepEqual(v.meta?.vendorDetail, row.vendorDetail);
  });
}
