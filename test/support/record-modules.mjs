// Preloaded into a child process (node --import): writes the URL of every module it loads, one a line,
// to $LADDER_MODULES_FILE when it exits, so a test can see what a command imports.
import { writeFileSync } from 'node:fs';
import module from 'node:module';

const loaded = [];
module.registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.LADDER_MODULES_FILE, `${loaded.join('\n')}\n`));
