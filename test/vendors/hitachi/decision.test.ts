/**
 * The Hitachi create flow's one decision (`decideRegistration`) as a table: what the array
 * shows (a registration, a registration job in flight, a POST of ours that may have landed
 * unseen) → the step the flow takes (adopt, wait for the job or the registration, post).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { HitachiJob } from "../../../provider/vendors/hitachi/jobs";
import {
  decideRegistration,
  type ArrayView,
  type RegistrationStep,
} from "../../../provider/vendors/hitachi/register";
import type { RemoteStorageInfo } from "../../../provider/vendors/hitachi/remote-storage";

const registered: RemoteStorageInfo = {
  storageDeviceId: "832000420000",
  dkcType: "Remote",
  restServerIp: "10.0.0.2",
  restServerPort: 443,
};
const running: HitachiJob = { jobId: 17, status: "Running", state: "Started" };

const table: Array<[string, ArrayView, RegistrationStep]> = [
  ["nothing on the array", {}, { action: "post" }],
  ["registered", { registration: registered }, { action: "adopt", registration: registered }],
  ["a registration job in flight", { job: running }, { action: "wait", job: running }],
  ["a POST of ours may have landed, no job to see", { unseenPost: true }, { action: "wait" }],
  [
    "registered while a job is still listed: the registration wins",
    { registration: registered, job: running },
    { action: "adopt", registration: registered },
  ],
  [
    "registered after an unseen POST: adopted, not waited for",
    { registration: registered, unseenPost: true },
    { action: "adopt", registration: registered },
  ],
  [
    "a job found after an unseen POST: the job is waited for",
    { job: running, unseenPost: true },
    { action: "wait", job: running },
  ],
  ["no unseen POST is not a reason to wait", { unseenPost: false }, { action: "post" }],
];

for (const [name, view, step] of table) {
  test(`decideRegistration: ${name} → ${step.action}`, () => {
    assert.deepEqual(decideRegistration(view), step);
  });
}
