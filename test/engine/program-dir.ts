/**
 * Programs installed from `npm pack`'s tarball (packPackage, installProgram, tempDir): demo code,
 * kept in scripts/demo/program-dir.ts; the engine tests import it through here.
 */
export * from "../../scripts/demo/program-dir";
