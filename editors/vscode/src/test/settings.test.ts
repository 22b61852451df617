import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { changeKind, toServerSettings, unknownSeverities } from '../settings';

describe('toServerSettings', () => {
    it('passes the server keys through in the server shape', () => {
        const raw = {
            select: ['DL', 'PL5'],
            extendSelect: ['PL504'],
            ignore: ['DL3008'],
            severity: { DL3008: 'error' },
            context: '/abs/ctx',
            config: 'ci/plimsoll.toml',
        };
        assert.deepEqual(toServerSettings(raw), raw);
    });

    it('drops client-only keys, empty values and unknown keys', () => {
        const raw = {
            path: '/usr/bin/plimsoll',
            trace: { server: 'verbose' },
            select: [],
            extendSelect: ['', '  '],
            ignore: undefined,
            severity: {},
            context: '',
            config: '   ',
            somethingElse: 1,
        };
        assert.deepEqual(toServerSettings(raw), {});
        assert.deepEqual(toServerSettings(undefined), {});
    });

    it('trims and de-duplicates codes, and ignores non-strings', () => {
        assert.deepEqual(toServerSettings({ ignore: [' DL3007 ', 'DL3007', 42, null, 'PL1'] }), {
            ignore: ['DL3007', 'PL1'],
        });
        // A comma-separated string (from a hand-written settings.json) is read as a list.
        assert.deepEqual(toServerSettings({ select: 'DL, PL5' }), { select: ['DL', 'PL5'] });
    });

    it('normalises severities and drops malformed entries', () => {
        assert.deepEqual(
            toServerSettings({ severity: { ' DL3007 ': 'Error', DL3009: '', PL501: 3, '': 'info' } }),
            { severity: { DL3007: 'error' } },
        );
        assert.deepEqual(toServerSettings({ severity: ['DL3007'] }), {});
        assert.deepEqual(unknownSeverities({ severity: { DL3007: 'loud', DL3009: 'info' } }), ['DL3007: loud']);
    });

    it('expands ~ and ${workspaceFolder} in paths, and leaves relative paths for the server', () => {
        const ctx = { homedir: '/home/ann', workspaceFolder: '/w' };
        assert.deepEqual(toServerSettings({ context: '~/ctx', config: '${workspaceFolder}/p.toml' }, ctx), {
            context: '/home/ann/ctx',
            config: '/w/p.toml',
        });
        assert.deepEqual(toServerSettings({ context: 'build' }, ctx), { context: 'build' });
    });
});

describe('changeKind', () => {
    const affects = (...changed: string[]) => (section: string) =>
        changed.some((c) => c === section || c.startsWith(section + '.') || section.startsWith(c + '.'));

    it('restarts on plimsoll.path, notifies on server settings, ignores the rest', () => {
        assert.equal(changeKind(affects('plimsoll.path')), 'restart');
        assert.equal(changeKind(affects('plimsoll.ignore')), 'notify');
        assert.equal(changeKind(affects('plimsoll.severity')), 'notify');
        assert.equal(changeKind(affects('plimsoll.trace.server')), 'none');
        assert.equal(changeKind(affects('editor.fontSize')), 'none');
    });
});
