/** A small JSON client for the local server, for end-to-end tests. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export function httpClient(baseUrl: () => string) {
  return async function request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body };
  };
}

/** Signs a fresh user up and logs in over HTTP; answers the token header. */
export async function httpUser(request: ReturnType<typeof httpClient>, credentials: { username: string; email: string; password: string }) {
  const signUp = await request('POST', '/api/user/sign_up/', { body: credentials });
  if (signUp.status !== 201) throw new Error(`sign up failed: ${JSON.stringify(signUp.body)}`);
  const login = await request('POST', '/api/user/login/', { body: { username: credentials.username, password: credentials.password } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { user: login.body.user as { id: string; email: string }, auth: { authorization: `Token ${login.body.auth_token}` } };
}
