import { setImmediate as nextMacrotask } from 'node:timers/promises';

const countByType = (types: string[]) => {
  const m = new Map<string, number>();
  for (const t of types) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
};

/**
 * The I/O resources (sockets, servers, timers, file and DNS requests, by Node's type names) that calling `fn` started
 * and left running, as `process.getActiveResourcesInfo()` counts them. For "a plugin's create() does no I/O". It waits
 * a turn of the event loop after the call, since Node starts some I/O (a listen, a lookup) on the next tick.
 */
export async function resourcesStarted(fn: () => unknown): Promise<string[]> {
  const before = countByType(process.getActiveResourcesInfo());
  fn();
  await nextMacrotask();
  const started: string[] = [];
  for (const [type, n] of countByType(process.getActiveResourcesInfo())) {
    for (let i = before.get(type) ?? 0; i < n; i++) started.push(type);
  }
  return started;
}
