/** Runs tasks one at a time, in call order: one request on the wire at a time, whoever asks. */
export class BusLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}
