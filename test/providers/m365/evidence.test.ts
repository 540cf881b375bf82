// The m365 provider: evidence files written by docs/m365-audit-evidence.ps1, read through the injected
// reader. Fresh files become trails with their capture time, stale ones gaps, malformed ones exit 2
// naming the file, the field and the fix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { Inventory } from '../../../src/model/inventory.ts';
import { EXAMPLES_DIR } from '../../../src/paths.ts';
import m365Provider from '../../../src/providers/m365/index.ts';
import type { CollectContext } from '../../../src/providers/types.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';

const EXAMPLE = join(EXAMPLES_DIR, 'storm-0558');
const EVIDENCE = JSON.parse(readFileSync(join(EXAMPLE, 'm365-audit.json'), 'utf8')) as Record<string, unknown> & { mailboxes: Record<string, unknown>[] };
const SNAPSHOT_TIME = new Date('2026-11-01T06:00:00Z');

function ctx(files: Record<string, string>, now = SNAPSHOT_TIME): CollectContext & { read: string[] } {
  const read: string[] = [];
  return {
    now: () => now,
    baseDir: '/policies',
    env: {},
    read,
    readText: (file) => {
      read.push(file);
      const text = files[file];
      if (text === undefined) throw new UserError({ file, message: 'the Microsoft 365 audit evidence file does not exist.' });
      return text;
    },
  };
}

const collect = (files: Record<string, string>, config: Record<string, unknown> = { evidence: ['m365.json'] }, now?: Date) =>
  m365Provider.collect(m365Provider.configSchema.parse(config), ctx(Object.fromEntries(Object.entries(files).map(([k, v]) => [`/policies/${k}`, v])), now));

const withEvidence = (over: Record<string, unknown>) => JSON.stringify({ ...EVIDENCE, ...over });

describe('m365 provider', () => {
  it('reads the example evidence into the very trail the storm-0558 snapshot holds, reporting the capture time', async () => {
    const files = ['m365-audit.json', 'm365-audit-consumer.json'];
    const out = await collect(Object.fromEntries(files.map((f) => [f, readFileSync(join(EXAMPLE, f), 'utf8')])), { evidence: files });
    const snapshot = Inventory.parse(JSON.parse(readFileSync(join(EXAMPLE, 'inventory.json'), 'utf8')));
    expect(out.trails).toEqual(snapshot.trails.filter((t) => t.provider === 'm365'));
    expect(out.run.evidence).toEqual(snapshot.providers.find((p) => p.id === 'm365')?.evidence);
    expect(out.run.evidence?.[0]).toEqual({
      file: 'm365-audit.json',
      account: 'e7e7e7e7-0000-4000-8000-000000000001',
      capturedAt: '2026-10-30T08:12:44Z',
      stale: false,
    });
    expect(out.trails?.[0]?.identity).toMatchObject({ premium: true, mailboxes: { total: 4, auditing: 4, mailItemsAccessed: 4 } });
    expect(out.gaps).toEqual([]);
  });

  it('a stale file is a gap for the tenant, never a trail', async () => {
    const out = await collect({ 'm365.json': withEvidence({}) }, { evidence: ['m365.json'], maxAgeDays: 30 }, new Date('2027-01-15T00:00:00Z'));
    expect(out.trails).toEqual([]);
    expect(out.run.evidence?.[0]).toMatchObject({ stale: true, capturedAt: '2026-10-30T08:12:44Z' });
    expect(out.gaps).toHaveLength(1);
    expect(out.gaps?.[0]).toMatchObject({
      provider: 'm365',
      operation: 'm365:ReadEvidence',
      scope: { account: 'e7e7e7e7-0000-4000-8000-000000000001' },
      affects: ['trails'],
    });
    expect(out.gaps?.[0]?.reason).toContain('76 days ago, more than maxAgeDays 30');
    expect(out.gaps?.[0]?.reason).toContain('docs/m365-audit-evidence.ps1');
  });

  it('one mailbox without MailItemsAccessed for delegates makes the record not premium-grade', async () => {
    const mailboxes = EVIDENCE.mailboxes.map((m, i) => (i === 2 ? { ...m, AuditDelegate: ['Update', 'SendAs'] } : m));
    const out = await collect({ 'm365.json': withEvidence({ mailboxes }) });
    expect(out.trails?.[0]?.identity).toMatchObject({ premium: false, mailboxes: { total: 4, auditing: 4, mailItemsAccessed: 3 } });
  });

  it('accepts what ConvertTo-Json writes for one-element and empty multi-valued properties, and a UTF-8 BOM', async () => {
    const mailboxes = [
      { ...EVIDENCE.mailboxes[0], AuditOwner: 'MailItemsAccessed', AuditDelegate: 'MailItemsAccessed', AuditAdmin: 'MailItemsAccessed' },
      { ...EVIDENCE.mailboxes[1], AuditEnabled: false, AuditOwner: null },
    ];
    const out = await collect({ 'm365.json': `\uFEFF${withEvidence({ mailboxes })}` });
    // The second is a user mailbox: audited by default whatever its AuditEnabled, but with no owner actions listed.
    expect(out.trails?.[0]?.identity?.mailboxes).toEqual({ total: 2, auditing: 2, mailItemsAccessed: 1 });
  });

  it('mailbox auditing on by default overrides AuditEnabled false on user and shared mailboxes, not on resource mailboxes; organization auditing off audits none', async () => {
    const all = ['MailItemsAccessed', 'Update'];
    const box = (RecipientTypeDetails: string) => ({
      ...EVIDENCE.mailboxes[0],
      RecipientTypeDetails,
      AuditEnabled: false,
      AuditOwner: all,
      AuditDelegate: all,
      AuditAdmin: all,
    });
    const byDefault = await collect({ 'm365.json': withEvidence({ mailboxes: [box('UserMailbox'), box('SharedMailbox')] }) });
    expect(byDefault.trails?.[0]?.identity).toMatchObject({ premium: true, mailboxes: { total: 2, auditing: 2, mailItemsAccessed: 2 } });
    const room = await collect({ 'm365.json': withEvidence({ mailboxes: [box('UserMailbox'), box('RoomMailbox')] }) });
    expect(room.trails?.[0]?.identity).toMatchObject({ premium: false, mailboxes: { total: 2, auditing: 1, mailItemsAccessed: 1 } });
    const off = await collect({ 'm365.json': withEvidence({ organizationConfig: { AuditDisabled: true } }) });
    expect(off.trails?.[0]?.identity?.mailboxes?.auditing).toBe(0);
  });

  it('ingestion off or organization auditing disabled: the trail is not recording', async () => {
    const out = await collect({ 'm365.json': withEvidence({ organizationConfig: { AuditDisabled: true } }) });
    expect(out.trails?.[0]).toMatchObject({ enabled: false, identity: { organizationAuditDisabled: true } });
  });

  it.each([
    ['a missing field', withEvidence({ organizationConfig: {} }), 'organizationConfig.AuditDisabled'],
    ['a wrong type deep inside', withEvidence({ mailboxes: [{ ...EVIDENCE.mailboxes[0], AuditEnabled: 'yes' }] }), 'mailboxes[0].AuditEnabled'],
    ['a capture time that is not ISO 8601', withEvidence({ capturedAt: '30/10/2026 08:12' }), 'capturedAt'],
    ['another file kind', withEvidence({ kind: 'something-else' }), 'kind'],
  ])('malformed evidence (%s) is exit 2 naming the file, the field and the fix', async (_what, text, field) => {
    const err = await collect({ 'm365.json': text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).message;
    expect(message).toContain('m365.json');
    expect(message).toContain(`field ${field}`);
    expect(message).toContain('fix: capture it again with docs/m365-audit-evidence.ps1');
  });

  it('text that is not JSON is exit 2 too', async () => {
    const err = await collect({ 'm365.json': 'UnifiedAuditLogIngestionEnabled : True' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain('is not valid JSON');
  });

  it('reads only through the injected reader, relative to the policy directory', async () => {
    const c = ctx({ '/policies/a/m365.json': withEvidence({}) });
    await m365Provider.collect(m365Provider.configSchema.parse({ evidence: ['a/m365.json'] }), c);
    expect(c.read).toEqual(['/policies/a/m365.json']);
    // Its one declared operation is reading an evidence file through the reader; it has no network client.
    expectOnlyDeclared(
      c.read.map(() => 'm365:ReadEvidence'),
      m365Provider,
    );
  });
});
