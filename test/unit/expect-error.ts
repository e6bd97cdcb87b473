/**
 * Error assertions that pin the class as well as the message. Jest 29's
 * `toEqual(new X(message))` and `toThrow(new X(message))` compare messages only, so an error
 * of any other class with the same message would pass them.
 */

// Abstract too, so that a test may expect any DomainError.
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function check<E extends Error>(error: unknown, type: ErrorClass<E>, message: string): E {
  expect(error).toBeInstanceOf(type);
  expect(error).toHaveProperty('message', message);
  return error as E;
}

/** The error `promise` rejects with, checked to be a `type` with exactly `message`. */
export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: ErrorClass<E>, message: string): Promise<E> {
  const settled = await promise.then(
    (value: unknown) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in settled))
    throw new Error(`expected a rejection with ${type.name}, but it resolved to ${JSON.stringify(settled.resolved)}`);
  return check(settled.error, type, message);
}

/** The error `run` throws, checked to be a `type` with exactly `message`. */
export function expectThrow<E extends Error>(run: () => unknown, type: ErrorClass<E>, message: string): E {
  try {
    run();
  } catch (error) {
    return check(error, type, message);
  }
  throw new Error(`expected ${type.name} to be thrown, but nothing was`);
}
