import { obj, objects, str, strings, type Obj } from '../access.js';
import { isDns1123Subdomain } from '../content.js';
import { invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { nameIsPathSegment, selectorOf, validateLabelSelector, validateObjectMeta } from '../meta.js';
import { copyTopLevel, type KindRules } from './kind.js';

/** rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding. Names only need to be URL path segments. */

const group = 'rbac.authorization.k8s.io';
const meta = (object: Obj, namespaced: boolean): FieldError[] =>
  validateObjectMeta(obj(object['metadata']), { namespaced, nameCheck: nameIsPathSegment }, ['metadata']);

function validateRules(object: Obj, namespaced: boolean): FieldError[] {
  return objects(object['rules']).flatMap((rule, i) => {
    const path = ['rules', i];
    const errors: FieldError[] = [];
    if (strings(rule['verbs']).length === 0) errors.push(required([...path, 'verbs'], 'verbs must contain at least one value'));
    const urls = strings(rule['nonResourceURLs']);
    if (urls.length > 0) {
      if (namespaced) errors.push(invalid([...path, 'nonResourceURLs'], urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (strings(rule['apiGroups']).length > 0 || strings(rule['resources']).length > 0 || strings(rule['resourceNames']).length > 0) {
        errors.push(invalid([...path, 'nonResourceURLs'], urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return errors;
    }
    if (strings(rule['apiGroups']).length === 0) errors.push(required([...path, 'apiGroups'], 'resource rules must supply at least one api group'));
    if (strings(rule['resources']).length === 0) errors.push(required([...path, 'resources'], 'resource rules must supply at least one resource'));
    return errors;
  });
}

export const role: KindRules = {
  copy: copyTopLevel,
  prepare() {},
  validate: (object) => [...meta(object, true), ...validateRules(object, true)],
};

export const clusterRole: KindRules = {
  copy: copyTopLevel,
  prepare() {},
  validate(object) {
    const errors = [...meta(object, false), ...validateRules(object, false)];
    const aggregation = obj(object['aggregationRule']);
    if (aggregation) {
      const selectors = objects(aggregation['clusterRoleSelectors']);
      if (selectors.length === 0) errors.push(required(['aggregationRule', 'clusterRoleSelectors'], 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      selectors.forEach((selector, i) => {
        const path = ['aggregationRule', 'clusterRoleSelectors', i];
        errors.push(...validateLabelSelector(selector, path));
        if (!selectorOf(selector)) errors.push(invalid(path, selector, 'invalid label selector.'));
      });
    }
    return errors;
  },
};

function defaultBinding(object: Obj): void {
  const roleRef = (obj(object['roleRef']) ?? (object['roleRef'] = {})) as Obj;
  roleRef['apiGroup'] ||= group;
  for (const subject of objects(object['subjects'])) {
    if (str(subject['apiGroup']) !== '') continue;
    if (subject['kind'] === 'User' || subject['kind'] === 'Group') subject['apiGroup'] = group;
  }
}

function validateBinding(object: Obj, namespaced: boolean, roleKinds: string[]): FieldError[] {
  const errors = meta(object, namespaced);
  const roleRef = obj(object['roleRef']) ?? {};
  if (str(roleRef['apiGroup']) !== group) errors.push(notSupported(['roleRef', 'apiGroup'], str(roleRef['apiGroup']), [group]));
  if (!roleKinds.includes(str(roleRef['kind']))) errors.push(notSupported(['roleRef', 'kind'], str(roleRef['kind']), roleKinds));
  const name = str(roleRef['name']);
  if (name === '') errors.push(required(['roleRef', 'name']));
  else errors.push(...nameIsPathSegment(name, false).map((m) => invalid(['roleRef', 'name'], name, m)));
  objects(object['subjects']).forEach((subject, i) => errors.push(...validateSubject(subject, namespaced, ['subjects', i])));
  return errors;
}

function validateSubject(subject: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const name = str(subject['name']);
  const apiGroup = str(subject['apiGroup']);
  if (name === '') errors.push(required([...path, 'name']));
  switch (str(subject['kind'])) {
    case 'ServiceAccount':
      if (name !== '') errors.push(...isDns1123Subdomain(name).map((m) => invalid([...path, 'name'], name, m)));
      if (apiGroup !== '') errors.push(notSupported([...path, 'apiGroup'], apiGroup, ['']));
      if (!namespaced && str(subject['namespace']) === '') errors.push(required([...path, 'namespace']));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== group) errors.push(notSupported([...path, 'apiGroup'], apiGroup, [group]));
      break;
    default:
      errors.push(notSupported([...path, 'kind'], str(subject['kind']), ['ServiceAccount', 'User', 'Group']));
  }
  return errors;
}

export const roleBinding: KindRules = {
  prepare: defaultBinding,
  validate: (object) => validateBinding(object, true, ['Role', 'ClusterRole']),
};

export const clusterRoleBinding: KindRules = {
  prepare: defaultBinding,
  validate: (object) => validateBinding(object, false, ['ClusterRole']),
};
