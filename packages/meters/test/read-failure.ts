import { expect } from 'vitest';
import { MeterReadError } from '../src/driver.js';

/** Awaits a read that must fail, checks it failed with a MeterReadError, and returns that error. */
export async function readFailure(promise: Promise<unknown>): Promise<MeterReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeterReadError);
  return error as MeterReadError;
}
