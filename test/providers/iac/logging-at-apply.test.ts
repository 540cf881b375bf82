// Trails and diagnostic settings whose settings are known only at apply or deployment (fixtures:
// test/fixtures/iac/logging-at-apply, from the Terraform JSON output format, the registry pages and
// Microsoft Learn's ARM pages): what they record is unknown, never "nothing" or "everything".
import { describe, expect, it } from 'vitest';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const judge = async (file: string) => {
  const out = await collectIac([`${FIXTURES}/logging-at-apply/${file}`]);
  const key = out.keys?.[0];
  const trail = out.trails?.[0];
  const outcome = runRule(keyUseLogged, { inventory: { keys: [key as NonNullable<typeof key>], trails: out.trails ?? [], gaps: out.gaps ?? [] } }).outcome;
  return { out, trail, outcome };
};

describe('iac provider: logging settings known only at apply or deployment', () => {
  it.each([
    ['enabled_log from a dynamic block over categories read at apply (it failed: read as no log at all)', 'azurerm-dynamic-enabled-log.json', 'enabled_log'],
    [
      'a dynamic event_selector over a value known only after apply (it passed: read as no selector, all management events)',
      'cloudtrail-dynamic-event-selector.json',
      'event_selector',
    ],
  ])('Terraform: %s leaves key-use-logged unknown', async (_what, file, attribute) => {
    const { out, trail, outcome } = await judge(file);
    expect(trail?.capturesDataPlane).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === trail?.id)).toMatchObject({
      affects: ['capturesDataPlane'],
      operation: `terraform-plan:${attribute}`,
    });
    expect(outcome).toBe('unknown');
  });

  it('ARM: logs from a parameter without a default leave key-use-logged unknown', async () => {
    const { trail, outcome } = await judge('logs-parameter.json');
    expect(trail?.enabled).toBeUndefined();
    expect(outcome).toBe('unknown');
  });
});
