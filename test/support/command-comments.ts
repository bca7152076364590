import { userOctokit } from '../bed/github/index.js';
import type { AppHarness } from './app-harness.js';

/** Helpers for `/ladder` comment tests: pull requests to comment on, comments by people, the App's replies. */
export function commandHelpers(harness: AppHarness) {
  const { github } = harness;
  const split = (fullName: string) => {
    const [owner, repo] = fullName.split('/') as [string, string];
    return { owner, repo };
  };
  let topics = 0;
  return {
    /** An open pull request in `repo` from a new topic branch into `base`. */
    async openPull(fullName: string, options: { base?: string; files?: Record<string, string>; by?: string; title?: string } = {}): Promise<number> {
      const branch = `comment-topic-${++topics}`;
      await github.seed.commitFiles(fullName, branch, options.files ?? { [`notes/${branch}.md`]: 'notes\n' }, { from: options.base ?? 'main', silent: true, message: 'topic' });
      const client = userOctokit(github, options.by ?? 'dev');
      const { data } = await client.rest.pulls.create({ ...split(fullName), head: branch, base: options.base ?? 'main', title: options.title ?? branch });
      return data.number;
    },

    /** Posts a comment as `login` (raises `issue_comment`) and waits until the App has finished with it. */
    async comment(fullName: string, pull: number, login: string, body: string): Promise<number> {
      const { data } = await userOctokit(github, login).rest.issues.createComment({ ...split(fullName), issue_number: pull, body });
      await harness.settled();
      return data.id;
    },

    /** The App's comments on a pull request, oldest first. */
    async replies(fullName: string, pull: number): Promise<string[]> {
      const { data } = await userOctokit(github, 'dev').rest.issues.listComments({ ...split(fullName), issue_number: pull, per_page: 100 });
      return data.filter((c) => c.user?.type === 'Bot').map((c) => c.body ?? '');
    },

    /** Reactions on a comment, as `content` by login. */
    async reactions(fullName: string, commentId: number): Promise<string[]> {
      const { data } = await userOctokit(github, 'dev').rest.reactions.listForIssueComment({ ...split(fullName), comment_id: commentId });
      return data.map((r) => `${r.content} by ${r.user?.login}`);
    },

    /** Labels of a repository (locks live here). */
    async labels(fullName: string): Promise<{ name: string; description: string | null }[]> {
      const { data } = await userOctokit(github, 'dev').rest.issues.listLabelsForRepo({ ...split(fullName), per_page: 100 });
      return data.map((l) => ({ name: l.name, description: l.description }));
    },

    /** Branch names of a repository. */
    async branches(fullName: string): Promise<string[]> {
      const { data } = await userOctokit(github, 'dev').rest.repos.listBranches({ ...split(fullName), per_page: 100 });
      return data.map((b) => b.name).sort();
    },

    /** Open pull requests of a repository, as `#n head → base`. */
    async openPulls(fullName: string): Promise<{ number: number; head: string; base: string; title: string; body: string }[]> {
      const { data } = await userOctokit(github, 'dev').rest.pulls.list({ ...split(fullName), state: 'open', per_page: 100 });
      return data.map((p) => ({ number: p.number, head: p.head.ref, base: p.base.ref, title: p.title, body: p.body ?? '' }));
    },
  };
}
