// The read-only proof every provider's tests make against its fake: each operation the fake saw
// (or the client sent) is one the provider declares. The provider parity meta-test requires a call
// to this helper in each provider's test folder.
import { expect } from 'vitest';

export function expectOnlyDeclared(sent: Iterable<string>, provider: { id: string; operations: readonly string[] }): void {
  const seen = [...new Set(sent)];
  expect(seen.length, `${provider.id}: the fake saw no operation at all, so nothing was proven`).toBeGreaterThan(0);
  const declared = new Set(provider.operations);
  expect(
    seen.filter((op) => !declared.has(op)),
    `${provider.id}: operations sent that the provider does not declare`,
  ).toEqual([]);
}
