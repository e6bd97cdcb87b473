/**
 * What a client sends never decides where links point or how cookies are flagged, and a
 * body counts as JSON only when it says so.
 */
import { call, freshDate, type LoggedIn, signedInUser, uniqueUser } from '../support/api';

let me: LoggedIn;
beforeAll(async () => {
  me = await signedInUser('links');
  const date = freshDate();
  for (let hour = 8; hour < 20; hour++) {
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'L', time_slot: `${date} ${String(hour).padStart(2, '0')}:00:00`, participants: [] },
    });
    if (booked.status !== 201) throw new Error(booked.text);
  }
});

describe('links', () => {
  it.each([
    [{ host: 'evil.example', 'x-forwarded-proto': 'javascript' }],
    [{ host: 'evil.example/x?', 'x-forwarded-proto': 'https' }],
    [{ 'x-forwarded-host': 'evil.example' }],
  ])("are built from the API's own domain, never from %j", async (headers) => {
    const local = await call('GET', '/api/event/?limit=5', { headers: { ...me.auth, ...headers }, domainName: 'localhost:3000' });
    expect(local.body.next).toBe('http://localhost:3000/api/event/?limit=5&offset=5');
    const deployed = await call('GET', '/api/event/?limit=5', {
      headers: { ...me.auth, ...headers },
      domainName: 'api.calendar.example.com',
    });
    expect(deployed.body.next).toBe('https://api.calendar.example.com/api/event/?limit=5&offset=5');
  });

  it("use https for every domain but the local runtime's loopback", async () => {
    for (const [domainName, scheme] of [
      ['127.0.0.1:8080', 'http'],
      ['[::1]:3000', 'http'],
      ['localhost', 'http'],
      ['abc.execute-api.us-east-1.amazonaws.com', 'https'],
      ['localhost.evil.example', 'https'],
    ]) {
      const response = await call('GET', '/api/event/?page=1', { headers: me.auth, domainName });
      expect(response.body.next).toBe(`${scheme}://${domainName}/api/event/?page=2`);
    }
  });
});

describe('JSON bodies', () => {
  it('refuses a JSON body sent without Content-Type (415), creating nothing', async () => {
    const candidate = uniqueUser('nocontenttype');
    const response = await call('POST', '/api/user/sign_up/', { rawBody: JSON.stringify(candidate) });
    expect(response.status).toBe(415);
    expect(response.body).toEqual({ detail: 'Unsupported media type "" in request.' });
    const login = await call('POST', '/api/user/login/', { body: { username: candidate.username, password: candidate.password } });
    expect(login.status).toBe(401);
  });

  it('still reads an empty body without Content-Type as {}', async () => {
    const response = await call('POST', '/api/user/sign_up/', { rawBody: '' });
    expect(response.status).toBe(400);
    expect(response.body.username).toEqual(['This field is required.']);
  });
});
