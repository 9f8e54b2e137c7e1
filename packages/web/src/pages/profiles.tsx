import { api } from '../api/client.js';
import type { Profile } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { type Column, DataTable } from '../components/data-table.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorMessage, Loading } from '../components/status.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { ActionBadges, KindBadge } from './profiles/profile-badges.js';
import { ProfileDetail } from './profiles/profile-detail.js';
import { RulesEditor } from './profiles/rules-editor.js';

const columns: Column<Profile>[] = [
  {
    key: 'name',
    header: 'Profile',
    render: (p) => <Link href={`/profiles/${encodeURIComponent(p.id)}`}>{p.name}</Link>,
  },
  { key: 'kind', header: 'Kind', render: (p) => <KindBadge kind={p.kind} /> },
  { key: 'tenant', header: 'Tenant', render: (p) => p.tenantName ?? <span className="muted">all</span> },
  { key: 'os', header: 'OS', render: (p) => (p.os ? `${p.os}${p.osVersion ? ` ${p.osVersion}` : ''}` : '—') },
  { key: 'members', header: 'Members', render: (p) => p.memberCount.toLocaleString() },
  {
    key: 'actions',
    header: 'Supported actions',
    render: (p) => <ActionBadges actions={p.supportedActions} />,
  },
];

/** OS profiles (C7): the list with member counts, one profile's members, and the standard rules editor. */
export function ProfilesPage({ id }: { id?: string } = {}) {
  if (id) return <ProfileDetail id={id} />;
  return <ProfilesList />;
}

function ProfilesList() {
  const { can } = useSession();
  const profiles = useApi(() => api.get<{ items: Profile[] }>('/profiles'), 'profiles');
  return (
    <>
      <PageHeader
        title="Profiles"
        subtitle="Dynamic OS profiles from Defender (match score Very High) and standard profiles from the rules"
      />
      <section className="card card-flush">
        <h2 className="card-title">Profiles</h2>
        {profiles.error && <ErrorMessage error={profiles.error} onRetry={profiles.reload} />}
        {!profiles.data && !profiles.error && <Loading />}
        {profiles.data &&
          (profiles.data.items.length === 0 ? (
            <EmptyState title="No profiles yet.">
              They are made after each device sync of an enabled tenant, and by the standard rules.
            </EmptyState>
          ) : (
            <DataTable caption="Profiles" columns={columns} rows={profiles.data.items} rowKey={(p) => p.id} />
          ))}
      </section>
      {can('config.edit') && <RulesEditor onApplied={profiles.reload} />}
    </>
  );
}
