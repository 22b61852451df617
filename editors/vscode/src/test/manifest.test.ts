// The manifest (package.json) agrees with the code, and the code without `vscode` stays so.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { CLIENT_KEYS, SERVER_KEYS } from '../settings';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
    it('declares exactly the server settings plus the client-only ones', () => {
        const declared = Object.keys(manifest.contributes.configuration.properties).sort();
        const expected = [
            ...SERVER_KEYS.map((k) => `plimsoll.${k}`),
            'plimsoll.path',
            'plimsoll.trace.server',
        ].sort();
        assert.deepEqual(declared, expected);
        assert.deepEqual([...CLIENT_KEYS].sort(), ['path', 'trace']);
    });

    it('contributes the two commands the extension registers', () => {
        const commands = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(commands, ['plimsoll.restartServer', 'plimsoll.showRuleDocumentation']);
        const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
        for (const command of commands) {
            assert.ok(source.includes(`registerCommand('${command}'`), command);
        }
    });

    it('associates every Dockerfile name with the dockerfile language', () => {
        const language = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
        assert.equal(language.id, 'dockerfile');
        assert.deepEqual(language.filenames, ['Dockerfile', 'Containerfile']);
        for (const pattern of ['Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile.*']) {
            assert.ok(language.filenamePatterns.includes(pattern), pattern);
        }
        assert.ok(manifest.activationEvents.includes('onLanguage:dockerfile'));
        // `Dockerfile.dockerignore` is an ignore file: the longer pattern wins over `Dockerfile.*`.
        const ignore = manifest.contributes.languages.find((l: { id: string }) => l.id === 'ignore');
        assert.deepEqual(ignore?.filenamePatterns, ['*.dockerignore']);
    });

    it('pins exact versions, and the engine matches @types/vscode', () => {
        for (const deps of [manifest.dependencies, manifest.devDependencies]) {
            for (const [name, version] of Object.entries(deps)) {
                assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name}@${version}`);
            }
        }
        assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
    });
});

describe('modules without vscode', () => {
    it('binary, settings and ruledoc do not import vscode', () => {
        for (const module of ['binary', 'settings', 'ruledoc']) {
            const js = fs.readFileSync(path.join(__dirname, '..', `${module}.js`), 'utf8');
            assert.ok(!/require\("vscode(-languageclient[^"]*)?"\)/.test(js), `${module}.js imports vscode`);
        }
    });
});
