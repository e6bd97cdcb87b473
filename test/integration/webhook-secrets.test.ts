import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { webhookKey } from '../../functions/store/items/webhook';
import { call, signedInUser } from '../support/api';
import { documentClient } from '../support/document-client';

describe('webhook secrets at rest', () => {
  it('stores a subscription with its secrets sealed, never as shown to its owner', async () => {
    const owner = await signedInUser('whsealed');
    const created = await call('POST', '/api/webhooks/', { headers: owner.auth, body: { url: 'http://127.0.0.1:9/in', events: ['*'] } });
    expect(created.status).toBe(201);
    const rotated = await call('POST', `/api/webhooks/${created.body.id}/rotate_secret/`, { headers: owner.auth });
    expect(rotated.status).toBe(200);

    const { Item } = await documentClient().send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: webhookKey(owner.user.id, created.body.id), ConsistentRead: true }),
    );
    const stored = JSON.stringify(Item);
    for (const shown of [created.body.secret, rotated.body.secret]) {
      expect(shown).toMatch(/^whsec_/);
      expect(stored).not.toContain(shown.slice('whsec_'.length));
    }
    expect(stored).not.toContain('whsec_');
    expect(Item?.secret).toMatch(/^aes:v1:/);
    expect(Item?.previousSecret).toMatchObject({ secret: expect.stringMatching(/^aes:v1:/) });
  });
});
