/** The public argument types of the Swift resources and data functions (pulumi.Input shapes). */

/**
 * Where a Swift account is and who we are there. Never a password: it comes from stack
 * config `drplane:credentials.<profile>.password` or DRPLANE_<PROFILE>_PASSWORD.
 */
export interface SwiftConnectionArgs {
  /** Keystone v3 URL (https://keystone.example:5000/v3) or, for tempauth, the v1.0 auth URL. */
  authUrl: string;
  /** "keystone" (default) or "tempauth" (Swift v1.0 auth, development setups). */
  authType?: "keystone" | "tempauth";
  /** Credential profile naming the password (and optionally the username). */
  profile: string;
  /** Keystone user name (with userDomainId/Name), or the tempauth "account:user". */
  username?: string;
  /** Keystone user id, instead of username + domain. */
  userId?: string;
  /** Domain of the user (the seed's user_domain_id). */
  userDomainId?: string;
  userDomainName?: string;
  /** The project the token is scoped to (the seed's project_id)… */
  projectId?: string;
  /** …or its name with projectDomainId / projectDomainName. */
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  /** Region of the object-store endpoint in the catalog (default: the first one listed). */
  region?: string;
  /** Catalog interface: "public" (default), "internal" or "admin". */
  interface?: "public" | "internal" | "admin";
  /** CA certificates to trust: PEM text or a path to a PEM file. */
  caBundle?: string;
  /** Skip TLS verification (lab only; a warning is printed). */
  insecure?: boolean;
}
