/** Gives bearer tokens for the Defender API or Graph; cached and renewed before expiry. */
export interface TokenProvider {
  getToken(
    resource: 'defender' | 'graph',
    options?: { forceRefresh?: boolean; signal?: AbortSignal },
  ): Promise<string>;
}
