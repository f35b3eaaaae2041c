/** JSON Merge Patch (RFC 7386): the plan's LDAP changes name only the fields they set. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A patch that sets one field: patchAt(['a', 'b'], 1) is {"a": {"b": 1}}. */
export function patchAt(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

/** `change` with `value` at `path`, every other field kept. */
export function withField(change: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  return mergePatch(change, patchAt(path, value)) as Record<string, unknown>;
}
