import type { Api, AppDeps } from '../types.js';
import { actionsRoutes } from './actions.js';
import { alertsRoutes } from './alerts.js';
import { approvalsRoutes } from './approvals.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { contextRoutes } from './context.js';
import { dashboardRoutes } from './dashboard.js';
import { detectionsRoutes } from './detections.js';
import { hostsRoutes } from './hosts.js';
import { huntingRoutes } from './hunting.js';
import { profilesRoutes } from './profiles.js';
import { responseRoutes } from './response.js';
import { riskRoutes } from './risk.js';
import { rolesRoutes } from './roles.js';
import { stitchingRoutes } from './stitching.js';
import { syncRoutes } from './sync.js';
import { tenantsRoutes } from './tenants.js';
import { tokensRoutes } from './tokens.js';
import { tvmRoutes } from './tvm.js';
import { usersRoutes } from './users.js';
import { validationsRoutes } from './validations.js';
import { webhooksRoutes } from './webhooks.js';

/** Every module of /api/v1, one per URL area (routes/ mirrors the URLs). */
export const apiRouteModules: ((api: Api, deps: AppDeps) => void | Promise<void>)[] = [
  authRoutes,
  usersRoutes,
  rolesRoutes,
  tokensRoutes,
  auditRoutes,
  tenantsRoutes,
  syncRoutes,
  hostsRoutes,
  alertsRoutes,
  actionsRoutes,
  tvmRoutes,
  dashboardRoutes,
  contextRoutes,
  riskRoutes,
  profilesRoutes,
  webhooksRoutes,
  responseRoutes,
  detectionsRoutes,
  approvalsRoutes,
  huntingRoutes,
  stitchingRoutes,
  validationsRoutes,
];
