/** Turns valibot issues into messages that name the file and the JSON path ($.replicas[0].W1) of the first problem. */
import type { BaseIssue } from 'valibot';

/** The JSON path of an issue: `$`, `$.config.seed`, `$.replicas[2].W1`. */
export function issuePath(issue: BaseIssue<unknown>): string {
  let out = '$';
  for (const item of issue.path ?? []) {
    const key = item.key as unknown;
    out += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_][\w-]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(key)}]`;
  }
  return out;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** "FILE: $.path: message (got VALUE)" for the first issue, plus a count of the others. */
export function describeIssues(file: string, issues: readonly BaseIssue<unknown>[]): string {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const last = first.path?.at(-1)?.key;
  const what =
    first.type === 'strict_object' && first.expected === 'never'
      ? `unknown field ${JSON.stringify(last)}`
      : first.kind === 'schema' && first.input === undefined && last !== undefined
        ? `missing required field ${JSON.stringify(last)}`
        : `${first.message.replace(/ but received .*$/, '').replace(/: Received .*$/, '')} (got ${shown(first.input)})`;
  return `${file}: ${issuePath(first)}: ${what}${more}`;
}
