import { permissionFlags } from '../roles.js';
import type { Permission, RepoState } from '../state.js';
import { simpleUser } from './users.js';
import { nodeId, type Urls } from './urls.js';

/** The URL fields every repository shape carries, with GitHub's URI templates. */
function repoUrls(urls: Urls, repo: RepoState) {
  const url = urls.repo(repo.fullName);
  return {
    html_url: urls.repoHtml(repo.fullName),
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
  };
}

function openIssueCount(repo: RepoState): number {
  const openPulls = [...repo.pulls.values()].filter((p) => p.state === 'open').length;
  return openPulls;
}

/** GitHub's `minimal-repository` (used inside combined statuses, installations' lists and more). */
export function minimalRepository(urls: Urls, repo: RepoState) {
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: simpleUser(urls, repo.owner),
    description: null,
    fork: repo.parent !== null,
    ...repoUrls(urls, repo),
  };
}

/** GitHub's `repository` (pull request heads and bases, installation repository lists). */
export function repository(urls: Urls, repo: RepoState, viewer?: Permission, forks = 0) {
  const openIssues = openIssueCount(repo);
  const shape = {
    ...minimalRepository(urls, repo),
    git_url: `git://127.0.0.1/${repo.fullName}.git`,
    ssh_url: `git@127.0.0.1:${repo.fullName}.git`,
    clone_url: urls.html(`/${repo.fullName}.git`),
    svn_url: urls.repoHtml(repo.fullName),
    mirror_url: null,
    homepage: null,
    language: null,
    forks_count: forks,
    forks,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [] as string[],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
  };
  return viewer ? { ...shape, permissions: permissionFlags(viewer) } : shape;
}

/** GitHub's `full-repository` (GET /repos/{owner}/{repo}); a fork names its `parent` and its network's `source`. */
export function fullRepository(urls: Urls, repo: RepoState, viewer?: Permission, network?: { parent: RepoState; source: RepoState }, forks = 0) {
  return {
    ...repository(urls, repo, viewer, forks),
    ...(network ? { parent: repository(urls, network.parent), source: repository(urls, network.source) } : {}),
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: true,
    use_squash_pr_title_as_default: false,
    // GitHub hands out a token for cloning private repositories in the browser; clients never use it.
    temp_clone_token: '',
    network_count: 0,
    subscribers_count: 0,
    ...(repo.owner.type === 'Organization' ? { organization: simpleUser(urls, repo.owner) } : {}),
  };
}
