// ARM template functions decided before deployment (Microsoft Learn, "ARM template functions":
// logical, comparison, string, array, object and numeric functions), and what stays unknown.
import { describe, expect, it } from 'vitest';
import { evaluateArm } from '../../../src/providers/iac/arm-expr.ts';
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
