import type { Credentials } from '@wattbus/meter-wire/digest';
import { HttpDeviceSimulator, type SimAnswer, type TransportFault } from '../http/index.js';

/** A meter on a teleinfo input: tariff period, apparent power, and its index fields (BASE, or HCHC/HCHP…) in Wh. */
export interface SimTeleinfo {
  ptec: string;
  papp: number;
  indexes: Record<string, number>;
}

export interface EcodevicesSimState {
  product: string;
  /** undefined: no meter connected (the device then reports PTEC "----"). */
  t1?: SimTeleinfo;
  t2?: SimTeleinfo;
  c1: number;
  c2: number;
}

/**
 * Faults on one answer. `not-json`: an HTML page. `nan`: T1_PAPP is "NaN". `spike`: T1_PAPP is 9 999 999 VA.
 */
export type EcodevicesDataFault = 'not-json' | 'nan' | 'spike';
export type EcodevicesFault = EcodevicesDataFault | TransportFault;

export interface EcodevicesSimulatorOptions {
  state?: EcodevicesSimState;
  /** Require HTTP Basic authentication, as an Eco-devices with a password does. */
  credentials?: Credentials;
  port?: number;
}

/** The index field a meter counts on in its current tariff period. */
function currentIndex(t: SimTeleinfo): string | undefined {
  const period = t.ptec.replace(/\.+$/, '');
  const keys = Object.keys(t.indexes);
  return (
    keys.find((k) => k === `HC${period}` || k === `EJP${period}` || k === `EJPH${period}` || k === `BBR${period}`) ??
    keys[0]
  );
}

/** The values of the Eco-devices example answer in the TP Mosquitto README (prior art 003). */
export const PRIOR_ART_STATE: EcodevicesSimState = {
  product: 'Eco-devices',
  t1: { ptec: 'TH..', papp: 130, indexes: { BASE: 1_875_395 } },
  c1: 784_482,
  c2: 10_818,
};

/**
 * A GCE Eco-devices on a local port answering `/api/xdevices.json?cmd=10` with its teleinfo and counter fields.
 * `state` is live: change it between reads, or let `run(seconds)` count energy from the apparent power.
 */
export class EcodevicesSimulator extends HttpDeviceSimulator<EcodevicesDataFault> {
  readonly state: EcodevicesSimState;

  constructor(options: EcodevicesSimulatorOptions = {}) {
    super({
      port: options.port,
      auth: options.credentials && { ...options.credentials, scheme: 'basic', realm: 'Eco-devices' },
    });
    this.state = structuredClone(options.state ?? PRIOR_ART_STATE);
  }

  /**
   * Lets `seconds` pass: the index of each meter's current period (PTEC `HP..` counts on `HCHP`, `PM..` on
   * `EJPHPM`, `HCJW` on `BBRHCJW`; else its first index) grows by its apparent power (a power factor of 1).
   */
  run(seconds: number): void {
    for (const t of [this.state.t1, this.state.t2]) {
      const key = t && currentIndex(t);
      if (t && key) t.indexes[key] = (t.indexes[key] ?? 0) + Math.round((t.papp * seconds) / 3600);
    }
  }

  /** The answer's fields, in the device's order. */
  fields(): Record<string, unknown> {
    const out: Record<string, unknown> = { product: this.state.product };
    for (const [prefix, t] of [
      ['T1', this.state.t1],
      ['T2', this.state.t2],
    ] as const) {
      out[`${prefix}_PTEC`] = t ? t.ptec : '----';
      out[`${prefix}_PAPP`] = t ? t.papp : 0;
      for (const [key, value] of Object.entries(t ? t.indexes : { BASE: 0 })) out[`${prefix}_${key}`] = value;
    }
    out.INDEX_C1 = this.state.c1;
    out.INDEX_C2 = this.state.c2;
    return out;
  }

  protected answer(url: URL, fault: EcodevicesDataFault | undefined): SimAnswer | undefined {
    if (url.pathname !== '/api/xdevices.json' || url.searchParams.get('cmd') !== '10') return undefined;
    if (fault === 'not-json') {
      return {
        contentType: 'text/html',
        body: '<html><head><title>Eco-devices</title></head><body>Error</body></html>',
      };
    }
    const fields = this.fields();
    if (fault === 'nan') fields.T1_PAPP = 'NaN';
    if (fault === 'spike') fields.T1_PAPP = 9_999_999;
    return { contentType: 'application/json', body: JSON.stringify(fields) };
  }
}
