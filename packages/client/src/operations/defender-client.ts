import type { TSchema } from 'typebox';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { MsalTokenProvider } from '../auth/index.js';
import type { TokenProvider } from '../auth/types.js';
import { resolveCloud } from '../clouds/index.js';
import type { CloudProfile } from '../clouds/types.js';
import {
  ActionAlreadyPending,
  DefenderApiError,
  LicenseFeatureUnavailable,
  PermissionMissing,
} from '../errors.js';
import { TokenBucketGovernor } from '../governor/index.js';
import type { ApiFamily, Governor, Priority } from '../governor/types.js';
import {
  Alert,
  ConfigurationScore,
  ExposureScore,
  ExposureScoreByMachineGroup,
  FileInfo,
  FileStats,
  GraphAlert,
  GraphHuntingResponse,
  HuntingResponse,
  Indicator,
  Investigation,
  LogonUser,
  Machine,
  MachineAction,
  MachineReference,
  MachineVulnerability,
  MissingKb,
  Recommendation,
  Software,
  Vulnerability,
} from '../models/index.js';
import { createPipeline, parseJsonResponse } from '../pipeline/index.js';
import type { FetchLike, Logger, PipelineRequest, SendRequest, Timer } from '../pipeline/types.js';
import { nextLinkList, type PagedList, pagedList } from './paging.js';
import { tolerant } from './tolerant.js';

export interface DefenderClientOptions {
  tenantId: string;
  clientId: string;
  /** A client secret, or a certificate (PEM with its private key, or the key separately). */
  credential: { clientSecret: string } | { certificatePem: string; privateKeyPem?: string };
  /** A profile name from `cloudNames()` (default `commercial`) or a profile. */
  cloud?: string | CloudProfile;
  /** Overrides of the profile's URLs (an emulator, a private endpoint). */
  apiUrl?: string;
  loginUrl?: string;
  graphUrl?: string;
  /** HTTP(S) proxy for every call, Entra included (`http://proxy:3128`). */
  proxy?: string;
  /** The transport seam; default global fetch (or undici through the proxy). */
  fetch?: FetchLike;
  logger?: Logger;
  /** Share one governor between clients of a process (or across processes through its store). */
  governor?: Governor;
  tokenProvider?: TokenProvider;
  timer?: Timer;
  timeoutInMs?: number;
  maxRetries?: number;
  totalDeadlineInMs?: number;
  /** Page size for `$top`/`$skip` walks (max 10,000; 8,000 for vulnerabilities). */
  pageSize?: number;
}

/** Per-call options: an abort signal and the governor priority. */
export interface CallOptions {
  signal?: AbortSignal;
  priority?: Priority;
}

export interface ListOptions extends CallOptions {
  /** OData `$filter` expression, passed as given. */
  filter?: string;
  orderby?: string;
  /** Ask for the next `$top`/`$skip` page while the caller works on the current one (bulk sync). */
  readAhead?: boolean;
}

export interface Call {
  method: PipelineRequest['method'];
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  family: ApiFamily;
  operation: string;
  graph?: boolean;
  priority: Priority;
  /** Roles that allow this call, named in `PermissionMissing`. */
  roles: string[];
  signal?: AbortSignal;
}

const READ_MACHINES = ['Machine.Read.All', 'Machine.ReadWrite.All'];
const READ_ALERTS = ['Alert.Read.All', 'Alert.ReadWrite.All'];

/**
 * Typed client for the Defender for Endpoint API and the Graph security endpoints the bridge uses.
 *
 * @example
 * const client = new DefenderClient({ tenantId, clientId, credential: { clientSecret } });
 * for await (const machine of client.listMachines({ filter: "healthStatus eq 'Active'" })) console.log(machine.id);
 */
export class DefenderClient {
  readonly cloud: CloudProfile;
  readonly governor: Governor;
  readonly tokens: TokenProvider;
  readonly fetch: FetchLike;
  private readonly send: SendRequest;
  private readonly pageSize: number;

  constructor(readonly options: DefenderClientOptions) {
    const base = typeof options.cloud === 'object' ? options.cloud : undefined;
    this.cloud = resolveCloud({
      cloud: typeof options.cloud === 'string' ? options.cloud : base ? undefined : 'commercial',
      ...(base ?? {}),
      ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
      ...(options.loginUrl ? { loginUrl: options.loginUrl } : {}),
      ...(options.graphUrl ? { graphUrl: options.graphUrl } : {}),
    });
    this.fetch = options.fetch ?? proxiedFetch(options.proxy);
    this.governor = options.governor ?? new TokenBucketGovernor({ timer: options.timer });
    this.tokens =
      options.tokenProvider ??
      new MsalTokenProvider({
        tenantId: options.tenantId,
        clientId: options.clientId,
        credential: options.credential,
        cloud: this.cloud,
        fetch: this.fetch,
        logger: options.logger,
      });
    this.pageSize = Math.min(options.pageSize ?? 10_000, 10_000);
    this.send = createPipeline({
      fetch: this.fetch,
      tokenProvider: this.tokens,
      governor: this.governor,
      tenantId: options.tenantId,
      clientId: options.clientId,
      logger: options.logger,
      timer: options.timer,
      timeoutInMs: options.timeoutInMs,
      maxRetries: options.maxRetries,
      totalDeadlineInMs: options.totalDeadlineInMs,
    });
  }

  // ---- machines -------------------------------------------------------------------------------

  /** Every machine, walked with `$top`/`$skip` (safe past 10,000); `state.complete` says if it finished. */
  listMachines(o: ListOptions = {}): PagedList<Machine> {
    return this.odataList('/api/machines', Machine, 'machines', 'listMachines', READ_MACHINES, o);
  }

  getMachine(idOrName: string, o: CallOptions = {}): Promise<Machine> {
    return this.entity(`/api/machines/${seg(idOrName)}`, Machine, 'machines', 'getMachine', READ_MACHINES, o);
  }

  /** Devices that had `ip` within ±15 minutes of `at` (at most 30 days back). */
  findMachinesByIp(ip: string, at: Date, o: CallOptions = {}): Promise<Machine[]> {
    const path = `/api/machines/findbyip(ip='${ip.replaceAll("'", '')}',timestamp=${at.toISOString()})`;
    return this.items(path, Machine, 'machines', 'findMachinesByIp', READ_MACHINES, o);
  }

  findMachinesByTag(tag: string, o: CallOptions & { startsWith?: boolean } = {}): Promise<Machine[]> {
    return this.items('/api/machines/findbytag', Machine, 'machines', 'findMachinesByTag', READ_MACHINES, o, {
      tag,
      useStartsWithFilter: String(o.startsWith ?? false),
    });
  }

  listMachineLogonUsers(id: string, o: CallOptions = {}): Promise<LogonUser[]> {
    return this.items(
      `/api/machines/${seg(id)}/logonusers`,
      LogonUser,
      'machines',
      'listMachineLogonUsers',
      READ_MACHINES,
      o,
    );
  }

  listMachineAlerts(id: string, o: CallOptions = {}): Promise<Alert[]> {
    return this.items(
      `/api/machines/${seg(id)}/alerts`,
      Alert,
      'machines',
      'listMachineAlerts',
      READ_ALERTS,
      o,
    );
  }

  listMachineVulnerabilities(id: string, o: CallOptions = {}): Promise<Vulnerability[]> {
    const path = `/api/machines/${seg(id)}/vulnerabilities`;
    return this.items(
      path,
      Vulnerability,
      'machineVulnerabilities',
      'listMachineVulnerabilities',
      ['Vulnerability.Read.All'],
      o,
    );
  }

  listMachineSoftware(id: string, o: CallOptions = {}): Promise<Software[]> {
    return this.items(
      `/api/machines/${seg(id)}/software`,
      Software,
      'software',
      'listMachineSoftware',
      ['Software.Read.All'],
      o,
    );
  }

  listMachineRecommendations(id: string, o: CallOptions = {}): Promise<Recommendation[]> {
    const path = `/api/machines/${seg(id)}/recommendations`;
    return this.items(
      path,
      Recommendation,
      'recommendations',
      'listMachineRecommendations',
      ['SecurityRecommendation.Read.All'],
      o,
    );
  }

  listMachineMissingKbs(id: string, o: CallOptions = {}): Promise<MissingKb[]> {
    return this.items(
      `/api/machines/${seg(id)}/getmissingkbs`,
      MissingKb,
      'software',
      'listMachineMissingKbs',
      ['Software.Read.All'],
      o,
    );
  }

  tagMachine(id: string, tag: string, action: 'Add' | 'Remove', o: CallOptions = {}): Promise<Machine> {
    return this.post(
      `/api/machines/${seg(id)}/tags`,
      { Value: tag, Action: action },
      Machine,
      'machines',
      'tagMachine',
      ['Machine.ReadWrite.All'],
      o,
    );
  }

  setDeviceValue(id: string, value: 'Normal' | 'Low' | 'High', o: CallOptions = {}): Promise<Machine> {
    return this.post(
      `/api/machines/${seg(id)}/setDeviceValue`,
      { DeviceValue: value },
      Machine,
      'machines',
      'setDeviceValue',
      ['Machine.ReadWrite.All'],
      o,
    );
  }

  // ---- response actions (priority `response` unless told otherwise) ------------------------------

  isolateMachine(
    id: string,
    a: { comment: string; isolationType?: 'Full' | 'Selective' },
    o: CallOptions = {},
  ): Promise<MachineAction> {
    return this.action(
      id,
      'isolate',
      { Comment: a.comment, IsolationType: a.isolationType ?? 'Full' },
      ['Machine.Isolate'],
      o,
    );
  }

  unisolateMachine(id: string, a: { comment: string }, o: CallOptions = {}): Promise<MachineAction> {
    return this.action(id, 'unisolate', { Comment: a.comment }, ['Machine.Isolate'], o);
  }

  runAntivirusScan(
    id: string,
    a: { comment: string; scanType?: 'Quick' | 'Full' },
    o: CallOptions = {},
  ): Promise<MachineAction> {
    return this.action(
      id,
      'runAntiVirusScan',
      { Comment: a.comment, ScanType: a.scanType ?? 'Quick' },
      ['Machine.Scan'],
      o,
    );
  }

  restrictCodeExecution(id: string, a: { comment: string }, o: CallOptions = {}): Promise<MachineAction> {
    return this.action(id, 'restrictCodeExecution', { Comment: a.comment }, ['Machine.RestrictExecution'], o);
  }

  unrestrictCodeExecution(id: string, a: { comment: string }, o: CallOptions = {}): Promise<MachineAction> {
    return this.action(
      id,
      'unrestrictCodeExecution',
      { Comment: a.comment },
      ['Machine.RestrictExecution'],
      o,
    );
  }

  collectInvestigationPackage(
    id: string,
    a: { comment: string },
    o: CallOptions = {},
  ): Promise<MachineAction> {
    return this.action(
      id,
      'collectInvestigationPackage',
      { Comment: a.comment },
      ['Machine.CollectForensics'],
      o,
    );
  }

  offboardMachine(id: string, a: { comment: string }, o: CallOptions = {}): Promise<MachineAction> {
    return this.action(id, 'offboard', { Comment: a.comment }, ['Machine.Offboard'], o);
  }

  stopAndQuarantineFile(
    id: string,
    a: { comment: string; sha1: string },
    o: CallOptions = {},
  ): Promise<MachineAction> {
    return this.action(
      id,
      'StopAndQuarantineFile',
      { Comment: a.comment, Sha1: a.sha1 },
      ['Machine.StopAndQuarantine'],
      o,
    );
  }

  runLiveResponse(
    id: string,
    a: {
      comment: string;
      commands: { type: 'PutFile' | 'RunScript' | 'GetFile'; params: { key: string; value: string }[] }[];
    },
    o: CallOptions = {},
  ): Promise<MachineAction> {
    return this.action(
      id,
      'runliveresponse',
      { Comment: a.comment, Commands: a.commands },
      ['Machine.LiveResponse'],
      o,
      'liveResponse',
    );
  }

  startInvestigation(id: string, a: { comment: string }, o: CallOptions = {}): Promise<Investigation> {
    return this.post(
      `/api/machines/${seg(id)}/startInvestigation`,
      { Comment: a.comment },
      Investigation,
      'responseActions',
      'startInvestigation',
      ['Alert.ReadWrite.All'],
      { priority: 'response', ...o },
    );
  }

  cancelMachineAction(actionId: string, a: { comment: string }, o: CallOptions = {}): Promise<MachineAction> {
    return this.post(
      `/api/machineactions/${seg(actionId)}/cancel`,
      { Comment: a.comment },
      MachineAction,
      'machineActions',
      'cancelMachineAction',
      ['Machine.Isolate', 'Machine.Scan'],
      { priority: 'response', ...o },
    );
  }

  /** Machine actions; sweep with `filter: "lastUpdateDateTimeUtc ge …"` to derive isolation state in bulk. */
  listMachineActions(o: ListOptions = {}): PagedList<MachineAction> {
    return this.odataList(
      '/api/machineactions',
      MachineAction,
      'machineActions',
      'listMachineActions',
      READ_MACHINES,
      o,
    );
  }

  getMachineAction(id: string, o: CallOptions = {}): Promise<MachineAction> {
    return this.entity(
      `/api/machineactions/${seg(id)}`,
      MachineAction,
      'machineActions',
      'getMachineAction',
      READ_MACHINES,
      o,
    );
  }

  async getInvestigationPackageUri(actionId: string, o: CallOptions = {}): Promise<string> {
    const body = await this.call<{ value: string }>({
      method: 'GET',
      path: `/api/machineactions/${seg(actionId)}/getPackageUri`,
      family: 'packageUri',
      operation: 'getInvestigationPackageUri',
      roles: READ_MACHINES,
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return body.value;
  }

  async getLiveResponseResultDownloadLink(
    actionId: string,
    index: number,
    o: CallOptions = {},
  ): Promise<string> {
    const path = `/api/machineactions/${seg(actionId)}/GetLiveResponseResultDownloadLink(index=${Math.trunc(index)})`;
    const body = await this.call<{ value: string }>({
      method: 'GET',
      path,
      family: 'machineActions',
      operation: 'getLiveResponseResultDownloadLink',
      roles: READ_MACHINES,
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return body.value;
  }

  // ---- alerts -----------------------------------------------------------------------------------

  listAlerts(o: ListOptions & { expandEvidence?: boolean } = {}): PagedList<Alert> {
    return this.odataList(
      '/api/alerts',
      Alert,
      'alerts',
      'listAlerts',
      READ_ALERTS,
      { priority: 'polling', ...o },
      o.expandEvidence ? { $expand: 'evidence' } : {},
    );
  }

  getAlert(id: string, o: CallOptions = {}): Promise<Alert> {
    return this.entity(`/api/alerts/${seg(id)}`, Alert, 'alerts', 'getAlert', READ_ALERTS, o);
  }

  updateAlert(
    id: string,
    u: {
      status?: string;
      assignedTo?: string;
      classification?: string;
      determination?: string;
      comment?: string;
    },
    o: CallOptions = {},
  ): Promise<Alert> {
    return this.call({
      method: 'PATCH',
      path: `/api/alerts/${seg(id)}`,
      body: u,
      family: 'alerts',
      operation: 'updateAlert',
      roles: ['Alert.ReadWrite.All'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    }).then((b) => tolerant<Alert>(Alert, b));
  }

  async batchUpdateAlerts(
    alertIds: string[],
    u: {
      status?: string;
      assignedTo?: string;
      classification?: string;
      determination?: string;
      comment?: string;
    },
    o: CallOptions = {},
  ): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/api/alerts/batchUpdate',
      body: { alertIds, ...u },
      family: 'alertsBatch',
      operation: 'batchUpdateAlerts',
      roles: ['Alert.ReadWrite.All'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
  }

  // ---- vulnerabilities, software, recommendations, scores ----------------------------------------

  listVulnerabilities(o: ListOptions = {}): PagedList<Vulnerability> {
    return this.odataList(
      '/api/vulnerabilities',
      Vulnerability,
      'vulnerabilities',
      'listVulnerabilities',
      ['Vulnerability.Read.All'],
      o,
      {},
      8_000,
    );
  }

  getVulnerability(id: string, o: CallOptions = {}): Promise<Vulnerability> {
    return this.entity(
      `/api/vulnerabilities/${seg(id)}`,
      Vulnerability,
      'vulnerabilities',
      'getVulnerability',
      ['Vulnerability.Read.All'],
      o,
    );
  }

  listVulnerabilityMachineReferences(id: string, o: CallOptions = {}): Promise<MachineReference[]> {
    return this.items(
      `/api/vulnerabilities/${seg(id)}/machineReferences`,
      MachineReference,
      'vulnerabilities',
      'listVulnerabilityMachineReferences',
      ['Vulnerability.Read.All'],
      o,
    );
  }

  /** Every (device, CVE) row: the TVM export, walked in pages. */
  listMachineVulnerabilityRows(o: ListOptions = {}): PagedList<MachineVulnerability> {
    return this.odataList(
      '/api/vulnerabilities/machinesVulnerabilities',
      MachineVulnerability,
      'vulnerabilities',
      'listMachineVulnerabilityRows',
      ['Vulnerability.Read.All'],
      o,
    );
  }

  listSoftware(o: ListOptions = {}): PagedList<Software> {
    return this.odataList('/api/Software', Software, 'software', 'listSoftware', ['Software.Read.All'], o);
  }

  getSoftware(id: string, o: CallOptions = {}): Promise<Software> {
    return this.entity(
      `/api/Software/${seg(id)}`,
      Software,
      'software',
      'getSoftware',
      ['Software.Read.All'],
      o,
    );
  }

  listSoftwareMachineReferences(id: string, o: CallOptions = {}): Promise<MachineReference[]> {
    return this.items(
      `/api/Software/${seg(id)}/machineReferences`,
      MachineReference,
      'software',
      'listSoftwareMachineReferences',
      ['Software.Read.All'],
      o,
    );
  }

  listSoftwareVulnerabilities(id: string, o: CallOptions = {}): Promise<Vulnerability[]> {
    return this.items(
      `/api/Software/${seg(id)}/vulnerabilities`,
      Vulnerability,
      'software',
      'listSoftwareVulnerabilities',
      ['Vulnerability.Read.All'],
      o,
    );
  }

  listRecommendations(o: ListOptions = {}): PagedList<Recommendation> {
    return this.odataList(
      '/api/recommendations',
      Recommendation,
      'recommendations',
      'listRecommendations',
      ['SecurityRecommendation.Read.All'],
      o,
    );
  }

  getRecommendation(id: string, o: CallOptions = {}): Promise<Recommendation> {
    return this.entity(
      `/api/recommendations/${seg(id)}`,
      Recommendation,
      'recommendations',
      'getRecommendation',
      ['SecurityRecommendation.Read.All'],
      o,
    );
  }

  listRecommendationMachineReferences(id: string, o: CallOptions = {}): Promise<MachineReference[]> {
    return this.items(
      `/api/recommendations/${seg(id)}/machineReferences`,
      MachineReference,
      'recommendations',
      'listRecommendationMachineReferences',
      ['SecurityRecommendation.Read.All'],
      o,
    );
  }

  getExposureScore(o: CallOptions = {}): Promise<ExposureScore> {
    return this.entity(
      '/api/exposureScore',
      ExposureScore,
      'scores',
      'getExposureScore',
      ['Score.Read.All'],
      o,
    );
  }

  listExposureScoreByMachineGroups(o: CallOptions = {}): Promise<ExposureScoreByMachineGroup[]> {
    return this.items(
      '/api/exposureScore/ByMachineGroups',
      ExposureScoreByMachineGroup,
      'scores',
      'listExposureScoreByMachineGroups',
      ['Score.Read.All'],
      o,
    );
  }

  getConfigurationScore(o: CallOptions = {}): Promise<ConfigurationScore> {
    return this.entity(
      '/api/configurationScore',
      ConfigurationScore,
      'scores',
      'getConfigurationScore',
      ['Score.Read.All'],
      o,
    );
  }

  // ---- indicators and files ---------------------------------------------------------------------

  listIndicators(o: ListOptions = {}): PagedList<Indicator> {
    return this.odataList(
      '/api/indicators',
      Indicator,
      'indicators',
      'listIndicators',
      ['Ti.ReadWrite.All', 'Ti.ReadWrite'],
      o,
    );
  }

  submitIndicator(indicator: Record<string, unknown>, o: CallOptions = {}): Promise<Indicator> {
    return this.post(
      '/api/indicators',
      indicator,
      Indicator,
      'indicators',
      'submitIndicator',
      ['Ti.ReadWrite.All', 'Ti.ReadWrite'],
      o,
    );
  }

  async deleteIndicator(id: string, o: CallOptions = {}): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: `/api/indicators/${seg(id)}`,
      family: 'indicators',
      operation: 'deleteIndicator',
      roles: ['Ti.ReadWrite.All', 'Ti.ReadWrite'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
  }

  getFile(sha1: string, o: CallOptions = {}): Promise<FileInfo> {
    return this.entity(`/api/files/${seg(sha1)}`, FileInfo, 'files', 'getFile', ['File.Read.All'], o);
  }

  getFileStats(sha1: string, o: CallOptions = {}): Promise<FileStats> {
    return this.entity(
      `/api/files/${seg(sha1)}/stats`,
      FileStats,
      'files',
      'getFileStats',
      ['File.Read.All'],
      o,
    );
  }

  listFileMachines(sha1: string, o: CallOptions = {}): Promise<Machine[]> {
    return this.items(
      `/api/files/${seg(sha1)}/machines`,
      Machine,
      'files',
      'listFileMachines',
      READ_MACHINES,
      o,
    );
  }

  // ---- hunting ------------------------------------------------------------------------------------

  /** MDE advanced hunting (`/api/advancedqueries/run`): `{Stats, Schema, Results}`. */
  async runAdvancedQuery(query: string, o: CallOptions = {}): Promise<HuntingResponse> {
    const body = await this.call({
      method: 'POST',
      path: '/api/advancedqueries/run',
      body: { Query: query },
      family: 'hunting',
      operation: 'runAdvancedQuery',
      roles: ['AdvancedQuery.Read.All'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return tolerant<HuntingResponse>(HuntingResponse, body);
  }

  /** Graph `security/runHuntingQuery`, the successor of the MDE hunting API. */
  async runHuntingQuery(
    query: string,
    o: CallOptions & { timespan?: string } = {},
  ): Promise<GraphHuntingResponse> {
    const body = await this.call({
      method: 'POST',
      path: '/v1.0/security/runHuntingQuery',
      body: { Query: query, ...(o.timespan ? { Timespan: o.timespan } : {}) },
      family: 'hunting',
      graph: true,
      operation: 'runHuntingQuery',
      roles: ['ThreatHunting.Read.All'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return tolerant<GraphHuntingResponse>(GraphHuntingResponse, body);
  }

  // ---- Graph alerts_v2 ------------------------------------------------------------------------------

  listGraphAlerts(o: ListOptions & { top?: number } = {}): PagedList<GraphAlert> {
    const first = this.url(this.cloud.graphUrl, '/v1.0/security/alerts_v2', {
      $filter: o.filter,
      $top: o.top ? String(o.top) : undefined,
    });
    return nextLinkList(first.href, async (url) => {
      const target = new URL(url);
      const body = await this.call<{ value: unknown[]; '@odata.nextLink'?: string }>({
        method: 'GET',
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        family: 'graph',
        graph: true,
        operation: 'listGraphAlerts',
        roles: ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
        priority: o.priority ?? 'polling',
        signal: o.signal,
      });
      return {
        value: body.value.map((v) => tolerant<GraphAlert>(GraphAlert, v)),
        nextLink: body['@odata.nextLink'],
      };
    });
  }

  getGraphAlert(id: string, o: CallOptions = {}): Promise<GraphAlert> {
    return this.call({
      method: 'GET',
      path: `/v1.0/security/alerts_v2/${seg(id)}`,
      family: 'graph',
      graph: true,
      operation: 'getGraphAlert',
      roles: ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    }).then((b) => tolerant<GraphAlert>(GraphAlert, b));
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private odataList<T extends { id?: unknown }>(
    path: string,
    schema: TSchema,
    family: ApiFamily,
    operation: string,
    roles: string[],
    o: ListOptions,
    extra: Record<string, string> = {},
    maxTop = 10_000,
  ): PagedList<T> {
    const pageSize = Math.min(this.pageSize, maxTop);
    return pagedList<T>(
      async (skip, top) => {
        const query = {
          ...extra,
          $filter: o.filter,
          $orderby: o.orderby,
          $top: String(top),
          $skip: skip ? String(skip) : undefined,
        };
        const body = await this.call<{ value: unknown[] }>({
          method: 'GET',
          path,
          query,
          family,
          operation,
          roles,
          priority: o.priority ?? 'bulk',
          signal: o.signal,
        });
        return body.value.map((v) => tolerant<T>(schema, v));
      },
      { pageSize, idOf: (item) => String(item.id), readAhead: o.readAhead },
    );
  }

  private async items<T>(
    path: string,
    schema: TSchema,
    family: ApiFamily,
    operation: string,
    roles: string[],
    o: CallOptions,
    query?: Record<string, string>,
  ): Promise<T[]> {
    const body = await this.call<{ value: unknown[] }>({
      method: 'GET',
      path,
      query,
      family,
      operation,
      roles,
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return body.value.map((v) => tolerant<T>(schema, v));
  }

  private async entity<T>(
    path: string,
    schema: TSchema,
    family: ApiFamily,
    operation: string,
    roles: string[],
    o: CallOptions,
  ): Promise<T> {
    const body = await this.call({
      method: 'GET',
      path,
      family,
      operation,
      roles,
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return tolerant<T>(schema, stripContext(body));
  }

  private async post<T>(
    path: string,
    payload: unknown,
    schema: TSchema,
    family: ApiFamily,
    operation: string,
    roles: string[],
    o: CallOptions,
  ): Promise<T> {
    const body = await this.call({
      method: 'POST',
      path,
      body: payload,
      family,
      operation,
      roles,
      priority: o.priority ?? 'lookup',
      signal: o.signal,
    });
    return tolerant<T>(schema, stripContext(body));
  }

  private action(
    id: string,
    verb: string,
    payload: unknown,
    roles: string[],
    o: CallOptions,
    family: ApiFamily = 'responseActions',
  ): Promise<MachineAction> {
    return this.post(`/api/machines/${seg(id)}/${verb}`, payload, MachineAction, family, verb, roles, {
      priority: 'response',
      ...o,
    });
  }

  private url(origin: string, path: string, query?: Record<string, string | undefined>): URL {
    const url = new URL(path, `${origin}/`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  /** One call through the pipeline; wire errors become intent errors where a person can act on them. */
  async call<T = unknown>(c: Call): Promise<T> {
    const request: PipelineRequest = {
      method: c.method,
      url: this.url(c.graph ? this.cloud.graphUrl : this.cloud.apiUrl, c.path, c.query),
      headers: new Headers(c.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      family: c.family,
      priority: c.priority,
      resource: c.graph ? 'graph' : 'defender',
      operation: c.operation,
      signal: c.signal,
    };
    const response = await this.send(request);
    try {
      return parseJsonResponse<T>(request, response);
    } catch (err) {
      throw toIntentError(err, c);
    }
  }
}

function toIntentError(err: unknown, c: Call): unknown {
  if (!(err instanceof DefenderApiError)) return err;
  if (err.status === 403 && err.code === 'DisabledFeature') {
    return new LicenseFeatureUnavailable(
      `${c.operation}: the tenant's licence does not include this feature (403 DisabledFeature). Advanced hunting and live response need Defender for Endpoint Plan 2.`,
      { cause: err },
    );
  }
  if (err.status === 403) {
    return new PermissionMissing(
      c.roles,
      `${c.operation}: the application lacks the permission for this call; grant one of ${c.roles.join(', ')} (application permission, admin consent) to the app registration.`,
      { cause: err },
    );
  }
  if (err.status === 400 && err.code === 'ActiveRequestAlreadyExists') {
    return new ActionAlreadyPending(
      `${c.operation}: an action of this type is already pending on the device; wait for it or cancel it.`,
      { cause: err },
    );
  }
  return err;
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

function stripContext(body: unknown): unknown {
  if (body && typeof body === 'object' && '@odata.context' in body) {
    const { '@odata.context': _, ...rest } = body as Record<string, unknown>;
    return rest;
  }
  return body;
}

/** Global fetch, or undici's through a proxy (CONNECT tunnels, for http and https targets alike). */
function proxiedFetch(proxy: string | undefined): FetchLike {
  if (!proxy) return (input, init) => fetch(input, init);
  let uri: URL;
  try {
    uri = new URL(proxy);
  } catch {
    throw new Error(`proxy '${proxy}' is not a valid URL (expected http://host:port)`);
  }
  if (uri.protocol !== 'http:' && uri.protocol !== 'https:')
    throw new Error(`proxy '${proxy}' must be an http:// or https:// URL`);
  const dispatcher = new ProxyAgent({ uri: uri.href });
  return (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher }) as unknown as Promise<Response>;
}
