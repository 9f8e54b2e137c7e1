import { type Static, Type } from 'typebox';

// Spec 2.2 (v2 endpoint), 2.3 (v1 endpoint). No shared HTTP sample (token_claims_mde_app.json is a decoded JWT).

/** `POST /{tenant}/oauth2/v2.0/token` 200 body — numbers are JSON integers. */
export const TokenResponseV2 = Type.Object({
  token_type: Type.String(), // "Bearer"
  expires_in: Type.Integer(), // 3599
  ext_expires_in: Type.Integer(), // 3599 (a doc curl output shows 0)
  access_token: Type.String(),
});
export type TokenResponseV2 = Static<typeof TokenResponseV2>;

/** `POST /{tenant}/oauth2/token` 200 body — v1 numbers are STRINGS (general Entra v1 behaviour, not MDE specific). */
export const TokenResponseV1 = Type.Object({
  token_type: Type.String(),
  expires_in: Type.String(), // "3599"
  ext_expires_in: Type.String(),
  expires_on: Type.String(), // unix seconds
  not_before: Type.String(), // unix seconds
  resource: Type.String(),
  access_token: Type.String(),
});
export type TokenResponseV1 = Static<typeof TokenResponseV1>;
