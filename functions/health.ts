import { publicRoute } from './http/route-handler';
import { json } from './http/responses';

/** GET /api/health/: the service is up. */
export const handler = publicRoute({}, async () => json(200, { status: 'ok' }));
