/**
 * Jobs (reference §1.7): one per accepted write, keyed by the request's `Correlation-Id`;
 * `started` until the engine work it stands for settles (VM up, disk ok, domain active ...),
 * then `finished` or `failed`. `GET /jobs?search=correlation_id=<id>` on engines with job search
 * (4.2+); a v3 engine ignores `search` on /jobs and lists every job (UNCONFIRMED: the reference
 * says only that search is not available there).
 */
import type { Json } from "./codec";
import type { JobRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";

function renderJob(ctx: Ctx, j: JobRecord): Json {
  const c = ctx.codec;
  const out: Json = {
    id: j.id,
    href: c.href(`/jobs/${j.id}`),
    description: j.description,
    ...c.status(j.status),
    start_time: c.date(j.startTime),
    last_updated: c.date(j.lastUpdated),
    external: c.bool(false),
    auto_cleared: c.bool(true),
    owner: { user_name: j.owner },
    link: c.links(`/jobs/${j.id}`, ["steps"]),
  };
  if (j.endTime !== undefined) out["end_time"] = c.date(j.endTime);
  return out;
}

export function installJobRoutes(router: OvirtRouter): void {
  router.add("GET", "/jobs", (ctx) => {
    const jobs = [...ctx.state.jobs.values()].reverse();
    const searchable = ctx.state.info.jobSearch && ctx.dialect === "v4";
    const items = searchable
      ? applySearch(ctx, jobs, {
          correlation_id: (j) => j.correlationId,
          status: (j) => j.status,
          description: (j) => j.description,
        })
      : jobs;
    return {
      status: 200,
      body: ctx.codec.collection(
        "job",
        items.map((j) => renderJob(ctx, j)),
      ),
    };
  });
  router.add("GET", "/jobs/:id", (ctx) => {
    const job = ctx.state.jobs.get(ctx.params["id"] ?? "");
    if (!job) return { status: 404 };
    return { status: 200, body: renderJob(ctx, job) };
  });
  router.add("GET", "/jobs/:id/steps", (ctx) => {
    const job = ctx.state.jobs.get(ctx.params["id"] ?? "");
    if (!job) return { status: 404 };
    const c = ctx.codec;
    return {
      status: 200,
      body: c.collection("step", [
        {
          id: job.id,
          href: c.href(`/jobs/${job.id}/steps/${job.id}`),
          description: job.description,
          type: "executing",
          number: c.int(1),
          ...c.status(job.status),
          start_time: c.date(job.startTime),
          job: c.ref("/jobs", job.id),
        },
      ]),
    };
  });
}
