// The m365 provider: Microsoft 365 audit settings (unified audit log ingestion, organization-wide
// mailbox auditing, MailItemsAccessed per mailbox) are readable only through Exchange Online
// management cmdlets, not Microsoft Graph, so they come as evidence files captured by a read-only
// script. No network call: the files are read through the injected reader.
import { resolve } from 'node:path';
import { GapBuilder } from '../kit/index.ts';
import { defineProvider, inputReader } from '../types.ts';
import { EVIDENCE_SCRIPT, readEvidence } from './evidence.ts';
import { M365Config } from './schema.ts';

export const M365_FILLS = [
  'trails.enabled',
  'trails.identity.records',
  'trails.identity.premium',
  'trails.identity.unifiedAuditLogIngestion',
  'trails.identity.organizationAuditDisabled',
  'trails.identity.mailboxes',
  'trails.identity.capturedAt',
] as const;

export const m365Provider = defineProvider({
  id: 'm365',
  description: `Microsoft 365 audit evidence files (Get-AdminAuditLogConfig, Get-OrganizationConfig, mailbox audit settings) captured by ${EVIDENCE_SCRIPT}`,
  configSchema: M365Config,
  operations: ['m365:ReadEvidence'],
  fills: M365_FILLS,
  async collect(raw, ctx) {
    const config = M365Config.parse(raw);
    const startedAt = ctx.now().toISOString();
    const gaps = new GapBuilder('m365');
    const reader = inputReader(ctx);
    const read = (file: string) =>
      reader(resolve(ctx.baseDir, file), 'Microsoft 365 audit evidence file', `check the path, or capture one with ${EVIDENCE_SCRIPT}`);
    const { trails, notes } = readEvidence(config, read, ctx.now(), gaps);
    for (const n of notes)
      ctx.progress?.({
        provider: 'm365',
        phase: `evidence ${n.file} (tenant ${n.tenantId}, captured ${n.capturedAt}${n.stale ? ', stale' : ''})`,
        done: 1,
        total: 1,
      });
    return {
      run: {
        id: 'm365',
        evidence: notes.map((n) => ({ file: n.file, account: n.tenantId, capturedAt: n.capturedAt, stale: n.stale })),
        fills: [...M365_FILLS],
        startedAt,
        finishedAt: ctx.now().toISOString(),
      },
      trails: trails.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      gaps: gaps.list(),
    };
  },
});

export default m365Provider;
