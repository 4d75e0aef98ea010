/**
 * Child process of the SLO crash tests (test/vendors/swift/slo.test.ts): uploads one file as
 * an SLO and reports each step on stdout ("segment <i>", "manifest <etag>", "done"), so the
 * parent can SIGKILL it at a chosen point. Arguments come as JSON in DRPLANE_SLO_CHILD.
 */
import { SwiftClient } from "../../../provider/vendors/swift/client";
import { uploadSlo, type SloUploadSpec } from "../../../provider/vendors/swift/slo";
import type { SwiftConnection } from "../../../provider/vendors/swift/auth";

interface ChildArgs {
  connection: SwiftConnection;
  spec: Omit<SloUploadSpec, "onSegment" | "onManifest" | "onProgress">;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.env.DRPLANE_SLO_CHILD ?? "{}") as ChildArgs;
  const client = new SwiftClient(args.connection);
  await client.storageUrl();
  process.stdout.write("start\n");
  await uploadSlo(client, {
    ...args.spec,
    onSegment: (i, reused) => process.stdout.write(`segment ${i} ${reused ? "reused" : "uploaded"}\n`),
    onManifest: (etag) => process.stdout.write(`manifest ${etag}\n`),
  });
  process.stdout.write("done\n");
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
