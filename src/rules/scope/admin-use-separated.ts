import { z } from 'zod';
import { type AccessEntry, PRINCIPAL_KINDS } from '../../model/access-entry.ts';
import { defineRule } from '../define-rule.ts';
import { describeUndecided, USE_CAPABILITIES } from '../lib/keys.ts';

/** Per principal (sorted by id): whether it administers the key and which use capabilities it holds. */
function roles(entries: readonly AccessEntry[]): Map<string, { name: string; admin: boolean; caps: Set<string> }> {
  const byPrincipal = new Map<string, { name: string; admin: boolean; caps: Set<string> }>();
  for (const entry of entries) {
    const p = entry.principal;
    const slot = byPrincipal.get(p.id) ?? { name: p.name ?? p.id, admin: false, caps: new Set<string>() };
    for (const c of entry.capabilities) {
      if (c === 'administer') slot.admin = true;
      else if (USE_CAPABILITIES.has(c)) slot.caps.add(c);
    }
    byPrincipal.set(p.id, slot);
  }
  return new Map([...byPrincipal].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** True when some principal administers the key and can use it, over all these entries (no allocation: every key runs this). */
function holdsBoth(entries: readonly AccessEntry[]): boolean {
  for (const e of entries) {
    if (!e.capabilities.includes('administer')) continue;
    const id = e.principal.id;
    for (const f of entries) if (f.principal.id === id && f.capabilities.some((c) => USE_CAPABILITIES.has(c))) return true;
  }
  return false;
}

export default defineRule({
  id: 'admin-use-separated',
  aliases: ['S6'],
  meta: {
    category: 'scope',
    severity: 'high',
    fixedLimit: 'no principal holds both administer and use (sign, decrypt, export) on one key',
    description: 'No principal can both administer a key (change its policy, rotate, delete) and use it (sign, decrypt, export).',
    rationale:
      'A principal that can rewrite a key policy and also sign can grant itself anything and cover its tracks; separating key administrators from key users is the separation of duties CIS GCP 1.11 (v2–v4) / 1.12 (v5) asks of KMS roles. NIST AC-5, AC-6; PCI DSS 3.6.1.3.',
    remediation:
      'Split the role: give administrators kms:Create*/Put*/Update*/Schedule* (AWS), Key Vault Administrator without crypto roles (Azure), roles/cloudkms.admin without roles/cloudkms.cryptoKeyEncrypterDecrypter or signer (GCP); give the service identity only the use permissions.',
    subject: 'key',
    appliesTo: (k) => k.managedBy !== 'provider',
    needs: ['access'],
    // A principal read from one policy that breaks the rule breaks it whatever the unread policies add.
    failureStandsOnPartialData: true,
    reads: ['managedBy'],
  },
  options: z.strictObject({
    ignorePrincipalKinds: z
      .array(z.enum(PRINCIPAL_KINDS))
      .default(['account'])
      .describe('principal kinds not judged: `account` is the AWS account root, which delegates to IAM policies rather than acting itself'),
    ignorePrincipals: z.array(z.string()).default([]).describe('principal ids allowed both (break-glass roles, with their own controls)'),
  }),
  messages: {
    both: '{principal} can administer this key and also {caps} with it.',
  },
  check(key, ctx) {
    // Fast path, the common case: nobody holds both even before ignored principals are left out.
    if (!holdsBoth(key.access ?? [])) return;
    const entries = (key.access ?? []).filter(
      (e) => !ctx.options.ignorePrincipalKinds.includes(e.principal.kind) && !ctx.options.ignorePrincipals.includes(e.principal.id),
    );
    // Fast path, the common case: no principal holds both, through any entry (decided or not).
    if (!holdsBoth(entries)) return;
    // Entries with undecided conditions may not exist: a principal that holds both only through one
    // of them makes the verdict unknown, never a failure or a pass.
    const decided = roles(entries.filter((e) => !e.undecided?.length));
    const all = roles(entries);
    for (const [id, s] of decided) if (s.admin && s.caps.size) ctx.report('both', { principal: s.name, caps: [...s.caps].sort().join(', ') }, { key: id });
    if ([...decided.values()].some((s) => s.admin && s.caps.size)) return;
    const maybe = entries.filter((e) => e.undecided?.length && all.get(e.principal.id)?.admin && all.get(e.principal.id)?.caps.size).map(describeUndecided);
    if (maybe.length) ctx.need(undefined, 'access', `the verdict depends on conditions the audit cannot decide: ${[...new Set(maybe)].join(', ')}`);
  },
});
