// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages show the ${VAR} syntax literally
import { parse as parseYaml, Scalar, visit } from 'yaml';
import type { Diagnostic } from '../errors.ts';
import type { SourceMap } from '../util/diagnose.ts';

/** `${NAME}`, `${NAME:-default}`, and `$${…}` for a literal `${…}`. */
const REFERENCE = /\$(\$?)\{([^}]*)\}?/g;
const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

type Env = Readonly<Record<string, string | undefined>>;

interface Expanded {
  value: string;
  diags: Diagnostic[];
}

/** Expand the references in one string; `at(i)` locates character i of it for an error. */
function expand(raw: string, env: Env, at: (i: number) => Pick<Diagnostic, 'file' | 'line' | 'column'>): Expanded {
  const diags: Diagnostic[] = [];
  const value = raw.replace(REFERENCE, (whole, escaped: string, body: string, index: number) => {
    if (escaped) return whole.slice(1);
    const m = whole.endsWith('}') ? NAME.exec(body) : null;
    if (!m) {
      diags.push({
        ...at(index),
        message: `"${whole}" is not a valid reference to an environment variable.`,
        expected: '${NAME} or ${NAME:-default}, NAME made of letters, digits and _ (not starting with a digit)',
        hint: 'write $${…} for a literal ${…}',
      });
      return whole;
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined];
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set !== undefined) return set;
    diags.push({
      ...at(index),
      message: `the policy refers to the environment variable ${name}, which is not set.`,
      expected: `${name} set in the environment, or a default: \${${name}:-value}`,
      hint: `export ${name}=… before running keyhygiene, or write \${${name}:-value}`,
    });
    return whole;
  });
  return { value, diags };
}

/** A plain scalar that was one reference alone takes the YAML type of what it expands to (30 → number). */
function typed(expanded: string): unknown {
  try {
    const v = parseYaml(expanded);
    return typeof v === 'number' || typeof v === 'boolean' ? v : expanded;
  } catch {
    return expanded;
  }
}

/**
 * Expand `${VAR}` and `${VAR:-default}` in every string value of the policy document (not in keys,
 * not in comments), in place. Returns one diagnostic per unset variable without a default, located
 * at the reference itself.
 */
export function interpolate(src: SourceMap, text: string, env: Env): Diagnostic[] {
  const diags: Diagnostic[] = [];
  visit(src.doc, {
    Scalar(key, node) {
      // Keys are names (environments, rules, tags): never expanded.
      if (key !== 'key') expandScalar(node);
    },
  });
  return diags;

  function expandScalar(node: Scalar): void {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    const [start = 0, end = start] = node.range ?? [];
    const source = text.slice(start, end);
    const at = (i: number) => {
      // The reference's place in the source (quoted and folded scalars shift it): search for it.
      const ref = node.value as string;
      const found = source.indexOf(ref.slice(i, ref.indexOf('}', i) + 1 || undefined));
      const { line, col } = src.lines.linePos(start + Math.max(found, 0));
      return { file: src.file, line, column: col };
    };
    const { value, diags: mine } = expand(node.value, env, at);
    diags.push(...mine);
    const alone = node.type === Scalar.PLAIN && /^\$\{[^}]*\}$/.test(node.value);
    node.value = alone ? typed(value) : value;
  }
}
