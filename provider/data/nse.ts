/**
 * NetApp Service Engine (NSE 2.1) data functions: a job by id (`GET /v2.1/jobs/{id}`: status,
 * its tasks' states and errors, never a task's request payload) and a file share by id or by
 * name on a file server. Read-only, in the program's own process (also during preview), each
 * with an *Output twin taking Pulumi inputs. Bad arguments fail before any request, naming the
 * argument; what NSE does not hold fails as not found. The password is resolved as for
 * resources: the stack's `drplane:credentials` (under Pulumi) or DRPLANE_<PROFILE>_PASSWORD.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NotFoundError } from "../core/errors";
import { nseClient, nseConnectionSchema, nseIdSchema, nseShareNameSchema } from "../inputs/nse";
import type { NseClient } from "../vendors/nse/client";
import { findFileShareByName, readFileShare, type FileShareRecord } from "../vendors/nse/fileshares";
import { getNseJob as readNseJob, type NseJob } from "../vendors/nse/jobs";
import type { GetNseFileShareArgs, GetNseFileShareOutputArgs, NseConnectionArgs } from "../args/nse";
import { checkedArgs, keptAlive, loadStackCredentials } from "./kit";

export type { FileShareRecord as NseFileShareInfo, NseJob };

/** Checks the arguments, loads the stack's credentials, and runs `work` on a client that keeps no token. */
async function withClient<T>(
  what: string,
  schema: z.ZodType,
  args: Record<string, unknown>,
  work: (c: NseClient) => Promise<T>,
): Promise<T> {
  checkedArgs(what, schema, args);
  loadStackCredentials();
  return work(nseClient(args.connection as NseConnectionArgs, { lingerMs: 0 }));
}

/** `GET /v2.1/jobs/{id}`: the job's status, object and tasks; fails (not found) when NSE does not know it. */
export function getNseJob(connection: NseConnectionArgs, jobId: string): Promise<NseJob> {
  const schema = z.object({ connection: nseConnectionSchema, jobId: nseIdSchema }).strict();
  return withClient("getNseJob", schema, { connection, jobId }, async (client) => {
    const job = await readNseJob(client, jobId);
    if (!job)
      throw new NotFoundError(`getNseJob: NSE knows no job ${jobId}`, {
        meta: { vendor: "nse", operation: "getJob", httpStatus: 404 },
      });
    return job;
  });
}

/** A file share by `id`, or by `name` on `fileserverId`; fails (not found) when there is none. */
export function getNseFileShare(args: GetNseFileShareArgs): Promise<FileShareRecord> {
  const schema = z
    .object({
      connection: nseConnectionSchema,
      id: nseIdSchema.optional(),
      name: nseShareNameSchema.optional(),
      fileserverId: nseIdSchema.optional(),
    })
    .strict()
    .refine((a) => (a.id !== undefined) !== (a.name !== undefined), {
      message: "give either id, or name and fileserverId",
      path: ["id"],
    })
    .refine((a) => a.name === undefined || a.fileserverId !== undefined, {
      message: "a share is found by name within its file server: give fileserverId too",
      path: ["fileserverId"],
    });
  const given = Object.fromEntries(Object.entries(args ?? {}).filter(([, v]) => v !== undefined));
  return withClient("getNseFileShare", schema, given, async (client) => {
    const share =
      args.id !== undefined
        ? await readFileShare(client, args.id)
        : await findFileShareByName(client, args.name!, args.fileserverId!);
    if (!share) {
      const which =
        args.id !== undefined ? `id ${args.id}` : `name ${args.name} on file server ${args.fileserverId}`;
      throw new NotFoundError(`getNseFileShare: NSE holds no file share with ${which}`, {
        meta: { vendor: "nse", operation: "getFileShare", httpStatus: 404 },
      });
    }
    return share;
  });
}

/** getNseJob with Pulumi inputs. */
export function getNseJobOutput(
  connection: pulumi.Input<NseConnectionArgs>,
  jobId: pulumi.Input<string>,
): pulumi.Output<NseJob> {
  return pulumi
    .all([connection, jobId])
    .apply(([c, j]) => keptAlive(() => getNseJob(c as NseConnectionArgs, j)));
}

/** getNseFileShare with Pulumi inputs. */
export function getNseFileShareOutput(args: GetNseFileShareOutputArgs): pulumi.Output<FileShareRecord> {
  return pulumi
    .output(args)
    .apply((a) => keptAlive(() => getNseFileShare(a as unknown as GetNseFileShareArgs)));
}
