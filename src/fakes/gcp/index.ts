// The GCP fake's entry point, for tests and for `keyhygiene demo` (which loads it from a source
// checkout; it is not part of the shipped library).
export { DEMO_ORG, DEMO_PUBLIC_KEYS, DENIED_RING, demoWorld } from './demo-world.ts';
export { type GcpFake, type GcpFakeOptions, type RecordedRequest, startGcpFake } from './server.ts';
export type { GcpWorld } from './world.ts';
