import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { KeyClassLogging, RelyingParty, Waiver } from '../policy/schema.ts';

/**
 * A documented example: the fields that differ from the example subject (see example-base.ts), the
 * options it runs with, and the outcome the engine must give. The test suite runs every example;
 * the generated docs print them.
 */
export interface RuleExample {
  title: string;
  outcome: 'pass' | 'fail';
  /** Changes to the example key (the judged subject for key rules). */
  key?: Partial<KeyRecord>;
  /** Changes to the example trail (the judged subject for trail rules, and the trail covering the key). */
  trail?: Partial<AuditTrail>;
  /** Changes to the example collection gap (gap rules only). */
  gap?: Partial<CollectionGap>;
  /** Changes to the example published key (the judged subject for published-key rules; for key rules, publishes the key). */
  published?: Partial<PublishedKey>;
  /** Further published keys, each as changes to the example published key. */
  alsoPublished?: Partial<PublishedKey>[];
  /** Changes to the example artifact finding (artifact rules). */
  artifact?: Partial<ArtifactFinding>;
  /** Further trails in the inventory, whole (identity-plane trails of a tenant). */
  alsoTrails?: AuditTrail[];
  /** Identity-plane logging the example key's class requires (token-key-logging). */
  logging?: KeyClassLogging;
  /** Relying parties in the policy (relying-party-foreign-key). */
  relyingParties?: Record<string, RelyingParty>;
  /** Waivers in the policy (waiver-hygiene). */
  waivers?: Waiver[];
  options?: Record<string, unknown>;
}

/** How to fix a failure, per interface. Markdown; commands use placeholders in CAPITALS. */
export interface Remediation {
  cli?: string;
  terraform?: string;
  console?: string;
}

export interface RuleDocs {
  remediation: Remediation;
  examples: RuleExample[];
}
