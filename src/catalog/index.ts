import { ARTIFACT_DOCS } from './docs/artifacts.ts';
import { COVERAGE_DOCS } from './docs/coverage.ts';
import { EXPOSURE_DOCS } from './docs/exposure.ts';
import { LOGGING_DOCS } from './docs/logging.ts';
import { PUBLISHED_DOCS } from './docs/published.ts';
import { ROTATION_DOCS } from './docs/rotation.ts';
import { SCOPE_DOCS } from './docs/scope.ts';
import type { RuleDocs } from './types.ts';

/** Remediation and executed examples per rule id, beside the rules (one file per category). */
export const RULE_DOCS: Readonly<Record<string, RuleDocs>> = {
  ...ARTIFACT_DOCS,
  ...COVERAGE_DOCS,
  ...EXPOSURE_DOCS,
  ...LOGGING_DOCS,
  ...PUBLISHED_DOCS,
  ...ROTATION_DOCS,
  ...SCOPE_DOCS,
};

/**
 * Rules whose docs data is not written yet: their pages show the rule's own remediation text and
 * no examples. The meta-test keeps this list exact (a rule that gains docs must leave it).
 */
export const DOCS_PENDING: readonly string[] = [];

/** Rules that cannot have a passing example: they only ever judge a problem (collection-complete judges gaps). */
export const FAIL_ONLY: readonly string[] = ['collection-complete'];
