import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { resourcesStarted } from './resources-started.js';

it('names the timers and servers a call started, and nothing for a call that starts none', async () => {
  let timer: NodeJS.Timeout | undefined;
  expect(await resourcesStarted(() => (timer = setTimeout(() => {}, 60_000)))).toEqual(['Timeout']);
  clearTimeout(timer);
  const server = createServer();
  expect(await resourcesStarted(() => server.listen(0, '127.0.0.1'))).toEqual(['TCPServerWrap']);
  await new Promise((resolve) => server.close(resolve));
  expect(await resourcesStarted(() => ({ plain: 'object' }))).toEqual([]);
});
