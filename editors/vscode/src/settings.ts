// From the extension's `plimsoll.*` settings to what the server reads: the `plimsoll` section of
// `workspace/configuration`, and `initializationOptions` (same shape). No `vscode` import here.
//
// Client-only settings (`plimsoll.path`, `plimsoll.trace.server`) are not sent. Empty values are
// left out: a missing key tells the server "use plimsoll.toml or the defaults".

import { expandPath } from './binary';

export interface ServerSettings {
    select?: string[];
    extendSelect?: string[];
    ignore?: string[];
    severity?: Record<string, string>;
    context?: string;
    config?: string;
}

/** The keys of the `plimsoll` section that go to the server, in this order. */
export const SERVER_KEYS = ['select', 'extendSelect', 'ignore', 'severity', 'context', 'config'] as const;

/** Settings that only the client reads. */
export const CLIENT_KEYS = ['path', 'trace'] as const;

export const SEVERITIES = ['error', 'warning', 'info', 'style'] as const;

export interface PathContext {
    homedir: string;
    workspaceFolder?: string;
}

function stringList(value: unknown): string[] | undefined {
    if (typeof value === 'string') {
        value = value.split(',');
    }
    if (!Array.isArray(value)) {
        return undefined;
    }
    const out: string[] = [];
    for (const item of value) {
        if (typeof item !== 'string') {
            continue;
        }
        const code = item.trim();
        if (code !== '' && !out.includes(code)) {
            out.push(code);
        }
    }
    return out.length > 0 ? out : undefined;
}

function severityMap(value: unknown): Record<string, string> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return undefined;
    }
    const out: Record<string, string> = {};
    for (const [rawCode, rawLevel] of Object.entries(value as Record<string, unknown>)) {
        const code = rawCode.trim();
        if (code === '' || typeof rawLevel !== 'string' || rawLevel.trim() === '') {
            continue;
        }
        out[code] = rawLevel.trim().toLowerCase();
    }
    return Object.keys(out).length > 0 ? out : undefined;
}

function pathSetting(value: unknown, ctx: PathContext | undefined): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
        return undefined;
    }
    const trimmed = value.trim();
    // Relative paths stay relative: the server resolves them against the workspace folder.
    return ctx === undefined ? trimmed : expandPath(trimmed, ctx.homedir, ctx.workspaceFolder);
}

/**
 * The server's view of the `plimsoll` settings section.
 *
 * `raw` is a plain object with the section's keys (`select`, `extendSelect`, …), as read from
 * `workspace.getConfiguration('plimsoll', scope)`.
 */
export function toServerSettings(raw: Record<string, unknown> | undefined, ctx?: PathContext): ServerSettings {
    const out: ServerSettings = {};
    if (raw === undefined || raw === null) {
        return out;
    }
    const select = stringList(raw.select);
    if (select) out.select = select;
    const extendSelect = stringList(raw.extendSelect);
    if (extendSelect) out.extendSelect = extendSelect;
    const ignore = stringList(raw.ignore);
    if (ignore) out.ignore = ignore;
    const severity = severityMap(raw.severity);
    if (severity) out.severity = severity;
    const context = pathSetting(raw.context, ctx);
    if (context) out.context = context;
    const config = pathSetting(raw.config, ctx);
    if (config) out.config = config;
    return out;
}

/** Severities in `plimsoll.severity` that the server will not know. */
export function unknownSeverities(settings: ServerSettings): string[] {
    return Object.entries(settings.severity ?? {})
        .filter(([, level]) => !(SEVERITIES as readonly string[]).includes(level))
        .map(([code, level]) => `${code}: ${level}`);
}

/** Which `plimsoll.*` settings a change touched: the server's, or ones that need a restart. */
export function changeKind(affects: (section: string) => boolean): 'restart' | 'notify' | 'none' {
    if (affects('plimsoll.path')) {
        return 'restart';
    }
    return SERVER_KEYS.some((key) => affects(`plimsoll.${key}`)) ? 'notify' : 'none';
}
