import { describe, expect, it } from 'vitest';
import { alert, deadLetter, info, type Message, reading, status } from '../test/messages.js';
import { applyMessage, createState, openAlerts } from './state.js';

const T = 1_800_000_000_000;

function fold(messages: Message[], now = T) {
  const state = createState([{ id: 'flat-a', name: 'Flat A', city: 'Brussels' }]);
  const kinds = messages.map(([topic, payload]) => applyMessage(state, topic, payload, now));
  return { state, kinds };
}

describe('applyMessage', () => {
  it('keeps the latest power per role, the reading time and the counts', () => {
    const { state, kinds } = fold([
      reading('flat-a', 'grid', 300, T - 2000),
      reading('flat-a', 'consumption', 300, T - 2000),
      reading('flat-a', 'grid', 450.4, T - 1000, 2),
      reading('house-b', 'production', -1200, T - 1000),
    ]);
    expect(kinds).toEqual(['reading', 'reading', 'reading', 'reading']);
    const a = state.sites.get('flat-a');
    expect(a?.power).toEqual({ grid: 450.4, consumption: 300 });
    expect(a?.lastReadingTs).toBe(T - 1000);
    expect(a?.readings).toBe(3);
    expect(state.readings).toBe(4);
    // a site that was not announced shows up as it publishes
    expect(state.sites.get('house-b')?.power.production).toBe(-1200);
    expect(state.sites.get('house-b')?.hasProduction).toBe(true);
  });

  it('takes name, city and the PV channel from the retained info, and the retained status', () => {
    const { state } = fold([
      info('flat-a', 'Flat on the 2nd floor', 'Ixelles', false, T),
      status('flat-a', 'online', T),
    ]);
    const a = state.sites.get('flat-a');
    expect(a?.name).toBe('Flat on the 2nd floor');
    expect(a?.city).toBe('Ixelles');
    expect(a?.hasProduction).toBe(false);
    expect(a?.status).toBe('online');
    applyMessage(state, ...status('flat-a', 'offline', T + 1), T + 1);
    expect(a?.status).toBe('offline');
  });

  it('tracks raised alerts by rule and drops them when resolved or cleared', () => {
    const { state } = fold([alert('flat-a', 'raised', ['main/grid', 'main/consumption'], T)]);
    const a = state.sites.get('flat-a');
    if (!a) throw new Error('no site');
    expect(openAlerts(a)).toEqual([
      expect.objectContaining({
        rule: 'missing-data',
        open: [expect.objectContaining({ subject: 'main/grid' }), expect.anything()],
      }),
    ]);
    expect(state.alertsRaised).toBe(1);
    applyMessage(state, ...alert('flat-a', 'resolved', [], T + 5000), T + 5000);
    expect(openAlerts(a)).toEqual([]);
    applyMessage(state, ...alert('flat-a', 'raised', ['main/grid'], T + 9000), T + 9000);
    expect(state.alertsRaised).toBe(2);
    applyMessage(state, 'wattbus/v1/alerts/flat-a/missing-data', Buffer.alloc(0), T + 9500);
    expect(a.alerts.size).toBe(0);
  });

  it('counts dead letters and ignores what it cannot read without throwing', () => {
    const { state, kinds } = fold([
      deadLetter('demo-sink'),
      ['wattbus/v1/flat-a/main/reading', Buffer.from('{not json')],
      ['wattbus/v1/flat-a/main/reading', Buffer.from(JSON.stringify({ v: 1, site: 'flat-a' }))],
      ['wattbus/v2/flat-a/main/reading', Buffer.from('{}')],
      ['wattbus/v1/flat-a/health', Buffer.from('{}')],
    ]);
    expect(kinds).toEqual(['dlq', 'ignored', 'ignored', 'ignored', 'health']);
    expect(state.deadLetters).toBe(1);
    expect(state.unreadable).toBe(3);
    expect(state.readings).toBe(0);
  });
});
