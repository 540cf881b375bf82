import { z } from 'zod';

/** An https origin, optionally with a trailing slash: no path, query or credentials. */
export const httpsOrigin = (what: string, example: string) =>
  z
    .string()
    .refine(
      (s) => {
        try {
          const u = new URL(s);
          return u.protocol === 'https:' && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && !u.username && !u.password;
        } catch {
          return false;
        }
      },
      { message: `${what} must be an https URL with no path, e.g. ${example}` },
    )
    .describe(`${what}, e.g. ${example}`);
