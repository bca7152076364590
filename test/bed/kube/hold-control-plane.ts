// Helper process for the lifecycle tests: starts a control plane of its own,
// prints `{"dir": ...}` on one line, then ends the way argv[2] says, without
// calling stop(), to show that the exit hooks and watchdogs clean up.
//   wait   stay up until a signal arrives
//   throw  die of an uncaught exception
import { startControlPlane } from './control-plane.js';

const mode = process.argv[2] ?? 'wait';
const controlPlane = await startControlPlane({ reuse: false });
console.log(JSON.stringify({ dir: controlPlane.dir }));

if (mode === 'throw') {
  setTimeout(() => {
    throw new Error('deliberate uncaught exception');
  }, 10);
} else {
  setInterval(() => {}, 1 << 30);
}
