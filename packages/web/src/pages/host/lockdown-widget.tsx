import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import type { HostDetail, Lockdown, LockdownState } from '../../api/types.js';
import { isApprovalRequired, type LockdownAnswer } from '../../api/types-detections.js';
import { useApi } from '../../api/use-api.js';
import { Badge, type Tone } from '../../components/badge.js';
import { Dialog } from '../../components/dialog.js';
import {
  type ActionResult,
  ActionResultMessage,
  describeApprovalWait,
  describeFailure,
} from '../../components/response-actions.js';
import { ErrorMessage } from '../../components/status.js';
import { formatTime } from '../../format.js';
import { useSession } from '../../session.js';

const stateText: Record<LockdownState | 'none', { label: string; tone: Tone }> = {
  none: { label: 'Not locked', tone: 'neutral' },
  locking: { label: 'Locking', tone: 'progress' },
  active: { label: 'Locked', tone: 'critical' },
  releasing: { label: 'Releasing', tone: 'progress' },
  released: { label: 'Released', tone: 'ok' },
  failed: { label: 'Failed', tone: 'high' },
};

const durations = ['1h', '2h', '4h', '8h', '12h', '24h'];
// The contract's limits for a custom duration: 15 minutes to 72 hours, in minutes or hours.
const CUSTOM = /^(\d+)([mh])$/;
const MIN_MINUTES = 15;
const MAX_MINUTES = 72 * 60;

/** "90m" → 90, "3h" → 180; null when it is not a duration the API accepts. */
export function customMinutes(text: string): number | null {
  const match = CUSTOM.exec(text.trim());
  if (!match) return null;
  const minutes = Number(match[1]) * (match[2] === 'h' ? 60 : 1);
  return minutes >= MIN_MINUTES && minutes <= MAX_MINUTES ? minutes : null;
}

/** 14_398_000 → "3 h 59 m 58 s": a countdown that reads the same every second. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${hours} h ${minutes} m ${total % 60} s`;
}

function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * The host's lockdown (C9): its state, a live countdown to the scheduled release, who locked it and why, and —
 * with lockdown.edit — Lock host and Unlock now. Polls quickly while Defender is isolating or releasing.
 */
export function LockdownWidget({ host, onChange }: { host: HostDetail; onChange: () => void }) {
  const { can } = useSession();
  const path = `/hosts/${encodeURIComponent(host.id)}/lockdown`;
  const [pollMs, setPollMs] = useState<number>();
  const lockdown = useApi(() => api.get<Lockdown>(path), `lockdown:${host.id}`, pollMs);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [dialog, setDialog] = useState<'lock' | 'unlock' | null>(null);

  const neverLocked = lockdown.error?.status === 404;
  const current = neverLocked ? undefined : lockdown.data;
  const state: LockdownState | 'none' = current?.state ?? 'none';
  const pending = state === 'locking' || state === 'releasing';
  const running = state === 'locking' || state === 'active';
  const now = useNow(running);

  // While locked, a slow poll notices the scheduled release; in transition, a fast one shows Defender's answer.
  useEffect(() => setPollMs(pending ? 3000 : state === 'active' ? 30_000 : undefined), [pending, state]);

  // The host's isolation badge follows the lockdown: reload the host whenever the state moves on.
  const loaded = lockdown.data !== undefined || lockdown.error !== undefined;
  const seen = useRef<LockdownState | 'none' | undefined>(undefined);
  useEffect(() => {
    if (!loaded || seen.current === state) return;
    if (seen.current !== undefined) onChange();
    seen.current = state;
  }, [loaded, state, onChange]);

  const changed = (next: ActionResult) => {
    setResult(next);
    setDialog(null);
    lockdown.reload();
    onChange();
  };

  const { label, tone } = stateText[state];
  const editable = can('lockdown.edit');
  return (
    <section className="card lockdown" aria-labelledby="lockdown-title">
      <div className="card-title-row">
        <h2 id="lockdown-title">Lockdown</h2>
        <Badge tone={tone} label={label} />
      </div>
      {lockdown.error && !neverLocked && <ErrorMessage error={lockdown.error} onRetry={lockdown.reload} />}
      {current && (
        <dl className="facts">
          {running && (
            <>
              <dt>Time left</dt>
              <dd>
                <span role="timer" aria-label="Time left" className="strong">
                  {formatTimeLeft(Date.parse(current.endsAt) - now)}
                </span>
                <span className="muted small"> until {formatTime(current.endsAt)}</span>
              </dd>
            </>
          )}
          <dt>Locked by</dt>
          <dd>
            {current.lockedBy} <span className="muted small">{formatTime(current.lockedAt)}</span>
          </dd>
          <dt>Reason</dt>
          <dd>{current.comment}</dd>
          {current.releasedAt && (
            <>
              <dt>Ended</dt>
              <dd>
                {formatTime(current.releasedAt)}
                {current.releasedBy ? ` by ${current.releasedBy}` : ' on schedule'}
                {current.releasedLate && (
                  <>
                    {' '}
                    <Badge tone="medium" label="Late: the bridge was down at the end" />
                  </>
                )}
              </dd>
            </>
          )}
        </dl>
      )}
      {!current && !lockdown.error && lockdown.loading && <p className="muted">Loading…</p>}
      {neverLocked && <p className="muted">This host has never been locked down.</p>}
      {editable && (
        <div className="button-row">
          {!running && state !== 'releasing' && (
            <button type="button" className="button button-danger" onClick={() => setDialog('lock')}>
              Lock host
            </button>
          )}
          {running && (
            <button type="button" className="button" onClick={() => setDialog('unlock')}>
              Unlock now
            </button>
          )}
        </div>
      )}
      <ActionResultMessage result={result} />
      {editable && (
        <>
          <LockDialog host={host} open={dialog === 'lock'} onClose={() => setDialog(null)} onDone={changed} />
          <UnlockDialog
            host={host}
            endsAt={current?.endsAt}
            open={dialog === 'unlock'}
            onClose={() => setDialog(null)}
            onDone={changed}
          />
        </>
      )}
    </section>
  );
}

function LockDialog({
  host,
  open,
  onClose,
  onDone,
}: {
  host: HostDetail;
  open: boolean;
  onClose: () => void;
  onDone: (result: ActionResult) => void;
}) {
  const id = useId();
  const [choice, setChoice] = useState('4h');
  const [custom, setCustom] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const duration = choice === 'custom' ? custom.trim() : choice;
  const durationOk = choice !== 'custom' || customMinutes(custom) !== null;

  const close = () => {
    setComment('');
    setError(undefined);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!durationOk || !comment.trim()) return;
    setBusy(true);
    try {
      const answer = await api.post<LockdownAnswer>(`/hosts/${encodeURIComponent(host.id)}/lockdown`, {
        duration,
        comment: comment.trim(),
      });
      setComment('');
      setError(undefined);
      onDone(
        isApprovalRequired(answer)
          ? describeApprovalWait(answer.approval, `Lockdown for ${duration}`)
          : { tone: 'success', text: `Lockdown for ${duration} requested — isolating in Defender` },
      );
    } catch (failure) {
      // Kept in the dialog: a 400 names the bad field and a 409 says a lockdown is already active.
      setError(describeFailure(failure).text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Lock ${host.name}?`} open={open} onClose={close}>
      <form onSubmit={submit}>
        <p>
          The device is isolated from the network now and released automatically when the time is up, even if
          the bridge restarts in between.
        </p>
        <div className="field">
          <label htmlFor={`${id}-duration`}>Duration</label>
          <select id={`${id}-duration`} value={choice} onChange={(event) => setChoice(event.target.value)}>
            {durations.map((value) => (
              <option key={value} value={value}>
                {value.replace('h', ' h')}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </div>
        {choice === 'custom' && (
          <div className={`field ${custom && !durationOk ? 'field-invalid' : ''}`}>
            <label htmlFor={`${id}-custom`}>Custom duration</label>
            <input
              id={`${id}-custom`}
              value={custom}
              placeholder="90m"
              autoComplete="off"
              onChange={(event) => setCustom(event.target.value)}
            />
            <div className="field-hint">Minutes or hours, e.g. 90m or 36h; from 15m to 72h.</div>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-comment`}>Comment</label>
          <textarea
            id={`${id}-comment`}
            required
            maxLength={1000}
            rows={3}
            value={comment}
            placeholder="Why — recorded in Defender and in the audit log"
            onChange={(event) => setComment(event.target.value)}
          />
        </div>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-danger"
            disabled={!durationOk || !comment.trim() || busy}
          >
            {busy ? 'Locking…' : 'Lock'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function UnlockDialog({
  host,
  endsAt,
  open,
  onClose,
  onDone,
}: {
  host: HostDetail;
  endsAt: string | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (result: ActionResult) => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const close = () => {
    setComment('');
    setError(undefined);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.delete<Lockdown>(
        `/hosts/${encodeURIComponent(host.id)}/lockdown`,
        // Always an object: the route validates the body even when the comment is left out.
        comment.trim() ? { comment: comment.trim() } : {},
      );
      setComment('');
      setError(undefined);
      onDone({ tone: 'success', text: 'Unlock requested — releasing from isolation in Defender' });
    } catch (failure) {
      setError(describeFailure(failure).text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Unlock ${host.name} now?`} open={open} onClose={close}>
      <form onSubmit={submit}>
        <p>
          The device is released from isolation now
          {endsAt ? `, not at the scheduled ${formatTime(endsAt)}` : ''}.
        </p>
        <div className="field">
          <label htmlFor={`${id}-comment`}>Comment (optional)</label>
          <textarea
            id={`${id}-comment`}
            maxLength={1000}
            rows={2}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
          />
        </div>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
