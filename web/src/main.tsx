import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type User, whenSignedOut } from './api';
import { LogIn, SignUp } from './auth';
import { FindTime } from './find';
import { Meetings } from './meetings';
import { Loading } from './ui';
import { Week } from './week';
import './styles.css';

/** The service's zone, which the page was told: the API's dates and hours are wall-clock time there. */
const zone = document.querySelector<HTMLMetaElement>('meta[name="time-zone"]')?.content || 'UTC';

type Screen = 'week' | 'find' | 'meetings' | 'login' | 'signup';

function screenOf(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return name === 'find' || name === 'meetings' || name === 'login' || name === 'signup' ? name : 'week';
}

function useScreen(): Screen {
  const [screen, setScreen] = useState(() => screenOf(location.hash));
  useEffect(() => {
    const changed = () => setScreen(screenOf(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return screen;
}

const NAV: { screen: Screen; label: string }[] = [
  { screen: 'week', label: 'Week' },
  { screen: 'find', label: 'Find a time' },
  { screen: 'meetings', label: 'Meetings' },
];

function App() {
  // undefined: not known yet; null: nobody logged in.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const screen = useScreen();

  useEffect(() => {
    whenSignedOut(() => setUser(null));
    api<{ user: User }>('GET', '/api/user/get_detail/')
      .then((answer) => setUser(answer.user))
      .catch(() => setUser(null));
  }, []);

  const signedIn = (who: User) => {
    setUser(who);
    location.hash = '#/week';
  };
  const logOut = async () => {
    await api('POST', '/api/user/logout/').catch(() => undefined);
    setUser(null);
    location.hash = '#/login';
  };

  if (user === undefined) return <Loading label="Opening your calendar…" />;
  if (user === null) return screen === 'signup' ? <SignUp onIn={signedIn} /> : <LogIn onIn={signedIn} />;
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <div class="top-inner">
          <a class="brand" href="#/week">
            <img src={document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href} alt="" width={24} height={24} />
            Calendar
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li key={item.screen}>
                  <a href={`#/${item.screen}`} aria-current={screen === item.screen ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            <span class="who-name" title={user.email}>
              {user.username}
            </span>
            <button class="button ghost" type="button" onClick={logOut}>
              Log out
            </button>
          </div>
        </div>
      </header>
      <main id="content" class="page">
        {screen === 'find' ? (
          <FindTime zone={zone} me={user} />
        ) : screen === 'meetings' ? (
          <Meetings zone={zone} me={user} />
        ) : (
          <Week zone={zone} me={user} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
