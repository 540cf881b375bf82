// ARM template functions decided before deployment (Microsoft Learn, "ARM template functions":
// logical, comparison, string, array, object and numeric functions), and what stays unknown.
import { describe, expect, it } from 'vitest';
import { readArm } from '../../../src/providers/iac/arm.ts';
import { evaluateArm } from '../../../src/providers/iac/arm-expr.ts';
import { parseTemplateText } from '../../../src/providers/iac/cloudformation.ts';
import { Unknown } from '../../../src/providers/iac/values.ts';

const scope = {
  parameters: {
    env: { type: 'string', defaultValue: 'prod', allowedValues: ['prod', 'dev'] },
    open: { type: 'bool' },
    tags: { type: 'object', defaultValue: { team: 'id' } },
  },
  variables: { names: ['a', 'b'] },
};
const ev = (expr: string) => evaluateArm(expr, scope);

describe('ARM expressions: functions decided from the template', () => {
  it.each([
    ["[equals(parameters('env'), 'prod')]", true],
    ["[not(equals(parameters('env'), 'prod'))]", false],
    ["[if(equals(parameters('env'), 'prod'), 'Disabled', 'Enabled')]", 'Disabled'],
    ["[length(variables('names'))]", 2],
    ["[empty(parameters('tags'))]", false],
    ["[contains(parameters('tags'), 'TEAM')]", true],
    ["[union(parameters('tags'), createObject('env', parameters('env')))]", { team: 'id', env: 'prod' }],
    ["[coalesce(null(), 'x')]", 'x'],
    ['[and(equals(1, 1), or(false(), true()))]', true],
    ["[toLower(concat('KV-', string(add(1, 2))))]", 'kv-3'],
    ["[join(split('a,b', ','), '-')]", 'a-b'],
    ['[first(range(5, 3))]', 5],
    ["[startsWith('Microsoft.KeyVault/vaults', 'microsoft.keyvault')]", true],
  ])('%s', (expr, want) => {
    expect(ev(expr)).toEqual(want);
  });

  it('a parameter without default stays unknown, and so does what depends on it, unless the rest decides', () => {
    expect(ev("[equals(parameters('open'), true())]")).toBeInstanceOf(Unknown);
    expect(ev("[if(parameters('open'), 'a', 'b')]")).toBeInstanceOf(Unknown);
    expect(ev("[and(parameters('open'), false())]")).toBe(false);
    expect(ev("[or(parameters('open'), true())]")).toBe(true);
    expect(ev('[uniqueString(resourceGroup().id)]')).toBeInstanceOf(Unknown);
  });

  it('user-defined functions see only their own parameters', () => {
    const withFn = {
      ...scope,
      functions: { '__bicep.name': { params: ['env'], output: "[format('kv-{0}', parameters('env'))]" } },
    };
    expect(evaluateArm("[__bicep.name(parameters('env'))]", withFn)).toBe('kv-prod');
    expect(evaluateArm("[__bicep.other('x')]", withFn)).toBeInstanceOf(Unknown);
  });
});

describe('ARM resource condition', () => {
  const deployed = (condition: unknown) => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { deploy: { type: 'string', defaultValue: 'FALSE' } },
      resources: [{ type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'kv', condition, properties: {} }],
    };
    const text = JSON.stringify(template);
    return readArm(template, 'main.json', parseTemplateText(text, 'main.json')).map((r) => r.conditional ?? 'deployed');
  };

  it('reads a value as bool() and if() do: one reading of one value (the string FALSE was an undecided condition)', () => {
    expect(deployed("[parameters('deploy')]")).toEqual([]);
    expect(deployed("[if(parameters('deploy'), true(), false())]")).toEqual([]);
    expect(deployed('True')).toEqual(['deployed']);
    expect(deployed("[parameters('missing')]")).toHaveLength(1);
  });
});
