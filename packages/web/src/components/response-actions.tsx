import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import type {
  IsolationState,
  Permission,
  ResponseActionBody,
  ResponseActionType,
  ResponseRequest,
} from '../api/types.js';
import { type ActionAnswer, type Approval, isApprovalRequired } from '../api/types-detections.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { Dialog } from './dialog.js';

interface ActionText {
  button: string;
  title: (host: string) => string;
  requested: string;
  permission: Permission;
}

// Isolation and app restriction change what a device may do, so they share lockdown.edit with the lockdown
// widget; a scan and an investigation package only read the device (actions.scan). The API checks the same.
export const responseActions: Record<ResponseActionType, ActionText> = {
  isolate: {
    button: 'Isolate',
    title: (host) => `Isolate ${host}?`,
    requested: 'Isolation requested',
    permission: 'lockdown.edit',
  },
  release: {
    button: 'Release',
    title: (host) => `Release ${host} from isolation?`,
    requested: 'Release from isolation requested',
    permission: 'lockdown.edit',
  },
  scan: {
    button: 'Run scan',
    title: (host) => `Run an antivirus scan on ${host}?`,
    requested: 'Antivirus scan requested',
    permission: 'actions.scan',
  },
  restrict: {
    button: 'Restrict apps',
    title: (host) => `Restrict app execution on ${host}?`,
    requested: 'App restriction requested',
    permission: 'lockdown.edit',
  },
  unrestrict: {
    button: 'Unrestrict apps',
    title: (host) => `Remove the app restriction on ${host}?`,
    requested: 'Removal of the app restriction requested',
    permission: 'lockdown.edit',
  },
  collect: {
    button: 'Collect package',
    title: (host) => `Collect an investigation package from ${host}?`,
    requested: 'Investigation package requested',
    permission: 'actions.scan',
  },
};

/** Release while isolated or on the way there; Isolate otherwise (a race between the two is refused by the API). */
export function isolationAction(state: IsolationState): 'isolate' | 'release' {
  return state === 'isolated' || state === 'isolating' ? 'release' : 'isolate';
}

export interface ActionResult {
  tone: 'success' | 'error' | 'info';
  text: string;
  /** Set when the request waits for a second person (202 approvalRequired): links to the approvals page. */
  approval?: Approval;
}

/** The 202 `{approvalRequired, approval}` answer: nothing was sent to Defender yet. */
export function describeApprovalWait(approval: Approval, what: string): ActionResult {
  return {
    tone: 'info',
    text: `${what} is waiting for approval: another person with the permission must approve it before anything is sent to Defender.`,
    approval,
  };
}

function describeRequest(request: ResponseRequest): ActionResult {
  const { requested } = responseActions[request.type];
  if (request.state === 'failed' || request.state === 'cancelled') {
    return {
      tone: 'error',
      text: `${requested}, but it ${request.state}: ${request.error ?? 'no reason given'}`,
    };
  }
  if (request.state === 'succeeded') return { tone: 'success', text: `${requested} — done in Defender` };
  const again = request.deduplicated
    ? ' (already in flight: the same request was reused, nothing sent twice)'
    : '';
  return { tone: 'success', text: `${requested} — pending in Defender${again}` };
}

/** 409 `action_conflict` and 422 `not_supported` carry the reason in the message; 403 names no reason. */
export function describeFailure(failure: unknown): ActionResult {
  if (failure instanceof ApiError && failure.status === 403) {
    return {
      tone: 'error',
      text: 'You do not have permission for this action. Ask an administrator for the role that grants it.',
    };
  }
  return { tone: 'error', text: (failure as Error).message };
}

/** The outcome of a response action or lockdown request, announced politely to screen readers. */
export function ActionResultMessage({ result }: { result: ActionResult | null }) {
  if (!result) return null;
  return (
    <div className={`notice notice-${result.tone}`} role="status">
      {result.text}
      {result.approval && (
        <>
          {' '}
          <Link href="/approvals">See approvals</Link>
        </>
      )}
    </div>
  );
}

/** One response action's button and its confirmation dialog (a comment is required, as Defender records it). */
export function ResponseActionButton({
  host,
  type,
  small = false,
  onResult,
}: {
  host: { id: string; name: string };
  type: ResponseActionType;
  small?: boolean;
  onResult: (result: ActionResult) => void;
}) {
  const text = responseActions[type];
  const id = useId();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [isolationType, setIsolationType] = useState<'Full' | 'Selective'>('Full');
  const [scanType, setScanType] = useState<'Quick' | 'Full'>('Quick');
  const [busy, setBusy] = useState(false);

  const close = () => {
    setOpen(false);
    setComment('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!comment.trim()) return;
    const body: ResponseActionBody = { type, comment: comment.trim() };
    if (type === 'isolate') body.isolationType = isolationType;
    if (type === 'scan') body.scanType = scanType;
    setBusy(true);
    try {
      const answer = await api.post<ActionAnswer>(`/hosts/${encodeURIComponent(host.id)}/actions`, body);
      onResult(
        isApprovalRequired(answer)
          ? describeApprovalWait(answer.approval, responseActions[type].button)
          : describeRequest(answer),
      );
    } catch (failure) {
      onResult(describeFailure(failure));
    } finally {
      setBusy(false);
      close();
    }
  };

  const danger = type === 'isolate' || type === 'restrict';
  return (
    <>
      <button
        type="button"
        className={`button ${small ? 'button-small' : ''} ${danger ? 'button-danger' : ''}`}
        aria-label={small ? `${text.button} ${host.name}` : undefined}
        onClick={() => setOpen(true)}
      >
        {text.button}
      </button>
      <Dialog title={text.title(host.name)} open={open} onClose={close}>
        <form onSubmit={submit}>
          {type === 'isolate' && (
            <div className="field">
              <label htmlFor={`${id}-isolation`}>Isolation type</label>
              <select
                id={`${id}-isolation`}
                value={isolationType}
                onChange={(event) => setIsolationType(event.target.value as 'Full' | 'Selective')}
              >
                <option value="Full">Full — cut off every connection but Defender's</option>
                <option value="Selective">Selective — keep Outlook, Teams and Skype</option>
              </select>
            </div>
          )}
          {type === 'scan' && (
            <div className="field">
              <label htmlFor={`${id}-scan`}>Scan type</label>
              <select
                id={`${id}-scan`}
                value={scanType}
                onChange={(event) => setScanType(event.target.value as 'Quick' | 'Full')}
              >
                <option value="Quick">Quick</option>
                <option value="Full">Full</option>
              </select>
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
          <div className="dialog-buttons">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${danger ? 'button-danger' : 'button-primary'}`}
              disabled={!comment.trim() || busy}
            >
              {busy ? 'Sending…' : text.button}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/** The host page's response actions, each shown only with its permission and only where it makes sense. */
export function ResponseActionsBar({
  host,
  onRequested,
}: {
  host: { id: string; name: string; isolationState: IsolationState };
  onRequested: () => void;
}) {
  const { can } = useSession();
  const [result, setResult] = useState<ActionResult | null>(null);
  const types: ResponseActionType[] = [
    isolationAction(host.isolationState),
    'scan',
    'restrict',
    'unrestrict',
    'collect',
  ];
  const allowed = types.filter((type) => can(responseActions[type].permission));
  if (allowed.length === 0) return null;
  return (
    <div className="stack">
      <div className="button-row">
        {allowed.map((type) => (
          <ResponseActionButton
            key={type}
            host={host}
            type={type}
            onResult={(next) => {
              setResult(next);
              onRequested();
            }}
          />
        ))}
      </div>
      <ActionResultMessage result={result} />
    </div>
  );
}
