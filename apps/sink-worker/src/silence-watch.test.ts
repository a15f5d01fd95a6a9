import { expect, it } from 'vitest';
import { SilenceWatch } from './silence-watch.js';

it('complains only when readings stop while agents are online, and stops complaining when one comes', () => {
  let now = 0;
  let online = 2;
  const watch = new SilenceWatch(
    60_000,
    () => online,
    () => now,
  );
  now = 60_000;
  expect(watch.check()).toBeUndefined();
  now = 61_000;
  expect(watch.check()).toBe('no reading for 61 s while 2 agent(s) are online');
  online = 0;
  expect(watch.check()).toBeUndefined(); // nobody is sending: silence is expected
  online = 1;
  watch.heard();
  now = 90_000;
  expect(watch.check()).toBeUndefined();
});

it('is off at 0', () => {
  let now = 0;
  const watch = new SilenceWatch(
    0,
    () => 5,
    () => now,
  );
  now = 1e9;
  expect(watch.check()).toBeUndefined();
});
