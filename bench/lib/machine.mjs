/** A description of the box a run happened on, for BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { nchanVersion, hasNchan } from '../targets/nchan.mjs';

function sh(cmd) {
  try {
    return execFileSync('sh', ['-c', cmd]).toString().trim();
  } catch {
    return '';
  }
}

export function machine() {
  return {
    cpu: sh("lscpu | sed -n 's/^Model name:[ \\t]*//p'") || os.cpus()[0]?.model,
    cores: os.cpus().length,
    ramGB: (os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    nginx: hasNchan() ? nchanVersion() : 'not installed',
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    fileLimit: sh('ulimit -n'),
    date: new Date().toISOString(),
  };
}
