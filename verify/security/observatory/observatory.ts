import { cookies, cors, csp, subresourceIntegrity } from './content-tests';
import type { Retrieval, TestOutcome } from './retrieval';
import {
  crossOriginResourcePolicy,
  hsts,
  redirection,
  referrerPolicy,
  xContentTypeOptions,
  xFrameOptions,
} from './transport-tests';

export type { ObservedResponse, Retrieval, TestOutcome } from './retrieval';
export { hsts } from './transport-tests';

/**
 * The ten tests of Mozilla's HTTP Observatory (mdn/mdn-http-observatory, scanner/index.js and
 * analyzer/tests/*.js) with their results, pass rules and score modifiers (grader/charts.js),
 * applied to responses this suite retrieved itself. Scoring as the scanner does: start at 100, add
 * every modifier, but keep the bonuses only when the score without them is at least 90.
 */

const GRADES: [number, string][] = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
  [0, 'F'],
];

export interface ScanResult {
  grade: string;
  score: number;
  testsPassed: number;
  testsFailed: number;
  tests: TestOutcome[];
}

export function gradeFor(score: number): string {
  const floored = Math.min(100, Math.max(0, score - (score % 5)));
  return GRADES.find(([min]) => floored >= min)![1];
}

/** Runs the ten tests and scores them exactly as `scan()` in the Observatory does. */
export function scan(r: Retrieval): ScanResult {
  const cspOutcome = csp(r);
  const hstsOutcome = hsts(r);
  const tests = [
    cspOutcome,
    cookies(r, hstsOutcome.pass),
    cors(r),
    redirection(r),
    referrerPolicy(r),
    hstsOutcome,
    subresourceIntegrity(r),
    xContentTypeOptions(r),
    xFrameOptions(r, cspOutcome.frameAncestors),
    crossOriginResourcePolicy(r),
  ].map(({ name, result, pass, modifier, data }) => ({
    name,
    result,
    pass,
    modifier,
    ...(data === undefined ? {} : { data }),
  }));
  let withExtra = 100;
  let uncurved = 100;
  for (const t of tests) {
    withExtra += t.modifier;
    if (t.modifier < 0) uncurved += t.modifier;
  }
  const score = Math.max(0, uncurved >= 90 ? withExtra : uncurved);
  const passed = tests.filter((t) => t.pass).length;
  return { grade: gradeFor(score), score, testsPassed: passed, testsFailed: tests.length - passed, tests };
}
