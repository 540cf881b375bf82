// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests write ${VAR} references literally
// The policy language beyond plain matchers: ${VAR} interpolation, tag keys, `unclassified:`.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { parsePolicyText } from '../../src/policy/load.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();

function rejected(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

const SHARED = `version: 1
extends: []
environments:
  production:
    kind: production
    match:
      - accounts: ["\${AWS_ACCOUNT_PROD}", "\${AWS_ACCOUNT_DR:-222222222222}"]
        principals: ["!*deploy*"]
keyClasses:
  signing:
    maxAgeDays: \${MAX_AGE_DAYS:-90}
    description: "costs $\${HOME} nothing"
    match: [{ tags: { key-class: signing } }]
`;

describe('${VAR} interpolation', () => {
  it('expands set variables and defaults in string values; a plain scalar that is one reference keeps its type', () => {
    const { policy } = parsePolicyText(SHARED, 'shared.yaml', { AWS_ACCOUNT_PROD: '111111111111', MAX_AGE_DAYS: '30' });
    expect(policy.environments?.production?.match[0]?.accounts).toEqual(['111111111111', '222222222222']);
    expect(policy.keyClasses?.signing?.maxAgeDays).toBe(30);
    // $${…} is a literal ${…}
    expect(policy.keyClasses?.signing?.description).toBe('costs ${HOME} nothing');
  });

  it('a variable set but empty takes the default, like the shell', () => {
    const { policy } = parsePolicyText(SHARED, 'shared.yaml', { AWS_ACCOUNT_PROD: '1', AWS_ACCOUNT_DR: '' });
    expect(policy.environments?.production?.match[0]?.accounts).toEqual(['1', '222222222222']);
    expect(policy.keyClasses?.signing?.maxAgeDays).toBe(90);
  });

  it('an unset variable without a default is exit 2 at file:line:column of the reference', () => {
    const message = rejected(() => parsePolicyText(SHARED, 'shared.yaml', {}));
    expect(message).toMatch(/^shared\.yaml:7:21: the policy refers to the environment variable AWS_ACCOUNT_PROD, which is not set\./);
    expect(message).toMatch(/fix: export AWS_ACCOUNT_PROD=… before running keyhygiene, or write \$\{AWS_ACCOUNT_PROD:-value\}/);
    expect(message.split('\n').filter((l) => l.startsWith('shared.yaml'))).toHaveLength(1);
  });

  it('a malformed reference is an error, not a silent literal', () => {
    expect(rejected(() => parsePolicyText('version: 1\ndescription: "a ${bad name}"\n', 'p.yaml', {}))).toMatch(
      /p\.yaml:2:17: "\$\{bad name\}" is not a valid reference/,
    );
    expect(rejected(() => parsePolicyText('version: 1\ndescription: a ${OPEN\n', 'p.yaml', { OPEN: 'x' }))).toMatch(/is not a valid reference/);
  });

  it('keys and comments are never expanded', () => {
    const { policy } = parsePolicyText('version: 1\n# ${NOT_SET}\ntrustDomains:\n  ${NAME}: { match: [{ accounts: ["1"] }] }\n', 'p.yaml', {});
    expect(Object.keys(policy.trustDomains ?? {})).toEqual(['${NAME}']);
  });

  it('an expanded value is validated like a written one', () => {
    expect(rejected(() => parsePolicyText(SHARED, 'shared.yaml', { AWS_ACCOUNT_PROD: '1', MAX_AGE_DAYS: 'soon' }))).toMatch(
      /shared\.yaml:11:17: keyClasses\.signing\.maxAgeDays/,
    );
  });
});

describe('tagKeys', () => {
  it("renames the packs' key-class tag and the rules' evidence tags; a rule option set in the policy still wins", () => {
    const file = tmp.write(
      'tags.yaml',
      `version: 1
extends: [recommended]
tagKeys: { keyClass: data-classification, rotation: rotation-evidence, rotationDrill: drill-date }
rules:
  rotation-drill-recent: [medium, { drillTag: my-drill }]
`,
    );
    const p = resolvePolicyFile(file);
    expect(p.keyClasses['token-signing-shared']?.match).toEqual([{ tags: { 'data-classification': 'token-signing-shared' } }]);
    expect(p.rules.get('rotation-automation-required')?.options).toMatchObject({ evidenceTag: 'rotation-evidence' });
    expect(p.rules.get('rotation-drill-recent')?.options).toMatchObject({ drillTag: 'my-drill' });
  });

  it('without tagKeys the defaults are the documented names', () => {
    const p = resolvePolicyFile(tmp.write('plain.yaml', 'version: 1\nextends: [recommended]\n'));
    expect(p.keyClasses['token-signing-shared']?.match).toEqual([{ tags: { 'key-class': 'token-signing-shared' } }]);
    expect(p.rules.get('rotation-automation-required')?.options).toMatchObject({ evidenceTag: 'keyhygiene:rotation' });
  });

  it('an unknown tag key field is exit 2 with a suggestion', () => {
    expect(rejected(() => resolvePolicyFile(tmp.write('bad-tags.yaml', 'version: 1\ntagKeys: { keyclass: x }\n')))).toMatch(
      /bad-tags\.yaml:2:12: .*keyclass.*keyClass/s,
    );
  });
});

describe('unclassified', () => {
  it('may only place subjects in declared environments and trust domains', () => {
    const message = rejected(() =>
      resolvePolicyFile(
        tmp.write(
          'unc.yaml',
          'version: 1\nextends: []\nenvironments:\n  debug: { kind: debug, match: [{ accounts: ["3"] }] }\nunclassified: { environment: debgu, trustDomain: x }\n',
        ),
      ),
    );
    expect(message).toMatch(/unc\.yaml:5:30: unclassified\.environment names "debgu", which the policy does not declare\. Did you mean "debug"\?/);
    expect(message).toMatch(/unclassified\.trustDomain names "x"/);
  });

  it('accepts unknown, ignore and a placement', () => {
    for (const u of ['unknown', 'ignore', '{ environment: debug }'])
      expect(
        resolvePolicyFile(
          tmp.write('ok.yaml', `version: 1\nextends: []\nenvironments:\n  debug: { kind: debug, match: [{ accounts: ["3"] }] }\nunclassified: ${u}\n`),
        ).unclassified,
      ).toBeDefined();
  });
});
