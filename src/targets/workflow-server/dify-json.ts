/**
 * The two JSON spellings a real Dify 1.13 writes, so clients see its bytes: stream events are
 * compact with their keys sorted at every level (`"data"` first, `"event"` in the middle), and
 * Flask-RESTx bodies (errors, `/v1/parameters`, blocking answers) use Python's default separators
 * `", "` and `": "` in declaration order.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object in `value` has its keys in sorted order already (a walk, no allocation). */
function sortedDeep(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!sortedDeep(item)) return false;
    return true;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0 && key < (keys[i - 1] as string)) return false;
    if (!sortedDeep((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * Compact JSON, object keys sorted at every level (Dify's `json.dumps(…, sort_keys=True)`-like
 * events). A value already in order (a sink's payload, its text_chunk data) goes straight to
 * JSON.stringify: the replacer that reorders costs about 3× as much per event.
 */
export function sortedJson(value: unknown): string {
  if (sortedDeep(value)) return JSON.stringify(value);
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!isPlainObject(inner)) return inner;
    const keys = Object.keys(inner);
    // Already in order (most nested objects of a run are small and written sorted): reuse it.
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
    if (sorted) return inner;
    const out: Record<string, unknown> = {};
    for (const key of keys.sort()) out[key] = inner[key];
    return out;
  });
}

/** Python's `json.dumps(value)`: `", "` between items, `": "` after keys, keys in declaration order. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => pythonJson(item ?? null)).join(', ')}]`;
  if (isPlainObject(value)) {
    const items: string[] = [];
    for (const [key, inner] of Object.entries(value))
      if (inner !== undefined) items.push(`${JSON.stringify(key)}: ${pythonJson(inner)}`);
    return `{${items.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
