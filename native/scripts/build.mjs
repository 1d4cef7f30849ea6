// Install step of glimpse-native: builds the addon with node-gyp when it can, and otherwise
// records why not and exits 0, so `npm install` always succeeds and glimpse falls back to
// WebAssembly, saying why (the reason is read back from build/skipped.txt).
//
// Offline by design: node-gyp is pointed at the headers of the running Node when they are
// installed beside it (no download), and nothing is fetched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const skippedFile = join(buildDir, 'skipped.txt');
const logFile = join(buildDir, 'build.log');

function skip(reason) {
  mkdirSync(buildDir, { recursive: true });
  rmSync(join(buildDir, 'Release', 'glimpse_native.node'), { force: true });
  writeFileSync(skippedFile, `${reason}\n`);
  console.log(`glimpse-native: not built (${reason}); glimpse will use its WebAssembly backend`);
  process.exit(0);
}

if (process.env.GLIMPSE_NATIVE_SKIP_BUILD) skip('GLIMPSE_NATIVE_SKIP_BUILD is set');
if (!['x64', 'arm64'].includes(process.arch)) skip(`no kernels for CPU architecture ${process.arch}`);

/** node-gyp: npm's own (npm tells scripts where it is), else one on PATH. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  try {
    const require = createRequire(import.meta.url);
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    // not installed as a package either
  }
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(npmDir)) return [process.execPath, npmDir];
  return null;
}

/** The directory whose include/node holds this Node's headers, when they are installed locally. */
function localNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/** The C++ compiler node-gyp's Makefile will call (CXX, else g++ / c++), if it runs. */
function compilerProblem() {
  if (process.platform === 'win32') return null; // node-gyp locates Visual Studio itself
  const cxx = process.env.CXX || (process.platform === 'darwin' ? 'c++' : 'g++');
  const probe = spawnSync(cxx.split(' ')[0], ['--version'], { encoding: 'utf8', shell: false });
  if (probe.error || probe.status !== 0) {
    return `no working C++ compiler (\`${cxx} --version\` ${probe.error ? 'could not run' : `exited with ${probe.status}`})`;
  }
  return null;
}

const noCompiler = compilerProblem();
if (noCompiler) skip(noCompiler);
const gyp = nodeGyp();
if (!gyp) skip('node-gyp was not found');
const nodedir = localNodeDir();
const args = [...gyp.slice(1), 'rebuild', '--release', '--jobs=max'];
if (nodedir) args.push(`--nodedir=${nodedir}`);
rmSync(skippedFile, { force: true });
const run = spawnSync(gyp[0], args, { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
mkdirSync(buildDir, { recursive: true });
writeFileSync(logFile, `${gyp.join(' ')} ${args.slice(1).join(' ')}\n\n${run.stdout ?? ''}\n${run.stderr ?? ''}`);
if (run.status !== 0 || !existsSync(join(buildDir, 'Release', 'glimpse_native.node'))) {
  const text = `${run.stderr ?? ''}\n${run.stdout ?? ''}`;
  const firstError =
    text.split('\n').find((l) => /error|not found|No such file|command not found/i.test(l))?.trim() ??
    (run.error ? run.error.message : `node-gyp exited with ${run.status}`);
  skip(`the native build failed: ${firstError.slice(0, 200)} (full log: ${logFile})`);
}
console.log('glimpse-native: built');
