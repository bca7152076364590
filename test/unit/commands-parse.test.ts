import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandHelp, describeCommandError } from '../../src/core/commands/help.js';
import { commandLines, parseCommandComment, parseCommandLine } from '../../src/core/commands/parse.js';

const environments = ['dev', 'stg', 'prd'];
const parse = (line: string) => parseCommandLine(line, { environments });

describe('comment commands: which lines are commands', () => {
  it('takes only lines starting with /ladder, skipping quotes, code fences, indented code and HTML comments', () => {
    const body = [
      'Thanks! Let us ship it.', // 1
      '/ladder promote stg', // 2
      '> /ladder rollback prd', // 3: quoting someone
      '```', // 4
      '/ladder lock prd example in a code block', // 5
      '```', // 6
      '~~~~sh', // 7
      '/ladder unlock prd', // 8
      '~~~', // 9: too short to close a ~~~~ fence
      '~~~~', // 10
      '    /ladder diff', // 11: indented code
      '<!--', // 12
      '/ladder promote prd', // 13
      '-->', // 14
      '  /ladder diff  ', // 15: up to three spaces is still a paragraph
      'please /ladder promote prd', // 16: not at the start
      '/laddering promote prd', // 17: not the word
      '/ladder', // 18
    ].join('\r\n');
    assert.deepEqual(commandLines(body), [
      { line: 2, text: '/ladder promote stg' },
      { line: 15, text: '/ladder diff' },
      { line: 18, text: '/ladder' },
    ]);
  });

  it('keeps commands in the order written, errors in their place', () => {
    const parsed = parseCommandComment('/ladder lock prd freeze\n/ladder promot stg\n/ladder unlock prd\n', { environments });
    assert.deepEqual(
      parsed.map((p) => (p.ok ? p.command.verb : `error@${p.line}`)),
      ['lock', 'error@2', 'unlock'],
    );
  });

  it('finds nothing in a comment without commands', () => {
    assert.deepEqual(parseCommandComment('LGTM\n\n> /ladder promote prd\n'), []);
  });
});

describe('comment commands: each shape', () => {
  it('promote, unlock, diff and help', () => {
    assert.deepEqual(parse('/ladder promote stg'), { command: { verb: 'promote', environment: 'stg' } });
    assert.deepEqual(parse('/ladder   unlock\tprd'), { command: { verb: 'unlock', environment: 'prd' } });
    assert.deepEqual(parse('/ladder diff'), { command: { verb: 'diff' } });
    assert.deepEqual(parse('/ladder help'), { command: { verb: 'help' } });
    assert.deepEqual(parse('/ladder HELP me please'), { command: { verb: 'help' } }, 'verbs ignore case; help ignores the rest');
    assert.deepEqual(parse('/ladder'), { command: { verb: 'help' } }, 'a bare /ladder asks for help');
  });

  it('rollback with and without a target; shas are lower-cased', () => {
    assert.deepEqual(parse('/ladder rollback prd'), { command: { verb: 'rollback', environment: 'prd' } });
    assert.deepEqual(parse('/ladder rollback prd to 1A2B3C4'), { command: { verb: 'rollback', environment: 'prd', target: '1a2b3c4' } });
    const full = 'a'.repeat(40);
    assert.deepEqual(parse(`/ladder rollback stg TO ${full}`), { command: { verb: 'rollback', environment: 'stg', target: full } });
  });

  it('lock keeps the whole reason as written', () => {
    assert.deepEqual(parse('/ladder lock prd  incident INC-42: payments down'), {
      command: { verb: 'lock', environment: 'prd', reason: 'incident INC-42: payments down' },
    });
  });

  it('any environment name is accepted when none are known yet', () => {
    assert.deepEqual(parseCommandLine('/ladder promote qa'), { command: { verb: 'promote', environment: 'qa' } });
  });
});

describe('comment commands: malformed lines get a message and, for typos, a suggestion', () => {
  const cases: [string, RegExp, string | undefined][] = [
    ['/ladder promot stg', /`promot` is not a Ladder command/, '/ladder promote stg'],
    ['/ladder deploy prd', /`deploy` is not a Ladder command/, undefined],
    ['/ladder promote', /`promote` needs an environment: one of `dev`, `stg`, `prd`/, '/ladder promote <environment>'],
    ['/ladder promote prod', /no environment named `prod`; this service has `dev`, `stg`, `prd`/, '/ladder promote prd'],
    ['/ladder promote qa', /no environment named `qa`/, undefined],
    ['/ladder promote stg now', /unexpected `now` after `promote`/, '/ladder promote stg'],
    ['/ladder unlock', /`unlock` needs an environment/, '/ladder unlock <environment>'],
    ['/ladder lock prd', /`lock` needs a reason/, '/ladder lock prd <reason>'],
    ['/ladder lock', /`lock` needs an environment/, '/ladder lock <environment> <reason>'],
    ['/ladder lock prdd freeze', /no environment named `prdd`/, '/ladder lock prd freeze'],
    ['/ladder rollback prd 1a2b3c4', /expected `to <sha>`/, '/ladder rollback prd to 1a2b3c4'],
    ['/ladder rollback prd please', /unexpected `please` after `rollback`/, '/ladder rollback prd'],
    ['/ladder rollback prd to', /`to` needs a commit sha/, '/ladder rollback prd to <sha>'],
    ['/ladder rollback prd to main', /`main` is not a commit sha/, undefined],
    ['/ladder rollback prd to 1a2b3', /`1a2b3` is not a commit sha/, undefined],
    ['/ladder rollback prd to 1a2b3c4 now', /unexpected `now` after `rollback`/, '/ladder rollback prd to 1a2b3c4'],
    ['/ladder rollback', /`rollback` needs an environment/, '/ladder rollback <environment> [to <sha>]'],
    ['/ladder diff stg', /`diff` takes no arguments/, '/ladder diff'],
  ];
  for (const [line, message, suggestion] of cases) {
    it(line, () => {
      const result = parse(line);
      assert.ok('error' in result, `${line} should not parse`);
      assert.match(result.error.message, message);
      assert.equal(result.error.suggestion, suggestion);
    });
  }
});

describe('comment commands: help and error texts', () => {
  it('help lists every command and the service\'s environments', () => {
    const help = commandHelp(environments);
    for (const command of ['promote <env>', 'rollback <env> [to <sha>]', 'lock <env> <reason>', 'unlock <env>', '/ladder diff', '/ladder help']) {
      assert.ok(help.includes(command), `help mentions ${command}`);
    }
    assert.match(help, /Environments: `dev`, `stg`, `prd`\./);
    assert.doesNotMatch(commandHelp(), /Environments:/);
    assert.match(commandHelp(environments, { prd: ['@lead', '@shop/release'] }), /Environments: `dev`, `stg`, `prd` \(only @lead, @shop\/release\)\./);
    assert.match(commandHelp(['prd'], { prd: [] }), /`prd` \(only its commenters, none listed\)/);
    assert.match(commandHelp(['prd'], { prd: 'hidden' }), /`prd` \(only its commenters\)\./);
  });

  it('an error quotes the line, says what is wrong and what was probably meant', () => {
    const result = parse('/ladder promote prod');
    assert.ok('error' in result);
    assert.equal(
      describeCommandError('/ladder promote prod', result.error),
      '`/ladder promote prod`: no environment named `prod`; this service has `dev`, `stg`, `prd`. Did you mean `/ladder promote prd`?',
    );
  });
});
