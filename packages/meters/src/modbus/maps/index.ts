// The bundled register maps, one line per model (the JSON files are the data; this only makes tsc ship them).
export { default as ornoWe515 } from './orno-we-515.json' with { type: 'json' };
export { default as ornoWe517 } from './orno-we-517.json' with { type: 'json' };
export { default as sdm120 } from './sdm120.json' with { type: 'json' };
export { default as sdm630 } from './sdm630.json' with { type: 'json' };
