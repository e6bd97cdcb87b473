import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

/**
 * The API's messages (or any failure) as an alert that screen readers announce; those of
 * `fields`, which the form shows beside their controls, are left out.
 */
export function Problem({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  if (!error) return null;
  const shown = fields.filter((name) => error instanceof ApiError && error.fields[name]);
  const messages =
    error instanceof ApiError
      ? error.messages.filter((message) => !shown.some((name) => message.startsWith(`${name}: `)))
      : ['Something went wrong. Try again.'];
  if (messages.length === 0) return null;
  return (
    <div class="alert alert-error" role="alert">
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="alert alert-ok" role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** Messages the API gave for one field, if any. */
export function fieldErrors(error: unknown, ...names: string[]): string[] | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const found = names.flatMap((name) => error.fields[name] ?? []);
  return found.length > 0 ? found : undefined;
}

let fieldCount = 0;

/** A labelled control with its hint and the API's messages for it, tied together for assistive technology. */
export function Field({
  label,
  hint,
  errors,
  children,
}: {
  label: string;
  hint?: string;
  errors?: string[] | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren;
}) {
  const [id] = useState(() => `field-${++fieldCount}`);
  const described = [hint && `${id}-hint`, errors && `${id}-errors`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, ...(described && { 'aria-describedby': described }), ...(errors && { 'aria-invalid': true }) })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {errors && (
        <p class="field-error" id={`${id}-errors`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

/** A screen's heading, focused when the screen opens so that keyboard and screen reader users start there. */
export function ScreenTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} id="screen-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

/** Runs a call, remembering whether it is under way and how it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async <T,>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await call();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** Emails typed in one box, separated by commas, semicolons, spaces or new lines. */
export const emailsOf = (text: string) => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map((email) => email.trim())
      .filter(Boolean),
  ),
];
