// Finding the `plimsoll` binary. No `vscode` import here: the unit tests run this under plain node.
//
// Order: the `plimsoll.path` setting, then the binary bundled in the extension for this platform
// (`bundled/<platform>-<arch>/plimsoll[.exe]`), then `PATH`, then `~/.cargo/bin` (where
// `cargo install` puts it, and which a desktop session's PATH often lacks).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What the resolution reads from the machine; tests pass their own. */
export interface Host {
    platform: NodeJS.Platform;
    arch: string;
    env: NodeJS.ProcessEnv;
    homedir: string;
    /** True for an existing regular file that may be run. */
    isExecutable(file: string): boolean;
}

export type Resolution =
    | { kind: 'found'; path: string; source: 'setting' | 'bundled' | 'path' | 'cargo' }
    /** `plimsoll.path` is set but names no runnable file: no silent fallback. */
    | { kind: 'bad-setting'; configured: string; tried: string[] }
    | { kind: 'not-found'; tried: string[] };

export interface ResolveOptions {
    /** The `plimsoll.path` setting (empty or undefined: not set). */
    configured?: string;
    /** Folder of the installed extension. */
    extensionPath: string;
    /** First workspace folder, for a relative `plimsoll.path`. */
    workspaceFolder?: string;
}

export function nodeHost(): Host {
    return {
        platform: process.platform,
        arch: process.arch,
        env: process.env,
        homedir: os.homedir(),
        isExecutable,
    };
}

export function isExecutable(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        if (process.platform !== 'win32') {
            fs.accessSync(file, fs.constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
    return platform === 'win32' ? path.win32 : path.posix;
}

export function binaryName(platform: NodeJS.Platform): string {
    return platform === 'win32' ? 'plimsoll.exe' : 'plimsoll';
}

/** The folder under `bundled/` for a platform: Node's `process.platform`-`process.arch`. */
export function bundledDirName(platform: NodeJS.Platform, arch: string): string {
    return `${platform}-${arch}`;
}

export function bundledBinary(extensionPath: string, platform: NodeJS.Platform, arch: string): string {
    return pathApi(platform).join(extensionPath, 'bundled', bundledDirName(platform, arch), binaryName(platform));
}

/** An environment variable, looked up case-insensitively on Windows (`Path`, `PATH`). */
function getEnv(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
    if (platform !== 'win32') {
        return env[name];
    }
    const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
    return key === undefined ? undefined : env[key];
}

/** Names a command may have on disk: on Windows, with each PATHEXT extension unless it has one. */
function candidateNames(command: string, host: Host): string[] {
    if (host.platform !== 'win32') {
        return [command];
    }
    const exts = (getEnv(host.env, 'PATHEXT', host.platform) ?? '.COM;.EXE;.BAT;.CMD')
        .split(';')
        .filter((e) => e !== '');
    if (path.win32.extname(command) !== '') {
        return [command];
    }
    return [command, ...exts.map((e) => command + e.toLowerCase())];
}

/** A command on PATH, like `which`. */
export function findOnPath(command: string, host: Host): { found?: string; tried: string[] } {
    const p = pathApi(host.platform);
    const delimiter = host.platform === 'win32' ? ';' : ':';
    const dirs = (getEnv(host.env, 'PATH', host.platform) ?? '').split(delimiter).filter((d) => d !== '');
    const tried: string[] = [];
    for (const dir of dirs) {
        for (const name of candidateNames(command, host)) {
            const file = p.join(dir, name);
            tried.push(file);
            if (host.isExecutable(file)) {
                return { found: file, tried };
            }
        }
    }
    return { tried };
}

/** `~`, `${userHome}` and `${workspaceFolder}` in a path setting, which VS Code leaves to extensions. */
export function expandPath(value: string, homedir: string, workspaceFolder?: string): string {
    let out = value.replace(/\$\{userHome\}/g, homedir);
    if (workspaceFolder !== undefined) {
        out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    }
    if (out === '~') {
        return homedir;
    }
    if (out.startsWith('~/') || out.startsWith('~\\')) {
        return homedir + out.slice(1);
    }
    return out;
}

export function resolveBinary(opts: ResolveOptions, host: Host): Resolution {
    const p = pathApi(host.platform);
    const configured = opts.configured?.trim() ?? '';

    if (configured !== '') {
        const expanded = expandPath(configured, host.homedir, opts.workspaceFolder);
        // A bare name (`plimsoll-nightly`) is looked up on PATH, like a shell would.
        if (!expanded.includes('/') && !expanded.includes('\\')) {
            const { found, tried } = findOnPath(expanded, host);
            return found !== undefined
                ? { kind: 'found', path: found, source: 'setting' }
                : { kind: 'bad-setting', configured, tried };
        }
        const absolute = p.isAbsolute(expanded)
            ? expanded
            : opts.workspaceFolder !== undefined
              ? p.resolve(opts.workspaceFolder, expanded)
              : expanded;
        const candidates = candidateNames(absolute, host);
        for (const file of candidates) {
            if (p.isAbsolute(file) && host.isExecutable(file)) {
                return { kind: 'found', path: file, source: 'setting' };
            }
        }
        return { kind: 'bad-setting', configured, tried: candidates };
    }

    const tried: string[] = [];
    const bundled = bundledBinary(opts.extensionPath, host.platform, host.arch);
    tried.push(bundled);
    if (host.isExecutable(bundled)) {
        return { kind: 'found', path: bundled, source: 'bundled' };
    }

    const onPath = findOnPath('plimsoll', host);
    if (onPath.found !== undefined) {
        return { kind: 'found', path: onPath.found, source: 'path' };
    }
    tried.push('plimsoll on PATH');

    const cargoHome = getEnv(host.env, 'CARGO_HOME', host.platform) || p.join(host.homedir, '.cargo');
    const cargo = p.join(cargoHome, 'bin', binaryName(host.platform));
    tried.push(cargo);
    if (host.isExecutable(cargo)) {
        return { kind: 'found', path: cargo, source: 'cargo' };
    }
    return { kind: 'not-found', tried };
}

export const INSTALL_COMMAND = 'cargo install --locked --git https://github.com/plimsoll-dev/plimsoll plimsoll';
export const INSTALL_DOCS_URL = 'https://github.com/plimsoll-dev/plimsoll/blob/main/docs/editors.md#vs-code';

/** The message shown when no binary can be used. */
export function describeFailure(resolution: Exclude<Resolution, { kind: 'found' }>): string {
    if (resolution.kind === 'bad-setting') {
        return (
            `Plimsoll: the \`plimsoll.path\` setting is "${resolution.configured}", but no runnable file is there ` +
            `(tried ${resolution.tried.length > 3 ? resolution.tried.slice(0, 3).join(', ') + ', …' : resolution.tried.join(', ')}). ` +
            'Fix the setting or clear it to use the bundled binary or the one on PATH.'
        );
    }
    return (
        'Plimsoll: the `plimsoll` binary was not found (this build of the extension bundles none for ' +
        'this platform, and none is on PATH or in ~/.cargo/bin). Install it with ' +
        `\`${INSTALL_COMMAND}\` (needs Rust: https://rustup.rs), or set \`plimsoll.path\` to the binary.`
    );
}
