const cache = new Map<string, RegExp>();

/**
 * Compile a glob where `*` matches any run of characters (including `/` and `:`, since cloud ids
 * are not paths) and `?` matches one character. Everything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let src = '';
    for (const ch of glob) {
      if (ch === '*') src += '.*';
      else if (ch === '?') src += '.';
      else src += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 's');
    cache.set(glob, re);
  }
  return re;
}

export const globMatch = (glob: string, value: string): boolean =>
  glob === '*' || (glob.includes('*') || glob.includes('?') ? globToRegExp(glob).test(value) : glob === value);

export function anyGlobMatch(globs: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  for (let i = 0; i < globs.length; i++) if (globMatch(globs[i] as string, value)) return true;
  return false;
}
