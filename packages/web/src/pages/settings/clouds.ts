// The cloud profiles of packages/client/src/clouds/cloud-profiles.ts, hard-coded here because the UI never
// imports client or server code. Keep the two lists in step.
export const clouds: readonly { value: string; label: string }[] = [
  { value: 'commercial', label: 'Commercial (worldwide) — api.securitycenter.microsoft.com' },
  { value: 'commercial-security', label: 'Commercial (worldwide) — api.security.microsoft.com' },
  { value: 'commercial-legacy', label: 'Commercial (worldwide) — api.securitycenter.windows.com (oldest)' },
  { value: 'us', label: 'Commercial, United States geo host' },
  { value: 'eu', label: 'Commercial, Europe geo host' },
  { value: 'uk', label: 'Commercial, United Kingdom geo host' },
  { value: 'au', label: 'Commercial, Australia geo host' },
  { value: 'swa', label: 'Commercial, geo host swa' },
  { value: 'ina', label: 'Commercial, geo host ina' },
  { value: 'aea', label: 'Commercial, geo host aea' },
  { value: 'api-us', label: 'Commercial, United States (old style api-us)' },
  { value: 'api-eu', label: 'Commercial, Europe (old style api-eu)' },
  { value: 'api-uk', label: 'Commercial, United Kingdom (old style api-uk)' },
  { value: 'api-au', label: 'Commercial, Australia (old style api-au)' },
  { value: 'gcc', label: 'US Government GCC' },
  { value: 'gcc-high', label: 'US Government GCC High' },
  { value: 'dod', label: 'US Government DoD' },
  { value: 'custom', label: 'Custom (enter the API and login URLs)' },
];

export function cloudLabel(value: string): string {
  const label = clouds.find((cloud) => cloud.value === value)?.label ?? value;
  return label.split(' — ')[0].replace(/ \(.*\)$/, '');
}
