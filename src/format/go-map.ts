// Which plain objects a Go template treats as maps (a missing key reads as <no value>) rather than
// structs (a missing field is an error). Kept apart from the template engine so data producers are cheap.

/** Property marking a plain object as a Go map. */
export const GO_MAP: unique symbol = Symbol.for('burrow.goMap');

/** Marks `obj` as a Go map: a missing key then reads as <no value> instead of failing like a struct field. */
export function goMap<T extends object>(obj: T): T {
  Object.defineProperty(obj, GO_MAP, {value: true, enumerable: false, configurable: true});
  return obj;
}

/** Whether `v` behaves as a Go map: a `Map`, a `goMap()`-marked object or a null-prototype object. */
export function isGoMap(v: unknown): boolean {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return (v as {[GO_MAP]?: unknown})[GO_MAP] === true || Object.getPrototypeOf(v) === null;
}
