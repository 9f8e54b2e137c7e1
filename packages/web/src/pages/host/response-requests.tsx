import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { HostDetail, ListPage, ResponseRequest } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { type Column, DataTable } from '../../components/data-table.js';
import { responseActions } from '../../components/response-actions.js';
import { EmptyState, ErrorMessage, Loading } from '../../components/status.js';
import { formatTime } from '../../format.js';

const columns: Column<ResponseRequest>[] = [
  {
    key: 'requestedAt',
    header: 'Requested',
    className: 'nowrap',
    render: (r) => formatTime(r.requestedAt),
  },
  {
    key: 'type',
    header: 'Action',
    render: (r) => (
      <>
        {responseActions[r.type]?.button ?? r.type}
        {(r.isolationType ?? r.scanType) && <span className="muted"> ({r.isolationType ?? r.scanType})</span>}
      </>
    ),
  },
  { key: 'state', header: 'State', render: (r) => <Badge value={r.state} /> },
  { key: 'defender', header: 'Defender status', render: (r) => r.defenderStatus ?? '—' },
  { key: 'requestedBy', header: 'Requested by', render: (r) => r.requestedBy },
  { key: 'comment', header: 'Comment', render: (r) => <span className="clamp">{r.comment}</span> },
  {
    key: 'outcome',
    header: 'Completed',
    render: (r) =>
      r.error ? <span className="text-bad">{r.error}</span> : r.completedAt ? formatTime(r.completedAt) : '—',
  },
];

/** The bridge's response requests for a host (newest first), refreshed while any is still in flight. */
export function ResponseRequestsList({ host }: { host: HostDetail }) {
  const path = `/hosts/${encodeURIComponent(host.id)}/response-requests`;
  const [pollMs, setPollMs] = useState<number>();
  const list = useApi(() => api.get<ListPage<ResponseRequest>>(path), path, pollMs);
  const inFlight = list.data?.items.some((r) => r.state === 'sending' || r.state === 'pending') ?? false;
  useEffect(() => setPollMs(inFlight ? 5000 : undefined), [inFlight]);
  const data = list.data;
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  if (!data) return <Loading />;
  if (data.items.length === 0) {
    return <EmptyState title="No response action has been requested through the bridge for this host." />;
  }
  return (
    <div className="card card-flush">
      <DataTable
        caption={`Response requests for ${host.name}`}
        columns={columns}
        rows={data.items}
        rowKey={(r) => r.id}
      />
    </div>
  );
}
