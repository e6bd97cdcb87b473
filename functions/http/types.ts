import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Principal } from '../domain/auth';

/** The API Gateway HTTP API (payload 2.0) event, plus what the middlewares add. */
export interface ApiEvent extends APIGatewayProxyEventV2 {
  /** The parsed JSON object body, set by the JSON body middleware. */
  jsonBody?: Record<string, unknown>;
  /** The authenticated caller, set by the auth middleware. */
  principal?: Principal;
  /**
   * Set instead of `principal` for a read by a caller the function has recognised before:
   * whom the credentials named when last checked, and their check, still running, whose
   * answer decides (see `auth.ts`; the route sets `principal` once it has answered).
   */
  remembered?: Principal;
  authenticated?: Promise<Principal>;
}

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };
