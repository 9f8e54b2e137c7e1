/**
 * The advanced hunting tables the bridge checks queries against (spec defender-api.md §7.4, the same list the
 * emulator serves): name → columns with their KQL types. `GET /hunting/schema` shows them; the KQL check gives
 * them to Microsoft's analyzer so unknown tables and columns are caught before any quota is spent.
 */

export type KqlColumnType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'guid';

export interface HuntingTableSchema {
  name: string;
  columns: { name: string; type: KqlColumnType }[];
}

/** `Name:type` pairs per table, in the documented order. */
const TABLES: Record<string, string> = {
  DeviceInfo:
    'Timestamp:datetime DeviceId:string DeviceName:string ClientVersion:string PublicIP:string ' +
    'OSArchitecture:string OSPlatform:string OSBuild:long IsAzureADJoined:bool JoinType:string ' +
    'AadDeviceId:string LoggedOnUsers:string RegistryDeviceTag:string OSVersion:string ' +
    'MachineGroup:string ReportId:long OnboardingStatus:string AdditionalFields:string ' +
    'DeviceCategory:string DeviceType:string DeviceSubtype:string Model:string Vendor:string ' +
    'OSDistribution:string OSVersionInfo:string MergedDeviceIds:string MergedToDeviceId:string ' +
    'IsInternetFacing:bool SensorHealthState:string IsExcluded:bool ExclusionReason:string ' +
    'ExposureLevel:string AssetValue:string DeviceManualTags:string DeviceDynamicTags:string ' +
    'ConnectivityType:string HostDeviceId:string',
  DeviceNetworkInfo:
    'Timestamp:datetime DeviceId:string DeviceName:string NetworkAdapterName:string MacAddress:string ' +
    'NetworkAdapterType:string NetworkAdapterStatus:string TunnelType:string ConnectedNetworks:string ' +
    'DnsAddresses:string IPv4Dhcp:string IPv6Dhcp:string DefaultGateways:string IPAddresses:string ' +
    'ReportId:long NetworkAdapterVendor:string',
  DeviceProcessEvents:
    'Timestamp:datetime DeviceId:string DeviceName:string ActionType:string FileName:string ' +
    'FolderPath:string SHA1:string SHA256:string MD5:string FileSize:long ' +
    'ProcessVersionInfoCompanyName:string ProcessVersionInfoProductName:string ' +
    'ProcessVersionInfoProductVersion:string ProcessVersionInfoInternalFileName:string ' +
    'ProcessVersionInfoOriginalFileName:string ProcessVersionInfoFileDescription:string ProcessId:long ' +
    'ProcessCommandLine:string ProcessIntegrityLevel:string ProcessTokenElevation:string ' +
    'ProcessCreationTime:datetime AccountDomain:string AccountName:string AccountSid:string ' +
    'AccountUpn:string AccountObjectId:string LogonId:long InitiatingProcessAccountDomain:string ' +
    'InitiatingProcessAccountName:string InitiatingProcessAccountSid:string ' +
    'InitiatingProcessAccountUpn:string InitiatingProcessAccountObjectId:string ' +
    'InitiatingProcessLogonId:long InitiatingProcessIntegrityLevel:string ' +
    'InitiatingProcessTokenElevation:string InitiatingProcessSHA1:string InitiatingProcessSHA256:string ' +
    'InitiatingProcessMD5:string InitiatingProcessFileName:string InitiatingProcessFileSize:long ' +
    'InitiatingProcessVersionInfoCompanyName:string InitiatingProcessVersionInfoProductName:string ' +
    'InitiatingProcessVersionInfoProductVersion:string ' +
    'InitiatingProcessVersionInfoInternalFileName:string ' +
    'InitiatingProcessVersionInfoOriginalFileName:string ' +
    'InitiatingProcessVersionInfoFileDescription:string InitiatingProcessId:long ' +
    'InitiatingProcessCommandLine:string InitiatingProcessCreationTime:datetime ' +
    'InitiatingProcessFolderPath:string InitiatingProcessParentId:long ' +
    'InitiatingProcessParentFileName:string InitiatingProcessParentCreationTime:datetime ' +
    'InitiatingProcessSignerType:string InitiatingProcessSignatureStatus:string ReportId:long ' +
    'AppGuardContainerId:string AdditionalFields:string',
  DeviceNetworkEvents:
    'Timestamp:datetime DeviceId:string DeviceName:string ActionType:string RemoteIP:string ' +
    'RemotePort:int RemoteUrl:string LocalIP:string LocalPort:int Protocol:string LocalIPType:string ' +
    'RemoteIPType:string InitiatingProcessSHA1:string InitiatingProcessSHA256:string ' +
    'InitiatingProcessMD5:string InitiatingProcessFileName:string InitiatingProcessFileSize:long ' +
    'InitiatingProcessVersionInfoCompanyName:string InitiatingProcessVersionInfoProductName:string ' +
    'InitiatingProcessVersionInfoProductVersion:string ' +
    'InitiatingProcessVersionInfoInternalFileName:string ' +
    'InitiatingProcessVersionInfoOriginalFileName:string ' +
    'InitiatingProcessVersionInfoFileDescription:string InitiatingProcessId:long ' +
    'InitiatingProcessCommandLine:string InitiatingProcessCreationTime:datetime ' +
    'InitiatingProcessFolderPath:string InitiatingProcessParentFileName:string ' +
    'InitiatingProcessParentId:long InitiatingProcessParentCreationTime:datetime ' +
    'InitiatingProcessAccountDomain:string InitiatingProcessAccountName:string ' +
    'InitiatingProcessAccountSid:string InitiatingProcessAccountUpn:string ' +
    'InitiatingProcessAccountObjectId:string InitiatingProcessIntegrityLevel:string ' +
    'InitiatingProcessTokenElevation:string ReportId:long AppGuardContainerId:string ' +
    'AdditionalFields:string InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool ' +
    'InitiatingProcessRemoteSessionDeviceName:string InitiatingProcessRemoteSessionIP:string',
  DeviceFileEvents:
    'Timestamp:datetime DeviceId:string DeviceName:string ActionType:string FileName:string ' +
    'FolderPath:string SHA1:string SHA256:string MD5:string FileOriginUrl:string ' +
    'FileOriginReferrerUrl:string FileOriginIP:string PreviousFolderPath:string PreviousFileName:string ' +
    'FileSize:long InitiatingProcessAccountDomain:string InitiatingProcessAccountName:string ' +
    'InitiatingProcessAccountSid:string InitiatingProcessAccountUpn:string ' +
    'InitiatingProcessAccountObjectId:string InitiatingProcessMD5:string InitiatingProcessSHA1:string ' +
    'InitiatingProcessSHA256:string InitiatingProcessFolderPath:string InitiatingProcessFileName:string ' +
    'InitiatingProcessFileSize:long InitiatingProcessVersionInfoCompanyName:string ' +
    'InitiatingProcessVersionInfoProductName:string InitiatingProcessVersionInfoProductVersion:string ' +
    'InitiatingProcessVersionInfoInternalFileName:string ' +
    'InitiatingProcessVersionInfoOriginalFileName:string ' +
    'InitiatingProcessVersionInfoFileDescription:string InitiatingProcessId:long ' +
    'InitiatingProcessCommandLine:string InitiatingProcessCreationTime:datetime ' +
    'InitiatingProcessIntegrityLevel:string InitiatingProcessTokenElevation:string ' +
    'InitiatingProcessParentId:long InitiatingProcessParentFileName:string ' +
    'InitiatingProcessParentCreationTime:datetime RequestProtocol:string RequestSourceIP:string ' +
    'RequestSourcePort:int RequestAccountName:string RequestAccountDomain:string RequestAccountSid:string ' +
    'ShareName:string SensitivityLabel:string SensitivitySubLabel:string ' +
    'IsAzureInfoProtectionApplied:bool ReportId:long AppGuardContainerId:string AdditionalFields:string ' +
    'InitiatingProcessSessionId:long IsInitiatingProcessRemoteSession:bool ' +
    'InitiatingProcessRemoteSessionDeviceName:string InitiatingProcessRemoteSessionIP:string',
  DeviceLogonEvents:
    'Timestamp:datetime DeviceId:string DeviceName:string ActionType:string LogonType:string ' +
    'AccountDomain:string AccountName:string AccountSid:string Protocol:string FailureReason:string ' +
    'IsLocalAdmin:bool LogonId:long RemoteDeviceName:string RemoteIP:string RemoteIPType:string ' +
    'RemotePort:int InitiatingProcessAccountDomain:string InitiatingProcessAccountName:string ' +
    'InitiatingProcessAccountSid:string InitiatingProcessAccountUpn:string ' +
    'InitiatingProcessAccountObjectId:string InitiatingProcessIntegrityLevel:string ' +
    'InitiatingProcessTokenElevation:string InitiatingProcessSHA1:string InitiatingProcessSHA256:string ' +
    'InitiatingProcessMD5:string InitiatingProcessFileName:string InitiatingProcessFileSize:long ' +
    'InitiatingProcessVersionInfoCompanyName:string InitiatingProcessVersionInfoProductName:string ' +
    'InitiatingProcessVersionInfoProductVersion:string ' +
    'InitiatingProcessVersionInfoInternalFileName:string ' +
    'InitiatingProcessVersionInfoOriginalFileName:string ' +
    'InitiatingProcessVersionInfoFileDescription:string InitiatingProcessId:long ' +
    'InitiatingProcessCommandLine:string InitiatingProcessCreationTime:datetime ' +
    'InitiatingProcessFolderPath:string InitiatingProcessParentId:long ' +
    'InitiatingProcessParentFileName:string InitiatingProcessParentCreationTime:datetime ReportId:long ' +
    'AppGuardContainerId:string AdditionalFields:string InitiatingProcessSessionId:long ' +
    'IsInitiatingProcessRemoteSession:bool InitiatingProcessRemoteSessionDeviceName:string ' +
    'InitiatingProcessRemoteSessionIP:string',
  AlertInfo:
    'Timestamp:datetime AlertId:string Title:string Category:string Severity:string ServiceSource:string ' +
    'DetectionSource:string AttackTechniques:string',
  AlertEvidence:
    'Timestamp:datetime AlertId:string Title:string Categories:string AttackTechniques:string ' +
    'ServiceSource:string DetectionSource:string EntityType:string EvidenceRole:string ' +
    'EvidenceDirection:string FileName:string FolderPath:string SHA1:string SHA256:string FileSize:long ' +
    'ThreatFamily:string RemoteIP:string RemoteUrl:string AccountName:string AccountDomain:string ' +
    'AccountSid:string AccountObjectId:string AccountUpn:string DeviceId:string DeviceName:string ' +
    'LocalIP:string NetworkMessageId:string EmailSubject:string Application:string ApplicationId:int ' +
    'OAuthApplicationId:string ProcessCommandLine:string RegistryKey:string RegistryValueName:string ' +
    'RegistryValueData:string AdditionalFields:string Severity:string CloudResource:string ' +
    'CloudPlatform:string ResourceType:string ResourceID:string SubscriptionId:string',
  DeviceTvmSoftwareVulnerabilities:
    'DeviceId:string DeviceName:string OSPlatform:string OSVersion:string OSArchitecture:string ' +
    'SoftwareVendor:string SoftwareName:string SoftwareVersion:string CveId:string ' +
    'VulnerabilitySeverityLevel:string RecommendedSecurityUpdate:string ' +
    'RecommendedSecurityUpdateId:string CveTags:dynamic',
};

/** Every known table, columns in order. */
export const huntingTables: readonly HuntingTableSchema[] = Object.entries(TABLES).map(([name, text]) => ({
  name,
  columns: text
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const [column, type] = pair.split(':');
      return { name: column, type: type as KqlColumnType };
    }),
}));
