#!/usr/bin/env node
// Builds a platform-specific .vsix that bundles a release `plimsoll` binary.
//
//   node scripts/package-platform.mjs --target linux-x64 --binary ../../target/release/plimsoll
//   npm run package:platform -- --target darwin-arm64 --binary dist/plimsoll-aarch64-apple-darwin
//
// The binary goes to bundled/<platform>-<arch>/plimsoll[.exe] (Node's process.platform and
// process.arch, which is where the extension looks), then `vsce package --target` runs.
// bundled/ is emptied before and after, so each .vsix holds exactly one binary.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// vsce's targets, and the folder under bundled/ each one's binary goes to.
const TARGETS = {
    'win32-x64': 'win32-x64',
    'win32-arm64': 'win32-arm64',
    'linux-x64': 'linux-x64',
    'linux-arm64': 'linux-arm64',
    'linux-armhf': 'linux-arm',
    'alpine-x64': 'linux-x64',
    'alpine-arm64': 'linux-arm64',
    'darwin-x64': 'darwin-x64',
    'darwin-arm64': 'darwin-arm64',
};

function usage(message) {
    if (message) console.error(`error: ${message}`);
    console.error(
        'usage: node scripts/package-platform.mjs --target TARGET --binary PATH [--out FILE.vsix] [--keep]\n' +
            `TARGET: ${Object.keys(TARGETS).join(', ')}`,
    );
    process.exit(2);
}

function parseArgs(argv) {
    const args = { keep: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const [flag, inline] = arg.split(/=(.*)/s);
            if (inline !== undefined) return inline;
            if (i + 1 >= argv.length) usage(`${flag} needs a value`);
            return argv[++i];
        };
        if (arg === '--target' || arg.startsWith('--target=')) args.target = value();
        else if (arg === '--binary' || arg.startsWith('--binary=')) args.binary = value();
        else if (arg === '--out' || arg.startsWith('--out=')) args.out = value();
        else if (arg === '--keep') args.keep = true;
        else if (arg === '-h' || arg === '--help') usage();
        else usage(`unknown argument ${arg}`);
    }
    if (!args.target) usage('--target is required');
    if (!args.binary) usage('--binary is required');
    if (!(args.target in TARGETS)) usage(`unknown target ${args.target}`);
    return args;
}

/** The executable format the target needs, from the file's first bytes. */
function checkFormat(file, target) {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(file, 'r');
    try {
        fs.readSync(fd, head, 0, 4, 0);
    } finally {
        fs.closeSync(fd);
    }
    const hex = head.toString('hex');
    const format = hex === '7f454c46'
        ? 'ELF'
        : hex.startsWith('4d5a')
          ? 'PE'
          : ['cffaedfe', 'cefaedfe', 'cafebabe'].includes(hex)
            ? 'Mach-O'
            : 'unknown';
    const wanted = target.startsWith('win32') ? 'PE' : target.startsWith('darwin') ? 'Mach-O' : 'ELF';
    if (format !== wanted) {
        console.error(`error: ${file} is ${format === 'unknown' ? 'not an executable' : `${format === 'ELF' ? 'an' : 'a'} ${format} file`}; ${target} needs ${wanted}`);
        process.exit(1);
    }
}

const args = parseArgs(process.argv.slice(2));
const binary = path.resolve(args.binary);
if (!fs.existsSync(binary) || !fs.statSync(binary).isFile()) {
    console.error(`error: no file at ${binary}`);
    process.exit(1);
}
checkFormat(binary, args.target);

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dir = TARGETS[args.target];
const name = args.target.startsWith('win32') ? 'plimsoll.exe' : 'plimsoll';
const bundled = path.join(root, 'bundled');
const dest = path.join(bundled, dir, name);
const out = path.resolve(args.out ?? path.join(root, `${manifest.name}-${args.target}-${manifest.version}.vsix`));

fs.rmSync(bundled, { recursive: true, force: true });
fs.mkdirSync(path.dirname(dest), { recursive: true });
fs.copyFileSync(binary, dest);
fs.chmodSync(dest, 0o755);
console.log(`bundled ${binary} as ${path.relative(root, dest)}`);

// Run the binary when this machine can, to catch a stale or broken build.
const hostDir = `${process.platform}-${process.arch}`;
if (hostDir === dir && !args.target.startsWith('alpine')) {
    const version = spawnSync(dest, ['--version'], { encoding: 'utf8' });
    if (version.status !== 0) {
        console.error(`error: ${dest} --version failed: ${version.stderr || version.error}`);
        process.exit(1);
    }
    console.log(`binary: ${version.stdout.trim()}`);
}

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const result = spawnSync(process.execPath, [vsce, 'package', '--target', args.target, '--out', out], {
    cwd: root,
    stdio: 'inherit',
});
if (!args.keep) {
    fs.rmSync(bundled, { recursive: true, force: true });
}
if (result.status !== 0) {
    process.exit(result.status ?? 1);
}
console.log(`wrote ${out}`);
