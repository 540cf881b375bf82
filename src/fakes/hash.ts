// Deterministic choices for the simulators: which requests an injected fault rate hits is a function
// of the request's name, so a run can be repeated exactly.
import { createHash } from 'node:crypto';

/** A number in [0, 1) from the SHA-256 of `s`. */
export const hashFraction = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0) / 0x1_0000_0000;
