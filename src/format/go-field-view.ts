// Go templates name struct fields (Host.OCIRuntime.Name) where Podman's JSON has lowerCamel keys
// (host.ociRuntime.name). This view answers field lookups case-insensitively, like the Go names.
export function goFieldView<T>(value: T): T {
  if (Array.isArray(value)) return value.map(goFieldView) as T;
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const byLower = new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k]));
  const real = (p: string | symbol) => (typeof p === 'string' && !(p in obj) ? byLower.get(p.toLowerCase()) ?? p : p);
  return new Proxy(obj, {
    get: (t, p) => goFieldView(t[real(p) as string]),
    has: (t, p) => real(p) in t,
    getOwnPropertyDescriptor: (t, p) => Object.getOwnPropertyDescriptor(t, real(p)),
  }) as T;
}
