// Pure mapping from scanner results to the model (shared with `keyhygiene scan`, so it lives in src/scan).
export { ARTIFACTS_PROVIDER_ID as PROVIDER_ID, artifactRecords, gapRecords, type Store } from '../../scan/records.ts';
