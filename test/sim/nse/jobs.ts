/**
 * Jobs (seed 003): `GET /v2.1/jobs` (tenant_id filter, offset/limit, sorted by created desc by
 * default) and `GET /v2.1/jobs/{id}`, and the job record as the wire shows it: job_tasks null
 * while pending and filled from running on, request_payload carrying a back-end password.
 */
import { listAnswer, notFound, oneAnswer } from "./envelope";
import type { JobRecord, Json } from "./models";
import { page, paging } from "./query";
import type { NseRouter } from "./router";
import type { NseState } from "./state";

const iso = (ms: number): string => new Date(ms).toISOString();

const DETAIL: Record<string, (what: string) => string> = {
  pending: () => "",
  running: (what) => `${what} is in progress.`,
  successful: (what) => `${what} completed successfully.`,
  warning: (what) => `${what} completed with warnings.`,
  failed: (what) => `${what} failed.`,
  partial_failures: (what) => `${what} completed with partial failures.`,
};

export function renderJob(state: NseState, job: JobRecord): Json {
  const phase = state.phase(job);
  const updatedAt = job.finishedAt ?? (phase === "running" ? job.startAt : job.createdAt);
  const failed = phase === "failed" || phase === "partial_failures";
  const taskErrors = job.tasks.filter((t) => t.outcome === "failed").map((t) => t.last_error);
  const lastError = failed ? (job.outcome.lastError ?? taskErrors[0] ?? "") : "";
  const statusDetail =
    job.finishedAt !== undefined && job.outcome.statusDetail !== undefined
      ? job.outcome.statusDetail
      : DETAIL[phase]!(job.what);
  return {
    id: job.id,
    action: job.action,
    job_summary: job.job_summary,
    created: iso(job.createdAt),
    updated: iso(updatedAt),
    object_id: job.object_id,
    object_type: job.object_type,
    object_name: job.object_name,
    status: state.words[phase],
    status_detail: statusDetail,
    last_error: lastError,
    user_id: job.user_id,
    job_tasks:
      phase === "pending"
        ? null
        : job.tasks.map((t) => {
            const taskPhase = job.finishedAt === undefined ? "running" : t.outcome;
            return {
              id: t.id,
              job_id: job.id,
              action: t.action,
              driver: t.driver,
              object_id: job.object_id,
              object_type: job.object_type,
              resource_type: t.resource_type,
              status: state.words[taskPhase],
              status_detail:
                taskPhase === "successful"
                  ? "Worker completed task successfully."
                  : taskPhase === "failed"
                    ? "Worker failed to complete task."
                    : "Worker is processing task.",
              last_error: taskPhase === "failed" ? t.last_error : "",
              user_id: job.user_id,
              request_payload: structuredClone(t.request_payload),
            };
          }),
  };
}

export function installJobRoutes(router: NseRouter): void {
  router.add("GET", "/v2.1/jobs", (ctx) => {
    const p = paging(ctx.req.query, { sort_by: "created", order_by: "desc" }, [
      "created",
      "updated",
      "status",
      "action",
      "object_name",
    ]);
    const tenant = ctx.req.query.get("tenant_id");
    const jobs = [...ctx.state.jobs.values()].filter((j) => !tenant || j.tenant_id === tenant);
    const rendered = jobs.map((j) => renderJob(ctx.state, j));
    // created ties (one ManualClock instant) keep creation order: newest id last.
    const seq = new Map(jobs.map((j, i) => [j.id, i]));
    const { page: items, total } = page(rendered, p, (r, attr) =>
      attr === "created"
        ? `${String(r["created"])}#${String(seq.get(String(r["id"]))).padStart(8, "0")}`
        : String(r[attr]),
    );
    return listAnswer(items, total, p);
  });

  router.add("GET", "/v2.1/jobs/:id", (ctx) => {
    const job = ctx.state.jobs.get(ctx.req.params["id"] ?? "");
    if (!job) throw notFound(`Job '${ctx.req.params["id"]}'`);
    return oneAnswer(renderJob(ctx.state, job));
  });
}
