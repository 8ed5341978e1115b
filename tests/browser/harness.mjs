// Shared set-up of the browser tests: a livebrief server with the demo briefing on a free port, and
// Debian's chromium through playwright-core (nothing is downloaded).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR || join(repo, 'target');
export const bin = process.env.LB_BIN || join(target, 'debug', 'livebrief');
export const shots = join(target, 'screenshots');
export const SLUG = 'ceasefire-talks-demo';

export function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'livebrief-browser-'));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--data-dir', dataDir, 'serve', '--demo', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, LIVEBRIEF_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => reject(new Error('server did not start in 20 s')), 20000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/[0-9.:]+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({
          base: m[1],
          stop() { child.kill('SIGTERM'); rmSync(dataDir, { recursive: true, force: true }); },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(page, base, next) {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#name', 'editor');
  await page.fill('#password', 'livebrief-demo');
  await Promise.all([page.waitForURL(`**${next}`), page.click('button[type=submit]')]);
}
