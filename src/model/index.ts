export * from './access-entry.ts';
export * from './artifact-finding.ts';
export * from './audit-trail.ts';
export * from './collection-gap.ts';
export * from './common.ts';
export * from './inventory.ts';
export * from './key-record.ts';
export * from './published-key.ts';
