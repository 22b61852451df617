// The Plimsoll extension: starts `plimsoll server` and talks LSP to it over stdio.
// Binary lookup, settings mapping and rule documentation live in modules without `vscode`
// (binary.ts, settings.ts, ruledoc.ts) so that `npm test` runs them under plain node.

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    LanguageClient,
    type LanguageClientOptions,
    type ServerOptions,
} from 'vscode-languageclient/node';

import { describeFailure, INSTALL_COMMAND, INSTALL_DOCS_URL, nodeHost, resolveBinary } from './binary';
import { isRuleId, RULE_DOC_SCHEME, ruleDocPath, ruleFromArgument, ruleFromCode, ruleFromDocPath, ruleMarkdown } from './ruledoc';
import { changeKind, SERVER_KEYS, type ServerSettings, toServerSettings, unknownSeverities } from './settings';

const SECTION = 'plimsoll';

let client: LanguageClient | undefined;
let binaryPath: string | undefined;
let output: vscode.LogOutputChannel;
let starting: Promise<void> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel('Plimsoll', { log: true });
    context.subscriptions.push(output);

    const docs = new RuleDocProvider();
    context.subscriptions.push(
        vscode.workspace.registerTextDocumentContentProvider(RULE_DOC_SCHEME, docs),
        vscode.commands.registerCommand('plimsoll.restartServer', () => restart(context)),
        vscode.commands.registerCommand('plimsoll.showRuleDocumentation', (arg?: unknown) => showRuleDocumentation(arg)),
        vscode.languages.registerCodeActionsProvider(
            [{ language: 'dockerfile' }],
            new RuleDocCodeActions(),
            { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
        ),
        vscode.workspace.onDidChangeConfiguration((event) => onConfigurationChanged(event, context)),
        { dispose: () => void stop() },
    );

    await start(context);
}

export async function deactivate(): Promise<void> {
    await stop();
}

function firstWorkspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The server's settings for a scope (a folder or document URI, or none for the window). */
function serverSettings(scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? null);
    const raw: Record<string, unknown> = {};
    for (const key of SERVER_KEYS) {
        raw[key] = config.get(key);
    }
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope)?.uri.fsPath : firstWorkspaceFolder();
    return toServerSettings(raw, { homedir: os.homedir(), workspaceFolder: folder });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
    if (starting) {
        return starting;
    }
    starting = doStart(context).finally(() => {
        starting = undefined;
    });
    return starting;
}

async function doStart(context: vscode.ExtensionContext): Promise<void> {
    const resolution = resolveBinary(
        {
            configured: vscode.workspace.getConfiguration(SECTION).get<string>('path'),
            extensionPath: context.extensionPath,
            workspaceFolder: firstWorkspaceFolder(),
        },
        nodeHost(),
    );
    if (resolution.kind !== 'found') {
        binaryPath = undefined;
        const message = describeFailure(resolution);
        output.error(message);
        void showMissingBinary(message, context);
        return;
    }
    binaryPath = resolution.path;
    output.info(`Using ${resolution.path} (from ${resolution.source})`);

    const initial = serverSettings();
    const unknown = unknownSeverities(initial);
    if (unknown.length > 0) {
        output.warn(`plimsoll.severity: unknown severities ${unknown.join(', ')}`);
    }

    const serverOptions: ServerOptions = {
        // No `transport`: with TransportKind.stdio the client would append `--stdio`.
        command: resolution.path,
        args: ['server'],
        options: { env: process.env },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'dockerfile' },
            { scheme: 'untitled', language: 'dockerfile' },
        ],
        initializationOptions: initial,
        outputChannel: output,
        middleware: {
            workspace: {
                // Answer the `plimsoll` section with the server's shape: no client-only keys,
                // no empty values, `~` expanded.
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    if (!Array.isArray(answers)) {
                        return answers;
                    }
                    return params.items.map((item, i) => {
                        if (item.section !== SECTION) {
                            return answers[i];
                        }
                        const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
                        return serverSettings(scope);
                    });
                },
            },
        },
    };

    const next = new LanguageClient('plimsoll', 'Plimsoll', serverOptions, clientOptions);
    client = next;
    try {
        await next.start();
    } catch (error) {
        output.error(`The server did not start: ${String(error)}`);
        void vscode.window.showErrorMessage(
            `Plimsoll: \`${resolution.path} server\` did not start (${String(error)}). Is it Plimsoll 0.1 or later? See the Plimsoll output for the server log.`,
        );
    }
}

async function stop(): Promise<void> {
    const current = client;
    client = undefined;
    if (current) {
        try {
            await current.dispose(2000);
        } catch (error) {
            output.warn(`Stopping the server: ${String(error)}`);
        }
    }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
    if (starting) {
        await starting;
    }
    await stop();
    await start(context);
}

async function showMissingBinary(message: string, context: vscode.ExtensionContext): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
        message,
        'Copy install command',
        'Open settings',
        'Installation guide',
        'Retry',
    );
    switch (choice) {
        case 'Copy install command':
            await vscode.env.clipboard.writeText(INSTALL_COMMAND);
            break;
        case 'Open settings':
            await vscode.commands.executeCommand('workbench.action.openSettings', 'plimsoll.path');
            break;
        case 'Installation guide':
            await vscode.env.openExternal(vscode.Uri.parse(INSTALL_DOCS_URL));
            break;
        case 'Retry':
            await restart(context);
            break;
    }
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent, context: vscode.ExtensionContext) {
    switch (changeKind((section) => event.affectsConfiguration(section))) {
        case 'restart':
            output.info('plimsoll.path changed: restarting the server');
            await restart(context);
            break;
        case 'notify':
            if (client?.isRunning()) {
                // Servers that pull `workspace/configuration` ask again; others read this.
                await client.sendNotification(DidChangeConfigurationNotification.type, {
                    settings: { [SECTION]: serverSettings() },
                });
            }
            break;
        case 'none':
            break;
    }
}

/** Plimsoll's diagnostics at the cursor of the active editor. */
function diagnosticsAtCursor(): vscode.Diagnostic[] {
    const editor = vscode.window.activeTextEditor;
    const collection = client?.diagnostics;
    if (!editor || !collection) {
        return [];
    }
    const position = editor.selection.active;
    const all = collection.get(editor.document.uri) ?? [];
    const here = all.filter((d) => d.range.contains(position));
    return here.length > 0 ? here : all.filter((d) => d.range.start.line === position.line);
}

async function showRuleDocumentation(arg?: unknown): Promise<void> {
    let rule = ruleFromArgument(arg);
    if (rule === undefined) {
        const rules = [...new Set(diagnosticsAtCursor().map((d) => ruleFromCode(d.code)).filter((r) => r !== undefined))];
        if (rules.length === 1) {
            rule = rules[0];
        } else if (rules.length > 1) {
            rule = await vscode.window.showQuickPick(rules, { placeHolder: 'Which rule?' });
        } else {
            rule = await vscode.window.showInputBox({
                prompt: 'Rule code or name',
                placeHolder: 'DL3007 or latest-tag',
                validateInput: (value) => (isRuleId(value.trim()) ? undefined : 'A rule code (DL3007) or name (latest-tag)'),
            });
            rule = rule?.trim();
        }
    }
    if (!rule) {
        return;
    }
    const uri = vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: ruleDocPath(rule) });
    try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
        // Without the built-in Markdown extension: the Markdown source.
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
        await vscode.window.showTextDocument(doc, { preview: true });
    }
}

/** Read-only `plimsoll-rule:/CODE.md` documents: the output of `plimsoll rule CODE`. */
class RuleDocProvider implements vscode.TextDocumentContentProvider {
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
        const rule = ruleFromDocPath(uri.path);
        if (rule === undefined) {
            return `# ${uri.path}\n\nNot a rule.\n`;
        }
        if (binaryPath === undefined) {
            return `# ${rule}\n\nThe \`plimsoll\` binary was not found: install it with \`${INSTALL_COMMAND}\`.\n`;
        }
        return ruleMarkdown(binaryPath, rule);
    }
}

/** A "Show documentation for CODE" action on each of Plimsoll's diagnostics. */
class RuleDocCodeActions implements vscode.CodeActionProvider {
    provideCodeActions(
        document: vscode.TextDocument,
        _range: vscode.Range,
        context: vscode.CodeActionContext,
    ): vscode.CodeAction[] {
        const ours = client?.diagnostics?.get(document.uri) ?? [];
        const actions: vscode.CodeAction[] = [];
        const seen = new Set<string>();
        for (const diagnostic of context.diagnostics) {
            const rule = ruleFromCode(diagnostic.code);
            if (rule === undefined || seen.has(rule) || !ours.some((d) => sameDiagnostic(d, diagnostic))) {
                continue;
            }
            seen.add(rule);
            const action = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
            action.diagnostics = [diagnostic];
            action.isPreferred = false;
            action.command = { command: 'plimsoll.showRuleDocumentation', title: action.title, arguments: [rule] };
            actions.push(action);
        }
        return actions;
    }
}

function sameDiagnostic(a: vscode.Diagnostic, b: vscode.Diagnostic): boolean {
    return a.range.isEqual(b.range) && a.message === b.message && ruleFromCode(a.code) === ruleFromCode(b.code);
}
