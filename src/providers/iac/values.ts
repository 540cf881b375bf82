// The neutral shape every IaC format is read into: resources with values that may be unknown at plan
// time or refer to another resource of the same plan or template. Pure.

/** A value the plan or template does not fix: known only after apply (or never, here). */
export class Unknown {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

/** A reference to another resource of the same plan or template (an attribute of it, or the resource). */
export class Ref {
  readonly address: string;
  readonly attribute?: string;
  constructor(address: string, attribute?: string) {
    this.address = address;
    if (attribute) this.attribute = attribute;
  }
}

/** A plain JSON-shaped object of an input: not a list, and not a value unknown at plan time or a reference. */
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof Ref);

export type PlannedAction = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read';
export type IacFormat = 'terraform-plan' | 'cloudformation' | 'arm';

/** One resource of a plan or template, in its own tool's attribute names. */
export interface PlannedResource {
  format: IacFormat;
  /** Native type: aws_kms_key, AWS::KMS::Key, Microsoft.KeyVault/vaults. */
  type: string;
  /** Terraform address, CloudFormation logical id (or CDK path), ARM resource name. */
  address: string;
  /** Key other resources refer to this one by (Terraform address without index, logical id, ARM type/name). */
  refKey: string;
  values: Record<string, unknown>;
  action: PlannedAction;
  file: string;
  line?: number;
  /**
   * Terraform: the attributes the configuration sets. An attribute unknown in the plan that the
   * configuration does not set takes the provider's documented default (multi_region → false).
   */
  configured?: ReadonlySet<string>;
  /** Terraform: the plan defers this change to a later plan (`deferred_changes[].reason`). */
  deferred?: string;
  /** Terraform: the constant region of the aliased provider configuration the resource uses. */
  providerRegion?: string;
  /** Templates: the resource is deployed only if a condition decided at deployment holds (why). */
  conditional?: string;
  /**
   * Terraform azapi_resource read in the ARM shape: its ARM name (`vault/key`), which ARM templates
   * give as the address; here the address stays the Terraform address.
   */
  armName?: string;
}

/** The ARM name of a resource in the ARM shape (`vault/key`): an azapi resource's, else its address. */
export const armNameOf = (r: PlannedResource): string => r.armName ?? r.address;

/** Something a plan or template deploys that cannot be read from the file (a linked template, a macro). */
export interface IacNote {
  operation: string;
  /** The resource (address) that deploys what is not read. */
  at: string;
  reason: string;
  /** CDK: the file (beside this one) that holds the nested stack's template (`aws:asset:path`). */
  template?: string;
}

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
export const isRef = (v: unknown): v is Ref => v instanceof Ref;

/** Reads typed attributes of one resource, recording every attribute that was unknown. */
export class Reader {
  readonly unknown: { attribute: string; why: string }[] = [];
  private readonly values: Record<string, unknown>;
  private readonly configured?: ReadonlySet<string>;
  constructor(values: Record<string, unknown>, configured?: ReadonlySet<string>) {
    this.values = values;
    if (configured) this.configured = configured;
  }

  /** The attribute is unknown and set by the configuration (so no documented default applies). */
  isUnknown(name: string): boolean {
    return containsUnknown(this.values[name]) && (this.configured === undefined || this.configured.has(name));
  }

  /** The raw value; Unknown values are recorded and returned as undefined. */
  raw(name: string, from: Record<string, unknown> = this.values): unknown {
    const v = from[name];
    // Computed attributes the configuration leaves out take the provider's default (the caller's `??`).
    if (from === this.values && this.configured && !this.configured.has(name) && containsUnknown(v)) return undefined;
    if (v instanceof Unknown) {
      this.unknown.push({ attribute: name, why: v.why });
      return undefined;
    }
    if (containsUnknown(v)) {
      this.unknown.push({ attribute: name, why: firstUnknown(v)?.why ?? 'unknown until apply' });
      return undefined;
    }
    return v;
  }

  str(name: string, from?: Record<string, unknown>): string | undefined {
    const v = this.raw(name, from);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }

  bool(name: string, from?: Record<string, unknown>): boolean | undefined {
    const v = this.raw(name, from);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return undefined;
  }

  num(name: string, from?: Record<string, unknown>): number | undefined {
    const v = this.raw(name, from);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? n : undefined;
  }

  /** A reference (Ref) or a literal string naming another resource. */
  ref(name: string, from: Record<string, unknown> = this.values): Ref | string | undefined {
    const v = from[name];
    if (v instanceof Ref || typeof v === 'string') return v;
    return this.str(name, from);
  }

  /** A list of plain objects (Terraform nested blocks, template arrays). */
  list(name: string, from?: Record<string, unknown>): Record<string, unknown>[] | undefined {
    const v = this.raw(name, from);
    if (v === undefined || v === null) return undefined;
    const arr = Array.isArray(v) ? v : [v];
    return arr.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
  }

  /**
   * A nested block the provider never computes: unknown is unknown even when the configuration does
   * not show the block, as Terraform leaves `dynamic` blocks out of the plan's `expressions`.
   */
  block(name: string): Record<string, unknown>[] | undefined {
    const v = this.values[name];
    if (containsUnknown(v)) {
      this.unknown.push({ attribute: name, why: firstUnknown(v)?.why ?? 'unknown until apply' });
      return undefined;
    }
    return this.list(name);
  }

  strings(name: string, from?: Record<string, unknown>): string[] | undefined {
    const v = this.raw(name, from);
    if (v === undefined || v === null) return undefined;
    return (Array.isArray(v) ? v : [v]).map(String);
  }

  tags(name: string, from?: Record<string, unknown>): Record<string, string> | undefined {
    const v = this.raw(name, from);
    if (!v || typeof v !== 'object') return undefined;
    // CloudFormation: [{ Key, Value }]; Terraform and ARM: a map.
    if (Array.isArray(v))
      return Object.fromEntries(v.filter((t) => t && typeof t === 'object' && 'Key' in t).map((t) => [String(t.Key), String(t.Value ?? '')]));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  }
}

export function firstUnknown(v: unknown): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  } else if (v && typeof v === 'object' && !(v instanceof Ref)) {
    for (const x of Object.values(v)) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  return undefined;
}

export const containsUnknown = (v: unknown): boolean => firstUnknown(v) !== undefined;
