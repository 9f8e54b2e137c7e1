import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { FacetValue } from '../api/types.js';
import { humanize } from '../format.js';

/** A labelled select whose empty option means "any"; facet counts are shown next to each value. */
export function FilterSelect({
  label,
  value,
  options,
  onChange,
  humanizeValues = true,
}: {
  label: string;
  value: string;
  options: (FacetValue | { value: string; label: string })[];
  onChange: (value: string) => void;
  humanizeValues?: boolean;
}) {
  const id = useId();
  const known = options.some((option) => option.value === value);
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Any</option>
        {!known && value && <option value={value}>{value}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {'label' in option ? option.label : humanizeValues ? humanize(option.value) : option.value}
            {'count' in option ? ` (${option.count.toLocaleString()})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A search box whose text goes to the URL as it is typed (the list follows at once, and the URL can be shared).
 * Keystrokes of one burst replace the history entry instead of adding one each, so Back leaves the search.
 */
export function SearchBox({
  label,
  value,
  placeholder,
  onSearch,
}: {
  label: string;
  value: string;
  placeholder?: string;
  onSearch: (value: string, options: { replace: boolean }) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const lastTyped = useRef(0);
  useEffect(() => {
    // Back/forward or "Clear filters" changed the URL: show it, unless it is what was typed (spaces kept).
    setText((current) => (current.trim() === value ? current : value));
  }, [value]);
  return (
    <div className="filter filter-search">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={placeholder}
        onChange={(event) => {
          const now = Date.now();
          setText(event.target.value);
          onSearch(event.target.value.trim(), { replace: now - lastTyped.current < 2000 });
          lastTyped.current = now;
        }}
      />
    </div>
  );
}

export function FilterBar({
  children,
  onClear,
  active,
}: {
  children: ReactNode;
  onClear: () => void;
  active: boolean;
}) {
  return (
    <div className="filter-bar">
      {children}
      {active && (
        <button type="button" className="button button-ghost button-small filter-clear" onClick={onClear}>
          Clear filters
        </button>
      )}
    </div>
  );
}

/** `<input type="datetime-local">` speaks local time without a zone; the API and the URL hold ISO-8601 UTC. */
export function DateTimeFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (iso: string) => void;
}) {
  const id = useId();
  const time = value ? new Date(value).getTime() : Number.NaN;
  const local = Number.isNaN(time)
    ? ''
    : new Date(time - new Date(time).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="datetime-local"
        value={local}
        onChange={(event) => onChange(event.target.value ? new Date(event.target.value).toISOString() : '')}
      />
    </div>
  );
}
