import { EmptyState } from '../components/status.js';

/** OS profiles (C7): list with member counts, a profile's members, the rules editor. Arrives with issue 6. */
export function ProfilesPage({ id }: { id?: string } = {}) {
  return <EmptyState title="Profiles">{id ? `Profile ${id}` : 'No profiles yet.'}</EmptyState>;
}
