// The explicit, sorted registry of rules. A meta-test checks it against the files in this folder.

import collectionComplete from './coverage/collection-complete.ts';
import keyClassified from './coverage/key-classified.ts';
import hsmCustody from './exposure/hsm-custody.ts';
import noPublicPrincipal from './exposure/no-public-principal.ts';
import nonprodPrincipalAccess from './exposure/nonprod-principal-access.ts';
import keyLogRetention from './logging/key-log-retention.ts';
import keyUseLogged from './logging/key-use-logged.ts';
import automaticRotation from './rotation/automatic-rotation.ts';
import expiredKeyInUse from './rotation/expired-key-in-use.ts';
import keyMaterialMaxAge from './rotation/key-material-max-age.ts';
import rotationAutomationRequired from './rotation/rotation-automation-required.ts';
import crossScopeAccess from './scope/cross-scope-access.ts';
import signingKeySingleScope from './scope/signing-key-single-scope.ts';
import singlePurposeSigningKey from './scope/single-purpose-signing-key.ts';
import type { AnyRule } from './types.ts';

export const RULES: readonly AnyRule[] = [
  automaticRotation,
  collectionComplete,
  crossScopeAccess,
  expiredKeyInUse,
  hsmCustody,
  keyClassified,
  keyLogRetention,
  keyMaterialMaxAge,
  keyUseLogged,
  noPublicPrincipal,
  nonprodPrincipalAccess,
  rotationAutomationRequired,
  signingKeySingleScope,
  singlePurposeSigningKey,
];

const byId = new Map<string, AnyRule>();
for (const r of RULES) {
  byId.set(r.id, r);
  for (const a of r.aliases ?? []) byId.set(a, r);
}

/** Find a rule by id or alias (ROT-01…). */
export const findRule = (id: string): AnyRule | undefined => byId.get(id);
