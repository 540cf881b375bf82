// Where Terraform resources are declared: the `.tf` files of the root module and of local module
// calls, parsed with HashiCorp's HCL parser (@cdktf/hcl2json) to confirm each block, and the block's
// header line found in the text (the parser gives no positions for blocks).

import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { AZAPI_TYPE } from './azapi.ts';
import type { PlanContext } from './plan-context.ts';
import { stripInstanceKeys } from './terraform.ts';

type Obj = Record<string, unknown>;

interface TfFile {
  /** Path as reported (relative like the plan path it was found from). */
  shown: string;
  text: string;
  blocks: Obj;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of `resource "TYPE" "NAME" {` in the text. */
export function headerLine(text: string, type: string, name: string): number | undefined {
  const re = new RegExp(`^\\s*resource\\s+"?${escapeRe(type)}"?\\s+"?${escapeRe(name)}"?\\s*\\{`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index + m[0].search(/\S/)).split('\n').length : undefined;
}

/** How sources are read: the provider's injected reader and lister. */
export interface SourceFiles {
  readText: (file: string, what: string, hint: string) => string;
  listDir: (dir: string) => string[];
}

async function readModuleDir(files: SourceFiles, dirShown: string, dirAbs: string, warn?: (m: string) => void): Promise<TfFile[]> {
  const out: TfFile[] = [];
  const names = files.listDir(dirAbs).filter((n) => n.endsWith('.tf'));
  for (const name of names.sort()) {
    const text = files.readText(join(dirAbs, name), 'Terraform source', 'check the file, or set iac.sources to the root module directory');
    try {
      out.push({ shown: join(dirShown, name), text, blocks: (await parse(name, text)) as Obj });
    } catch (err) {
      // A source that does not parse only costs its line numbers; the plan is the evidence.
      warn?.(`${join(dirShown, name)}: not parsed as HCL (${(err as Error).message.split('\n')[0]}); results point at the plan instead`);
    }
  }
  return out;
}

/**
 * Record file and line of every planned Terraform resource whose block is found in the root module
 * directory (`sourceShown`/`sourceAbs`) or a local module under it.
 */
export async function locateTerraform(
  ctx: PlanContext,
  where: { sourceShown: string; sourceAbs: string; moduleSources: Map<string, string> },
  files: SourceFiles,
  warn?: (m: string) => void,
): Promise<void> {
  const dirs = new Map<string, { shown: string; abs: string }>([['', { shown: where.sourceShown, abs: where.sourceAbs }]]);
  for (const path of [...where.moduleSources.keys()].sort((a, b) => a.length - b.length)) {
    const src = where.moduleSources.get(path) as string;
    const parent = dirs.get(path.replace(/\.?module\.[^.]+$/, ''));
    if (!parent || !/^\.\.?\//.test(src)) continue; // registry and git modules have no local source
    dirs.set(path, { shown: join(parent.shown, src), abs: join(parent.abs, src) });
  }
  const cache = new Map<string, TfFile[]>();
  for (const r of ctx.resources) {
    if ((r.format !== 'terraform-plan' && r.armName === undefined) || r.refKey.startsWith('data.') || r.refKey.includes('.data.')) continue;
    const modulePath = stripInstanceKeys(r.refKey.split('.').slice(0, -2).join('.'));
    const dir = dirs.get(modulePath);
    if (!dir) continue;
    let tf = cache.get(modulePath);
    if (!tf) {
      tf = await readModuleDir(files, dir.shown, dir.abs, warn);
      cache.set(modulePath, tf);
    }
    const name = r.refKey.split('.').at(-1) as string;
    for (const f of tf) {
      // An azapi_resource is read in the ARM shape (its ARM type): in source it is declared as azapi_resource.
      const type = r.armName === undefined ? r.type : AZAPI_TYPE;
      const declared = (f.blocks.resource as Obj | undefined)?.[type] as Obj | undefined;
      if (!declared || !(name in declared)) continue;
      const line = headerLine(f.text, type, name);
      if (line) ctx.declared.set(r.address, { file: f.shown, line });
      break;
    }
  }
}
