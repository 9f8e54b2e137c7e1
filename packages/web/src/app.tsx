import { type ReactNode, useEffect } from 'react';
import type { Permission } from './api/types.js';
import { Layout } from './components/layout.js';
import { EmptyState, Loading } from './components/status.js';
import { ActionsPage } from './pages/actions.js';
import { AlertsPage } from './pages/alerts.js';
import { ApprovalsPage } from './pages/approvals.js';
import { DashboardPage } from './pages/dashboard.js';
import { DetectionPage } from './pages/detection.js';
import { DetectionsPage } from './pages/detections.js';
import { HostPage } from './pages/host/host-page.js';
import { HostsPage } from './pages/hosts.js';
import { HuntingPage } from './pages/hunting.js';
import { LoginPage } from './pages/login.js';
import { ProfilesPage } from './pages/profiles.js';
import { AuditPage } from './pages/settings/audit.js';
import { LockdownPoliciesPage } from './pages/settings/lockdown-policies.js';
import { TenantFormPage } from './pages/settings/tenant-form.js';
import { TenantsPage } from './pages/settings/tenants.js';
import { TokensPage } from './pages/settings/tokens.js';
import { UsersPage } from './pages/settings/users.js';
import { WebhooksPage } from './pages/settings/webhooks.js';
import { ValidationPage } from './pages/validation.js';
import { ValidationsPage } from './pages/validations.js';
import { VulnerabilitiesPage } from './pages/vulnerabilities.js';
import { Link, matchPath, navigate, useLocation } from './router.js';
import { afterLogin, loginPath, useSession } from './session.js';

interface Route {
  path: string;
  permission: Permission;
  render: (params: Record<string, string>) => ReactNode;
}

// Order matters: `/settings/tenants/new` before `/settings/tenants/:id`.
const routes: Route[] = [
  { path: '/', permission: 'hosts.view', render: () => <DashboardPage /> },
  { path: '/hosts', permission: 'hosts.view', render: () => <HostsPage /> },
  { path: '/hosts/:id', permission: 'hosts.view', render: (p) => <HostPage key={p.id} id={p.id} /> },
  { path: '/alerts', permission: 'hosts.view', render: () => <AlertsPage /> },
  { path: '/actions', permission: 'hosts.view', render: () => <ActionsPage /> },
  { path: '/vulnerabilities', permission: 'hosts.view', render: () => <VulnerabilitiesPage /> },
  { path: '/profiles', permission: 'hosts.view', render: () => <ProfilesPage /> },
  { path: '/profiles/:id', permission: 'hosts.view', render: (p) => <ProfilesPage key={p.id} id={p.id} /> },
  { path: '/detections', permission: 'hosts.view', render: () => <DetectionsPage /> },
  {
    path: '/detections/:id',
    permission: 'hosts.view',
    render: (p) => <DetectionPage key={p.id} id={p.id} />,
  },
  { path: '/approvals', permission: 'hosts.view', render: () => <ApprovalsPage /> },
  { path: '/hunting', permission: 'hunting.run', render: () => <HuntingPage /> },
  { path: '/validations', permission: 'validation.run', render: () => <ValidationsPage /> },
  {
    path: '/validations/:id',
    permission: 'validation.run',
    render: (p) => <ValidationPage key={p.id} id={p.id} />,
  },
  { path: '/settings', permission: 'config.view', render: () => <TenantsPage /> },
  { path: '/settings/tenants', permission: 'config.view', render: () => <TenantsPage /> },
  { path: '/settings/tenants/new', permission: 'config.edit', render: () => <TenantFormPage /> },
  {
    path: '/settings/tenants/:id',
    permission: 'config.view',
    render: (p) => <TenantFormPage key={p.id} id={p.id} />,
  },
  { path: '/settings/users', permission: 'users.manage', render: () => <UsersPage /> },
  { path: '/settings/tokens', permission: 'users.manage', render: () => <TokensPage /> },
  { path: '/settings/audit', permission: 'audit.view', render: () => <AuditPage /> },
  { path: '/settings/webhooks', permission: 'config.view', render: () => <WebhooksPage /> },
  {
    path: '/settings/lockdown-policies',
    permission: 'config.view',
    render: () => <LockdownPoliciesPage />,
  },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const { me, checking, can } = useSession();
  const { pathname, search } = useLocation();

  if (pathname === '/login') return me ? <Redirect to={afterLogin(search)} /> : <LoginPage />;
  if (checking) return <Loading label="Checking your session…" />;
  if (!me) return <Redirect to={loginPath()} />;

  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    if (!can(route.permission)) {
      // The dashboard is home; a user who may only see settings lands on the tenants page instead.
      if (route.path === '/' && can('config.view')) return <Redirect to="/settings/tenants" />;
      return (
        <Layout>
          <h1>Not permitted</h1>
          <EmptyState title="Your role does not include this page.">
            It needs the <code>{route.permission}</code> permission. Ask an administrator to change your role.
          </EmptyState>
        </Layout>
      );
    }
    return <Layout>{route.render(params)}</Layout>;
  }
  return (
    <Layout>
      <h1>Page not found</h1>
      <EmptyState title="There is nothing at this address.">
        <Link href="/">Go to the dashboard</Link>
      </EmptyState>
    </Layout>
  );
}
