import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, UserError } from '../errors.ts';
import { PACKS_DIR } from '../paths.ts';
import { readTextFile } from '../policy/load.ts';
import { findRule, RULES } from '../rules/index.ts';
import { locate, parseYamlSource, zodDiagnostics } from '../util/diagnose.ts';
import { suggestion } from '../util/did-you-mean.ts';
import { Framework } from './schema.ts';

export const FRAMEWORKS_DIR = join(PACKS_DIR, 'frameworks');

export function listFrameworkIds(dir: string = FRAMEWORKS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Parse and validate one framework file: schema, id = file name, unique controls, known rule ids. */
export function parseFrameworkText(text: string, file: string, expectedId?: string): Framework {
  const { src, raw } = parseYamlSource(text, file);
  const diags: Diagnostic[] = [];
  const parsed = Framework.safeParse(raw);
  if (!parsed.success) throw new UserError(zodDiagnostics(parsed.error.issues, Framework, src, file, raw));
  const fw = parsed.data;
  if (expectedId !== undefined && fw.id !== expectedId)
    diags.push({ ...locate(src, ['id']), message: `the framework id "${fw.id}" differs from its file name "${expectedId}".`, hint: `set id: ${expectedId}` });
  const seen = new Set<string>();
  fw.controls.forEach((c, i) => {
    if (seen.has(c.id)) diags.push({ ...locate(src, ['controls', i, 'id']), message: `control "${c.id}" is listed twice.`, hint: 'merge the two entries' });
    seen.add(c.id);
    c.rules.forEach((r, j) => {
      const rule = findRule(r);
      if (!rule)
        diags.push({
          ...locate(src, ['controls', i, 'rules', j]),
          message: `control ${c.id} names unknown rule "${r}".${suggestion(
            r,
            RULES.map((x) => x.id),
          )}`,
          hint: 'run `keyhygiene rules list` to see every rule id',
        });
      else if (rule.id !== r)
        diags.push({
          ...locate(src, ['controls', i, 'rules', j]),
          message: `control ${c.id} names rule "${r}" by an alias.`,
          hint: `use the rule id ${rule.id}`,
        });
    });
  });
  if (diags.length) throw new UserError(diags);
  return fw;
}

export function loadFrameworkFile(file: string, expectedId?: string): Framework {
  return parseFrameworkText(readTextFile(file, 'framework file', 'see `keyhygiene frameworks list`'), file, expectedId);
}

const cache = new Map<string, Framework>();

/** A built-in framework by id, or a UserError naming the ids there are. */
export function loadFramework(id: string, dir: string = FRAMEWORKS_DIR): Framework {
  const hit = cache.get(`${dir}\n${id}`);
  if (hit) return hit;
  const ids = listFrameworkIds(dir);
  if (!ids.includes(id))
    throw new UserError({
      message: `unknown framework "${id}".${suggestion(id, ids)}`,
      expected: `one of: ${ids.join(', ')}`,
      hint: 'run `keyhygiene frameworks list`',
    });
  const fw = loadFrameworkFile(join(dir, `${id}.yaml`), id);
  cache.set(`${dir}\n${id}`, fw);
  return fw;
}

export function loadAllFrameworks(dir: string = FRAMEWORKS_DIR): Framework[] {
  return listFrameworkIds(dir).map((id) => loadFramework(id, dir));
}
