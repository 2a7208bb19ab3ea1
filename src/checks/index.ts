// Explicit exports: rule helpers and the rule objects themselves stay internal; `BestPracticeRules` hands them out.
export { RuleLevel, StackView } from './rule';
export type { CheckedResource, IRule } from './rule';
export type { Finding } from './report';
export type { RuleSuppression } from './suppressions';
export { BestPracticeRules } from './rules';
export { BestPracticesAspect } from './best-practices-aspect';
export type { BestPracticesAspectProps } from './best-practices-aspect';
