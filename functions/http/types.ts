import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Principal } from '../domain/auth';

/** The API Gateway HTTP API (payload 2.0) event, plus what the middlewares add. */
export interface ApiEvent extends APIGatewayProxyEventV2 {
  /** The parsed JSON object body, set by the JSON body middleware. */
  jsonBody?: Record<string, unknown>;
  /** The authenticated caller, set by the auth middleware. */
  principal?: Principal;
}

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };
