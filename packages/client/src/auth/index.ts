export { type ClientCertificate, loadClientCertificate } from './client-certificate.js';
export {
  type EntraErrorContext,
  type LoginTransportFailure,
  loginTransportError,
  toAuthenticationError,
} from './entra-errors.js';
export {
  authorityOptions,
  fetchNetworkClient,
  type MsalCredential,
  MsalTokenProvider,
  type MsalTokenProviderOptions,
} from './msal-token-provider.js';
export type { TokenProvider } from './types.js';
