import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';

// GitHub's description of "Compare two commits": without `per_page` or `page` at most 250 commits,
// the last of them the newest of the comparison; with either, pages in chronological order and
// the changed files (at most 300) on the first page only. Pull requests list at most 250 commits.
describe('GitHub server: paging of comparisons and pull request commits past 250', () => {
  const owner = 'shop';
  const repo = 'long-history';
  let github: GitHubServer;
  let app: BedOctokit;
  let main: string;
  let tip: string;
  const count = 301;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(`${owner}/${repo}`);
    main = (await installationOctokit(github, `${owner}/${repo}`).rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit.sha;
    tip = await github.seed.commitMany(`${owner}/${repo}`, 'topic', count, { from: 'main', silent: true });
    app = installationOctokit(github, `${owner}/${repo}`);
  });

  after(() => github.stop());

  const titles = (commits: { commit: { message: string } }[]) => commits.map((c) => c.commit.message.trim());
  const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `Commit ${from + i}`);

  it('without paging parameters: the newest 250 commits, ending with the head, and at most 300 files; no Link header', async () => {
    const { data, headers } = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `main...topic` });
    assert.equal(data.total_commits, count);
    assert.equal(data.ahead_by, count);
    assert.deepEqual(titles(data.commits), numbered(count - 249, count));
    assert.equal(data.commits.at(-1)?.sha, tip, 'the last commit listed is the newest of the comparison');
    assert.equal(data.files?.length, 300, 'files stop at 300');
    assert.equal(headers.link, undefined);
    github.contract.assertClean();
  });

  it('with per_page: pages in chronological order, a Link header to walk them, files on the first page only', async () => {
    const first = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${main}...${tip}`, per_page: 100 });
    assert.deepEqual(titles(first.data.commits), numbered(1, 100));
    assert.equal(first.data.files?.length, 300);
    assert.match(first.headers.link ?? '', /[?&]page=2[^>]*>; rel="next"/);
    assert.match(first.headers.link ?? '', /[?&]page=4[^>]*>; rel="last"/);
    const last = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${main}...${tip}`, per_page: 100, page: 4 });
    assert.deepEqual(titles(last.data.commits), ['Commit 301']);
    assert.equal(last.data.total_commits, count, 'every page counts the whole comparison');
    assert.deepEqual(last.data.files, [], 'no files past the first page');
    assert.match(last.headers.link ?? '', /rel="prev"/);
    assert.doesNotMatch(last.headers.link ?? '', /rel="next"/);
    github.contract.assertClean();
  });

  it('page alone pages by 30, as every GitHub list does by default', async () => {
    const { data } = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'main...topic', page: 2 });
    assert.deepEqual(titles(data.commits), numbered(31, 60));
    assert.deepEqual(data.files, []);
  });

  it('lists at most 250 commits of a pull request, the oldest first', async () => {
    const { data: pull } = await app.rest.pulls.create({ owner, repo, head: 'topic', base: 'main', title: 'A long history' });
    assert.equal(pull.commits, count, 'the pull request counts every commit');
    const listed = await app.paginate(app.rest.pulls.listCommits, { owner, repo, pull_number: pull.number, per_page: 100 });
    assert.deepEqual(titles(listed), numbered(1, 250));
    github.contract.assertClean();
  });

  it('seeds 301 commits as real history: one line of commits, dates a second apart', async () => {
    const { data } = await app.rest.repos.listCommits({ owner, repo, sha: tip, per_page: 3 });
    assert.deepEqual(titles(data), ['Commit 301', 'Commit 300', 'Commit 299']);
    assert.deepEqual(data[0]?.parents.map((p) => p.sha), [data[1]?.sha]);
    const seconds = data.map((c) => Date.parse(c.commit.committer?.date ?? '') / 1000);
    assert.deepEqual([seconds[0]! - seconds[1]!, seconds[1]! - seconds[2]!], [1, 1]);
  });
});
