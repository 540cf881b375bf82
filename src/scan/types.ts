import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { Fingerprints } from '../model/common.ts';

export type MaterialFormat = NonNullable<ArtifactFinding['materialFormat']>;
export type Proof = NonNullable<ArtifactFinding['proof']>;
export type ArtifactType = ArtifactFinding['artifactType'];

/** One piece of key material found in a byte stream. Never holds key bytes. */
export interface RawHit {
  /** Offset of the material in the (decompressed) stream it was found in. */
  offset: number;
  /** Length of the encoded material, used to skip nested hits (PKCS#1 inside PKCS#8). */
  length: number;
  format: MaterialFormat;
  keyType?: string;
  proof: Proof;
  encrypted?: boolean;
  fingerprints?: Fingerprints;
  /** Set when a known public key's modulus or point was found at the offset. */
  knownKeyId?: string;
  /**
   * Fingerprints the material could have when its encoding leaves the key's parameters open (a SEC1
   * key without its curve): one that belongs to a known key proves the private value and names it.
   */
  candidates?: Fingerprints[];
  /**
   * Set when the material was found in base64-encoded text (a Kubernetes Secret's data value): the
   * offsets of the base64 runs, outermost first; `offset` is then inside the decoded bytes.
   */
  base64At?: number[];
  /** Where the outermost base64 run ends in the stream (ranges of a split file drop what an earlier range's run covered). */
  base64End?: number;
  /**
   * Internal, never output: addresses found beside a known Ed25519/X25519 public key, followed
   * through a memory image's layout to prove the private key (KnownKeyTable.provePointers).
   */
  seedPointers?: number[];
}

/** A public key of the inventory the scanner looks for. `publicKey` is base64 DER SPKI. */
export interface KnownKeyInput {
  id: string;
  publicKey: string;
  /** The same SPKI as bytes, when the caller decoded it (--known-keys files): the table copies these instead of decoding `publicKey`. */
  der?: Uint8Array;
}
