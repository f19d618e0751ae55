/** Authenticators: credential → principal. None of them sees a Request. */
export { createApiKeyAuthenticator, parseApiKeys, formatApiKeys, generateApiKey, apiKeyId, API_KEY_SCOPES, MIN_API_KEY_LENGTH } from './api-keys.ts';
export type { ApiKeyAuthenticator, ApiKeyPrincipal, ApiKeyScope, ApiKeySpec } from './api-keys.ts';
export { readCookie } from './cookies.ts';
export { chooseCredential, originAllowed, TOKEN_COOKIE } from './credentials.ts';
export type { Credential, CredentialInput, CredentialPolicy } from './credentials.ts';
export { signDevToken, type DevTokenOptions } from './dev-token.ts';
export { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from './jwt.ts';
export { JWT_ALGORITHMS, MIN_SECRET_BYTES, isJwtAlgorithm, jwtKeyProblems, type JwtAlgorithm, type JwtKeySource } from './jwt-key.ts';
export { isTopicPattern, parseTopicsClaim, type UserPrincipal } from './principal.ts';
export { createTicketIssuer, hashTicket, MAX_TICKET_TTL_MS, type TicketIssuer, type TicketIssuerOptions } from './tickets.ts';
