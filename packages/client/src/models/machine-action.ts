import { type Static, Type } from 'typebox';
import { KeyValuePair, Nullable } from './common.js';

// Spec 4.3, 5.2, 5.3. Samples: machine_action_offboard_pending.json (real mock, full modern key set),
// machine_action_stop_and_quarantine_pending.json (real key set, 2020), machine_action_live_response_pending.json
// (doc), machine_actions_list.json (doc; uses the wrong name lastUpdateTimeUtc).

/** MachineAction.type values. */
export const MachineActionTypes = [
  'RunAntiVirusScan',
  'Offboard',
  'LiveResponse',
  'CollectInvestigationPackage',
  'Isolate',
  'Unisolate',
  'StopAndQuarantineFile',
  'RestrictCodeExecution',
  'UnrestrictCodeExecution',
] as const;
export type MachineActionType = (typeof MachineActionTypes)[number];

/** MachineAction.status values. Pending/InProgress are non-final. */
export const MachineActionStatuses = [
  'Pending',
  'InProgress',
  'Succeeded',
  'Failed',
  'TimeOut',
  'Cancelled',
] as const;
export type MachineActionStatus = (typeof MachineActionStatuses)[number];

/** `IsolationType` request values (isolate). */
export const IsolationTypes = ['Full', 'Selective', 'UnManagedDevice'] as const;
/** `ScanType` request values (runAntiVirusScan). */
export const ScanTypes = ['Quick', 'Full'] as const;
/** RelatedFileInfo.fileIdentifierType values. */
export const FileIdentifierTypes = ['Sha1', 'Sha256', 'Md5'] as const;
/** Live response command types (request order: PutFile, RunScript, GetFile). */
export const LiveResponseCommandTypes = ['PutFile', 'RunScript', 'GetFile'] as const;
/** Live response commandStatus values. */
export const LiveResponseCommandStatuses = ['Created', 'Completed', 'Failed'] as const;
/** MachineAction.requestSource values; only PublicApi seen. */
export const RequestSources = ['PublicApi'] as const;

/** MachineAction.relatedFileInfo (StopAndQuarantineFile). */
export const RelatedFileInfo = Type.Object({
  fileIdentifier: Type.String(),
  fileIdentifierType: Type.String(), // FileIdentifierTypes
});
export type RelatedFileInfo = Static<typeof RelatedFileInfo>;

/** MachineAction.commands[] item (LiveResponse only). */
export const LiveResponseCommand = Type.Object({
  index: Type.Integer(),
  startTime: Nullable(Type.String()),
  endTime: Nullable(Type.String()),
  commandStatus: Type.String(), // LiveResponseCommandStatuses
  errors: Type.Array(Type.Unknown()), // only [] seen; item shape UNSURE (likely strings)
  command: Type.Object({
    type: Type.String(), // LiveResponseCommandTypes
    params: Type.Array(KeyValuePair), // keys: PutFile FileName; RunScript ScriptName, Args; GetFile Path
  }),
});
export type LiveResponseCommand = Static<typeof LiveResponseCommand>;

/**
 * Required = keys present in every MachineAction sample (offboard, stop-and-quarantine, live response),
 * except that the doc list example's `lastUpdateTimeUtc` is treated as the doc error it is.
 * Optional = keys missing from at least one sample (the older/doc ones). A freshly created action from
 * today's API carries all of them (offboard sample); emulators should emit them all.
 */
export const MachineAction = Type.Object({
  id: Type.String(), // GUID (samples anonymised)
  type: Type.String(), // MachineActionTypes
  title: Type.Optional(Nullable(Type.String())), // null in every real sample
  requestor: Type.String(), // UPN, or for app tokens the client id (2022) / display name (2026) — UNSURE
  requestorComment: Type.String(),
  status: Type.String(), // MachineActionStatuses
  machineId: Nullable(Type.String()), // null on a just-created Offboard action
  computerDnsName: Nullable(Type.String()),
  creationDateTimeUtc: Type.String(),
  lastUpdateDateTimeUtc: Type.String(), // real name; doc list example writes lastUpdateTimeUtc
  cancellationRequestor: Type.Optional(Nullable(Type.String())),
  cancellationComment: Type.Optional(Nullable(Type.String())),
  cancellationDateTimeUtc: Type.Optional(Nullable(Type.String())),
  errorHResult: Type.Optional(Type.Integer()), // 0 normally; absent in the 2018 doc list example
  scope: Type.Optional(Nullable(Type.String())), // Full/Selective (isolate), Quick/Full (scan); null while Pending — UNSURE
  externalId: Type.Optional(Nullable(Type.String())), // doc spells externalID; wire uses externalId
  requestSource: Type.Optional(Type.String()), // RequestSources
  relatedFileInfo: Type.Optional(Nullable(RelatedFileInfo)),
  commands: Type.Optional(Type.Array(LiveResponseCommand)), // [] except LiveResponse; absent in the doc list example
  troubleshootInfo: Type.Optional(Nullable(Type.String())),
});
export type MachineAction = Static<typeof MachineAction>;

/**
 * Automated investigation (`/api/investigations/{id}`; path UNSURE). Key set from the XSOAR mock and a
 * doc-style body in a 2025 recorded envelope (swimlane get_investigation). Nullability UNSURE: the
 * sample has `""` for cancelledBy/statusDetails.
 */
export const Investigation = Type.Object({
  id: Type.String(),
  startTime: Type.String(),
  endTime: Nullable(Type.String()),
  state: Type.String(), // e.g. Running; likely InvestigationStates (UNSURE)
  cancelledBy: Nullable(Type.String()),
  statusDetails: Nullable(Type.String()),
  machineId: Type.String(),
  computerDnsName: Type.String(),
  triggeringAlertId: Nullable(Type.String()),
});
export type Investigation = Static<typeof Investigation>;
