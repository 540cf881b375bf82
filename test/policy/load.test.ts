import { chmodSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { STARTER_POLICY } from '../../src/policy/starter.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();

function problems(yaml: string, name = 'keyhygiene.yaml'): string {
  const file = tmp.write(name, yaml);
  try {
    resolvePolicyFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy loading', () => {
  it('accepts the starter policy written by `policy init`', () => {
    const p = resolvePolicyFile(tmp.write('starter.yaml', STARTER_POLICY));
    expect(p.extends[0]).toBe('recommended');
    expect(p.rules.size).toBeGreaterThan(10);
    expect(p.keyClasses['token-signing-shared']?.maxAgeDays).toBe(30);
  });

  it('defaults extends to the recommended pack, and `extends: []` means none', () => {
    expect(resolvePolicyFile(tmp.write('a.yaml', 'version: 1\n')).rules.size).toBeGreaterThan(10);
    expect(resolvePolicyFile(tmp.write('b.yaml', 'version: 1\nextends: []\n')).rules.size).toBe(0);
  });

  it('applies rule settings ESLint style: a severity keeps earlier options, a tuple replaces them, off disables', () => {
    tmp.write('base.yaml', 'version: 1\nextends: []\nrules:\n  key-log-retention: [low, { minDays: 90 }]\n  key-use-logged: high\n');
    const p = resolvePolicyFile(tmp.write('child.yaml', 'version: 1\nextends: [./base.yaml]\nrules:\n  key-log-retention: critical\n  key-use-logged: off\n'));
    // The options still come from base.yaml, and say so (a failure message names where its limit comes from).
    expect(p.rules.get('key-log-retention')).toEqual({
      severity: 'critical',
      options: { minDays: 90 },
      optionsFrom: { ref: expect.stringMatching(/base\.yaml$/), names: ['minDays'] },
    });
    expect(p.rules.has('key-use-logged')).toBe(false);
  });

  it('accepts catalog aliases as rule ids', () => {
    const p = resolvePolicyFile(tmp.write('alias.yaml', 'version: 1\nextends: []\nrules:\n  ROT-01: critical\n'));
    expect(p.rules.get('key-material-max-age')?.severity).toBe('critical');
  });

  it('malformed YAML: file, line and column', () => {
    expect(problems('version: 1\nrules:\n  key-use-logged: [high\n', 'bad-yaml.yaml')).toMatch(/bad-yaml\.yaml:\d+:\d+: YAML syntax error/);
    const flow = problems('version: 1\nenvironments:\n  production: [\n', 'flow.yaml');
    expect(flow).toMatch(/flow\.yaml:4:1: YAML syntax error: [^\n]*[a-z\]]\.\n {2}expected: YAML: /);
    expect(flow).not.toMatch(/at line \d+, column \d+/);
  });

  it('an unknown key, with a "did you mean"', () => {
    const msg = problems('version: 1\nenviroments: {}\n', 'typo.yaml');
    expect(msg).toMatch(/typo\.yaml:2:1: unknown key "enviroments"/);
    expect(msg).toContain('Did you mean "environments"?');
  });

  it('an unknown key deep inside, located at that key', () => {
    const msg = problems('version: 1\nkeyClasses:\n  tok:\n    maxAgeDay: 30\n', 'deep.yaml');
    expect(msg).toMatch(/deep\.yaml:4:5: unknown key "maxAgeDay" in keyClasses\.tok\. Did you mean "maxAgeDays"\?/);
  });

  it('a wrong type says what was expected', () => {
    const msg = problems('version: 1\nkeyClasses:\n  tok:\n    maxAgeDays: thirty\n', 'type.yaml');
    expect(msg).toMatch(/type\.yaml:4:17: keyClasses\.tok\.maxAgeDays has the wrong type: got string/);
    expect(msg).toContain('expected: cryptoperiod');
    expect(msg).toMatch(/got string, expected number\./);
    expect(msg).toContain('fix: replace the value with a number');
  });

  it('names shapes as a policy author knows them (mapping, list), and says what to write for an invalid value', () => {
    const shape = problems('version: 1\nenvironments: 5\n', 'shape.yaml');
    expect(shape).toMatch(/shape\.yaml:2:15: environments has the wrong type: got number, expected mapping\./);
    expect(shape).toContain('fix: replace the value with a mapping');
    expect(shape).not.toMatch(/record/);
    const version = problems('version: "one"\n', 'one.yaml');
    expect(version).toMatch(/one\.yaml:1:10: version has an invalid value "one"\.\n {2}expected: 1\n {2}fix: write 1 instead/);
  });

  it('a number written in quotes is told to drop the quotes', () => {
    const msg = problems('version: 1\nkeyClasses:\n  tok:\n    maxAgeDays: "30"\n', 'quoted.yaml');
    expect(msg).toMatch(/quoted\.yaml:4:17: keyClasses\.tok\.maxAgeDays has the wrong type: got string, expected number\./);
    expect(msg).toContain('fix: write 30 without quotes');
  });

  it('an abbreviated enum value suggests the full one, naming the file as the user wrote it', () => {
    const file = tmp.write('abbrev.yaml', 'version: 1\nenvironments:\n  prod:\n    kind: prod\n    match: [{ tags: { env: prod } }]\n');
    const rel = relative(process.cwd(), file);
    let message = '';
    try {
      resolvePolicyFile(rel);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.startsWith(`${rel}:4:11: environments.prod.kind has an invalid value "prod". Did you mean "production"?`)).toBe(true);
  });

  it('an invalid enum value suggests the closest one', () => {
    const msg = problems('version: 1\nenvironments:\n  prod:\n    kind: prodution\n    match: [{ tags: { env: prod } }]\n', 'enum.yaml');
    expect(msg).toMatch(/enum\.yaml:4:11: environments\.prod\.kind has an invalid value "prodution"\. Did you mean "production"\?/);
    expect(msg).toContain('fix: write "production" instead');
  });

  it('an enum value far from every accepted one lists them once, not again in the fix', () => {
    const msg = problems('version: 1\nenvironments:\n  prod:\n    kind: zzzzzzzzzz\n    match: [{ tags: { env: prod } }]\n', 'far.yaml');
    expect(msg).toMatch(/far\.yaml:4:11: environments\.prod\.kind has an invalid value "zzzzzzzzzz"\.\n/);
    expect(msg.match(/"production"/g)).toHaveLength(1);
    expect(msg).toContain('fix: write one of the expected values');
  });

  it('a number, list or text out of bounds says the bound and what to write (not a bare "Too small")', () => {
    const num = problems('version: 1\nkeyClasses:\n  sig:\n    maxAgeDays: -5\n    match: [{ tags: { class: sig } }]\n', 'bound.yaml');
    expect(num).toMatch(/bound\.yaml:4:17: keyClasses\.sig\.maxAgeDays is -5; it must be greater than 0\.\n/);
    expect(num).toContain('fix: write a number greater than 0');
    const list = problems('version: 1\nenvironments:\n  prod:\n    kind: production\n    match: []\n', 'empty-list.yaml');
    expect(list).toMatch(/empty-list\.yaml:5:\d+: environments\.prod\.match has 0 items; it needs at least 1\./);
    expect(list).toContain('fix: add items to the list');
  });

  it('a rule id that does not exist', () => {
    const msg = problems('version: 1\nrules:\n  key-material-maxage: high\n', 'rule.yaml');
    expect(msg).toMatch(/rule\.yaml:3:3: unknown rule "key-material-maxage"\. Did you mean "key-material-max-age"\?/);
  });

  it('one run names a schema error and a bad rule setting together (not the rule only after the schema is fixed)', () => {
    const msg = problems('version: 1\nenvironments:\n  prod:\n    kind: prodution\nrules:\n  key-use-logged: hgh\n', 'both.yaml');
    expect(msg).toMatch(/both\.yaml:4:11: environments\.prod\.kind has an invalid value "prodution"/);
    expect(msg).toMatch(/both\.yaml:6:19: rules\.key-use-logged has an invalid setting "hgh"\. Did you mean "high"\?/);
  });

  it('a bad rule severity and bad rule options', () => {
    expect(problems('version: 1\nrules:\n  key-use-logged: hgh\n', 'sev.yaml')).toMatch(
      /sev\.yaml:3:19: rules\.key-use-logged has an invalid setting "hgh"\. Did you mean "high"\?/,
    );
    const mapping = problems('version: 1\nrules:\n  key-material-max-age:\n    maxAgeDays: 30\n', 'mapping.yaml');
    expect(mapping).toMatch(/rules\.key-material-max-age has an invalid setting \{"maxAgeDays":30\}/);
    expect(mapping).toContain('options follow a severity in a list: `key-material-max-age: [high, {"maxAgeDays":30}]`');
    expect(problems('version: 1\nrules:\n  key-use-logged: 3\n', 'num.yaml')).toContain('write a severity (`key-use-logged: high`)');
    const opts = problems('version: 1\nrules:\n  key-log-retention: [high, { minDay: 30 }]\n', 'opts.yaml');
    expect(opts).toMatch(/opts\.yaml:3:31: unknown key "minDay" in rules\.key-log-retention\[1\]\. Did you mean "minDays"\?/);
  });

  it.each([
    ['reason', '    approver: a@example.com\n    expires: 2030-01-01\n', /missing required key "reason"/],
    ['approver', '    reason: the successor is rolling out\n    expires: 2030-01-01\n', /missing required key "approver"/],
    ['expiry', '    reason: the successor is rolling out\n    approver: a@example.com\n', /missing required key "expires"/],
  ])('a waiver without %s', (_what, body, re) => {
    const msg = problems(`version: 1\nwaivers:\n  - rule: key-use-logged\n    subject: arn:x\n${body}`, 'waiver.yaml');
    expect(msg).toMatch(/waiver\.yaml:3:5: /);
    expect(msg).toMatch(re);
  });

  it('a waiver reason that is too short, and one with both subject and subjectGlob', () => {
    expect(
      problems('version: 1\nwaivers:\n  - { rule: key-use-logged, subject: arn:x, reason: later, approver: me, expires: 2030-01-01 }\n', 'short.yaml'),
    ).toMatch(/at least 10 characters/);
    expect(
      problems(
        'version: 1\nwaivers:\n  - { rule: key-use-logged, subject: a, subjectGlob: "a*", reason: because reasons, approver: me, expires: 2030-01-01 }\n',
        'both.yaml',
      ),
    ).toMatch(/exactly one of `subject`/);
  });

  it('an unknown pack, and a cycle of extends', () => {
    expect(problems('version: 1\nextends: [recomended]\n', 'pack.yaml')).toMatch(/pack\.yaml:2:11: unknown pack "recomended"\. Did you mean "recommended"\?/);
    tmp.write('c1.yaml', 'version: 1\nextends: [./c2.yaml]\n');
    tmp.write('c2.yaml', 'version: 1\nextends: [./c1.yaml]\n');
    expect(problems('version: 1\nextends: [./c1.yaml]\n', 'cycle.yaml')).toMatch(/cycle/);
  });

  it('an empty file, a list instead of a mapping, a newer language version', () => {
    expect(problems('', 'empty.yaml')).toMatch(/empty\.yaml:1:1: the policy file is empty/);
    expect(problems('- a\n- b\n', 'list.yaml')).toMatch(/must be a YAML mapping, not a list/);
    expect(problems('version: 2\n', 'v2.yaml')).toMatch(/v2\.yaml:1:10: version has an invalid value 2/);
  });

  it('a file that does not exist or cannot be read', () => {
    expect(() => resolvePolicyFile('/nonexistent/keyhygiene.yaml')).toThrow(/policy file does not exist/);
    const f = tmp.write('locked.yaml', 'version: 1\n');
    chmodSync(f, 0o000);
    // root reads anything; only assert the message when the file really is unreadable
    try {
      resolvePolicyFile(f);
    } catch (err) {
      expect((err as Error).message).toMatch(/cannot be read \(permission denied\)/);
    }
  });
});
