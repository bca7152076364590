import { describeValue, type HelperCall } from './call.js';
import { doubleQuoted, numberText } from '../yaml-text.js';

/** `{{str a b …}}`: the arguments joined, as one double-quoted YAML string. */
export function str(call: HelperCall): string {
  return doubleQuoted(joinScalars(call));
}

/** `(concat a b …)`: the arguments joined, as a raw string for other helpers. */
export function concat(call: HelperCall): string {
  return joinScalars(call);
}

/** `{{int x}}`: an integer, or an error; a numeric string is refused so a typo in the config cannot pass as a number. */
export function int(call: HelperCall): string {
  const value = call.defined(0);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    call.fail(`${call.describe(0)} must be an integer, but it is ${describeValue(value)}`, 0);
  }
  return String(value);
}

/** `{{num x}}`: a finite number, or an error. */
export function num(call: HelperCall): string {
  const value = call.defined(0);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    call.fail(`${call.describe(0)} must be a number, but it is ${describeValue(value)}`, 0);
  }
  return numberText(value);
}

/** `{{bool x}}`: true or false, or an error; `"yes"` and `"on"` are strings, not booleans. */
export function bool(call: HelperCall): string {
  const value = call.defined(0);
  if (typeof value !== 'boolean') {
    call.fail(`${call.describe(0)} must be true or false, but it is ${describeValue(value)}`, 0);
  }
  return String(value);
}

function joinScalars(call: HelperCall): string {
  let text = '';
  for (let index = 0; index < call.args.length; index++) {
    const value = call.defined(index);
    if (typeof value === 'string') text += value;
    else if (typeof value === 'number' && Number.isFinite(value)) text += String(value);
    else if (typeof value === 'boolean') text += String(value);
    else {
      const structure = value !== null && typeof value === 'object';
      call.fail(
        `${call.describe(index)} must be a string, number or boolean, but it is ${describeValue(value)}` +
          (structure ? '; use {{toYaml …}} for maps and lists' : ''),
        index,
      );
    }
  }
  return text;
}
