import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { call, uniqueUser } from '../support/api';
import { pinClock, setClock, unpinClock } from '../support/clock';
import { useSettings } from '../support/settings';
import { documentClient } from '../support/document-client';

useSettings({ TOKEN_TTL_SECONDS: '3600', TOKENS_PER_USER: '3' });
const start = Date.parse(`${new Date().getUTCFullYear() + 1}-03-10T12:00:00.000Z`);
const at = (seconds: number) => setClock(start + seconds * 1000);
beforeEach(() => pinClock(start));
afterEach(unpinClock);

async function member() {
  const candidate = uniqueUser('tokens');
  const signUp = await call('POST', '/api/user/sign_up/', { body: candidate });
  expect(signUp.status).toBe(201);
  const login = async () => {
    const answer = await call('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } });
    expect(answer.status).toBe(200);
    return answer.body.auth_token as string;
  };
  return { id: signUp.body.id as string, login };
}
const detail = async (token: string) =>
  (await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${token}` } })).status;

describe('API tokens', () => {
  it('expire after their lifetime without use', async () => {
    const { login } = await member();
    const token = await login();
    at(3599);
    expect(await detail(token)).toBe(200);
    const other = await login();
    at(3599 + 3600 + 1);
    expect(await detail(other)).toBe(401);
  });

  it('expire at the end of their lifetime, to the second', async () => {
    const { login } = await member();
    const token = await login();
    at(3600);
    const expired = await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${token}` } });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ detail: 'Invalid token.' });
  });

  it('are renewed by use once less than half their lifetime is left', async () => {
    const { login } = await member();
    const token = await login();
    at(1000);
    expect(await detail(token)).toBe(200); // more than half left: not renewed
    at(2000);
    expect(await detail(token)).toBe(200); // renewed: now lives until 5600
    at(5599);
    expect(await detail(token)).toBe(200);
    at(5599 + 3600);
    expect(await detail(token)).toBe(401);
  });

  it('are at most 3 per user: a login revokes the oldest', async () => {
    const { id, login } = await member();
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      at(i);
      tokens.push(await login());
    }
    expect(await Promise.all(tokens.map(detail))).toEqual([401, 401, 200, 200, 200]);
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :auth)',
        ExpressionAttributeValues: { ':pk': `USER#${id}`, ':auth': 'AUTH#' },
      }),
    );
    expect(Items?.filter((item) => String(item.sk).startsWith('AUTH#TOKEN#'))).toHaveLength(3);
    expect(Items?.filter((item) => String(item.sk).startsWith('AUTH#SESSION#'))).toHaveLength(3);
  });
});
