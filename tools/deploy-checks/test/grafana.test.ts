import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCompose, splitVolume } from '../src/compose.js';
import { variablesIn } from '../src/env.js';
import { SCHEMAS } from '../src/influx-schema.js';
import { checkQuery, queryRefs } from '../src/influxql.js';
import { DEPLOY } from '../src/paths.js';

const GRAFANA = resolve(DEPLOY, 'grafana');
/** The schema of the measurement a query reads (readings or rollups); the readings' when it names neither. */
const schemaOf = (query: string) => {
  const measurement = (() => {
    try {
      return queryRefs(query).measurements[0];
    } catch {
      return undefined; // checkQuery reports why it cannot read the query
    }
  })();
  return SCHEMAS.find((s) => s.measurement === measurement) ?? SCHEMAS[0];
};
const compose = loadCompose();
const grafana = compose.services.grafana;

interface Ref {
  type?: string;
  uid?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos?: unknown;
  datasource?: Ref;
  targets?: { refId: string; datasource?: Ref; query?: string; rawQuery?: boolean }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; type: string; datasource?: Ref; query?: string }[] };
}

const datasourceFile = parse(readFileSync(resolve(GRAFANA, 'provisioning/datasources/wattbus.yaml'), 'utf8')) as {
  datasources: { name: string; uid: string; type: string; url: string; jsonData: { dbName: string } }[];
};
const datasources = datasourceFile.datasources;
const providerFile = parse(readFileSync(resolve(GRAFANA, 'provisioning/dashboards/wattbus.yaml'), 'utf8')) as {
  providers: { type: string; options: { path: string } }[];
};
const dashboardFiles = readdirSync(resolve(GRAFANA, 'dashboards')).filter((f) => f.endsWith('.json'));
const dashboards = dashboardFiles.map((f) => ({
  file: f,
  json: JSON.parse(readFileSync(resolve(GRAFANA, 'dashboards', f), 'utf8')) as Dashboard,
}));

const flatPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);

describe('Grafana provisioning', () => {
  it('has a data source for the InfluxDB of the compose file, queried with InfluxQL on the DBRP database', () => {
    expect(datasources).toHaveLength(1);
    const ds = datasources[0];
    expect(ds?.type).toBe('influxdb');
    expect(ds?.url).toBe('http://influxdb:8086');
    expect(Object.keys(compose.services)).toContain('influxdb');
    expect(ds?.jsonData.dbName).toBe('${INFLUX_DB}');
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
  });

  it('takes every variable of its files from the grafana service environment', () => {
    for (const dir of ['datasources', 'dashboards']) {
      for (const f of readdirSync(resolve(GRAFANA, 'provisioning', dir))) {
        for (const v of variablesIn(readFileSync(resolve(GRAFANA, 'provisioning', dir, f), 'utf8'))) {
          expect(Object.keys(grafana?.environment ?? {}), `${dir}/${f}: $${v}`).toContain(v);
        }
      }
    }
  });

  it('mounts the provisioning and the dashboards where the provider looks for them', () => {
    const mounts = (grafana?.volumes ?? []).map(splitVolume);
    expect(mounts).toContainEqual({
      source: './grafana/provisioning',
      target: '/etc/grafana/provisioning',
      mode: 'ro',
    });
    const provider = providerFile.providers[0];
    expect(provider?.type).toBe('file');
    expect(mounts).toContainEqual({ source: './grafana/dashboards', target: provider?.options.path, mode: 'ro' });
  });
});

describe.each(dashboards)('dashboard $file', ({ json }) => {
  const panels = flatPanels(json.panels);

  it('has a uid, a title, panels with unique ids and positions', () => {
    expect(json.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(json.title).toBeTruthy();
    expect(panels.length).toBeGreaterThan(0);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, `duplicate ids in ${ids}`).toBe(ids.length);
    for (const p of panels) expect(p.gridPos, p.title).toBeDefined();
  });

  it('refers only to provisioned data sources, with their type', () => {
    const refs: Ref[] = [
      ...panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
      ...(json.templating?.list ?? []).map((v) => v.datasource),
    ].filter((r): r is Ref => r !== undefined);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const ds = datasources.find((d) => d.uid === ref.uid);
      expect(ds, `data source ${ref.uid}`).toBeDefined();
      expect(ref.type).toBe(ds?.type);
    }
  });

  it('queries only the measurement, fields and tags the Influx sink writes', () => {
    const queries = [
      ...panels.flatMap((p) =>
        (p.targets ?? []).map((t) => {
          expect(t.rawQuery, `${p.title} ${t.refId}: raw InfluxQL`).toBe(true);
          return { where: `${p.title} ${t.refId}`, query: t.query ?? '' };
        }),
      ),
      ...(json.templating?.list ?? [])
        .filter((v) => v.type === 'query')
        .map((v) => ({ where: `variable ${v.name}`, query: v.query ?? '' })),
    ];
    expect(queries.length).toBeGreaterThan(0);
    for (const { where, query } of queries) {
      expect(checkQuery(query, schemaOf(query)), `${where}: ${query}`).toEqual([]);
    }
  });

  it('filters every panel query by the site variable', () => {
    const site = json.templating?.list.find((v) => v.name === 'site');
    expect(site?.type).toBe('query');
    for (const p of panels) {
      for (const t of p.targets ?? []) expect(t.query, p.title).toContain('"site" =~ /^$site$/');
    }
  });
});

describe('the dashboards', () => {
  it('exist, with unique uids', () => {
    expect(dashboards.length).toBeGreaterThan(0);
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });
});
