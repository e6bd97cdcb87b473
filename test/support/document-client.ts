/**
 * The AWS SDK's clients on the suite's table, for tests that read or write items directly
 * and for the local stream pollers (the service itself speaks to DynamoDB through
 * `functions/store/dynamodb.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { services } from '../../functions/services';
import { localClient } from '../../local/table';

let base: DynamoDBClient | undefined;
let document: DynamoDBDocumentClient | undefined;

export function sdkClient(): DynamoDBClient {
  base ??= localClient(services().config.dynamoDbEndpoint!);
  return base;
}

export function documentClient(): DynamoDBDocumentClient {
  document ??= DynamoDBDocumentClient.from(sdkClient(), { marshallOptions: { removeUndefinedValues: true } });
  return document;
}
