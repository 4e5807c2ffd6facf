#!/usr/bin/env node
// `npm run setup`: make sure everything the build and the tests need is on this machine.
// Idempotent and fast when all is present (no network then). One line per check.
//
//   - /usr/bin/chromium           headless Chromium (its WebGPU runs on SwiftShader without a GPU)
//   - libvulkan.so.1              the Vulkan loader that Dawn in Node (the `webgpu` package) opens
//   - SwiftShader ICD json        /usr/lib/chromium/vk_swiftshader_icd.json, shipped with chromium
//   - node_modules                npm ci (or npm install when there is no lock file)
//
// Both system pieces come from Debian: `apt-get install -y chromium libvulkan1`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const APT_PACKAGES = ['chromium', 'libvulkan1'];
const CHROMIUM = '/usr/bin/chromium';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
// Every declared dependency, so a node_modules from before a package was added is refreshed too.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const NODE_DEPS = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });

function line(ok, what, detail) {
  console.log(`setup: ${ok ? 'ok     ' : 'missing'} ${what}${detail ? ` (${detail})` : ''}`);
}

function fail(message) {
  console.error(`setup: error: ${message}`);
  process.exit(1);
}

function libvulkanPath() {
  for (const p of ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
    '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1']) {
    if (existsSync(p)) return p;
  }
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /libvulkan\.so\.1\b.*=>\s*(\S+)/.exec(out);
    if (m?.[1]) return m[1];
  } catch { /* no ldconfig on PATH: fall through */ }
  return null;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  console.log(`setup: running: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

function aptInstall() {
  const manual = `install them yourself: sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`;
  if (process.platform !== 'linux' || !hasCommand('apt-get')) {
    fail(`WebGPU for the tests needs Chromium and the Vulkan loader; this is not a Debian-like system, ${manual.replace('install them yourself: ', 'install the equivalents of: ')}`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let prefix = [];
  if (!isRoot) {
    if (!hasCommand('sudo')) fail(`not root and no sudo; ${manual}`);
    prefix = ['sudo', '-n'];
  }
  const [cmd, ...pre] = prefix.length ? prefix : ['apt-get'];
  const args = (rest) => (prefix.length ? [...pre, 'apt-get', ...rest] : rest);
  if (!run(cmd, args(['update']))) fail(`apt-get update failed; ${manual}`);
  if (!run(cmd, args(['install', '-y', '--no-install-recommends', ...APT_PACKAGES]))) fail(`apt-get install failed; ${manual}`);
}

// 1. System packages.
let chromiumOk = existsSync(CHROMIUM);
let vulkan = libvulkanPath();
if (!chromiumOk || !vulkan) {
  if (!chromiumOk) line(false, 'chromium', `${CHROMIUM} not found`);
  if (!vulkan) line(false, 'libvulkan.so.1', 'not found by ldconfig');
  aptInstall();
  chromiumOk = existsSync(CHROMIUM);
  vulkan = libvulkanPath();
  if (!chromiumOk) fail(`${CHROMIUM} is still missing after apt-get install chromium`);
  if (!vulkan) fail('libvulkan.so.1 is still not found after apt-get install libvulkan1');
}
line(true, 'chromium', CHROMIUM);
line(true, 'libvulkan.so.1', vulkan);
if (existsSync(SWIFTSHADER_ICD)) line(true, 'SwiftShader Vulkan ICD', SWIFTSHADER_ICD);
else fail(`${SWIFTSHADER_ICD} is missing; reinstall it: apt-get install --reinstall -y chromium`);

// 2. Node dependencies.
const missing = NODE_DEPS.filter((d) => !existsSync(join(root, 'node_modules', d, 'package.json')));
if (missing.length > 0) {
  line(false, 'node_modules', `missing ${missing.join(', ')}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const ok = existsSync(join(root, 'package-lock.json'))
    ? run(npm, ['ci', '--no-audit', '--no-fund'])
    : run(npm, ['install', '--no-audit', '--no-fund']);
  if (!ok) fail('npm could not install the dependencies');
  const still = NODE_DEPS.filter((d) => !existsSync(join(root, 'node_modules', d, 'package.json')));
  if (still.length > 0) fail(`still missing after npm install: ${still.join(', ')}`);
}
line(true, 'node_modules', `${NODE_DEPS.length} key packages present`);
