import { Token } from 'cdktf';

/**
 * The Google Cloud regions inside BigQuery's two multi-regions: `US` (data centers in the United States) and `EU`
 * (data centers in member states of the European Union, so neither London nor Zurich). Pub/Sub keeps a topic's
 * messages only in these when they are its allowed persistence regions. Give `allowedPersistenceRegions` to
 * follow a region added after this list.
 */
const MULTI_REGION_PERSISTENCE_REGIONS: { readonly [location: string]: readonly string[] } = {
  US: ['us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4'],
  EU: [
    'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1', 'europe-west1', 'europe-west3', 'europe-west4',
    'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  ],
};

/** A Google Cloud region name, such as `europe-west1` or `northamerica-northeast2`. */
const REGION = /^[a-z]+-[a-z]+\d+$/;

/**
 * Where a topic may keep messages so they stay where the table is: the regions of a BigQuery multi-region
 * (`US`, `EU`), or the one region of a regional location. Undefined for a location only known at apply time.
 */
export function persistenceRegionsFor(location: string): string[] | undefined {
  if (Token.isUnresolved(location)) return undefined;
  const family = MULTI_REGION_PERSISTENCE_REGIONS[location.toUpperCase()];
  return family ? [...family] : [location.toLowerCase()];
}

/** Every broken rule of explicit persistence regions. */
export function persistenceRegionProblems(prop: string, regions: readonly string[] | undefined): string[] {
  if (regions === undefined || Token.isUnresolved(regions)) return [];
  if (regions.length === 0) return [`${prop} must name at least one region (omit it to follow the dataset's location)`];
  return regions
    .filter((r) => !Token.isUnresolved(r) && !REGION.test(r))
    .map((r) => `${prop} entry ${JSON.stringify(r)} must be a Google Cloud region such as europe-west1 (multi-regions like EU are not regions)`);
}
