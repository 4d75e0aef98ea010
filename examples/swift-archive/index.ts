/**
 * An archive on OpenStack Swift, as the seed's NAVER Archive Storage script does it: a
 * container, a directory marker, a README, and a large backup file uploaded as a static large
 * object in 10 MB segments to a segment container. Then a data-function check that the backup
 * is really there with the expected ETag.
 *
 * Stack config (or, for the loopback test Swift, the DRPLANE_TEST_* environment of
 * scripts/swift/swift-loopback.sh env):
 *   authType            keystone (default) | tempauth
 *   authUrl             Keystone v3 URL, or the tempauth /auth/v1.0 URL
 *   username            Keystone user (the seed's access key id), or tempauth "account:user"
 *   userDomainId        the seed's domain_id            (Keystone)
 *   projectId           the seed's project_id           (Keystone)
 *   region              object-store region in the catalog (optional)
 *   profile             credential profile (default "archive")
 *   backupFile          path of the large file to archive (default ./backup.bin)
 *   storagePolicy       optional storage policy of the container
 * The password is never here: `drplane:credentials.<profile>.password` (secret config) or
 * DRPLANE_<PROFILE>_PASSWORD. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

export = async () => {
  const config = new pulumi.Config();
  const env = process.env;
  const authType = (config.get("authType") ?? "keystone") as "keystone" | "tempauth";
  const keystone = authType === "keystone";
  const need = (key: string, fallback: string | undefined): string => {
    const value = config.get(key) ?? fallback;
    if (!value) throw new Error(`set the ${key} config value (pulumi config set ${key} …)`);
    return value;
  };

  const connection: drplane.SwiftConnectionArgs = keystone
    ? {
        authType,
        authUrl: need("authUrl", env.DRPLANE_TEST_KEYSTONE_URL),
        profile: config.get("profile") ?? "archive",
        username: need("username", env.DRPLANE_TEST_KEYSTONE_USERNAME),
        userDomainId: need("userDomainId", env.DRPLANE_TEST_KEYSTONE_USER_DOMAIN_ID),
        projectId: need("projectId", env.DRPLANE_TEST_KEYSTONE_PROJECT_ID),
        ...(config.get("region") ? { region: config.get("region") } : {}),
      }
    : {
        authType,
        authUrl: need("authUrl", env.DRPLANE_TEST_SWIFT_TEMPAUTH_URL),
        profile: config.get("profile") ?? "archive",
        username: need("username", env.DRPLANE_TEST_SWIFT_TEMPAUTH_USER),
      };

  const stack = pulumi.getStack();
  const container = new drplane.SwiftContainer("archive", {
    connection,
    name: `drplane-archive-${stack}`,
    storagePolicy: config.get("storagePolicy"),
    metadata: { Owner: "dr-team", Purpose: "nightly-backups" },
    quota: { bytes: 100 * 1024 ** 3 },
    // Destroying the stack deletes what is in it, including SLO segments.
    forceDestroy: true,
  });

  // A directory marker, as the seed creates them (application/directory, empty).
  const folder = new drplane.SwiftObject("backups-folder", {
    connection,
    container: container.name,
    name: "backups",
    directory: true,
  });

  const readme = new drplane.SwiftObject("readme", {
    connection,
    container: container.name,
    name: "README.txt",
    content: `Nightly backups of stack ${stack}. Managed by Pulumi (pulumi-drplane).\n`,
    contentType: "text/plain; charset=utf-8",
  });

  // The large file, each segment MD5-verified. The seed's script uses 10 MB segments, 4 in
  // flight; set here explicitly (explicit inputs win). Without them the provider plans from the
  // file's size and the cluster's /info (docs/vendors/swift.md, "SloObject in detail").
  const backup = new drplane.SloObject(
    "backup",
    {
      connection,
      container: container.name,
      name: "backups/backup.bin",
      file: config.get("backupFile") ?? "./backup.bin",
      contentType: "application/octet-stream",
      metadata: { Source: "db1" },
      segmentSize: 10 * 1024 * 1024,
      concurrency: 4,
    },
    { dependsOn: [folder] },
  );

  // A GitOps-style check through the data function: what Swift says about the backup now.
  const seen = drplane.getSwiftObjectOutput({
    connection,
    container: backup.container,
    name: backup.name,
  });

  return {
    container: container.url,
    readme: readme.url,
    backup: backup.url,
    backupEtag: backup.etag,
    backupSegments: pulumi.interpolate`${backup.segmentCount} segments in ${backup.effectiveSegmentContainer}/${backup.segmentPrefix}`,
    backupVerified: pulumi
      .all([seen, backup.etag])
      .apply(([info, etag]) =>
        info.exists && info.etag === etag ? "yes" : `no (${info.exists ? info.etag : "missing"})`,
      ),
  };
};
