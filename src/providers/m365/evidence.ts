// Read: Microsoft 365 audit evidence files through the injected reader. A malformed file is a
// UserError (exit 2) naming the file, the field and the fix; a stale one is a gap.
import { UserError } from '../../errors.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import { parseJsonText } from '../../util/json-text.ts';
import type { GapBuilder } from '../kit/index.ts';
import { evidenceTrail } from './normalize.ts';
import type { M365Config } from './schema.ts';
import { M365Evidence } from './schema.ts';

export const EVIDENCE_SCRIPT = 'docs/m365-audit-evidence.ps1';
const EXPECTED = 'the JSON that docs/m365-audit-evidence.ps1 writes (kind, version, capturedAt, tenantId, adminAuditLogConfig, organizationConfig, mailboxes)';
const FIX = `capture it again with ${EVIDENCE_SCRIPT} (Exchange Online PowerShell, read-only cmdlets) and do not edit it by hand`;
const DAY_MS = 86_400_000;

export interface EvidenceNote {
  file: string;
  tenantId: string;
  capturedAt: string;
  ageDays: number;
  stale: boolean;
}

const fieldOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') || '(top level)';

/** Parse one evidence file or throw one clear UserError. */
export function parseEvidence(text: string, file: string): M365Evidence {
  const json = parseJsonText(text.replace(/^\uFEFF/, ''), file, { what: 'Microsoft 365 audit evidence', expected: EXPECTED, hint: FIX });
  const parsed = M365Evidence.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldOf(issue?.path ?? []);
  throw new UserError({
    file,
    message: `the Microsoft 365 audit evidence is malformed at field ${field}: ${issue?.message ?? 'invalid'}.`,
    expected: EXPECTED,
    hint: FIX,
  });
}

/** Trails of the fresh files, gaps for the stale ones, and a note per file with its capture time. */
export function readEvidence(config: M365Config, read: (file: string) => string, now: Date, gaps: GapBuilder): { trails: AuditTrail[]; notes: EvidenceNote[] } {
  const trails: AuditTrail[] = [];
  const notes: EvidenceNote[] = [];
  for (const file of config.evidence) {
    const e = parseEvidence(read(file), file);
    const ageDays = (now.getTime() - Date.parse(e.capturedAt)) / DAY_MS;
    const stale = ageDays > config.maxAgeDays || ageDays < -1;
    const tenantId = e.tenantId.toLowerCase();
    notes.push({ file, tenantId, capturedAt: e.capturedAt, ageDays: Math.floor(ageDays), stale });
    if (!stale) {
      trails.push(evidenceTrail(e, file));
      continue;
    }
    const when =
      ageDays < -1 ? 'in the future (check the capturing machine\u2019s clock)' : `${Math.floor(ageDays)} days ago, more than maxAgeDays ${config.maxAgeDays}`;
    gaps.add({
      operation: 'm365:ReadEvidence',
      scope: { account: tenantId, subjectId: file },
      affects: ['trails'],
      reason: `Microsoft 365 audit evidence ${file} of tenant ${tenantId} was captured ${e.capturedAt}, ${when}: what the tenant records now is unknown; ${FIX}`,
    });
  }
  return { trails, notes };
}
