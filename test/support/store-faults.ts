/**
 * Stands in for a failing or slow engine under the service's own DynamoDB client: `fault`
 * sees each call (operation and document-form input) and answers it itself (a rejection,
 * a delayed or altered answer, via `send` for the real one), or returns undefined to let
 * the call through. Undone by `jest.restoreAllMocks()` or the returned spy's `mockRestore()`.
 */
import { services } from '../../functions/services';
import type { Call } from '../../functions/store/dynamodb';

export type Send = (call: Call) => Promise<Record<string, unknown>>;

export function interceptStore(fault: (call: Call, send: Send) => Promise<unknown> | undefined) {
  const client = services().dynamoDb;
  const original = client.send.bind(client) as (operation: Call['operation'], input: Call['input']) => Promise<Record<string, unknown>>;
  const send: Send = (call) => original(call.operation, call.input);
  return jest
    .spyOn(client, 'send')
    .mockImplementation(
      ((operation: Call['operation'], input: Call['input']) => fault({ operation, input }, send) ?? send({ operation, input })) as never,
    );
}

/** A call's input, typed for the operation it is (for faults that look inside). */
export const isCall = <O extends Call['operation']>(call: Call, operation: O): call is Call<O> => call.operation === operation;
