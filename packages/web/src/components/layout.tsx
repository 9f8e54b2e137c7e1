import type { ReactNode } from 'react';
import type { Permission } from '../api/types.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { ErrorBoundary } from './error-boundary.js';

interface NavItem {
  href: string;
  label: string;
  permission: Permission;
}

const main: NavItem[] = [
  { href: '/', label: 'Dashboard', permission: 'hosts.view' },
  { href: '/hosts', label: 'Hosts', permission: 'hosts.view' },
  { href: '/alerts', label: 'Alerts', permission: 'hosts.view' },
  { href: '/actions', label: 'Actions', permission: 'hosts.view' },
  { href: '/vulnerabilities', label: 'Vulnerabilities', permission: 'hosts.view' },
  { href: '/profiles', label: 'Profiles', permission: 'hosts.view' },
  { href: '/detections', label: 'Detections', permission: 'hosts.view' },
  { href: '/approvals', label: 'Approvals', permission: 'hosts.view' },
  { href: '/hunting', label: 'Hunting', permission: 'hunting.run' },
  { href: '/validations', label: 'Validations', permission: 'validation.run' },
];

const settings: NavItem[] = [
  { href: '/settings/tenants', label: 'Tenants', permission: 'config.view' },
  { href: '/settings/users', label: 'Users and roles', permission: 'users.manage' },
  { href: '/settings/tokens', label: 'API tokens', permission: 'users.manage' },
  { href: '/settings/webhooks', label: 'Webhooks', permission: 'config.view' },
  { href: '/settings/lockdown-policies', label: 'Lockdown policies', permission: 'config.view' },
  { href: '/settings/audit', label: 'Audit log', permission: 'audit.view' },
];

function isCurrent(href: string, pathname: string) {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, can, signOut } = useSession();
  const { pathname } = useLocation();
  const visible = (items: NavItem[]) => items.filter((item) => can(item.permission));
  const section = (items: NavItem[]) =>
    visible(items).map((item) => (
      <li key={item.href}>
        <Link
          href={item.href}
          className="nav-link"
          aria-current={isCurrent(item.href, pathname) ? 'page' : undefined}
        >
          {item.label}
        </Link>
      </li>
    ));
  const who = me?.user?.displayName || me?.user?.username || me?.token?.name || 'unknown';
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>
            <span className="brand-name">mde-bridge</span>
          </div>
          <nav aria-label="Main">
            <ul className="nav-list">{section(main)}</ul>
            {visible(settings).length > 0 && (
              <>
                <div className="nav-heading">Settings</div>
                <ul className="nav-list">{section(settings)}</ul>
              </>
            )}
          </nav>
          <div className="sidebar-user">
            <div className="user-name" title={me?.user?.username}>
              {who}
            </div>
            <div className="user-role">{me?.role.name}</div>
            <button type="button" className="button button-ghost button-small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="content">
        <ErrorBoundary key={pathname}>{children}</ErrorBoundary>
      </main>
    </div>
  );
}
