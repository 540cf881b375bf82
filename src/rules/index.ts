// The explicit, sorted registry of rules. A meta-test checks it against the files in this folder.

import collectionComplete from './coverage/collection-complete.ts';
import keyClassified from './coverage/key-classified.ts';
import publishedKeyInventoried from './coverage/published-key-inventoried.ts';
import waiverHygiene from './coverage/waiver-hygiene.ts';
import deletionProtected from './exposure/deletion-protected.ts';
import enclaveDebugAttestation from './exposure/enclave-debug-attestation.ts';
import hsmCustody from './exposure/hsm-custody.ts';
import keyAlgorithmAllowed from './exposure/key-algorithm-allowed.ts';
import keyMaterialInArtifact from './exposure/key-material-in-artifact.ts';
import knownCompromisedKey from './exposure/known-compromised-key.ts';
import memoryArtifactInUntrustedStore from './exposure/memory-artifact-in-untrusted-store.ts';
import noPublicNetworkAccess from './exposure/no-public-network-access.ts';
import noPublicPrincipal from './exposure/no-public-principal.ts';
import nonprodPrincipalAccess from './exposure/nonprod-principal-access.ts';
import publishedKeyPrivateMembers from './exposure/published-key-private-members.ts';
import releasePolicyDebugDisabled from './exposure/release-policy-debug-disabled.ts';
import keySetStructure from './keyset/key-set-structure.ts';
import publishedKeyStrength from './keyset/published-key-strength.ts';
import keyDeletionAlarm from './logging/key-deletion-alarm.ts';
import keyLogRetention from './logging/key-log-retention.ts';
import keyUseLogged from './logging/key-use-logged.ts';
import m365AuditEnabled from './logging/m365-audit-enabled.ts';
import tokenKeyLogging from './logging/token-key-logging.ts';
import trailTamperEvident from './logging/trail-tamper-evident.ts';
import automaticRotation from './rotation/automatic-rotation.ts';
import expiredKeyInUse from './rotation/expired-key-in-use.ts';
import expiryApproaching from './rotation/expiry-approaching.ts';
import expiryDateSet from './rotation/expiry-date-set.ts';
import keyAgeAlerting from './rotation/key-age-alerting.ts';
import keyMaterialMaxAge from './rotation/key-material-max-age.ts';
import keyPendingDeletion from './rotation/key-pending-deletion.ts';
import retiredKeyStillPublished from './rotation/retired-key-still-published.ts';
import rotationAutomationRequired from './rotation/rotation-automation-required.ts';
import rotationDrillRecent from './rotation/rotation-drill-recent.ts';
import supersededKeyRetired from './rotation/superseded-key-retired.ts';
import unusedKey from './rotation/unused-key.ts';
import adminUseSeparated from './scope/admin-use-separated.ts';
import crossScopeAccess from './scope/cross-scope-access.ts';
import grantHygiene from './scope/grant-hygiene.ts';
import keyPublishedInOneScope from './scope/key-published-in-one-scope.ts';
import keyRegionAllowed from './scope/key-region-allowed.ts';
import publishedKeySingleIssuer from './scope/published-key-single-issuer.ts';
import relyingPartyForeignKey from './scope/relying-party-foreign-key.ts';
import sharedEndpointIssuerValidation from './scope/shared-endpoint-issuer-validation.ts';
import sharedKeySetIssuerBinding from './scope/shared-key-set-issuer-binding.ts';
import signingKeySingleScope from './scope/signing-key-single-scope.ts';
import singlePurposeSigningKey from './scope/single-purpose-signing-key.ts';
import singleRegionKey from './scope/single-region-key.ts';
import vaultRbacAuthorization from './scope/vault-rbac-authorization.ts';
import type { AnyRule } from './types.ts';

export const RULES: readonly AnyRule[] = [
  adminUseSeparated,
  automaticRotation,
  collectionComplete,
  crossScopeAccess,
  deletionProtected,
  enclaveDebugAttestation,
  expiredKeyInUse,
  expiryApproaching,
  expiryDateSet,
  grantHygiene,
  hsmCustody,
  keyAgeAlerting,
  keyAlgorithmAllowed,
  keyClassified,
  keyDeletionAlarm,
  keyLogRetention,
  keyMaterialInArtifact,
  keyMaterialMaxAge,
  keyPendingDeletion,
  keyPublishedInOneScope,
  keyRegionAllowed,
  keySetStructure,
  keyUseLogged,
  knownCompromisedKey,
  m365AuditEnabled,
  memoryArtifactInUntrustedStore,
  noPublicNetworkAccess,
  noPublicPrincipal,
  nonprodPrincipalAccess,
  publishedKeyInventoried,
  publishedKeyPrivateMembers,
  publishedKeySingleIssuer,
  publishedKeyStrength,
  releasePolicyDebugDisabled,
  relyingPartyForeignKey,
  retiredKeyStillPublished,
  rotationAutomationRequired,
  rotationDrillRecent,
  sharedEndpointIssuerValidation,
  sharedKeySetIssuerBinding,
  signingKeySingleScope,
  singlePurposeSigningKey,
  singleRegionKey,
  supersededKeyRetired,
  tokenKeyLogging,
  trailTamperEvident,
  unusedKey,
  vaultRbacAuthorization,
  waiverHygiene,
];

const byId = new Map<string, AnyRule>();
for (const r of RULES) {
  byId.set(r.id, r);
  for (const a of r.aliases ?? []) byId.set(a, r);
}

/** Find a rule by id or alias (ROT-01…). */
export const findRule = (id: string): AnyRule | undefined => byId.get(id);
