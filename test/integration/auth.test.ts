import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sha256 } from '../../functions/domain/secrets';
import { call, cookieValue, signedInUser, uniqueUser } from '../support/api';
import { documentClient } from '../support/document-client';

const table = () => process.env.TABLE_NAME as string;

describe('sign up', () => {
  it('creates a user and answers 201 with id, username and the lower-cased email', async () => {
    const candidate = uniqueUser('signup');
    const response = await call('POST', '/api/user/sign_up/', {
      body: { ...candidate, email: candidate.email.toUpperCase() },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), username: candidate.username, email: candidate.email });
  });

  it('stores a bcrypt hash, never the password, and only on the item login reads', async () => {
    const candidate = uniqueUser('hash');
    const { body } = await call('POST', '/api/user/sign_up/', { body: candidate });
    const read = async (pk: string) =>
      (await documentClient().send(new GetCommand({ TableName: table(), Key: { pk, sk: pk.startsWith('USER#') ? 'PROFILE' : 'GUARD' } })))
        .Item;
    const guard = await read(`USERNAME#${candidate.username.toLowerCase()}`);
    expect(guard?.passwordHash).toMatch(/^\$2[aby]\$/);
    expect(JSON.stringify(guard)).not.toContain(candidate.password);
    const profile = await read(`USER#${body.id}`);
    expect(profile).toMatchObject({ id: body.id, username: candidate.username });
    expect(profile).not.toHaveProperty('passwordHash');
    expect(await read(`EMAIL#${candidate.email}`)).not.toHaveProperty('passwordHash');
  });

  it('refuses a username taken in another case, on the username field', async () => {
    const first = uniqueUser('dupname');
    await call('POST', '/api/user/sign_up/', { body: first });
    const response = await call('POST', '/api/user/sign_up/', {
      body: { ...uniqueUser('other'), username: first.username.toUpperCase() },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      username: ['A user with that username already exists.'],
      err_message: ['username: A user with that username already exists.'],
    });
  });

  it('refuses an email taken in another case, on the email field', async () => {
    const first = uniqueUser('dupmail');
    await call('POST', '/api/user/sign_up/', { body: first });
    const response = await call('POST', '/api/user/sign_up/', {
      body: { ...uniqueUser('other'), email: first.email.toUpperCase() },
    });
    expect(response.status).toBe(400);
    expect(response.body.email).toEqual(['user with this email already exists.']);
  });

  it('reports every missing field as required', async () => {
    const response = await call('POST', '/api/user/sign_up/', { body: {} });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      username: ['This field is required.'],
      email: ['This field is required.'],
      password: ['This field is required.'],
      err_message: ['username: This field is required.', 'email: This field is required.', 'password: This field is required.'],
    });
  });

  it.each([
    [
      { username: 'has space' },
      'username',
      'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
    ],
    [{ username: 'u'.repeat(151) }, 'username', 'Ensure this field has no more than 150 characters.'],
    [{ username: '' }, 'username', 'This field may not be blank.'],
    [{ username: 42 }, 'username', 'Not a valid string.'],
    [{ email: 'not-an-email' }, 'email', 'Enter a valid email address.'],
    [{ email: null }, 'email', 'This field may not be null.'],
    [{ password: 'short1' }, 'password', 'This password is too short. It must contain at least 8 characters.'],
    [{ password: '1234567890' }, 'password', 'This password is entirely numeric.'],
  ])('refuses %j on %s', async (override, field, message) => {
    const response = await call('POST', '/api/user/sign_up/', { body: { ...uniqueUser('bad'), ...override } });
    expect(response.status).toBe(400);
    expect(response.body[field]).toContain(message);
    expect(response.body.err_message).toContain(`${field}: ${message}`);
  });

  it('refuses a password equal to the username or the email', async () => {
    const candidate = uniqueUser('similar');
    const sameAsName = await call('POST', '/api/user/sign_up/', { body: { ...candidate, password: candidate.username } });
    expect(sameAsName.body.password).toEqual(['The password is too similar to the username.']);
    const sameAsEmail = await call('POST', '/api/user/sign_up/', { body: { ...candidate, password: candidate.email } });
    expect(sameAsEmail.body.password).toEqual(['The password is too similar to the email address.']);
  });

  it('writes nothing when refused', async () => {
    const candidate = uniqueUser('nothing');
    await call('POST', '/api/user/sign_up/', { body: { ...candidate, password: '123' } });
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: table(), Key: { pk: `EMAIL#${candidate.email}`, sk: 'GUARD' } }),
    );
    expect(Item).toBeUndefined();
  });
});

describe('login', () => {
  it('answers the token, the user, and sets the session and CSRF cookies', async () => {
    const candidate = uniqueUser('login');
    const { body: user } = await call('POST', '/api/user/sign_up/', { body: candidate });
    const response = await call('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ is_authenticated: true, user, auth_token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const session = response.setCookies.find((line) => line.startsWith('sessionid='));
    const csrf = response.setCookies.find((line) => line.startsWith('csrftoken='));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('marks cookies Secure outside the local runtime, whatever the request says', async () => {
    const candidate = uniqueUser('secure');
    await call('POST', '/api/user/sign_up/', { body: candidate });
    const response = await call('POST', '/api/user/login/', {
      body: { username: candidate.username, password: candidate.password },
      headers: { 'x-forwarded-proto': 'http' },
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    });
    expect(response.setCookies).toHaveLength(2);
    for (const line of response.setCookies) expect(line).toMatch(/; Secure/);
  });

  it('leaves Secure off on the local runtime even when a header claims HTTPS', async () => {
    const candidate = uniqueUser('insecure');
    await call('POST', '/api/user/sign_up/', { body: candidate });
    const response = await call('POST', '/api/user/login/', {
      body: { username: candidate.username, password: candidate.password },
      headers: { 'x-forwarded-proto': 'https' },
      domainName: 'localhost:3000',
    });
    for (const line of response.setCookies) expect(line).not.toMatch(/Secure/);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const candidate = uniqueUser('wrong');
    await call('POST', '/api/user/sign_up/', { body: candidate });
    const wrongPassword = await call('POST', '/api/user/login/', { body: { username: candidate.username, password: 'not-the-password' } });
    const unknownUser = await call('POST', '/api/user/login/', {
      body: { username: `${candidate.username}-nobody`, password: 'whatever-123' },
    });
    for (const response of [wrongPassword, unknownUser]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ err_message: ['Credentials were not correct'] });
      expect(response.setCookies).toEqual([]);
    }
  });

  it('accepts the username in another case', async () => {
    const candidate = uniqueUser('Case');
    await call('POST', '/api/user/sign_up/', { body: candidate });
    const response = await call('POST', '/api/user/login/', {
      body: { username: candidate.username.toUpperCase(), password: candidate.password },
    });
    expect(response.status).toBe(200);
  });

  it('stores only hashes of the token and the session id', async () => {
    const me = await signedInUser('hashes');
    const token = await documentClient().send(
      new GetCommand({ TableName: table(), Key: { pk: `TOKEN#${sha256(me.token)}`, sk: 'TOKEN' } }),
    );
    expect(token.Item?.userId).toBe(me.user.id);
    const partition = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `USER#${me.user.id}` },
      }),
    );
    const session = await documentClient().send(
      new GetCommand({ TableName: table(), Key: { pk: `SESSION#${sha256(me.sessionId)}`, sk: 'SESSION' } }),
    );
    const stored = JSON.stringify([token.Item, partition.Items, session.Item]);
    for (const secret of [me.token, me.sessionId, me.csrfToken]) expect(stored).not.toContain(secret);
  });
});

describe('token authentication', () => {
  it('get_detail answers the caller in the login shape', async () => {
    const me = await signedInUser('detail');
    const response = await call('GET', '/api/user/get_detail/', { headers: me.auth });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ is_authenticated: true, user: me.user, auth_token: me.token });
  });

  it.each([
    [{}, 'Authentication credentials were not provided.'],
    [{ authorization: `Token ${'0'.repeat(64)}` }, 'Invalid token.'],
    [{ authorization: 'Token' }, 'Invalid token header. No credentials provided.'],
    [{ authorization: 'Token a b' }, 'Invalid token header. Token string should not contain spaces.'],
  ])('refuses %j with 401 and WWW-Authenticate', async (headers, detail) => {
    const response = await call('GET', '/api/user/get_detail/', { headers });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail });
    expect(response.headers['www-authenticate']).toBe('Token');
  });
});

describe('session authentication', () => {
  it('reads with the session cookie alone and shows the login token', async () => {
    const me = await signedInUser('session');
    const response = await call('GET', '/api/user/get_detail/', { cookies: { sessionid: me.sessionId } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ is_authenticated: true, user: me.user, auth_token: me.token });
  });

  it('refuses an unsafe request without the CSRF header', async () => {
    const me = await signedInUser('nocsrf');
    const response = await call('POST', '/api/user/logout/', { cookies: { sessionid: me.sessionId, csrftoken: me.csrfToken } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'CSRF Failed: CSRF token missing.' });
  });

  it('refuses an unsafe request with a wrong CSRF header', async () => {
    const me = await signedInUser('badcsrf');
    const response = await call('POST', '/api/user/logout/', {
      cookies: { sessionid: me.sessionId, csrftoken: me.csrfToken },
      headers: { 'x-csrftoken': 'f'.repeat(64) },
    });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.' });
  });

  it('accepts an unsafe request whose CSRF header matches the cookie', async () => {
    const me = await signedInUser('csrf');
    const response = await call('POST', '/api/user/logout/', {
      cookies: { sessionid: me.sessionId, csrftoken: me.csrfToken },
      headers: { 'x-csrftoken': me.csrfToken },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ logged_out: true });
  });

  it('ignores an unknown session cookie', async () => {
    const response = await call('GET', '/api/user/get_detail/', { cookies: { sessionid: 'nope' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });
});

describe('logout', () => {
  it('revokes every token and session of the user and clears the cookies', async () => {
    const me = await signedInUser('logout');
    const second = await call('POST', '/api/user/login/', { body: { username: me.user.username, password: me.password } });
    const secondSession = cookieValue(second.setCookies, 'sessionid');

    const response = await call('POST', '/api/user/logout/', { headers: me.auth });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ logged_out: true });
    expect(cookieValue(response.setCookies, 'sessionid')).toBe('');

    const byToken = await call('GET', '/api/user/get_detail/', { headers: me.auth });
    expect(byToken.status).toBe(401);
    expect(byToken.body).toEqual({ detail: 'Invalid token.' });
    const bySecondToken = await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${second.body.auth_token}` } });
    expect(bySecondToken.status).toBe(401);
    for (const sessionid of [me.sessionId, secondSession as string]) {
      const bySession = await call('GET', '/api/user/get_detail/', { cookies: { sessionid } });
      expect(bySession.status).toBe(401);
    }
  });

  it('revokes all of them for a user with more than a transaction holds (30 logins)', async () => {
    const me = await signedInUser('manylogins');
    const tokens = [me.token];
    for (let i = 0; i < 29; i++) {
      tokens.push(
        (await call('POST', '/api/user/login/', { body: { username: me.user.username, password: me.password } })).body.auth_token,
      );
    }
    expect((await call('POST', '/api/user/logout/', { headers: me.auth })).status).toBe(200);
    for (const token of [tokens[0], tokens[14], tokens[29]]) {
      expect((await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${token}` } })).status).toBe(401);
    }
    const pointers = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :auth)',
        ExpressionAttributeValues: { ':pk': `USER#${me.user.id}`, ':auth': 'AUTH#' },
      }),
    );
    expect(pointers.Items).toEqual([]);
  });

  it('needs authentication', async () => {
    const response = await call('POST', '/api/user/logout/');
    expect(response.status).toBe(401);
  });

  it('lets the user log in again afterwards', async () => {
    const me = await signedInUser('again');
    await call('POST', '/api/user/logout/', { headers: me.auth });
    const login = await call('POST', '/api/user/login/', { body: { username: me.user.username, password: me.password } });
    expect(login.status).toBe(200);
    expect(login.body.auth_token).not.toBe(me.token);
    expect((await call('GET', '/api/user/get_detail/', { headers: { authorization: `Token ${login.body.auth_token}` } })).status).toBe(200);
  });
});
