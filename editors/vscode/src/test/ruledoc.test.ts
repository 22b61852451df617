import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Exec, isRuleId, ruleDocPath, ruleFromArgument, ruleFromCode, ruleFromDocPath, ruleMarkdown } from '../ruledoc';

describe('rule ids', () => {
    it('accepts codes and names, nothing that could be an option or a path', () => {
        for (const ok of ['DL3007', 'PL501', 'latest-tag', 'apk_add']) assert.ok(isRuleId(ok), ok);
        for (const bad of ['', '-h', '--help', '../x', 'a b', '3007', 'DL3007;rm']) assert.ok(!isRuleId(bad), bad);
    });

    it('reads the code of a diagnostic in its LSP and VS Code forms', () => {
        assert.equal(ruleFromCode('DL3007'), 'DL3007');
        assert.equal(ruleFromCode({ value: 'PL501', target: 'https://x' }), 'PL501');
        assert.equal(ruleFromCode(3007), undefined);
        assert.equal(ruleFromCode(undefined), undefined);
        assert.equal(ruleFromArgument(' DL3025 '), 'DL3025');
        assert.equal(ruleFromArgument({ code: { value: 'DL3009' } }), 'DL3009');
        assert.equal(ruleFromArgument({ rule: 'PL401' }), 'PL401');
        assert.equal(ruleFromArgument(undefined), undefined);
    });

    it('round-trips through the documentation URI path', () => {
        assert.equal(ruleDocPath('DL3007'), '/DL3007.md');
        assert.equal(ruleFromDocPath('/DL3007.md'), 'DL3007');
        assert.equal(ruleFromDocPath('/a/b.md'), undefined);
    });
});

describe('ruleMarkdown', () => {
    it('runs `plimsoll rule CODE` and returns its Markdown', async () => {
        const calls: string[][] = [];
        const exec: Exec = async (file, args) => {
            calls.push([file, ...args]);
            return { code: 0, stdout: '# DL3007 latest-tag\n', stderr: '' };
        };
        assert.equal(await ruleMarkdown('/bin/plimsoll', 'DL3007', exec), '# DL3007 latest-tag\n');
        assert.deepEqual(calls, [['/bin/plimsoll', 'rule', 'DL3007']]);
    });

    it('turns a failure into a page that says why', async () => {
        const exec: Exec = async () => ({ code: 2, stdout: '', stderr: 'plimsoll: `XX1` is not a rule code\n' });
        const page = await ruleMarkdown('/bin/plimsoll', 'XX1', exec);
        assert.match(page, /^# XX1\n/);
        assert.match(page, /`XX1` is not a rule code/);
        let ran = false;
        const never: Exec = async () => {
            ran = true;
            return { code: 0, stdout: '', stderr: '' };
        };
        assert.match(await ruleMarkdown('/bin/plimsoll', '--help', never), /Not a rule/);
        assert.equal(ran, false);
    });
});
