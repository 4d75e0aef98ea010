/**
 * The simulated DR site examples/dr-topology manages (startDrSite, siteWithStack, teardown,
 * leftovers …): demo code, kept in scripts/demo/dr-site.ts; the engine tests import it through
 * here.
 */
export * from "../../scripts/demo/dr-site";
