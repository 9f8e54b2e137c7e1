import { api } from '../../api/client.js';
import type { ListPage, Profile, ProfileMember } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { type Column, DataTable } from '../../components/data-table.js';
import { useListState } from '../../components/list-state.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, ErrorMessage, Loading } from '../../components/status.js';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { ActionBadges, KindBadge, MatchScoreBadge } from './profile-badges.js';

const columns: Column<ProfileMember>[] = [
  {
    key: 'name',
    header: 'Name',
    render: (m) =>
      m.kind === 'device' ? (
        <Link href={`/hosts/${encodeURIComponent(m.id)}`}>{m.name ?? m.id}</Link>
      ) : (
        (m.name ?? m.id)
      ),
  },
  {
    key: 'kind',
    header: 'Kind',
    render: (m) => (m.kind === 'device' ? 'Defender device' : 'Unmanaged endpoint'),
  },
  { key: 'tenant', header: 'Tenant', render: (m) => m.tenantName ?? '—' },
  { key: 'score', header: 'Match score', render: (m) => <MatchScoreBadge score={m.matchScore} /> },
  { key: 'assigned', header: 'In profile since', render: (m) => formatTime(m.assignedAt) },
];

/** One profile: what it is, what its OS supports, and its members (paged, linking to host pages). */
export function ProfileDetail({ id }: { id: string }) {
  const list = useListState([], { pageSize: 50 });
  const path = `/profiles/${encodeURIComponent(id)}`;
  const profile = useApi(() => api.get<Profile>(path), path);
  const members = useApi(
    () => api.get<ListPage<ProfileMember>>(`${path}/members`, { page: list.page, pageSize: list.pageSize }),
    `${path}?${list.key}`,
  );

  if (profile.error) return <ErrorMessage error={profile.error} onRetry={profile.reload} />;
  if (!profile.data) return <Loading />;
  const p = profile.data;
  return (
    <>
      <PageHeader
        title={p.name}
        subtitle={
          <>
            <KindBadge kind={p.kind} />{' '}
            {p.tenantName ? `Tenant ${p.tenantName}` : 'Standard profile (all tenants)'}
            {p.os && ` · ${p.os}${p.osVersion ? ` ${p.osVersion}` : ''}`} ·{' '}
            <Link href="/profiles">All profiles</Link>
          </>
        }
      />
      <section className="card">
        <h2 className="card-title">Supported response actions</h2>
        <ActionBadges actions={p.supportedActions} />
        {p.kind === 'standard' && (
          <p className="muted small">
            Standard profiles are a guess from host names and observed attributes, so they promise no actions.
          </p>
        )}
      </section>
      <section className="card card-flush">
        <h2 className="card-title">Members ({p.memberCount.toLocaleString()})</h2>
        {members.error && <ErrorMessage error={members.error} onRetry={members.reload} />}
        {!members.data && !members.error && <Loading />}
        {members.data &&
          (members.data.total === 0 ? (
            <EmptyState title="No members.">Nothing you may see is in this profile now.</EmptyState>
          ) : (
            <>
              <DataTable
                caption={`Members of ${p.name}`}
                columns={columns}
                rows={members.data.items}
                rowKey={(m) => `${m.kind}/${m.tenantId ?? ''}/${m.id}`}
              />
              <Pager
                page={members.data.page}
                pageSize={members.data.pageSize}
                total={members.data.total}
                onPage={list.setPage}
                onPageSize={list.setPageSize}
              />
            </>
          ))}
      </section>
    </>
  );
}
