/**
 * REST answers send `null` for absent optional fields (history of system messages, the
 * conversation list) where the socket omits them; the SDK hands the app one shape: absent.
 */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v) => dropNulls(v)) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && v !== undefined) {
        out[key] = dropNulls(v);
      }
    }
    return out as T;
  }
  return value;
}
