import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Day, everyPage, type Meeting, query, type User } from './api';
import {
  addDays,
  dayMonth,
  HOURS,
  hourLabel,
  hoursLabel,
  longDate,
  parseSlot,
  rangeLabel,
  weekday,
  weekDays,
  weekStart,
  zoneNow,
} from './dates';
import { Field, Loading, Problem, ScreenTitle, useAction } from './ui';

type CellState = 'free' | 'blocked' | 'meeting' | 'busy' | 'past';

interface Selection {
  date: string;
  /** The hour the drag started on. */
  anchor: number;
  from: number;
  to: number;
  mode: 'block' | 'unblock';
}

interface Props {
  zone: string;
  me: User;
}

/**
 * A week as a 7 x 24 grid of the service zone's dates and hours. One's own week: click
 * (or drag down a day) to block free hours or to unblock blocked ones; meetings are shown
 * by title. Someone else's week (by email): free or busy, read-only.
 */
export function Week({ zone, me }: Props) {
  const today = zoneNow(zone);
  const [monday, setMonday] = useState(() => weekStart(today.date));
  const [person, setPerson] = useState('');
  const [personInput, setPersonInput] = useState('');
  const [days, setDays] = useState<Day[] | undefined>(undefined);
  const [meetings, setMeetings] = useState<Meeting[]>([]);
  const [status, setStatus] = useState('');
  const [selection, setSelection] = useState<Selection | undefined>(undefined);
  const [focus, setFocus] = useState({ day: Math.max(0, weekDays(monday).indexOf(today.date)), hour: 9 });
  const [opened, setOpened] = useState<Meeting | undefined>(undefined);
  const load = useAction();
  const save = useAction();
  const dragged = useRef(false);
  const dates = weekDays(monday);
  const sunday = dates[6]!;
  const mine = person === '';

  useEffect(() => {
    let current = true;
    setDays(undefined);
    setOpened(undefined);
    void load.run(async () => {
      const [slots, list] = await Promise.all([
        api<{ response: Day[] }>('GET', `/api/user/get_available_slots/?${query({ from: monday, to: sunday, user: person })}`),
        mine ? everyPage<Meeting>(`/api/event/?${query({ from: monday, to: sunday, status: 'active' })}`) : Promise.resolve([]),
      ]);
      if (!current) return;
      setDays(slots.response);
      setMeetings(list);
    });
    return () => {
      current = false;
    };
  }, [monday, person]);

  /** The meeting that holds my hour there: active, and not one I declined. */
  const meetingAt = useMemo(() => {
    const held = new Map<string, Meeting>();
    for (const meeting of meetings) {
      if (meeting.status === 'active' && meeting.responses?.[me.email] !== 'declined') held.set(meeting.time_slot.slice(0, 13), meeting);
    }
    return (date: string, hour: number) => held.get(`${date} ${String(hour).padStart(2, '0')}`);
  }, [meetings, me.email]);

  const stateOf = (day: Day, hour: number): CellState => {
    if (day.date < today.date || (day.date === today.date && hour <= today.hour)) return 'past';
    if (!day.blocked_slots.includes(hour)) return 'free';
    if (!mine) return 'busy';
    return meetingAt(day.date, hour) ? 'meeting' : 'blocked';
  };

  const commit = async (chosen: Selection) => {
    select(undefined);
    const day = days?.find((d) => d.date === chosen.date);
    if (!day) return;
    const hours = HOURS.filter(
      (h) => h >= chosen.from && h <= chosen.to && stateOf(day, h) === (chosen.mode === 'block' ? 'free' : 'blocked'),
    );
    if (hours.length === 0) return;
    setStatus('');
    const answer = await save.run(() =>
      chosen.mode === 'block'
        ? api<{ response: Day }>('POST', '/api/user/block_slots/', { date: chosen.date, blocked_slots: hours })
        : api<{ response: Day }>('POST', '/api/user/unblock_slots/', { date: chosen.date, unblocked_slots: hours }),
    );
    if (!answer) return;
    setDays((known) => known?.map((d) => (d.date === chosen.date ? answer.response : d)));
    setStatus(`${chosen.mode === 'block' ? 'Blocked' : 'Unblocked'} ${hoursLabel(hours)} on ${longDate(chosen.date)}.`);
  };

  // A drag ends wherever the pointer is let go; refs, since the listener outlives renders.
  const selecting = useRef<Selection | undefined>(undefined);
  const latestCommit = useRef(commit);
  latestCommit.current = commit;
  const select = (chosen: Selection | undefined) => {
    selecting.current = chosen;
    setSelection(chosen);
  };
  useEffect(() => {
    const up = () => {
      const chosen = selecting.current;
      if (!chosen) return;
      selecting.current = undefined;
      // Pressed and let go on one hour, the button also gets a click, which must not count twice.
      dragged.current = chosen.from === chosen.to;
      void latestCommit.current(chosen);
    };
    addEventListener('pointerup', up);
    return () => removeEventListener('pointerup', up);
  }, []);

  const press = (day: Day, hour: number, state: CellState) => {
    if (state === 'meeting') return setOpened(meetingAt(day.date, hour));
    if (state === 'free' || state === 'blocked') {
      void commit({ date: day.date, anchor: hour, from: hour, to: hour, mode: state === 'free' ? 'block' : 'unblock' });
    }
  };

  const table = useRef<HTMLTableElement>(null);
  const moveFocus = (event: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const move = moves[event.key] ?? (event.key === 'Home' ? [-7, 0] : event.key === 'End' ? [7, 0] : undefined);
    if (!move) return;
    event.preventDefault();
    const next = { day: Math.min(6, Math.max(0, focus.day + move[0])), hour: Math.min(23, Math.max(0, focus.hour + move[1])) };
    setFocus(next);
    table.current?.querySelector<HTMLElement>(`[data-cell="${next.day}-${next.hour}"]`)?.focus();
  };

  const showPerson = (event: Event) => {
    event.preventDefault();
    setPerson(personInput.trim().toLowerCase() === me.email ? '' : personInput.trim());
  };

  const inSelection = (date: string, hour: number) => selection?.date === date && hour >= selection.from && hour <= selection.to;

  return (
    <section class="week-screen" aria-labelledby="screen-title">
      <div class="screen-head">
        <div>
          <ScreenTitle>{mine ? 'My week' : `${person}’s week`}</ScreenTitle>
          <p class="muted" id="week-title">
            {rangeLabel(monday, sunday)} · times in {zone}
          </p>
        </div>
        <div class="week-nav" role="group" aria-label="Week">
          <button class="button" type="button" onClick={() => setMonday(addDays(monday, -7))}>
            <span aria-hidden="true">‹</span> Previous
          </button>
          <button class="button" type="button" onClick={() => setMonday(weekStart(today.date))} disabled={monday === weekStart(today.date)}>
            This week
          </button>
          <button class="button" type="button" onClick={() => setMonday(addDays(monday, 7))}>
            Next <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>

      <form class="person card" onSubmit={showPerson} role="search" aria-label="Someone's week">
        <Field label="See someone’s week" hint="Their email: you will see when they are free or busy.">
          {(props) => (
            <input
              {...props}
              type="email"
              name="person"
              placeholder="name@example.com"
              value={personInput}
              onInput={(e) => setPersonInput(e.currentTarget.value)}
            />
          )}
        </Field>
        <button class="button primary" type="submit">
          Show
        </button>
        {!mine && (
          <button
            class="button ghost"
            type="button"
            onClick={() => {
              setPerson('');
              setPersonInput('');
            }}
          >
            Back to my week
          </button>
        )}
      </form>

      <div class="legend" aria-label="Legend">
        <span class="swatch free" /> Free
        {mine ? (
          <>
            <span class="swatch blocked" /> Blocked
            <span class="swatch meeting" /> Meeting
          </>
        ) : (
          <>
            <span class="swatch busy" /> Busy
          </>
        )}
        <span class="swatch past" /> Past
        {mine && <span class="legend-hint">Click an hour, or drag down a day, to block or unblock it. Arrow keys move between hours.</span>}
      </div>

      <Problem error={load.error ?? save.error} />
      <p class="status" role="status">
        {status}
      </p>
      {opened && (
        <div class="card meeting-peek" role="region" aria-label="Meeting">
          <div>
            <h2>{opened.title}</h2>
            <p class="muted">
              {longDate(parseSlot(opened.time_slot).date)}, {hourLabel(parseSlot(opened.time_slot).hour)} · organised by{' '}
              {opened.organiser === me.email ? 'you' : opened.organiser}
            </p>
            <p>With {opened.participants.filter((p) => p !== me.email).join(', ') || 'nobody else'}</p>
          </div>
          <div class="actions">
            <a class="button" href="#/meetings">
              Manage in Meetings
            </a>
            <button class="button ghost" type="button" onClick={() => setOpened(undefined)}>
              Close
            </button>
          </div>
        </div>
      )}
      {!days ? (
        load.error ? null : (
          <Loading label="Loading the week…" />
        )
      ) : (
        <div class="grid-wrap">
          <table class={`week-grid${save.busy ? ' saving' : ''}`} ref={table} aria-busy={save.busy} aria-describedby="week-title">
            <caption class="sr-only">
              {mine ? 'Your hours' : `${person}’s hours`}, {rangeLabel(monday, sunday)}
            </caption>
            <thead>
              <tr>
                <th scope="col" class="corner">
                  <span class="sr-only">Hour</span>
                </th>
                {days.map((day) => (
                  <th
                    scope="col"
                    key={day.date}
                    class={day.date === today.date ? 'today' : undefined}
                    aria-current={day.date === today.date ? 'date' : undefined}
                  >
                    <span class="weekday">{weekday(day.date)}</span>
                    <span class="date">{dayMonth(day.date)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody onKeyDown={moveFocus}>
              {HOURS.map((hour) => (
                <tr key={hour}>
                  <th scope="row" class="hour">
                    {hourLabel(hour)}
                  </th>
                  {days.map((day, index) => {
                    const state = stateOf(day, hour);
                    const meeting = state === 'meeting' ? meetingAt(day.date, hour) : undefined;
                    const words =
                      state === 'meeting'
                        ? `Meeting: ${meeting?.title}`
                        : state === 'busy'
                          ? 'Busy'
                          : state === 'past'
                            ? 'Past'
                            : state === 'blocked'
                              ? 'Blocked'
                              : 'Free';
                    const label = `${weekday(day.date)} ${dayMonth(day.date)} ${hourLabel(hour)}: ${words}`;
                    const focused = focus.day === index && focus.hour === hour;
                    const interactive = mine && state !== 'past';
                    return (
                      <td key={day.date} class={`cell ${state}${inSelection(day.date, hour) ? ' selecting' : ''}`}>
                        <button
                          type="button"
                          data-cell={`${index}-${hour}`}
                          tabIndex={focused ? 0 : -1}
                          aria-label={label}
                          aria-pressed={interactive && state !== 'meeting' ? state === 'blocked' : undefined}
                          aria-disabled={interactive ? undefined : true}
                          onFocus={() => setFocus({ day: index, hour })}
                          onPointerDown={(event) => {
                            if (!interactive || event.button !== 0 || (state !== 'free' && state !== 'blocked')) return;
                            dragged.current = false;
                            select({ date: day.date, anchor: hour, from: hour, to: hour, mode: state === 'free' ? 'block' : 'unblock' });
                          }}
                          onPointerEnter={() => {
                            const current = selecting.current;
                            if (current && current.date === day.date) {
                              select({ ...current, from: Math.min(current.anchor, hour), to: Math.max(current.anchor, hour) });
                            }
                          }}
                          onClick={() => {
                            // A pointer's press was handled on its release; keys and assistive technology click.
                            if (dragged.current) {
                              dragged.current = false;
                              return;
                            }
                            if (interactive) press(day, hour, state);
                          }}
                        >
                          <span class="cell-text" aria-hidden="true">
                            {state === 'meeting' ? meeting?.title : state === 'blocked' ? 'Blocked' : state === 'busy' ? 'Busy' : ''}
                          </span>
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
