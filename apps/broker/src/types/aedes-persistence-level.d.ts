// aedes-persistence-level ships no types; this is the part the broker uses.
declare module 'aedes-persistence-level/asyncPersistence.js' {
  /** The async (Aedes 1.x) persistence over a LevelDB instance (a ClassicLevel). */
  export default class AsyncLevelPersistence {
    constructor(db: unknown);
  }
}
