import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import type { ListPage, Permission } from '../api/types.js';
import { type Approval, ApprovalStates } from '../api/types-detections.js';
import { useApi } from '../api/use-api.js';
import { Badge, type Tone } from '../components/badge.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Dialog } from '../components/dialog.js';
import { useListState } from '../components/list-state.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../components/status.js';
import { formatRelative, formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

// Four-eyes approvals (issue 7): isolate, restrict, collect and lockdown on devices of an approval-rule group (or
// asked by a policy with requireApproval) wait here until a second person holding the action's permission
// approves. Pending ones are shown first; the requester sees "waiting for another person" instead of Approve.

const stateTones: Record<string, Tone> = {
  pending: 'progress',
  approved: 'ok',
  rejected: 'neutral',
  expired: 'medium',
  failed: 'high',
};

/** The permission the API asks of whoever approves (or rejects): the action's own. */
export function approvalPermission(approval: Approval): Permission {
  return approval.kind === 'action' && approval.actionType === 'collect' ? 'actions.scan' : 'lockdown.edit';
}

function actionText(a: Approval): string {
  if (a.kind === 'lockdown')
    return `Lockdown for ${a.duration ?? '?'}${a.isolationType ? ` (${a.isolationType})` : ''}`;
  const extra = a.isolationType ?? a.scanType;
  return `${humanize(a.actionType)}${extra ? ` (${extra})` : ''}`;
}

/** 403 self_approval and 409 not_pending said plainly; anything else as the API put it. */
function describeDecisionFailure(failure: unknown): string {
  if (failure instanceof ApiError) {
    if (failure.code === 'self_approval')
      return 'You asked for this yourself: another person holding the permission must approve it.';
    if (failure.code === 'not_pending')
      return 'This request is no longer pending: someone already decided it, or it expired.';
    if (failure.status === 403 && failure.code === 'forbidden')
      return 'You do not have the permission this action needs, so you cannot decide it.';
  }
  return (failure as Error).message;
}

function DecideDialog({
  approval,
  verdict,
  onClose,
  onDone,
}: {
  approval: Approval;
  verdict: 'approve' | 'reject' | 'withdraw';
  onClose: () => void;
  onDone: (text: string, ok: boolean) => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const needsComment = verdict !== 'approve';
  const host = approval.hostName ?? approval.machineId;
  const title =
    verdict === 'approve'
      ? `Approve: ${actionText(approval)} on ${host}?`
      : verdict === 'reject'
        ? `Reject: ${actionText(approval)} on ${host}?`
        : `Withdraw your request: ${actionText(approval)} on ${host}?`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (needsComment && !comment.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const route = verdict === 'approve' ? 'approve' : 'reject';
      const body = comment.trim() ? { comment: comment.trim() } : {};
      const result = await api.post<Approval>(`/approvals/${encodeURIComponent(approval.id)}/${route}`, body);
      onDone(
        result.state === 'approved'
          ? `Approved: ${actionText(result)} on ${host} has been requested.`
          : result.state === 'failed'
            ? `Approved, but carrying it out failed: ${result.error ?? 'no reason given'}`
            : verdict === 'withdraw'
              ? 'Your request was withdrawn.'
              : `Rejected: ${actionText(result)} on ${host} will not happen.`,
        result.state !== 'failed',
      );
    } catch (failure) {
      // Decided or expired meanwhile: close and show the list as it is now; anything else stays in the dialog.
      if (failure instanceof ApiError && failure.code === 'not_pending')
        onDone(describeDecisionFailure(failure), false);
      else setError(describeDecisionFailure(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} open onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          Requested by <strong>{approval.requestedBy}</strong> {formatRelative(approval.requestedAt)}:{' '}
          <em>{approval.comment}</em>
        </p>
        <div className="field">
          <label htmlFor={`${id}-comment`}>{needsComment ? 'Comment' : 'Comment (optional)'}</label>
          <textarea
            id={`${id}-comment`}
            required={needsComment}
            maxLength={1000}
            rows={3}
            value={comment}
            placeholder={needsComment ? 'Why — recorded in the audit log' : ''}
            onChange={(event) => setComment(event.target.value)}
          />
        </div>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${verdict === 'approve' ? 'button-primary' : 'button-danger'}`}
            disabled={busy || (needsComment && !comment.trim())}
          >
            {busy
              ? 'Sending…'
              : verdict === 'approve'
                ? 'Approve'
                : verdict === 'reject'
                  ? 'Reject'
                  : 'Withdraw'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ApprovalsPage() {
  const { me, can } = useSession();
  const list = useListState(['state']);
  const stateFilter = list.filters.state || 'pending';
  const approvals = useApi(
    () =>
      api.get<ListPage<Approval>>('/approvals', {
        state: stateFilter === 'all' ? undefined : stateFilter,
        page: list.page,
        pageSize: list.pageSize,
      }),
    `approvals?${stateFilter}:${list.page}:${list.pageSize}`,
    10_000,
  );
  const [deciding, setDeciding] = useState<{
    approval: Approval;
    verdict: 'approve' | 'reject' | 'withdraw';
  } | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const myName = me?.user?.username ?? me?.token?.name ?? null;

  const columns: Column<Approval>[] = [
    {
      key: 'host',
      header: 'Host',
      render: (a) => (
        <Link href={`/hosts/${encodeURIComponent(a.machineId)}`}>{a.hostName ?? a.machineId}</Link>
      ),
    },
    { key: 'action', header: 'Action', render: (a) => <span className="strong">{actionText(a)}</span> },
    {
      key: 'reason',
      header: 'Reason',
      render: (a) => (
        <>
          <span className="clamp">{a.comment}</span>
          {a.reason && <div className="muted small">{a.reason}</div>}
          {a.detectionId && (
            <div className="small">
              <Link href={`/detections/${encodeURIComponent(a.detectionId)}`}>From a detection</Link>
            </div>
          )}
        </>
      ),
    },
    {
      key: 'requested',
      header: 'Requested',
      render: (a) => (
        <>
          {a.requestedBy}{' '}
          <span className="muted small" title={formatTime(a.requestedAt)}>
            {formatRelative(a.requestedAt)}
          </span>
        </>
      ),
    },
    {
      key: 'expires',
      header: 'Expires',
      className: 'nowrap',
      render: (a) =>
        a.state === 'pending' ? (
          <span title={formatTime(a.expiresAt)}>{formatRelative(a.expiresAt)}</span>
        ) : (
          '—'
        ),
    },
    {
      key: 'state',
      header: 'State',
      render: (a) => (
        <>
          <Badge tone={stateTones[a.state] ?? 'neutral'} label={humanize(a.state)} />
          {a.decidedBy && (
            <div className="muted small">
              by {a.decidedBy}
              {a.decisionComment ? `: ${a.decisionComment}` : ''}
            </div>
          )}
          {a.error && <div className="small text-error">{a.error}</div>}
        </>
      ),
    },
    {
      key: 'decide',
      header: 'Decision',
      render: (a) => {
        if (a.state !== 'pending') return null;
        const mine = myName !== null && a.requestedBy === myName;
        const allowed = can(approvalPermission(a));
        const host = a.hostName ?? a.machineId;
        if (mine) {
          return (
            <div className="approval-actions">
              <span className="muted">Waiting for another person</span>
              <button
                type="button"
                className="button button-small"
                aria-label={`Withdraw ${actionText(a)} on ${host}`}
                onClick={() => setDeciding({ approval: a, verdict: 'withdraw' })}
              >
                Withdraw
              </button>
            </div>
          );
        }
        if (!allowed) return <span className="muted small">Needs {approvalPermission(a)}</span>;
        return (
          <div className="approval-actions">
            <button
              type="button"
              className="button button-small button-primary"
              aria-label={`Approve ${actionText(a)} on ${host}`}
              onClick={() => setDeciding({ approval: a, verdict: 'approve' })}
            >
              Approve
            </button>
            <button
              type="button"
              className="button button-small button-danger"
              aria-label={`Reject ${actionText(a)} on ${host}`}
              onClick={() => setDeciding({ approval: a, verdict: 'reject' })}
            >
              Reject
            </button>
          </div>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title="Approvals"
        subtitle="Actions waiting for a second person: isolate, restrict, collect and lockdown on guarded devices"
      />
      <div className="filter-bar">
        <div className="filter">
          <label htmlFor="approval-state">State</label>
          <select
            id="approval-state"
            value={stateFilter}
            onChange={(event) =>
              list.setFilter('state', event.target.value === 'pending' ? '' : event.target.value)
            }
          >
            {ApprovalStates.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
            <option value="all">All</option>
          </select>
        </div>
      </div>
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {approvals.error && <ErrorMessage error={approvals.error} onRetry={approvals.reload} />}
      {!approvals.data && !approvals.error && <Loading />}
      {approvals.data &&
        (approvals.data.items.length === 0 && approvals.data.page <= 1 ? (
          <EmptyState
            title={
              stateFilter === 'pending' ? 'Nothing is waiting for approval.' : 'No approvals in this state.'
            }
          >
            Approval rules and policies that need approval are set under{' '}
            <Link href="/settings/lockdown-policies">Lockdown policies</Link>.
          </EmptyState>
        ) : (
          <div
            className={`card card-flush ${approvals.loading ? 'is-loading' : ''}`}
            aria-busy={approvals.loading}
          >
            <DataTable
              caption="Approvals"
              columns={columns}
              rows={approvals.data.items}
              rowKey={(a) => a.id}
            />
            <Pager
              page={approvals.data.page}
              pageSize={approvals.data.pageSize}
              total={approvals.data.total}
              onPage={list.setPage}
              onPageSize={list.setPageSize}
            />
          </div>
        ))}
      {deciding && (
        <DecideDialog
          key={deciding.approval.id}
          approval={deciding.approval}
          verdict={deciding.verdict}
          onClose={() => setDeciding(null)}
          onDone={(text, ok) => {
            setDeciding(null);
            setMessage({ text, ok });
            approvals.reload();
          }}
        />
      )}
    </>
  );
}
