/**
 * The Pulumi CLI and its isolated environment (pulumiBinDir, pulumiEnv): demo code, kept in
 * scripts/demo/cli.ts; the engine tests import it through here.
 */
export * from "../../scripts/demo/cli";
