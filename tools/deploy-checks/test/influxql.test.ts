import { describe, expect, it } from 'vitest';
import { FIELDS, MEASUREMENT, ROLLUP_FIELDS, ROLLUP_MEASUREMENT, ROLLUP_TAGS, TAGS } from '../src/influx-schema.js';
import { checkQuery, queryRefs } from '../src/influxql.js';

const schema = { measurement: MEASUREMENT, fields: FIELDS, tags: TAGS };
const W = '"site" =~ /^$site$/ AND $timeFilter';

describe('the written schema', () => {
  it('is the sink measurement with every registry value name and seq', () => {
    expect(MEASUREMENT).toBe('reading');
    for (const f of ['power_w', 'energy_import_wh', 'voltage_v_l1', 'frequency_hz', 'power_factor', 'seq']) {
      expect(FIELDS.has(f), f).toBe(true);
    }
    expect(FIELDS.has('power')).toBe(false);
    expect([...TAGS].sort()).toEqual(['channel', 'city', 'meter', 'postcode', 'role', 'site', 'tariff']);
  });
});

describe('the rollups', () => {
  const rollups = { measurement: ROLLUP_MEASUREMENT, fields: ROLLUP_FIELDS, tags: ROLLUP_TAGS };

  it("are the record's properties flattened with _, its ids and interval as tags", () => {
    for (const f of ['energy_import_wh', 'periods_HP_import_wh', 'cost_import', 'cost_standing', 'power_w_mean']) {
      expect(ROLLUP_FIELDS.has(f), f).toBe(true);
    }
    for (const t of ['site', 'meter', 'channel', 'interval']) expect(ROLLUP_FIELDS.has(t), t).toBe(false);
    expect(ROLLUP_FIELDS.has('cost')).toBe(false);
  });

  it('checks rollup queries against them', () => {
    const q = `SELECT sum(/^periods_.+_import_wh$/) FROM "rollup" WHERE "interval" = '1d' AND ${W} GROUP BY time(1d)`;
    expect(checkQuery(q, rollups)).toEqual([]);
    expect(checkQuery(`SELECT sum("cost") FROM "rollup" WHERE ${W}`, rollups)).toEqual(['field "cost" is not written']);
    expect(checkQuery(`SELECT sum("cost_import") FROM "rollup" GROUP BY "role"`, rollups)).toEqual([
      'tag "role" is not written',
    ]);
  });
});

describe('checkQuery', () => {
  it('reads the queries the dashboards use', () => {
    const q = `SELECT mean("voltage_v") AS "V", spread("energy_import_wh") / 1000 FROM "reading" WHERE "role" = 'grid' AND ${W} GROUP BY time($__interval), "meter", "channel" fill(none) tz('$timezone')`;
    expect(queryRefs(q)).toEqual({
      measurements: ['reading'],
      fields: ['voltage_v', 'energy_import_wh'],
      whereKeys: ['role', 'site'],
      tags: ['meter', 'channel'],
    });
    expect(checkQuery(q, schema)).toEqual([]);
    expect(checkQuery('SHOW TAG VALUES FROM "reading" WITH KEY = "meter" WHERE "site" =~ /^$site$/', schema)).toEqual(
      [],
    );
  });

  it('reads a field regex as a function argument, checked against the written fields', () => {
    const q = `SELECT sum(/^energy_import_wh_t[1-4]$/) FROM "reading" WHERE ${W} GROUP BY time(1d)`;
    expect(queryRefs(q).fields).toEqual(['/^energy_import_wh_t[1-4]$/']);
    expect(checkQuery(q, schema)).toEqual([]);
  });

  it.each([
    ['SELECT mean("power_w") FROM "readings" WHERE $timeFilter', 'measurement "readings" is not written'],
    ['SELECT mean("power") FROM "reading" WHERE $timeFilter', 'field "power" is not written'],
    ['SELECT mean("power_w") FROM "reading" WHERE $timeFilter GROUP BY "street"', 'tag "street" is not written'],
    ['SELECT mean("power_w") FROM "reading" WHERE "host" = \'a\'', 'WHERE key "host" is neither a tag nor a field'],
    ['SHOW TAG VALUES FROM "reading" WITH KEY = "agent"', 'tag "agent" is not written'],
    ['SELECT mean(power_w) FROM "reading"', 'SELECT: unquoted name "power_w" (quote field names)'],
    ['SELECT mean(/^voltage/) FROM "reading"', 'field regex /^voltage/ must be anchored at both ends'],
    ['SELECT sum(/^periods_.+_wh$/) FROM "reading"', 'field regex /^periods_.+_wh$/ matches no written field'],
    ['SELECT sum(/^energy_import_wh_t1$/) / 1000 FROM "reading"', 'InfluxDB refuses arithmetic on a field regex'],
    ['SELECT sum("p") FROM (SELECT mean("power_w") AS "p" FROM "reading")', 'FROM must name one measurement'],
    ['SELECT mean("power_w") FROM "reading" WHERE site = \'a\'', 'WHERE: unquoted name "site"'],
    ['SELECT mean("power_w") FROM "reading" GROUP BY role', 'GROUP BY: unquoted or unknown "role"'],
  ])('fails on %s', (query, problem) => {
    const problems = checkQuery(query, schema);
    expect(problems.join('; ')).toContain(problem);
  });
});
