// Command apiserver-sites lists, for each kind Ladder validates as the API
// server does, every field path at which kube-apiserver's create validation
// can report an error. It reads the Go source of k8s.io/kubernetes and its
// staging modules from the Go module cache (go mod download fetches them) and
// follows field paths from each kind's entry point (ValidateDeployment, …)
// through every call that passes a *field.Path, so `fldPath.Child("spec")`
// in one function and `.Index(i).Child("name")` in another become
// `spec.template.spec.containers[*].name`.
//
// The differential test's generator reads the result: it mutates manifests
// at these paths, so its coverage is measured against what the server
// checks, not against what Ladder implemented.
//
//	go run ./src/tools/apiserver-sites -kube v1.36.3 > bench/validate/differential/sites/v1.36.json
//
// The analysis is static and deliberately generous: branches that need a
// feature gate or an option are followed too. Functions that only run on
// update (…Update…, Immutable) are not.
package main

import (
	"archive/zip"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const fieldPkg = "k8s.io/apimachinery/pkg/util/validation/field"
const validatePkg = "k8s.io/apimachinery/pkg/api/validate"

// Constructors of field.Error: each call is one site.
var errorConstructors = map[string]bool{
	"Invalid": true, "Required": true, "NotSupported": true, "Duplicate": true, "Forbidden": true,
	"TooLong": true, "TooLongMaxLength": true, "TooMany": true, "NotFound": true, "TypeInvalid": true,
}

type entry struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Pkg        string `json:"-"`
	Func       string `json:"entry"`
}

// The create validation of each kind: what the registry strategy's Validate
// calls, then the declarative validation registered for the served version.
var entries = []entry{
	{"Deployment", "apps/v1", "k8s.io/kubernetes/pkg/apis/apps/validation", "ValidateDeployment"},
	{"StatefulSet", "apps/v1", "k8s.io/kubernetes/pkg/apis/apps/validation", "ValidateStatefulSet"},
	{"DaemonSet", "apps/v1", "k8s.io/kubernetes/pkg/apis/apps/validation", "ValidateDaemonSet"},
	{"ReplicaSet", "apps/v1", "k8s.io/kubernetes/pkg/apis/apps/validation", "ValidateReplicaSet"},
	{"ReplicationController", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateReplicationController"},
	{"ReplicationController", "v1", "k8s.io/kubernetes/pkg/apis/core/v1", "Validate_ReplicationController"},
	{"Job", "batch/v1", "k8s.io/kubernetes/pkg/apis/batch/validation", "ValidateJob"},
	{"CronJob", "batch/v1", "k8s.io/kubernetes/pkg/apis/batch/validation", "ValidateCronJobCreate"},
	{"CronJob", "batch/v1", "k8s.io/kubernetes/pkg/apis/batch/v1", "Validate_CronJob"},
	{"Service", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateServiceCreate"},
	{"ConfigMap", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateConfigMap"},
	{"Secret", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateSecret"},
	{"ServiceAccount", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateServiceAccount"},
	{"Ingress", "networking.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/networking/validation", "ValidateIngressCreate"},
	{"IngressClass", "networking.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/networking/validation", "ValidateIngressClass"},
	{"IngressClass", "networking.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/networking/v1", "Validate_IngressClass"},
	{"NetworkPolicy", "networking.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/networking/validation", "ValidateNetworkPolicy"},
	{"NetworkPolicy", "networking.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/networking/v1", "Validate_NetworkPolicy"},
	{"HorizontalPodAutoscaler", "autoscaling/v2", "k8s.io/kubernetes/pkg/apis/autoscaling/validation", "ValidateHorizontalPodAutoscaler"},
	{"PodDisruptionBudget", "policy/v1", "k8s.io/kubernetes/pkg/apis/policy/validation", "ValidatePodDisruptionBudget"},
	{"PersistentVolumeClaim", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidatePersistentVolumeClaim"},
	{"Namespace", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateNamespace"},
	{"ResourceQuota", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateResourceQuota"},
	{"LimitRange", "v1", "k8s.io/kubernetes/pkg/apis/core/validation", "ValidateLimitRange"},
	{"Role", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/validation", "ValidateRole"},
	{"Role", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/v1", "Validate_Role"},
	{"RoleBinding", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/validation", "ValidateRoleBinding"},
	{"RoleBinding", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/v1", "Validate_RoleBinding"},
	{"ClusterRole", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/validation", "ValidateClusterRole"},
	{"ClusterRole", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/v1", "Validate_ClusterRole"},
	{"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/rbac/validation", "ValidateClusterRoleBinding"},
	{"PriorityClass", "scheduling.k8s.io/v1", "k8s.io/kubernetes/pkg/apis/scheduling/validation", "ValidatePriorityClass"},
}

// Packages read: validation of the groups in scope, their declarative
// validation, and the apimachinery helpers they call.
func packageDirs(modCache, kube string) map[string]string {
	staging := "v0." + strings.TrimPrefix(kube, "v1.")
	k := filepath.Join(modCache, "k8s.io", "kubernetes@"+kube)
	am := filepath.Join(modCache, "k8s.io", "apimachinery@"+staging)
	dirs := map[string]string{
		"k8s.io/apimachinery/pkg/api/validation":          filepath.Join(am, "pkg/api/validation"),
		"k8s.io/apimachinery/pkg/apis/meta/v1/validation": filepath.Join(am, "pkg/apis/meta/v1/validation"),
		"k8s.io/apimachinery/pkg/util/validation":         filepath.Join(am, "pkg/util/validation"),
		validatePkg: filepath.Join(am, "pkg/api/validate"),
		"k8s.io/kubernetes/pkg/apis/resource/validation": filepath.Join(k, "pkg/apis/resource/validation"),
	}
	for _, group := range []string{"core", "apps", "batch", "networking", "autoscaling", "policy", "rbac", "scheduling"} {
		dirs["k8s.io/kubernetes/pkg/apis/"+group+"/validation"] = filepath.Join(k, "pkg/apis", group, "validation")
		dirs["k8s.io/kubernetes/pkg/apis/"+group+"/v1"] = filepath.Join(k, "pkg/apis", group, "v1")
	}
	return dirs
}

type function struct {
	pkg     string
	decl    *ast.FuncDecl
	imports map[string]string // alias → import path
	file    string
}

type program struct {
	fset  *token.FileSet
	funcs map[string]*function // "pkg.Name"
	root  string               // for relative positions
}

func load(dirs map[string]string, root string) (*program, error) {
	p := &program{fset: token.NewFileSet(), funcs: map[string]*function{}, root: root}
	for pkg, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("no Go files in %s (run: go mod download)", dir)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			// In the versioned packages only the declarative validation matters.
			if strings.HasSuffix(pkg, "/v1") && !strings.HasSuffix(name, "zz_generated.validations.go") {
				continue
			}
			file, err := parser.ParseFile(p.fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			imports := map[string]string{}
			for _, spec := range file.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				alias := path[strings.LastIndex(path, "/")+1:]
				if spec.Name != nil {
					alias = spec.Name.Name
				}
				imports[alias] = path
			}
			for _, d := range file.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || fd.Body == nil {
					continue
				}
				p.funcs[pkg+"."+fd.Name.Name] = &function{pkg: pkg, decl: fd, imports: imports, file: name}
			}
		}
	}
	return p, nil
}

// A field path as a list of segments: ".name", "[*]" or "[key]".
type path []string

func (p path) String() string { return strings.TrimPrefix(strings.Join(p, ""), ".") }

func (p path) extend(segments ...string) path {
	out := make(path, 0, len(p)+len(segments))
	return append(append(out, p...), segments...)
}

type site struct {
	Path   string   `json:"path"`
	Errors []string `json:"errors"`
	At     []string `json:"at"`
}

type collector struct {
	prog       *program
	sites      map[string]map[string]map[string]bool // path → error type → positions
	visited    map[string]bool
	unresolved map[string]bool
}

const maxDepth = 24

func isPathType(expr ast.Expr, imports map[string]string) bool {
	star, ok := expr.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && imports[x.Name] == fieldPkg && sel.Sel.Name == "Path"
}

// skipped: functions that only run on update, or never report on create.
func skipped(pkg, name string) bool {
	if strings.Contains(name, "Update") || strings.Contains(name, "Immutable") || strings.Contains(name, "Status") {
		return true
	}
	if pkg == validatePkg && (strings.HasPrefix(name, "Optional") || strings.HasPrefix(name, "Forbidden") && false) {
		return true
	}
	return false
}

// scope is the lexical environment of path variables while a body is walked in order.
type scope struct {
	fn     *function
	env    map[string][]path
	parent *scope
	deep   int
}

func (s *scope) lookup(name string) ([]path, bool) {
	for at := s; at != nil; at = at.parent {
		if paths, ok := at.env[name]; ok {
			return paths, true
		}
	}
	return nil, false
}

func (s *scope) child() *scope {
	return &scope{fn: s.fn, env: map[string][]path{}, parent: s, deep: s.deep}
}

// assign updates the innermost variable of that name (a `=` in a branch or loop may or may not run: keep both).
func (s *scope) assign(name string, paths []path) {
	for at := s; at != nil; at = at.parent {
		if old, ok := at.env[name]; ok {
			at.env[name] = union(old, paths)
			return
		}
	}
	s.env[name] = paths
}

func (c *collector) analyzeFunc(fn *function, params []*ast.Field, body *ast.BlockStmt, bound map[int][]path, outer *scope, depth int) {
	if depth > maxDepth {
		return
	}
	s := &scope{fn: fn, env: map[string][]path{}, parent: outer, deep: depth}
	index := 0
	for _, field := range params {
		names := field.Names
		if len(names) == 0 {
			index++
			continue
		}
		for _, name := range names {
			if paths, ok := bound[index]; ok {
				s.env[name.Name] = paths
			} else {
				s.env[name.Name] = nil // shadows any outer variable of that name
			}
			index++
		}
	}
	c.block(s, body.List)
}

func (c *collector) block(s *scope, list []ast.Stmt) {
	for _, st := range list {
		c.stmt(s, st)
	}
}

func (c *collector) stmt(s *scope, st ast.Stmt) {
	switch n := st.(type) {
	case nil:
	case *ast.BlockStmt:
		c.block(s.child(), n.List)
	case *ast.IfStmt:
		inner := s.child()
		c.stmt(inner, n.Init)
		c.expr(inner, n.Cond)
		c.block(inner.child(), n.Body.List)
		c.stmt(inner, n.Else)
	case *ast.ForStmt:
		inner := s.child()
		c.stmt(inner, n.Init)
		c.expr(inner, n.Cond)
		c.stmt(inner, n.Post)
		c.block(inner.child(), n.Body.List)
	case *ast.RangeStmt:
		inner := s.child()
		c.expr(inner, n.X)
		for _, v := range []ast.Expr{n.Key, n.Value} {
			if id, ok := v.(*ast.Ident); ok && n.Tok == token.DEFINE {
				inner.env[id.Name] = nil
			}
		}
		c.block(inner.child(), n.Body.List)
	case *ast.SwitchStmt:
		inner := s.child()
		c.stmt(inner, n.Init)
		c.expr(inner, n.Tag)
		for _, clause := range n.Body.List {
			cc := clause.(*ast.CaseClause)
			for _, e := range cc.List {
				c.expr(inner, e)
			}
			c.block(inner.child(), cc.Body)
		}
	case *ast.TypeSwitchStmt:
		inner := s.child()
		c.stmt(inner, n.Init)
		c.stmt(inner, n.Assign)
		for _, clause := range n.Body.List {
			c.block(inner.child(), clause.(*ast.CaseClause).Body)
		}
	case *ast.SelectStmt:
		for _, clause := range n.Body.List {
			c.block(s.child(), clause.(*ast.CommClause).Body)
		}
	case *ast.LabeledStmt:
		c.stmt(s, n.Stmt)
	case *ast.AssignStmt:
		values := make([][]path, len(n.Rhs))
		for i, rhs := range n.Rhs {
			c.expr(s, rhs)
			values[i] = s.eval(rhs)
		}
		for i, lhs := range n.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				c.expr(s, lhs)
				continue
			}
			var paths []path
			if len(n.Lhs) == len(n.Rhs) {
				paths = values[i]
			}
			if n.Tok == token.DEFINE {
				s.env[id.Name] = paths
			} else if paths != nil {
				s.assign(id.Name, paths)
			}
		}
	case *ast.DeclStmt:
		gen, ok := n.Decl.(*ast.GenDecl)
		if !ok {
			return
		}
		for _, spec := range gen.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, id := range vs.Names {
				var paths []path
				if i < len(vs.Values) {
					c.expr(s, vs.Values[i])
					paths = s.eval(vs.Values[i])
				}
				s.env[id.Name] = paths
			}
		}
	case *ast.ExprStmt:
		c.expr(s, n.X)
	case *ast.ReturnStmt:
		for _, r := range n.Results {
			c.expr(s, r)
		}
	case *ast.DeferStmt:
		c.expr(s, n.Call)
	case *ast.GoStmt:
		c.expr(s, n.Call)
	case *ast.IncDecStmt, *ast.BranchStmt, *ast.EmptyStmt, *ast.SendStmt:
	default:
		fmt.Fprintf(os.Stderr, "apiserver-sites: statement %T not followed\n", st)
	}
}

func union(a, b []path) []path {
	seen := map[string]bool{}
	var out []path
	for _, p := range append(append([]path{}, a...), b...) {
		key := strings.Join(p, "\x00")
		if !seen[key] && len(out) < 64 {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out
}

// eval gives the field paths an expression can stand for, or nil when it is not a path.
func (s *scope) eval(expr ast.Expr) []path {
	switch e := expr.(type) {
	case *ast.ParenExpr:
		return s.eval(e.X)
	case *ast.Ident:
		paths, _ := s.lookup(e.Name)
		return paths
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		if x, ok := sel.X.(*ast.Ident); ok && s.fn.imports[x.Name] == fieldPkg && !s.defines(x.Name) {
			if sel.Sel.Name == "NewPath" {
				segments := []string{}
				for _, arg := range e.Args {
					segments = append(segments, "."+literal(arg, "*"))
				}
				return []path{path(segments)}
			}
			return nil
		}
		base := s.eval(sel.X)
		if base == nil {
			return nil
		}
		var step []string
		switch sel.Sel.Name {
		case "Child":
			for _, arg := range e.Args {
				step = append(step, "."+literal(arg, "*"))
			}
		case "Index":
			step = []string{"[*]"}
		case "Key":
			step = []string{"[" + literal(e.Args[0], "*") + "]"}
		default:
			return nil
		}
		out := make([]path, 0, len(base))
		for _, b := range base {
			out = append(out, b.extend(step...))
		}
		return out
	}
	return nil
}

func literal(expr ast.Expr, otherwise string) string {
	if lit, ok := expr.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if v, err := strconv.Unquote(lit.Value); err == nil {
			return v
		}
	}
	return otherwise
}

func (s *scope) defines(name string) bool {
	_, ok := s.lookup(name)
	return ok
}

// expr follows the calls inside an expression; function literals are analysed where they are called or passed.
func (c *collector) expr(s *scope, e ast.Expr) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch node := n.(type) {
		case *ast.FuncLit:
			// A closure stored or passed: captured paths are known, its own path parameters are not.
			c.analyzeFunc(s.fn, node.Type.Params.List, node.Body, nil, s, s.deep+1)
			return false
		case *ast.CallExpr:
			if lit, ok := node.Fun.(*ast.FuncLit); ok {
				// Called where it is written: its path parameters are the arguments.
				bound := map[int][]path{}
				for i, arg := range node.Args {
					if paths := s.eval(arg); paths != nil {
						bound[i] = paths
					}
				}
				c.analyzeFunc(s.fn, lit.Type.Params.List, lit.Body, bound, s, s.deep+1)
				for _, arg := range node.Args {
					c.expr(s, arg)
				}
				return false
			}
			if c.visitContainers(s, node) {
				return false
			}
			if c.call(s, node) {
				// Function values passed to the declarative helpers were analysed with their paths.
				for _, arg := range node.Args {
					if _, ok := arg.(*ast.FuncLit); !ok {
						c.expr(s, arg)
					}
				}
				return false
			}
		}
		return true
	})
}

// call records an error site or follows a call; true when it handled the arguments' function literals itself.
func (c *collector) call(s *scope, call *ast.CallExpr) bool {
	fun := call.Fun
	for {
		switch f := fun.(type) {
		case *ast.IndexExpr:
			fun = f.X
			continue
		case *ast.IndexListExpr:
			fun = f.X
			continue
		}
		break
	}
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		if !ok {
			return false
		}
		pkg, isPkg := s.fn.imports[x.Name]
		if !isPkg || s.defines(x.Name) {
			return false
		}
		if pkg == fieldPkg {
			if errorConstructors[f.Sel.Name] && len(call.Args) > 0 {
				c.record(s, call.Args[0], f.Sel.Name, call)
			}
			return false
		}
		return c.callFunction(s, pkg, f.Sel.Name, call)
	case *ast.Ident:
		return c.callFunction(s, s.fn.pkg, f.Name, call)
	}
	return false
}

// visitContainers follows pods.VisitContainersWithPath(spec, fldPath, func(c, path)), which calls
// back with the path of every container, init container and ephemeral container.
func (c *collector) visitContainers(s *scope, call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "VisitContainersWithPath" || len(call.Args) != 3 {
		return false
	}
	lit, ok := call.Args[2].(*ast.FuncLit)
	base := s.eval(call.Args[1])
	if !ok || base == nil {
		return false
	}
	var paths []path
	for _, b := range base {
		for _, list := range []string{".initContainers", ".containers", ".ephemeralContainers"} {
			paths = append(paths, b.extend(list, "[*]"))
		}
	}
	c.analyzeFunc(s.fn, lit.Type.Params.List, lit.Body, bindFirstPath(lit.Type.Params.List, s.fn.imports, paths, nil), s, s.deep+1)
	return true
}

func (c *collector) record(s *scope, arg ast.Expr, kind string, call *ast.CallExpr) {
	paths := s.eval(arg)
	pos := c.prog.fset.Position(call.Pos())
	rel, _ := filepath.Rel(c.prog.root, pos.Filename)
	at := fmt.Sprintf("%s:%d", rel, pos.Line)
	if paths == nil {
		c.unresolved[at] = true
		return
	}
	for _, p := range paths {
		key := p.String()
		if c.sites[key] == nil {
			c.sites[key] = map[string]map[string]bool{}
		}
		if c.sites[key][kind] == nil {
			c.sites[key][kind] = map[string]bool{}
		}
		c.sites[key][kind][at] = true
	}
}

func (c *collector) callFunction(s *scope, pkg, name string, call *ast.CallExpr) bool {
	fn := c.prog.funcs[pkg+"."+name]
	if fn == nil || skipped(pkg, name) {
		return false
	}
	bound := map[int][]path{}
	var params []*ast.Field = fn.decl.Type.Params.List
	index := 0
	var pathArg []path
	for _, field := range params {
		count := len(field.Names)
		if count == 0 {
			count = 1
		}
		for k := 0; k < count; k++ {
			if index < len(call.Args) && isPathType(field.Type, fn.imports) {
				if paths := s.eval(call.Args[index]); paths != nil {
					bound[index] = paths
					if pathArg == nil {
						pathArg = paths
					}
				}
			}
			index++
		}
	}
	// Validators passed as values to the declarative helpers run on elements or subfields of the path.
	if pkg == validatePkg && pathArg != nil {
		var step []string
		switch name {
		case "EachSliceVal", "EachMapVal":
			step = []string{"[*]"}
		case "Subfield":
			if len(call.Args) > 5 {
				step = []string{"." + literal(call.Args[5], "*")}
			}
		}
		for _, arg := range call.Args {
			c.passFunctionValue(s, arg, pathArg, step)
		}
	}
	handled := pkg == validatePkg && pathArg != nil
	key := fmt.Sprintf("%s.%s|%s", pkg, name, describeBindings(bound))
	if c.visited[key] || s.deep > maxDepth {
		return handled
	}
	c.visited[key] = true
	c.analyzeFunc(fn, params, fn.decl.Body, bound, nil, s.deep+1)
	return handled
}

func (c *collector) passFunctionValue(s *scope, arg ast.Expr, base []path, step []string) {
	var fn *function
	switch a := arg.(type) {
	case *ast.Ident:
		fn = c.prog.funcs[s.fn.pkg+"."+a.Name]
	case *ast.SelectorExpr:
		if x, ok := a.X.(*ast.Ident); ok {
			fn = c.prog.funcs[s.fn.imports[x.Name]+"."+a.Sel.Name]
		}
	case *ast.FuncLit:
		bound := bindFirstPath(a.Type.Params.List, s.fn.imports, base, step)
		c.analyzeFunc(s.fn, a.Type.Params.List, a.Body, bound, s, s.deep+1)
		return
	}
	if fn == nil || skipped(fn.pkg, fn.decl.Name.Name) {
		return
	}
	bound := bindFirstPath(fn.decl.Type.Params.List, fn.imports, base, step)
	key := fmt.Sprintf("%s.%s|%s", fn.pkg, fn.decl.Name.Name, describeBindings(bound))
	if c.visited[key] {
		return
	}
	c.visited[key] = true
	c.analyzeFunc(fn, fn.decl.Type.Params.List, fn.decl.Body, bound, nil, s.deep+1)
}

func bindFirstPath(params []*ast.Field, imports map[string]string, base []path, step []string) map[int][]path {
	index := 0
	for _, field := range params {
		count := max(len(field.Names), 1)
		if isPathType(field.Type, imports) {
			out := make([]path, 0, len(base))
			for _, b := range base {
				out = append(out, b.extend(step...))
			}
			return map[int][]path{index: out}
		}
		index += count
	}
	return nil
}

func describeBindings(bound map[int][]path) string {
	var parts []string
	for i, paths := range bound {
		var ps []string
		for _, p := range paths {
			ps = append(ps, p.String())
		}
		sort.Strings(ps)
		parts = append(parts, fmt.Sprintf("%d=%s", i, strings.Join(ps, ",")))
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

type kindSites struct {
	APIVersion string   `json:"apiVersion"`
	Entries    []string `json:"entries"`
	// Path → the error types reported there ("Invalid Required"), or with -positions the full sites.
	Sites any `json:"sites"`
}

func main() {
	kube := flag.String("kube", "v1.36.3", "k8s.io/kubernetes version")
	positions := flag.Bool("positions", false, "list every error site with its Go source positions (large; for reading the analysis)")
	zones := flag.Bool("zones", false, "print the time zone names Go's embedded tzdata knows (what kube-apiserver's time.LoadLocation accepts) as a TypeScript module, and exit")
	flag.Parse()
	if *zones {
		printZones()
		return
	}
	modCache := goEnv("GOMODCACHE")
	dirs := packageDirs(modCache, *kube)
	prog, err := load(dirs, filepath.Join(modCache, "k8s.io"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiserver-sites:", err)
		fmt.Fprintf(os.Stderr, "fetch the sources first: go mod download k8s.io/kubernetes@%s k8s.io/apimachinery@v0.%s\n", *kube, strings.TrimPrefix(*kube, "v1."))
		os.Exit(1)
	}
	kinds := map[string]*kindSites{}
	unresolved := map[string]bool{}
	byKind := map[string]*collector{}
	for _, e := range entries {
		fn := prog.funcs[e.Pkg+"."+e.Func]
		if fn == nil {
			fmt.Fprintf(os.Stderr, "apiserver-sites: %s.%s not found in %s\n", e.Pkg, e.Func, *kube)
			continue
		}
		c := byKind[e.Kind]
		if c == nil {
			c = &collector{prog: prog, sites: map[string]map[string]map[string]bool{}, visited: map[string]bool{}, unresolved: unresolved}
			byKind[e.Kind] = c
			kinds[e.Kind] = &kindSites{APIVersion: e.APIVersion}
		}
		// Entry points that take a path start at the root.
		bound := map[int][]path{}
		index := 0
		for _, field := range fn.decl.Type.Params.List {
			count := max(len(field.Names), 1)
			for k := 0; k < count; k++ {
				if isPathType(field.Type, fn.imports) {
					bound[index] = []path{{}}
				}
				index++
			}
		}
		c.analyzeFunc(fn, fn.decl.Type.Params.List, fn.decl.Body, bound, nil, 0)
		kinds[e.Kind].Entries = append(kinds[e.Kind].Entries, strings.TrimPrefix(e.Pkg, "k8s.io/kubernetes/")+"."+e.Func)
	}
	total := 0
	for kind, c := range byKind {
		var list []site
		for p, types := range c.sites {
			s := site{Path: p}
			for t, positions := range types {
				s.Errors = append(s.Errors, t)
				for at := range positions {
					s.At = append(s.At, at)
				}
			}
			sort.Strings(s.Errors)
			sort.Strings(s.At)
			list = append(list, s)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
		if *positions {
			kinds[kind].Sites = list
		} else {
			compact := map[string]string{}
			for _, s := range list {
				compact[s.Path] = strings.Join(s.Errors, " ")
			}
			kinds[kind].Sites = compact
		}
		total += len(list)
		fmt.Fprintf(os.Stderr, "%-24s %4d paths\n", kind, len(list))
	}
	var unresolvedList []string
	for at := range unresolved {
		unresolvedList = append(unresolvedList, at)
	}
	sort.Strings(unresolvedList)
	fmt.Fprintf(os.Stderr, "%d paths in all; %d error sites whose path could not be followed\n", total, len(unresolvedList))
	out := map[string]any{
		"kubernetes": *kube,
		"generator":  "src/tools/apiserver-sites (go run ./src/tools/apiserver-sites -kube " + *kube + ")",
		"kinds":      kinds,
		"unresolved": unresolvedList,
	}
	encoder := json.NewEncoder(os.Stdout)
	if *positions {
		encoder.SetIndent("", " ")
	}
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// printZones writes src/core/validate/apiserver/time-zones.ts: kube-apiserver
// imports time/tzdata, so CronJob timeZone accepts exactly these names (a
// node's /usr/share/zoneinfo, when the server runs with one, may add a few).
func printZones() {
	archive := filepath.Join(goEnv("GOROOT"), "lib", "time", "zoneinfo.zip")
	reader, err := zip.OpenReader(archive)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiserver-sites:", err)
		os.Exit(1)
	}
	defer reader.Close()
	var names []string
	for _, file := range reader.File {
		if !strings.HasSuffix(file.Name, "/") {
			names = append(names, file.Name)
		}
	}
	sort.Strings(names)
	fmt.Printf("// Generated by src/tools/apiserver-sites -zones from %s (%s); do not edit.\n", "$GOROOT/lib/time/zoneinfo.zip", goEnv("GOVERSION"))
	fmt.Println("// The IANA time zones kube-apiserver's embedded tzdata knows, for CronJob spec.timeZone.")
	fmt.Println("export const timeZoneNames: readonly string[] = [")
	for _, name := range names {
		fmt.Printf("  %q,\n", name)
	}
	fmt.Println("];")
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiserver-sites: go env:", err)
		os.Exit(1)
	}
	return strings.TrimSpace(string(out))
}
