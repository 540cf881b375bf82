// Derive a JSON Schema (draft 2020-12) for one OCSF event class from a checkout of github.com/ocsf/ocsf-schema.
//
//   git clone --branch 1.8.0 https://github.com/ocsf/ocsf-schema /tmp/ocsf
//   node scripts/ocsf-json-schema.ts /tmp/ocsf compliance_finding > test/fixtures/ocsf/compliance_finding-1.8.0.schema.json
//
// What it resolves, as the OCSF server does: `extends` chains of events and objects, `$include` of
// profile and include files, dictionary attributes (type, is_array, enum) overlaid by each level's own
// definition, scalar types with their regex, and `at_least_one` / `just_one` constraints. Attributes
// that a profile contributes are allowed; their `required` applies only when the event lists that
// profile in `metadata.profiles`. Objects are closed (`additionalProperties: false`) except `unmapped`
// and other json_t attributes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;
interface AttrDef {
  type?: string;
  is_array?: boolean;
  enum?: Record<string, unknown>;
  requirement?: string;
  profile?: string | null;
  [k: string]: unknown;
}
interface Def {
  name: string;
  extends?: string;
  uid?: number;
  category?: string;
  attributes?: Record<string, AttrDef | string[]>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}

const [root, className] = process.argv.slice(2);
if (!root || !className) {
  process.stderr.write('usage: node scripts/ocsf-json-schema.ts OCSF_SCHEMA_DIR CLASS_NAME\n');
  process.exit(2);
}
const read = (p: string): Json => JSON.parse(readFileSync(join(root, p), 'utf8'));

function walk(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(root, p)).isDirectory() ? walk(p) : p.endsWith('.json') ? [p] : [];
  });
}

const dictionary = read('dictionary.json') as { attributes: Record<string, AttrDef>; types: { attributes: Record<string, Json> } };
const categories = (read('categories.json') as { attributes: Record<string, { uid: number }> }).attributes;
const version = (read('version.json') as { version: string }).version;
const objects = new Map(walk('objects').map((p) => [(read(p) as unknown as Def).name, read(p) as unknown as Def]));
const events = new Map(walk('events').map((p) => [(read(p) as unknown as Def).name, read(p) as unknown as Def]));

/** Own attributes of one definition with its `$include` files merged in (profile files tag their attributes). */
function ownAttributes(def: Def): Record<string, AttrDef> {
  const out: Record<string, AttrDef> = {};
  for (const [name, value] of Object.entries(def.attributes ?? {})) {
    if (name !== '$include') {
      out[name] = merge(out[name], value as AttrDef);
      continue;
    }
    for (const file of value as string[]) {
      const inc = read(file) as Json & { attributes: Record<string, AttrDef>; meta?: string; name: string };
      for (const [n, a] of Object.entries(inc.attributes)) {
        const tagged = inc.meta === 'profile' && a.profile === undefined ? { ...a, profile: inc.name } : a;
        out[n] = merge(out[n], tagged);
      }
    }
  }
  return out;
}

function merge(base: AttrDef | undefined, over: AttrDef): AttrDef {
  if (!base) return { ...over };
  const out: AttrDef = { ...base, ...over };
  if (base.enum || over.enum) out.enum = { ...(base.enum ?? {}), ...(over.enum ?? {}) };
  return out;
}

/** All attributes of a definition after its extends chain, overlaid on the dictionary. */
function resolve(def: Def, table: Map<string, Def>): Record<string, AttrDef> {
  const parent = def.extends ? table.get(def.extends) : undefined;
  const inherited = parent ? resolve(parent, table) : {};
  const own = ownAttributes(def);
  const out: Record<string, AttrDef> = { ...inherited };
  for (const [n, a] of Object.entries(own)) out[n] = merge(merge(dictionary.attributes[n], inherited[n] ?? {}), a);
  return out;
}

function scalar(typeName: string): Json {
  const t = dictionary.types.attributes[typeName];
  if (!t) throw new Error(`unknown type ${typeName}`);
  const base = (t.type as string | undefined) ?? typeName;
  const json: Json =
    base === 'string_t'
      ? { type: 'string' }
      : base === 'integer_t' || base === 'long_t' || base === 'timestamp_t' || base === 'port_t'
        ? { type: 'integer' }
        : base === 'float_t'
          ? { type: 'number' }
          : base === 'boolean_t'
            ? { type: 'boolean' }
            : {};
  if (typeof t.regex === 'string' && compiles(t.regex)) json.pattern = t.regex;
  if (typeof t.max_len === 'number') json.maxLength = t.max_len;
  if (Array.isArray(t.range)) Object.assign(json, { minimum: t.range[0], maximum: t.range[1] });
  return json;
}

function compiles(re: string): boolean {
  try {
    new RegExp(re, 'u');
    return true;
  } catch {
    return false;
  }
}

const defs: Record<string, Json> = {};

function attributeSchema(a: AttrDef): Json {
  const typeName = a.type ?? 'string_t';
  let item: Json;
  if (typeName === 'object') item = { type: 'object' };
  else if (objects.has(typeName)) {
    if (!(typeName in defs)) {
      defs[typeName] = {};
      defs[typeName] = objectSchema(objects.get(typeName) as Def, objects, false);
    }
    item = { $ref: `#/$defs/${typeName}` };
  } else item = scalar(typeName);
  if (a.enum && item.type === 'integer') item = { ...item, enum: Object.keys(a.enum).map(Number) };
  return a.is_array ? { type: 'array', items: item } : item;
}

function constraints(def: Def, table: Map<string, Def>): Json {
  let c = def.constraints;
  for (let d: Def | undefined = def; !c && d?.extends; d = table.get(d.extends)) c = table.get(d.extends)?.constraints;
  if (c?.at_least_one) return { anyOf: c.at_least_one.map((n) => ({ required: [n] })) };
  if (c?.just_one) return { oneOf: c.just_one.map((n) => ({ required: [n] })) };
  return {};
}

function objectSchema(def: Def, table: Map<string, Def>, isEvent: boolean): Json {
  const attrs = resolve(def, table);
  const properties: Record<string, Json> = {};
  const required: string[] = [];
  const byProfile: Record<string, string[]> = {};
  for (const [name, a] of Object.entries(attrs).sort(([x], [y]) => x.localeCompare(y))) {
    properties[name] = attributeSchema(a);
    if (a.requirement !== 'required') continue;
    if (a.profile && isEvent) byProfile[a.profile] = [...(byProfile[a.profile] ?? []), name];
    else if (!a.profile) required.push(name);
  }
  const profileRules = Object.entries(byProfile).map(([p, names]) => ({
    if: { required: ['metadata'], properties: { metadata: { required: ['profiles'], properties: { profiles: { contains: { const: p } } } } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
    then: { required: names },
  }));
  return {
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    ...constraints(def, table),
    ...(profileRules.length ? { allOf: profileRules } : {}),
  };
}

const event = events.get(className);
if (!event) throw new Error(`no event class ${className}`);
let categoryName = event.category;
for (let e: Def | undefined = event; !categoryName && e?.extends; e = events.get(e.extends)) categoryName = events.get(e.extends)?.category;
const categoryUid = categories[categoryName as string]?.uid as number;
const classUid = categoryUid * 1000 + (event.uid as number);
const schema = objectSchema(event, events, true) as Json & { properties: Record<string, Json> };
const activityIds = (schema.properties.activity_id?.enum as number[]) ?? [];
schema.properties.class_uid = { type: 'integer', const: classUid };
schema.properties.category_uid = { type: 'integer', const: categoryUid };
schema.properties.type_uid = { type: 'integer', enum: activityIds.map((a) => classUid * 100 + a) };
process.stdout.write(
  `${JSON.stringify(
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://schema.ocsf.io/${version}/classes/${className}`,
      title: `OCSF ${version} ${className} (class_uid ${classUid}), derived from github.com/ocsf/ocsf-schema by scripts/ocsf-json-schema.ts`,
      ...schema,
      $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
    },
    null,
    1,
  )}\n`,
);
