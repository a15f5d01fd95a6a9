// aedes-persistence-redis ships no types; this is the part the broker uses.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis } from 'ioredis';
  /** The async (Aedes 1.x) persistence over Redis. */
  export default class AsyncRedisPersistence {
    constructor(options: { conn: Redis });
  }
}
