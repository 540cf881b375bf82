import type { z } from 'zod';
import type { AccessEntry, Principal } from '../model/access-entry.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { Fingerprints, Severity } from '../model/common.ts';
import type { Inventory, Subject, SubjectKind } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { EnvironmentKind, KeyClass, RelyingParty, Waiver } from '../policy/schema.ts';

export const RULE_CATEGORIES = ['rotation', 'scope', 'exposure', 'keyset', 'logging', 'coverage'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

export type SubjectValue<K extends SubjectKind> = Extract<Subject, { kind: K }>['value'];

/** The scope classification resolved once for a key (or published key, artifact). */
export interface ResolvedScope {
  environments: readonly string[];
  trustDomains: readonly string[];
  /** Set when exactly one environment matched. */
  environment?: string;
  environmentKind?: EnvironmentKind;
  /** Set when exactly one trust domain matched. */
  trustDomain?: string;
  keyClass?: ResolvedKeyClass;
  /** Token issuers declared in policy whose `keys` match this key. */
  tokenIssuers?: readonly ResolvedTokenIssuer[];
  /** Several environments or trust domains matched and the policy's precedence does not decide. */
  ambiguous?: Ambiguity;
  /** Matched none: the environment or trust domain is the policy's `unclassified:` placement. */
  placed?: { environment?: true; trustDomain?: true };
}

export interface ResolvedTokenIssuer {
  name: string;
  issuer: string;
  tenants: readonly string[];
}

/** What matched when a classification is ambiguous (the engine turns dependent verdicts into unknown). */
export interface Ambiguity {
  environments?: readonly string[];
  trustDomains?: readonly string[];
}

export interface ResolvedRelyingParty extends RelyingParty {
  name: string;
}

export interface ResolvedKeyClass extends KeyClass {
  name: string;
}

export interface PrincipalScope {
  environments: readonly string[];
  environmentKinds: readonly EnvironmentKind[];
  trustDomains: readonly string[];
  ambiguous?: Ambiguity;
}

export interface SameKey {
  keys: readonly KeyRecord[];
  published: readonly PublishedKey[];
  artifacts: readonly ArtifactFinding[];
}

/** A need: a dot path on the subject, or a list of alternatives of which one must be present. */
export type Need = string | readonly string[];

export interface ReportOptions {
  /** Distinguishes several findings of one rule on one subject (a principal id, say). */
  key?: string;
  /** Raise the severity for this finding (never lowers it below the configured one). */
  escalateTo?: Severity;
  /**
   * The resource that causes the finding when it is not the subject itself (the trail, the vault, the
   * endpoint, the role): failures with the same rule, cause and key are one root cause in reports and the gate.
   */
  cause?: { kind: 'trail' | 'vault' | 'account' | 'endpoint' | 'principal' | 'issuer' | 'relying-party'; id: string; name?: string };
}

export interface RuleContext<Options, MessageId extends string> {
  readonly options: Options;
  readonly now: Date;
  readonly inventory: Inventory;
  /**
   * Classification of a key. An ambiguous one (several environments or trust domains, no precedence)
   * stops the evaluation with `unknown`: a verdict never rests on a silent choice.
   */
  scope(key: KeyRecord): ResolvedScope;
  /** The classification as it is, ambiguity included: only for rules about the classification itself. */
  classification(key: KeyRecord): ResolvedScope;
  principalScope(principal: Principal): PrincipalScope;
  /**
   * The verdict depends on where `subject` belongs and it matches no environment (or trust domain):
   * stops the evaluation with `unknown` unless the policy says `unclassified: ignore` (then returns).
   */
  unclassified(subject: string, dimension: 'environment' | 'trust domain'): void;
  /** Classification of a published key (JWKS) by its labels or issuer matchers. */
  publishedScope(key: PublishedKey): ResolvedScope;
  /** The policy's relying parties that take keys from this published key's set (by URL, discovery or issuer). */
  relyingPartiesFor(key: PublishedKey): readonly ResolvedRelyingParty[];
  /** Classification of an artifact finding by the environment of the store it was found in. */
  artifactScope(artifact: ArtifactFinding): ResolvedScope;
  /** Everything in the inventory with the same public key (by SPKI SHA-256 or RFC 7638 thumbprint). */
  sameKey(fp: Fingerprints | undefined): SameKey;
  /**
   * Stops the evaluation with `unknown` when a published key set could not be read in full (a JWKS
   * fetch failed, or a key in it could not be fingerprinted): the absence of a key from `sameKey().published`
   * is then not a fact. Call it before concluding anything from that absence (a rule whose every
   * pass rests on it declares `meta.needsEveryPublishedSet` instead).
   */
  needAllPublished(): void;
  /**
   * Access entries merged per principal (a principal granted through a key policy and a grant is one
   * entry, capabilities united), decided and undecided paths apart. Merged once per key however
   * many rules ask.
   */
  accessByPrincipal(entries: readonly AccessEntry[] | undefined): readonly AccessEntry[];
  /** Trails whose scope covers the key; throws MissingData when a gap hides the trails. */
  trailsFor(key: KeyRecord): readonly AuditTrail[];
  /** The policy's waivers that name this subject (exactly or by glob), whatever rule they waive. */
  waiversFor(subjectId: string): readonly Waiver[];
  /** Returns the value, or stops this evaluation with `unknown` naming the field (and why, when the data was read but cannot be decided). */
  need<T>(value: T | undefined, field: string, reason?: string): T;
  report(messageId: MessageId, data?: Record<string, string | number>, options?: ReportOptions): void;
  /**
   * Where the value of one of the rule's options comes from, for a failure message's limit: the pack
   * or policy file that set it (`pack storm-0558, rules.key-log-retention.minDays`) or the rule's default.
   */
  limitSource(option: string): string;
  /** Days between two instants (fractional). */
  daysSince(iso: string): number;
}

export interface RuleMeta<K extends SubjectKind> {
  category: RuleCategory;
  severity: Severity;
  /** One line: what passes. */
  description: string;
  /** Why it matters (the incident, the standard). */
  rationale: string;
  /** What to do when it fails. */
  remediation: string;
  subject: K;
  /** Fields that must be present for the rule to decide; absent ones make the outcome `unknown`. */
  needs?: readonly Need[];
  /**
   * Fields the rule consults when present (absent is a legitimate value for them): a gap hiding one
   * makes the outcome `unknown`. Together with `needs`, every field the rule reads (a meta-test checks).
   * `classification` = the rule uses the key's scope, so a gap hiding what the policy's matchers read
   * (tags, aliases) makes it `unknown`.
   */
  reads?: readonly string[];
  /**
   * The requirement every failure of this rule breaks, for rules whose messages carry no limit
   * placeholder because the limit is a fixed condition (e.g. "purge protection is on"). A meta-test
   * requires each failure message to name its limit and where it comes from, or the rule to state it here.
   */
  fixedLimit?: string;
  /**
   * The rule needs facts only a deployed subject has (age of existing material, last use, state):
   * the engine makes it `not-applicable` to subjects with provenance `planned`.
   */
  runtimeOnly?: boolean;
  /**
   * The rule concludes "no failure" from what the published key sets hold (a key absent from them,
   * or found under one issuer only): when a set could not be read in full, the engine makes a pass
   * `unknown` (a failure stands). Declared here so no rule of this kind can forget the unread sets.
   */
  needsEveryPublishedSet?: boolean;
  /**
   * A failure found in what was read stands even when a gap hides the rest of a needed field (a public
   * grant read from one policy is a fact whatever the unread policies say); with no failure the
   * verdict stays `unknown`, never `pass`. For rules whose failures no unread data can undo.
   */
  failureStandsOnPartialData?: boolean;
  /** Subjects of the right kind the rule does not concern are `not-applicable`. */
  appliesTo?: (subject: SubjectValue<K>, ctx: RuleContext<unknown, string>) => boolean;
}

export interface RuleDefinition<K extends SubjectKind, O extends z.ZodType, M extends Record<string, string>> {
  id: string;
  /** Codes from the research catalog (ROT-01…) or earlier names. */
  aliases?: readonly string[];
  meta: RuleMeta<K>;
  /** A strict schema holding the only copy of the option defaults. */
  options: O;
  messages: M;
  check(subject: SubjectValue<K>, ctx: RuleContext<z.output<O>, Extract<keyof M, string>>): void;
}

/** Phantom key carrying a rule's message ids in its type (never present at run time). */
declare const MESSAGE_IDS: unique symbol;

/** A rule as `defineRule` returns it: usable wherever AnyRule is, and still knowing its message ids. */
export type TypedRule<M extends Record<string, string>> = AnyRule & { readonly [MESSAGE_IDS]?: M };

/** The message ids of a rule returned by `defineRule` (a test naming another id does not compile). */
export type MessageIdOf<R> = R extends { readonly [MESSAGE_IDS]?: infer M } ? Extract<keyof NonNullable<M>, string> : string;

// biome-ignore lint/suspicious/noExplicitAny: the registry holds rules of every option type
export type AnyRule = RuleDefinition<SubjectKind, z.ZodType, Record<string, string>> & { check(subject: any, ctx: any): void };

export type { AccessEntry };
