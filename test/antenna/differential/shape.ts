/**
 * The shape of a JSON answer, to compare the fake's with Antenna's when their data differ: which
 * keys objects have, what type each value is, where null occurs, what arrays hold (the union of
 * their items' shapes). `differences` lists where two shapes disagree, by JSON path.
 */

type Scalar = 'null' | 'string' | 'number' | 'boolean';

export interface Shape {
  /** Scalar types seen here, plus `object`/`array` when those were seen. */
  types: Set<Scalar | 'object' | 'array'>;
  /** Keys of the objects seen here (union over array items). */
  keys?: Map<string, Shape>;
  /** The union of the items of the arrays seen here; undefined while only empty arrays were. */
  items?: Shape;
}

export function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return { types: new Set(['null']) };
  if (Array.isArray(value)) {
    const items = value.map(shapeOf).reduce<Shape | undefined>((a, b) => merge(a, b), undefined);
    return { types: new Set(['array']), ...(items ? { items } : {}) };
  }
  if (typeof value === 'object') {
    const keys = new Map(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
    return { types: new Set(['object']), keys };
  }
  return { types: new Set([typeof value as Scalar]) };
}

function merge(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Shape = { types: new Set([...a.types, ...b.types]) };
  if (a.keys || b.keys) {
    out.keys = new Map(a.keys);
    for (const [key, shape] of b.keys ?? []) out.keys.set(key, merge(out.keys.get(key), shape)!);
  }
  const items = merge(a.items, b.items);
  if (items) out.items = items;
  return out;
}

export interface Allowances {
  /**
   * Paths (`results[].url`) where one side may be null while the other is not: the contract
   * documents them nullable, and which objects have a value there is a matter of data.
   */
  nullable?: string[];
  /** Paths whose value is free-form JSON (a job's `result`, a set's `kwargs`): not compared. */
  opaque?: string[];
}

/** Where `fake` and `real` disagree: missing or extra keys, types, nullability. */
export function differences(fake: Shape, real: Shape, allow: Allowances = {}, path = ''): string[] {
  if (allow.opaque?.includes(path)) return [];
  const out: string[] = [];
  const where = path || '(root)';
  const nonNull = (s: Shape) => [...s.types].filter((t) => t !== 'null').sort();
  const [f, r] = [nonNull(fake), nonNull(real)];
  if (f.length > 0 && r.length > 0 && f.join('|') !== r.join('|')) {
    out.push(`${where}: fake ${f.join('|')}, Antenna ${r.join('|')}`);
  }
  const nullOnOneSide =
    fake.types.has('null') !== real.types.has('null') && (f.length === 0 || r.length === 0);
  if (nullOnOneSide && !allow.nullable?.includes(path)) {
    out.push(
      `${where}: ${fake.types.has('null') ? 'null in the fake' : 'null in Antenna'} only (fake ${[...fake.types].join('|')}, Antenna ${[...real.types].join('|')})`,
    );
  }
  if (fake.keys && real.keys) {
    for (const key of new Set([...fake.keys.keys(), ...real.keys.keys()])) {
      const sub = path ? `${path}.${key}` : key;
      const [a, b] = [fake.keys.get(key), real.keys.get(key)];
      if (!a) out.push(`${sub}: only in Antenna`);
      else if (!b) out.push(`${sub}: only in the fake`);
      else out.push(...differences(a, b, allow, sub));
    }
  }
  if (fake.items && real.items)
    out.push(...differences(fake.items, real.items, allow, `${path}[]`));
  return out;
}
