import { useState } from 'preact/hooks';
import { api, type User } from './api';
import { Field, fieldErrors, Problem, ScreenTitle, useAction } from './ui';

interface LoginAnswer {
  user: User;
}

/** Logs in: the answer's session cookies are what the page uses from now on (its token is not kept). */
const logIn = (username: string, password: string) =>
  api<LoginAnswer>('POST', '/api/user/login/', { username, password }).then((answer) => answer.user);

export function LogIn({ onIn }: { onIn: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const user = await run(() => logIn(username, password));
    if (user) onIn(user);
  };
  return (
    <main class="auth">
      <form class="card auth-card" onSubmit={submit} aria-busy={busy}>
        <ScreenTitle>Log in</ScreenTitle>
        <p class="muted">Your calendar: block the hours you are busy, find a time with others and book it.</p>
        <Problem error={error} fields={['username', 'email', 'password']} />
        <Field label="Username" errors={fieldErrors(error, 'username')}>
          {(props) => (
            <input
              {...props}
              name="username"
              autocomplete="username"
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Password" errors={fieldErrors(error, 'password')}>
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <button class="button primary wide" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p class="switch">
          New here? <a href="#/signup">Create an account</a>
        </p>
      </form>
    </main>
  );
}

export function SignUp({ onIn }: { onIn: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const user = await run(async () => {
      await api('POST', '/api/user/sign_up/', { username, email, password });
      return logIn(username, password);
    });
    if (user) onIn(user);
  };
  return (
    <main class="auth">
      <form class="card auth-card" onSubmit={submit} aria-busy={busy}>
        <ScreenTitle>Create your account</ScreenTitle>
        <p class="muted">Others find you by your email to see when you are free and invite you.</p>
        <Problem error={error} fields={['username', 'email', 'password']} />
        <Field label="Username" hint="Letters, digits and @ . + - _" errors={fieldErrors(error, 'username')}>
          {(props) => (
            <input
              {...props}
              name="username"
              autocomplete="username"
              required
              maxLength={150}
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Email" errors={fieldErrors(error, 'email')}>
          {(props) => (
            <input
              {...props}
              name="email"
              type="email"
              autocomplete="email"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field
          label="Password"
          hint="At least 8 characters, not only digits, not your username or email."
          errors={fieldErrors(error, 'password')}
        >
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autocomplete="new-password"
              required
              minLength={8}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <button class="button primary wide" type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Sign up'}
        </button>
        <p class="switch">
          Already have an account? <a href="#/login">Log in</a>
        </p>
      </form>
    </main>
  );
}
