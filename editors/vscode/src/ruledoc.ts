// "Show rule documentation": which rule, and its Markdown from `plimsoll rule CODE`.
// No `vscode` import here.

import { execFile } from 'node:child_process';

/** URI scheme of the read-only documents that hold a rule's documentation. */
export const RULE_DOC_SCHEME = 'plimsoll-rule';

/** A rule code (`DL3007`, `PL501`) or name (`latest-tag`). */
export function isRuleId(value: string): boolean {
    return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(value);
}

/**
 * The rule a diagnostic's `code` names. LSP codes arrive as a string or number; VS Code turns
 * `codeDescription` into `{ value, target }`.
 */
export function ruleFromCode(code: unknown): string | undefined {
    if (typeof code === 'number') {
        return undefined;
    }
    if (typeof code === 'string') {
        return isRuleId(code) ? code : undefined;
    }
    if (code !== null && typeof code === 'object' && 'value' in code) {
        return ruleFromCode((code as { value: unknown }).value);
    }
    return undefined;
}

/** What the command was given: a code, a diagnostic-like object, or nothing. */
export function ruleFromArgument(arg: unknown): string | undefined {
    if (typeof arg === 'string') {
        const trimmed = arg.trim();
        return isRuleId(trimmed) ? trimmed : undefined;
    }
    if (arg !== null && typeof arg === 'object') {
        if ('code' in arg) {
            return ruleFromCode((arg as { code: unknown }).code);
        }
        if ('rule' in arg) {
            return ruleFromArgument((arg as { rule: unknown }).rule);
        }
    }
    return undefined;
}

/** Path part of the documentation URI for a rule: `/DL3007.md`, so the preview knows it is Markdown. */
export function ruleDocPath(rule: string): string {
    return `/${rule}.md`;
}

export function ruleFromDocPath(p: string): string | undefined {
    const m = /^\/?([^/]+)\.md$/.exec(p);
    return m !== null && isRuleId(m[1]) ? m[1] : undefined;
}

export type Exec = (
    file: string,
    args: string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

export const nodeExec: Exec = (file, args) =>
    new Promise((resolve) => {
        execFile(file, args, { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error?.message ?? '') });
        });
    });

/** The Markdown for a rule, or a Markdown page that says why there is none. */
export async function ruleMarkdown(binary: string, rule: string, exec: Exec = nodeExec): Promise<string> {
    if (!isRuleId(rule)) {
        return `# ${rule}\n\nNot a rule code or name.\n`;
    }
    const { code, stdout, stderr } = await exec(binary, ['rule', rule]);
    if (code === 0 && stdout.trim() !== '') {
        return stdout;
    }
    const why = (stderr.trim() || stdout.trim() || `\`plimsoll rule\` exited with code ${code}`).replace(/^plimsoll: /, '');
    return `# ${rule}\n\nNo documentation: ${why}\n\nRun \`plimsoll rules\` for every rule.\n`;
}
