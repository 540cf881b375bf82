import type { Framework } from './schema.ts';

/** One framework control that a rule's outcomes are evidence for. */
export interface ControlRef {
  framework: string;
  title: string;
  edition: string;
  control: string;
  controlTitle: string;
}

/** Index framework mappings by rule id: which controls each rule gives evidence for. Pure. */
export function controlsByRule(frameworks: readonly Framework[]): Map<string, ControlRef[]> {
  const out = new Map<string, ControlRef[]>();
  for (const f of frameworks)
    for (const c of f.controls)
      for (const rule of c.rules) {
        const list = out.get(rule) ?? [];
        list.push({ framework: f.id, title: f.title, edition: f.edition, control: c.id, controlTitle: c.title });
        out.set(rule, list);
      }
  return out;
}
