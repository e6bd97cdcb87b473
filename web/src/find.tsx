import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Common, type Meeting, query, type User } from './api';
import { addDays, longDate, parseSlot, slotLabel, hourLabel, zoneNow } from './dates';
import { emailsOf, Field, fieldErrors, Loading, Notice, Problem, ScreenTitle, useAction } from './ui';

interface Props {
  zone: string;
  me: User;
}

/** Groups time slots by their date, keeping their order. */
function byDate(slots: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const slot of slots) {
    const { date } = parseSlot(slot);
    groups.set(date, [...(groups.get(date) ?? []), slot]);
  }
  return [...groups];
}

/**
 * Find a time: the common free hours of several people (the caller always included),
 * and the best fallbacks when no hour suits everyone; pick one and book it.
 */
export function FindTime({ zone, me }: Props) {
  const today = zoneNow(zone).date;
  const [people, setPeople] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(addDays(today, 6));
  const [found, setFound] = useState<Common | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [guests, setGuests] = useState('');
  const [booked, setBooked] = useState<Meeting | undefined>(undefined);
  const search = useAction();
  const book = useAction();

  const find = async (event?: Event) => {
    // A new search (not the refresh after booking) forgets the last booking's notice.
    if (event) {
      event.preventDefault();
      setBooked(undefined);
    }
    const answer = await search.run(() =>
      api<Common>('GET', `/api/availability/common/?${query({ users: emailsOf(people).join(',') || me.email, from, to })}`),
    );
    if (answer) {
      setFound(answer);
      setChosen(undefined);
    }
  };

  const choose = (slot: string) => {
    setChosen(slot);
    setGuests(
      emailsOf(people)
        .filter((email) => email.toLowerCase() !== me.email)
        .join(', '),
    );
    book.setError(undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!chosen) return;
    const answer = await book.run(() =>
      api<{ response: Meeting }>('POST', '/api/event/', { title, description, time_slot: chosen, participants: emailsOf(guests) }),
    );
    if (!answer) return;
    setBooked(answer.response);
    setChosen(undefined);
    setTitle('');
    setDescription('');
    await find();
  };

  // Fallbacks matter when someone is busy: hours free for all are listed above already.
  const alternatives = found ? found.best.filter((option) => option.busy.length > 0 || found.common.length === 0) : [];

  // The booking form opens below the results: take the person there.
  const bookForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!chosen) return;
    bookForm.current?.scrollIntoView({ block: 'nearest' });
    bookForm.current?.querySelector('input')?.focus();
  }, [chosen]);

  const slotButton = (slot: string, text: string) => (
    <button
      key={slot}
      type="button"
      class={`chip${chosen === slot ? ' chosen' : ''}`}
      aria-pressed={chosen === slot}
      onClick={() => choose(slot)}
    >
      {text}
    </button>
  );

  return (
    <section aria-labelledby="screen-title">
      <div class="screen-head">
        <div>
          <ScreenTitle>Find a time</ScreenTitle>
          <p class="muted" id="find-title">
            Hours when everyone is free, in {zone}. You are always included; search up to 14 days at once.
          </p>
        </div>
      </div>
      <form class="card find-form" onSubmit={find} aria-busy={search.busy}>
        <Field label="People" hint="Their emails, separated by commas." errors={fieldErrors(search.error, 'users')}>
          {(props) => (
            <input
              {...props}
              name="people"
              placeholder="ana@example.com, bo@example.com"
              value={people}
              onInput={(e) => setPeople(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="row">
          <Field label="From" errors={fieldErrors(search.error, 'from')}>
            {(props) => <input {...props} type="date" name="from" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
          </Field>
          <Field label="To" errors={fieldErrors(search.error, 'to')}>
            {(props) => <input {...props} type="date" name="to" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
          </Field>
          <button class="button primary" type="submit" disabled={search.busy}>
            {search.busy ? 'Searching…' : 'Find times'}
          </button>
        </div>
      </form>

      <Problem error={search.error} fields={['users', 'from', 'to']} />
      {booked && (
        <Notice>
          Booked <strong>{booked.title}</strong> on {slotLabel(booked.time_slot)}. <a href="#/meetings">See it in Meetings</a>
        </Notice>
      )}
      {search.busy && !found && <Loading label="Looking for common free hours…" />}

      {found && (
        <div class={`results${alternatives.length > 0 ? ' two' : ''}`}>
          <section class="card" aria-labelledby="common-title">
            <h2 id="common-title">Everyone is free</h2>
            <p class="muted">{found.users.join(', ')}</p>
            {found.common.length === 0 ? (
              <p>No hour in this range suits everyone. Try the closest alternatives, or other dates.</p>
            ) : (
              byDate(found.common).map(([date, slots]) => (
                <div class="day-slots" key={date}>
                  <h3>{longDate(date)}</h3>
                  <div class="chips" role="group" aria-label={longDate(date)}>
                    {slots.map((slot) => slotButton(slot, hourLabel(parseSlot(slot).hour)))}
                  </div>
                </div>
              ))
            )}
          </section>
          {alternatives.length > 0 && (
            <section class="card" aria-labelledby="best-title">
              <h2 id="best-title">Closest alternatives</h2>
              <ul class="best">
                {alternatives.map((option) => (
                  <li key={option.time_slot}>
                    {slotButton(option.time_slot, slotLabel(option.time_slot))}
                    <span class="free-count">
                      {option.free.length} of {option.free.length + option.busy.length} free
                    </span>
                    {option.busy.length > 0 && <span class="muted">Busy: {option.busy.join(', ')}</span>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}

      {chosen && (
        <form class="card book-form" ref={bookForm} onSubmit={submit} aria-labelledby="book-title" aria-busy={book.busy}>
          <h2 id="book-title">Book {slotLabel(chosen)}</h2>
          <Problem error={book.error} fields={['title', 'description', 'participants']} />
          <Field label="Title" hint="Up to 60 characters." errors={fieldErrors(book.error, 'title')}>
            {(props) => (
              <input {...props} name="title" required maxLength={60} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            )}
          </Field>
          <Field label="Description" hint="Optional, up to 500 characters." errors={fieldErrors(book.error, 'description')}>
            {(props) => (
              <textarea
                {...props}
                name="description"
                maxLength={500}
                rows={3}
                value={description}
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Guests" hint="Emails, separated by commas. You are the organiser." errors={fieldErrors(book.error, 'participants')}>
            {(props) => <input {...props} name="guests" value={guests} onInput={(e) => setGuests(e.currentTarget.value)} />}
          </Field>
          <div class="actions">
            <button class="button primary" type="submit" disabled={book.busy}>
              {book.busy ? 'Booking…' : 'Book meeting'}
            </button>
            <button class="button ghost" type="button" onClick={() => setChosen(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
