/** storageDeviceId = 6-character model prefix + serial zero-padded to 6 digits (reference §1.4). */

/** Model → 6-character storageDeviceId prefix (reference §1.4 table; UNCONFIRMED rows left out). */
export const MODEL_PREFIXES: Readonly<Record<string, string>> = {
  "VSP G1000": "800000",
  "VSP G1500": "800000",
  "VSP F1500": "800000",
  "VSP G100": "832000",
  "VSP G200": "832000",
  "VSP G400": "834000",
  "VSP G600": "834000",
  "VSP F400": "834000",
  "VSP F600": "834000",
  "VSP G800": "836000",
  "VSP F800": "836000",
  "VSP G150": "882000",
  "VSP G350": "882000",
  "VSP F350": "882000",
  "VSP G370": "886000",
  "VSP G700": "886000",
  "VSP G900": "886000",
  "VSP F370": "886000",
  "VSP F700": "886000",
  "VSP F900": "886000",
  "VSP 5100": "900000",
  "VSP 5200": "900000",
  "VSP 5500": "900000",
  "VSP 5600": "900000",
  "VSP E390": "934000",
  "VSP E590": "934000",
  "VSP E790": "934000",
  "VSP E990": "936000",
};

/** prefix + serial zero-padded to 6 digits ("VSP G800", 410000 → "836000410000"). */
export function deriveStorageDeviceId(model: string, serialNumber: number): string {
  const prefix = MODEL_PREFIXES[model];
  if (!prefix)
    throw new Error(
      `no storageDeviceId prefix known for model ${JSON.stringify(model)}; pass storageDeviceId`,
    );
  return prefix + String(serialNumber).padStart(6, "0");
}
