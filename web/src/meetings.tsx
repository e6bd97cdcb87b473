import { useEffect, useState } from 'preact/hooks';
import { type Answer, api, type Meeting, type Page, query, relative, type User } from './api';
import { HOURS, hourLabel, parseSlot, slotLabel, slotOf, zoneNow } from './dates';
import { emailsOf, Field, fieldErrors, Loading, Notice, Problem, ScreenTitle, useAction } from './ui';

interface Props {
  zone: string;
  me: User;
}

type Tab = 'active' | 'cancelled';

const ANSWER_WORDS: Record<Answer, string> = { accepted: 'Accepted', declined: 'Declined', needs_action: 'No answer yet' };

/**
 * My meetings: upcoming or cancelled, ten a page (the API's `next` / `previous`). The
 * organiser reschedules, edits, cancels or reactivates; a guest accepts or declines.
 * Everyone's answers are shown. Below, the link of one's calendar feed.
 */
export function Meetings({ zone, me }: Props) {
  const [tab, setTab] = useState<Tab>('active');
  const [path, setPath] = useState(`/api/event/?status=active`);
  const [page, setPage] = useState<Page<Meeting> | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const load = useAction();

  const fetchPage = async (target: string) => {
    const answer = await load.run(() => api<Page<Meeting>>('GET', target));
    if (answer) setPage(answer);
  };
  useEffect(() => {
    setPage(undefined);
    void fetchPage(path);
  }, [path]);

  const show = (next: Tab) => {
    setTab(next);
    setOffset(0);
    setPath(`/api/event/?${query({ status: next })}`);
  };
  const go = (link: string | null, step: number) => {
    if (!link) return;
    setOffset(Math.max(0, offset + step));
    setPath(relative(link));
  };
  /** A meeting changed: it may have left this list (cancelled, reactivated), so the page is read again. */
  const changed = () => fetchPage(path);

  const first = page && page.results.length > 0 ? offset + 1 : 0;
  const last = page ? offset + page.results.length : 0;
  return (
    <section aria-labelledby="screen-title">
      <div class="screen-head">
        <div>
          <ScreenTitle>Meetings</ScreenTitle>
          <p class="muted" id="meetings-title">
            Your meetings from now on, as organiser or guest. Times in {zone}.
          </p>
        </div>
        <div class="tabs" role="group" aria-label="Which meetings">
          <button type="button" class="button" aria-pressed={tab === 'active'} onClick={() => show('active')}>
            Upcoming
          </button>
          <button type="button" class="button" aria-pressed={tab === 'cancelled'} onClick={() => show('cancelled')}>
            Cancelled
          </button>
        </div>
      </div>
      <Problem error={load.error} />
      {!page ? (
        load.error ? null : (
          <Loading label="Loading your meetings…" />
        )
      ) : page.results.length === 0 ? (
        <p class="card empty">{tab === 'active' ? 'No upcoming meetings. Find a time to book one.' : 'No cancelled meetings.'}</p>
      ) : (
        <>
          <ul class="meetings" aria-busy={load.busy}>
            {page.results.map((meeting) => (
              <li key={meeting.id}>
                <MeetingCard meeting={meeting} me={me} zone={zone} onChanged={changed} />
              </li>
            ))}
          </ul>
          {(page.next || page.previous) && (
            <nav class="pager" aria-label="Pages of meetings">
              <button type="button" class="button" disabled={!page.previous || load.busy} onClick={() => go(page.previous, -10)}>
                <span aria-hidden="true">‹</span> Earlier
              </button>
              <span class="muted">
                {first}–{last} of {page.count}
              </span>
              <button type="button" class="button" disabled={!page.next || load.busy} onClick={() => go(page.next, page.results.length)}>
                Later <span aria-hidden="true">›</span>
              </button>
            </nav>
          )}
        </>
      )}
      <CalendarFeed />
    </section>
  );
}

type Panel = 'reschedule' | 'edit' | 'cancel' | undefined;

function MeetingCard({ meeting, me, zone, onChanged }: { meeting: Meeting; me: User; zone: string; onChanged: () => Promise<void> }) {
  const [panel, setPanel] = useState<Panel>(undefined);
  const [current, setCurrent] = useState(meeting);
  const [done, setDone] = useState('');
  const action = useAction();
  useEffect(() => setCurrent(meeting), [meeting]);
  const organiser = current.organiser === me.email;
  const cancelled = current.status === 'cancelled';
  const { date, hour } = parseSlot(current.time_slot);
  const mine = current.responses?.[me.email];
  const titleId = `meeting-${current.id}`;

  const change = async (body: Record<string, unknown>, message: string, reload = false) => {
    const answer = await action.run(() => api<{ response: Meeting }>('PATCH', `/api/event/${current.id}/`, body));
    if (!answer) return;
    setCurrent(answer.response);
    setPanel(undefined);
    setDone(message);
    if (reload) await onChanged();
  };
  const respond = async (response: 'accepted' | 'declined') => {
    const answer = await action.run(() => api<{ response: Meeting }>('POST', `/api/event/${current.id}/respond/`, { response }));
    if (!answer) return;
    setCurrent(answer.response);
    setDone(response === 'accepted' ? 'You accepted.' : 'You declined: your hour is free again.');
  };

  return (
    <article class={`card meeting${cancelled ? ' is-cancelled' : ''}`} aria-labelledby={titleId}>
      <div class="meeting-when" aria-hidden="true">
        <span class="when-hour">{hourLabel(hour)}</span>
        <span class="when-date">{slotLabel(current.time_slot).split(',')[0]}</span>
      </div>
      <div class="meeting-body">
        <h2 id={titleId}>
          {current.title}
          {cancelled && <span class="badge cancelled">Cancelled</span>}
        </h2>
        <p class="muted">
          {slotLabel(current.time_slot)} · {organiser ? 'You organise it' : `Organised by ${current.organiser}`}
        </p>
        {current.description && <p class="description">{current.description}</p>}
        <ul class="people" aria-label="Participants">
          {current.participants.map((email) => {
            const answer = current.responses?.[email] ?? 'needs_action';
            return (
              <li key={email} class={`person-answer ${answer}`}>
                <span>{email === me.email ? `${email} (you)` : email}</span>
                <span class="badge">{email === current.organiser ? 'Organiser' : ANSWER_WORDS[answer]}</span>
              </li>
            );
          })}
        </ul>
        <Problem error={action.error} fields={panel ? ['time_slot', 'title', 'description', 'participants'] : []} />
        {done && <Notice>{done}</Notice>}
        <div class="actions">
          {organiser && !cancelled && (
            <>
              <button
                type="button"
                class="button"
                aria-expanded={panel === 'reschedule'}
                onClick={() => setPanel(panel === 'reschedule' ? undefined : 'reschedule')}
              >
                Reschedule
              </button>
              <button
                type="button"
                class="button"
                aria-expanded={panel === 'edit'}
                onClick={() => setPanel(panel === 'edit' ? undefined : 'edit')}
              >
                Edit
              </button>
              <button
                type="button"
                class="button danger"
                aria-expanded={panel === 'cancel'}
                onClick={() => setPanel(panel === 'cancel' ? undefined : 'cancel')}
              >
                Cancel meeting
              </button>
            </>
          )}
          {organiser && cancelled && (
            <button
              type="button"
              class="button"
              disabled={action.busy}
              onClick={() => change({ status: 'active' }, 'The meeting is on again.', true)}
            >
              Reactivate
            </button>
          )}
          {!organiser && !cancelled && (
            <div role="group" aria-label="Your answer" class="actions">
              <button
                type="button"
                class="button"
                aria-pressed={mine === 'accepted'}
                disabled={action.busy}
                onClick={() => respond('accepted')}
              >
                Accept
              </button>
              <button
                type="button"
                class="button"
                aria-pressed={mine === 'declined'}
                disabled={action.busy}
                onClick={() => respond('declined')}
              >
                Decline
              </button>
            </div>
          )}
        </div>
        {panel === 'reschedule' && (
          <Reschedule
            zone={zone}
            date={date}
            hour={hour}
            busy={action.busy}
            error={action.error}
            onSave={(slot) => change({ time_slot: slot }, `Moved to ${slotLabel(slot)}.`)}
            onClose={() => setPanel(undefined)}
          />
        )}
        {panel === 'edit' && (
          <Edit
            meeting={current}
            busy={action.busy}
            error={action.error}
            onSave={(body) => change(body, 'Saved.')}
            onClose={() => setPanel(undefined)}
          />
        )}
        {panel === 'cancel' && (
          <div class="panel" role="group" aria-label="Cancel the meeting">
            <p>Cancel “{current.title}” for everyone? Their hour becomes free.</p>
            <div class="actions">
              <button
                type="button"
                class="button danger"
                disabled={action.busy}
                onClick={() => change({ status: 'cancelled' }, 'Cancelled.', true)}
              >
                Yes, cancel it
              </button>
              <button type="button" class="button ghost" onClick={() => setPanel(undefined)}>
                Keep it
              </button>
            </div>
          </div>
        )}
      </div>
    </article>
  );
}

function Reschedule(props: {
  zone: string;
  date: string;
  hour: number;
  busy: boolean;
  error: unknown;
  onSave: (slot: string) => void;
  onClose: () => void;
}) {
  const [date, setDate] = useState(props.date);
  const [hour, setHour] = useState(props.hour);
  const today = zoneNow(props.zone).date;
  return (
    <form
      class="panel"
      aria-label="Reschedule"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSave(slotOf(date, hour));
      }}
    >
      <div class="row">
        <Field label="New date" errors={fieldErrors(props.error, 'time_slot')}>
          {(field) => <input {...field} type="date" required min={today} value={date} onInput={(e) => setDate(e.currentTarget.value)} />}
        </Field>
        <Field label="Hour">
          {(field) => (
            <select {...field} value={hour} onChange={(e) => setHour(Number(e.currentTarget.value))}>
              {HOURS.map((h) => (
                <option key={h} value={h}>
                  {hourLabel(h)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" class="button primary" disabled={props.busy}>
          {props.busy ? 'Moving…' : 'Move meeting'}
        </button>
        <button type="button" class="button ghost" onClick={props.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

function Edit(props: {
  meeting: Meeting;
  busy: boolean;
  error: unknown;
  onSave: (body: Record<string, unknown>) => void;
  onClose: () => void;
}) {
  const { meeting } = props;
  const [title, setTitle] = useState(meeting.title);
  const [description, setDescription] = useState(meeting.description ?? '');
  const [guests, setGuests] = useState(meeting.participants.filter((p) => p !== meeting.organiser).join(', '));
  return (
    <form
      class="panel"
      aria-label="Edit the meeting"
      onSubmit={(event) => {
        event.preventDefault();
        // The full list, organiser included, as the API asks.
        props.onSave({ title, description, participants: [meeting.organiser, ...emailsOf(guests)] });
      }}
    >
      <Field label="Title" errors={fieldErrors(props.error, 'title')}>
        {(field) => <input {...field} required maxLength={60} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Field label="Description" errors={fieldErrors(props.error, 'description')}>
        {(field) => (
          <textarea {...field} rows={3} maxLength={500} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        )}
      </Field>
      <Field label="Guests" hint="Emails, separated by commas." errors={fieldErrors(props.error, 'participants')}>
        {(field) => <input {...field} value={guests} onInput={(e) => setGuests(e.currentTarget.value)} />}
      </Field>
      <div class="actions">
        <button type="submit" class="button primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" class="button ghost" onClick={props.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** The link of one's calendar feed, to subscribe from a calendar app. */
function CalendarFeed() {
  const [feed, setFeed] = useState<{ url: string; webcal: string } | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const create = async () => {
    setCopied(false);
    const answer = await action.run(() => api<{ url: string; webcal: string }>('POST', '/api/user/calendar_feed/'));
    if (answer) setFeed(answer);
  };
  const copy = async () => {
    if (!feed) return;
    try {
      await navigator.clipboard.writeText(feed.url);
      setCopied(true);
    } catch {
      document.querySelector<HTMLInputElement>('#feed-url')?.select();
    }
  };
  return (
    <section class="card feed" aria-labelledby="feed-title">
      <h2 id="feed-title">Subscribe from your calendar app</h2>
      <p class="muted">
        A private link to your meetings as a calendar feed. Anyone with the link can read it; making a new link turns the old one off.
      </p>
      <Problem error={action.error} />
      {feed && (
        <div class="row feed-row">
          <div class="field grow">
            <label for="feed-url">Feed link</label>
            <input id="feed-url" readOnly value={feed.url} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <button type="button" class="button primary" onClick={copy}>
            Copy link
          </button>
          <a class="button" href={feed.webcal}>
            Open in calendar app
          </a>
        </div>
      )}
      <p class="status" role="status">
        {copied ? 'Link copied.' : ''}
      </p>
      <button type="button" class="button" disabled={action.busy} onClick={create}>
        {feed ? 'Make a new link' : 'Get my feed link'}
      </button>
    </section>
  );
}
