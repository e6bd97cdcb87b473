/**
 * The OpenAPI document is built from the route table and the domain's own request
 * schemas: no route goes undocumented, limits come from the validation itself, and the
 * docs page loads nothing but its own listed files.
 */
import { openApiDocument, undocumented } from '../../functions/api-docs/document';
import { operations } from '../../functions/api-docs/operations';
import { docsFiles, docsPage, fileVersion, pagePolicy } from '../../functions/api-docs/page';
import { TITLE_MAX } from '../../functions/domain/meetings';
import { WEBHOOK_EVENT_TYPES } from '../../functions/domain/webhooks';
import { type Route, routes } from '../../functions/routes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const document = openApiDocument(routes, operations) as any;
const bodyOf = (path: string, method: string) => document.paths[path][method].requestBody.content['application/json'].schema;

describe('the OpenAPI document', () => {
  it('documents every route and method of the route table', () => {
    expect(undocumented(routes, operations)).toEqual([]);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.flatMap((route) => route.methods.map((method) => `${method} ${route.path}`)).sort());
  });

  it('names a route of the table that has no entry, and leaves it out', () => {
    const extra: Route = {
      name: 'Example',
      methods: ['POST'],
      path: '/api/example/{id}/',
      handler: 'example',
      access: 'readwrite',
      partitions: [],
    };
    expect(undocumented([...routes, extra], operations)).toEqual(['POST /api/example/{id}/ (Example)']);
    expect((openApiDocument([...routes, extra], operations) as { paths: object }).paths).not.toHaveProperty(['/api/example/{id}/']);
  });

  it('describes only routes of the table', () => {
    const names = new Set(routes.map((route) => route.name));
    expect(Object.keys(operations).filter((name) => !names.has(name))).toEqual([]);
  });

  it('takes request bodies from the schemas that validate them, limits included', () => {
    const block = bodyOf('/api/user/block_slots/', 'post');
    expect(block.required).toEqual(['date', 'blocked_slots']);
    expect(block.properties.date).toMatchObject({ type: 'string', format: 'date' });
    expect(block.properties.blocked_slots).toMatchObject({
      minItems: 1,
      maxItems: 96,
      items: { type: 'integer', minimum: 0, maximum: 23 },
    });
    const replace = bodyOf('/api/user/blocked_slots/{date}/', 'put');
    expect(Object.keys(replace.properties)).toEqual(['blocked_slots']);
    expect(replace.properties.blocked_slots).toMatchObject({ minItems: 0, maxItems: 96 });
    const booking = bodyOf('/api/event/', 'post');
    expect(booking.required).toEqual(['title', 'time_slot', 'participants']);
    expect(booking.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: TITLE_MAX });
    expect(booking.properties.participants).toMatchObject({ maxItems: 100, items: { type: 'string', maxLength: 254 } });
    expect(bodyOf('/api/event/{id}/', 'put').required).toEqual(['title', 'description', 'time_slot', 'participants', 'status']);
    expect(bodyOf('/api/event/{id}/', 'patch').required).toBeUndefined();
    expect(bodyOf('/api/webhooks/', 'post').properties.events.items.enum).toEqual(['*', ...WEBHOOK_EVENT_TYPES]);
    expect(bodyOf('/api/user/sign_up/', 'post').required).toEqual(['username', 'email', 'password']);
  });

  it('secures every route but the public ones with token or session, and the session with CSRF on unsafe methods', () => {
    const publicOnes = [
      'GET /api/health/',
      'POST /api/user/sign_up/',
      'POST /api/user/login/',
      'GET /api/openapi.json',
      'GET /api/docs/',
      'GET /api/docs/{asset}',
      // Its secret is in the path: the URL is the credential.
      'GET /api/calendar/{feed}/',
      // The web calendar's page and files: its calls to the API are what need a user.
      'GET /',
      'GET /app/{asset}',
    ];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { security: unknown; responses: Record<string, unknown> }>)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (publicOnes.includes(name)) {
          expect({ name, security: operation.security }).toEqual({ name, security: [] });
        } else {
          const session = method === 'get' ? { session: [] } : { session: [], csrf: [] };
          expect({ name, security: operation.security, has401: '401' in operation.responses }).toEqual({
            name,
            security: [{ token: [] }, session],
            has401: true,
          });
        }
      }
    }
    expect(document.components.securitySchemes).toMatchObject({
      token: { type: 'apiKey', in: 'header', name: 'Authorization' },
      session: { type: 'apiKey', in: 'cookie', name: 'sessionid' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRFToken' },
    });
  });

  it("gives the contract's error shapes as components", () => {
    expect(document.components.schemas.ValidationError).toMatchObject({
      required: ['err_message'],
      additionalProperties: { type: 'array', items: { type: 'string' } },
    });
    expect(document.components.schemas.RuleError).toMatchObject({ required: ['err_message'], additionalProperties: false });
    expect(document.components.schemas.Detail).toMatchObject({ required: ['detail'], additionalProperties: false });
  });
});

describe('the docs page', () => {
  it('loads only files of its own list, each asked for with its version', () => {
    const referenced = [...docsPage().matchAll(/(?:src|href)="\/api\/docs\/([^"?]+)\?v=([^"]+)"/g)].map(([, name, version]) => ({
      name,
      version,
    }));
    expect(referenced.map(({ name }) => name).sort()).toEqual(Object.keys(docsFiles).sort());
    for (const { name, version } of referenced) expect(version).toBe(fileVersion(name!));
  });

  it('allows no inline script or style and no other origin', () => {
    expect(pagePolicy).toContain("script-src 'self'");
    expect(pagePolicy).toContain("default-src 'none'");
    expect(pagePolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(docsPage()).not.toMatch(/<script>|<style>|style="|https?:\/\//);
  });
});
