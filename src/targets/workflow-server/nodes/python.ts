/** Whether a `python3` runs here (`serve workflow --python` refuses to start without one). */
import { spawnSync } from 'node:child_process';

export function hasPython(): boolean {
  const probe = spawnSync('python3', ['--version'], { stdio: 'ignore', timeout: 5000 });
  return probe.status === 0;
}
