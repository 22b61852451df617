import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
    bundledBinary,
    describeFailure,
    expandPath,
    findOnPath,
    type Host,
    resolveBinary,
} from '../binary';

/** A machine whose only runnable files are `files`. */
function host(files: string[], over: Partial<Host> = {}): Host {
    const set = new Set(files);
    return {
        platform: 'linux',
        arch: 'x64',
        env: { PATH: '/usr/local/bin:/usr/bin' },
        homedir: '/home/ann',
        isExecutable: (f) => set.has(f),
        ...over,
    };
}

const ext = '/ext/plimsoll-0.1.0';

describe('resolveBinary', () => {
    it('prefers the plimsoll.path setting', () => {
        const h = host(['/opt/p/plimsoll', `${ext}/bundled/linux-x64/plimsoll`, '/usr/bin/plimsoll']);
        assert.deepEqual(resolveBinary({ configured: '/opt/p/plimsoll', extensionPath: ext }, h), {
            kind: 'found',
            path: '/opt/p/plimsoll',
            source: 'setting',
        });
    });

    it('expands ~ and resolves a relative setting against the workspace folder', () => {
        const h = host(['/home/ann/bin/plimsoll', '/work/repo/target/release/plimsoll']);
        assert.equal(resolveBinary({ configured: '~/bin/plimsoll', extensionPath: ext }, h).kind, 'found');
        const r = resolveBinary(
            { configured: 'target/release/plimsoll', extensionPath: ext, workspaceFolder: '/work/repo' },
            h,
        );
        assert.deepEqual(r, { kind: 'found', path: '/work/repo/target/release/plimsoll', source: 'setting' });
        const v = resolveBinary(
            { configured: '${workspaceFolder}/target/release/plimsoll', extensionPath: ext, workspaceFolder: '/work/repo' },
            h,
        );
        assert.equal(v.kind === 'found' && v.path, '/work/repo/target/release/plimsoll');
    });

    it('looks a bare name in the setting up on PATH', () => {
        const h = host(['/usr/bin/plimsoll-nightly']);
        assert.deepEqual(resolveBinary({ configured: 'plimsoll-nightly', extensionPath: ext }, h), {
            kind: 'found',
            path: '/usr/bin/plimsoll-nightly',
            source: 'setting',
        });
    });

    it('does not fall back when the setting points nowhere', () => {
        const h = host([`${ext}/bundled/linux-x64/plimsoll`, '/usr/bin/plimsoll']);
        const r = resolveBinary({ configured: '/nope/plimsoll', extensionPath: ext }, h);
        assert.equal(r.kind, 'bad-setting');
        assert.match(describeFailure(r as Exclude<typeof r, { kind: 'found' }>), /plimsoll\.path.*\/nope\/plimsoll/);
    });

    it('treats a blank setting as unset', () => {
        const h = host([`${ext}/bundled/linux-x64/plimsoll`]);
        assert.equal(resolveBinary({ configured: '   ', extensionPath: ext }, h).kind, 'found');
    });

    it('uses the bundled binary for this platform before PATH', () => {
        const h = host([`${ext}/bundled/linux-x64/plimsoll`, '/usr/bin/plimsoll']);
        assert.deepEqual(resolveBinary({ extensionPath: ext }, h), {
            kind: 'found',
            path: `${ext}/bundled/linux-x64/plimsoll`,
            source: 'bundled',
        });
        // Another platform's bundle is not used.
        const arm = host([`${ext}/bundled/linux-x64/plimsoll`, '/usr/bin/plimsoll'], { arch: 'arm64' });
        assert.deepEqual(resolveBinary({ extensionPath: ext }, arm), {
            kind: 'found',
            path: '/usr/bin/plimsoll',
            source: 'path',
        });
    });

    it('searches PATH in order, then ~/.cargo/bin', () => {
        const h = host(['/usr/bin/plimsoll', '/usr/local/bin/plimsoll']);
        const r = resolveBinary({ extensionPath: ext }, h);
        assert.equal(r.kind === 'found' && r.path, '/usr/local/bin/plimsoll');
        const cargo = host(['/home/ann/.cargo/bin/plimsoll']);
        assert.deepEqual(resolveBinary({ extensionPath: ext }, cargo), {
            kind: 'found',
            path: '/home/ann/.cargo/bin/plimsoll',
            source: 'cargo',
        });
        const cargoHome = host(['/opt/cargo/bin/plimsoll'], { env: { PATH: '/usr/bin', CARGO_HOME: '/opt/cargo' } });
        assert.equal(resolveBinary({ extensionPath: ext }, cargoHome).kind, 'found');
    });

    it('explains how to install when nothing is found', () => {
        const r = resolveBinary({ extensionPath: ext }, host([]));
        assert.equal(r.kind, 'not-found');
        if (r.kind === 'not-found') {
            assert.ok(r.tried.includes(`${ext}/bundled/linux-x64/plimsoll`));
            const message = describeFailure(r);
            assert.match(message, /cargo install --locked --git https:\/\/github\.com\/plimsoll-dev\/plimsoll plimsoll/);
            assert.match(message, /plimsoll\.path/);
        }
    });

    it('handles Windows: .exe, PATHEXT, Path spelled any way, backslashes', () => {
        const winExt = 'C:\\ext\\plimsoll';
        const bundled = 'C:\\ext\\plimsoll\\bundled\\win32-x64\\plimsoll.exe';
        assert.equal(bundledBinary(winExt, 'win32', 'x64'), bundled);
        const h = host(['C:\\Tools\\plimsoll.exe', 'D:\\p\\plimsoll.exe'], {
            platform: 'win32',
            env: { Path: 'C:\\Windows;C:\\Tools', PATHEXT: '.COM;.EXE;.BAT' },
            homedir: 'C:\\Users\\ann',
        });
        assert.deepEqual(resolveBinary({ extensionPath: winExt }, h), {
            kind: 'found',
            path: 'C:\\Tools\\plimsoll.exe',
            source: 'path',
        });
        // A configured path without `.exe` finds the `.exe`.
        const r = resolveBinary({ configured: 'D:\\p\\plimsoll', extensionPath: winExt }, h);
        assert.equal(r.kind === 'found' && r.path, 'D:\\p\\plimsoll.exe');
        assert.equal(resolveBinary({ extensionPath: winExt }, { ...h, isExecutable: (f) => f === bundled }).kind, 'found');
    });
});

describe('findOnPath', () => {
    it('skips empty PATH entries and reports what it tried', () => {
        const r = findOnPath('plimsoll', host([], { env: { PATH: ':/a::/b:' } }));
        assert.equal(r.found, undefined);
        assert.deepEqual(r.tried, ['/a/plimsoll', '/b/plimsoll']);
    });
});

describe('expandPath', () => {
    it('expands ~, ${userHome} and ${workspaceFolder} only', () => {
        assert.equal(expandPath('~', '/h'), '/h');
        assert.equal(expandPath('~/x', '/h'), '/h/x');
        assert.equal(expandPath('${userHome}/x', '/h'), '/h/x');
        assert.equal(expandPath('${workspaceFolder}/x', '/h', '/w'), '/w/x');
        assert.equal(expandPath('${workspaceFolder}/x', '/h'), '${workspaceFolder}/x');
        assert.equal(expandPath('a~/x', '/h'), 'a~/x');
    });
});
