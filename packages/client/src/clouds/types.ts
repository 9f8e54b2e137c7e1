/** Where one Defender environment lives. Every URL is an origin (scheme + host [+ port]), no trailing slash. */
export interface CloudProfile {
  /** `commercial`, `commercial-legacy`, `us`, `eu`, … , `gcc`, `gcc-high`, `dod`, `custom`. */
  name: string;
  description: string;
  /** Entra authority host, e.g. `https://login.microsoftonline.com`. */
  loginUrl: string;
  /** Defender API origin, e.g. `https://api.securitycenter.microsoft.com`. */
  apiUrl: string;
  /** Microsoft Graph origin, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  /** v2 scope for Defender tokens (`https://api.securitycenter.microsoft.com/.default`). */
  defenderScope: string;
  /** v1 resource / expected token `aud` for Defender. */
  defenderResource: string;
  /** v2 scope for Graph tokens. */
  graphScope: string;
  /** Defender portal origin for deep links, e.g. `https://security.microsoft.com`. */
  portalUrl: string;
  /** Spec source tags backing this entry (e.g. `[D: gov.md]`). Informational. */
  sources?: readonly string[];
  /** Human-readable notes on parts of this entry with weak or conflicting evidence (spec `UNSURE`). */
  unsure?: readonly string[];
  /** Set by `resolveCloud`: names of fields the caller overrode on top of the named profile. */
  overridden?: readonly string[];
}
