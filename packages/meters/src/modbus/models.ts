import * as bundled from './maps/index.js';
import { compileRegisterMap, type RegisterMap } from './register-map.js';

/** The register maps shipped in ./maps, by model name (compiled and validated on first use). */
const DATA = new Map<string, unknown>(Object.values(bundled).map((data) => [data.model, data]));
const compiled = new Map<string, RegisterMap>();

/** Every bundled model name, e.g. orno-we-515, sdm630. */
export const MODELS: readonly string[] = [...DATA.keys()].sort();

export function registerMap(model: string): RegisterMap {
  let map = compiled.get(model);
  if (!map) {
    if (!DATA.has(model)) throw new Error(`unknown Modbus meter model "${model}" (known: ${MODELS.join(', ')})`);
    map = compileRegisterMap(DATA.get(model));
    compiled.set(model, map);
  }
  return map;
}
