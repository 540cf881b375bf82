// How the simulators name the requests they serve. Each simulator lists the REST operations of the
// service it imitates as documented path templates (`{name}` is one path segment, `{name*}` one or
// more), written from the service's REST reference — never from the provider it checks, so a request
// the provider should not send has no name here and the read-only proofs catch it.

export interface Route {
  /** The operation name the provider's declared list uses, e.g. `arm:ListVaults`. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  template: string;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(route: Route): CompiledRoute {
  const parts = route.template
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      if (/^\{[^}]+\*\}$/.test(seg)) return '.+';
      if (/^\{[^}]+\}$/.test(seg)) return '[^/]+';
      return escapeRegExp(seg);
    });
  return { ...route, pattern: new RegExp(`^/${parts.join('/')}/?$`, 'i') };
}

/** A router over documented templates: the operation a request is, or undefined when it is none of them. */
export function routeTable(routes: readonly Route[]): (method: string, path: string) => string | undefined {
  const compiled = routes.map(compile);
  return (method, path) => {
    const p = `/${path.replace(/^\/+/, '')}`;
    const m = method.toUpperCase();
    return compiled.find((r) => r.method === m && r.pattern.test(p))?.name;
  };
}
