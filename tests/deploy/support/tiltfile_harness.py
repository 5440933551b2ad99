"""Checks and evaluates the Tiltfile without Tilt.

Usage: python3 tiltfile_harness.py lint TILTFILE
       python3 tiltfile_harness.py run TILTFILE SCENARIO.json

lint: the file parses, and uses no Python construct Starlark lacks.
run:  executes it against stand-ins for the Tilt builtins it calls, with the
      kustomize output and files given in the scenario (rendered by the
      caller), and prints what it declared as JSON. A builtin it calls that
      has no stand-in fails the run, so the stand-ins list what the Tiltfile
      depends on.
"""
import ast
import copy
import json
import os
import sys

# Python constructs with no Starlark counterpart (starlark-go, as Tilt runs it).
NOT_STARLARK = {
    ast.While: 'while loop',
    ast.ClassDef: 'class',
    ast.Import: 'import',
    ast.ImportFrom: 'import',
    ast.Try: 'try',
    ast.With: 'with',
    ast.Raise: 'raise (use fail())',
    ast.Global: 'global',
    ast.Nonlocal: 'nonlocal',
    ast.Yield: 'yield',
    ast.YieldFrom: 'yield',
    ast.Await: 'await',
    ast.AsyncFunctionDef: 'async',
    ast.JoinedStr: 'f-string',
    ast.Set: 'set literal',
    ast.SetComp: 'set comprehension',
    ast.GeneratorExp: 'generator expression',
    ast.NamedExpr: ':=',
    ast.Assert: 'assert',
    ast.Delete: 'del',
}


def lint(source):
    problems = []
    for node in ast.walk(ast.parse(source)):
        for kind, what in NOT_STARLARK.items():
            if isinstance(node, kind):
                problems.append('line %d: %s' % (node.lineno, what))
        if isinstance(node, ast.Compare):
            if len(node.ops) > 1:
                problems.append('line %d: chained comparison' % node.lineno)
            if any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                problems.append('line %d: is / is not' % node.lineno)
    return problems


class Fail(Exception):
    pass


class Blob:
    def __init__(self, objects):
        self.objects = objects


def run(path, scenario):
    root = scenario['root']
    calls = {'local_resource': [], 'docker_build': [], 'k8s_resource': [], 'k8s_yaml': [], 'paths': [], 'local': []}

    def note_path(p):
        calls['paths'].append(p)
        return p

    class Config:
        def define_bool(self, name, args=False, usage=''):
            pass

        def define_string(self, name, args=False, usage=''):
            pass

        def parse(self):
            return dict(scenario['args'])

    def fail(msg):
        raise Fail(msg)

    def kustomize(p, kustomize_bin=None, flags=None):
        note_path(p)
        return Blob(scenario['rendered'][p])

    def read_file(p, default=None):
        note_path(p)
        return Blob(scenario['files'][p])

    def decode_yaml_stream(blob):
        return copy.deepcopy(blob.objects)

    def encode_yaml_stream(objects):
        return Blob(copy.deepcopy(objects))

    def k8s_yaml(blob, allow_duplicates=False):
        calls['k8s_yaml'].extend(blob.objects)

    def listdir(p, recursive=False):
        note_path(p)
        base = os.path.join(root, p)
        if not recursive:
            return [os.path.join(base, f) for f in sorted(os.listdir(base)) if os.path.isfile(os.path.join(base, f))]
        out = []
        for d, _, files in os.walk(base):
            out += [os.path.join(d, f) for f in files]
        return sorted(out)

    class Path:
        basename = staticmethod(os.path.basename)
        join = staticmethod(os.path.join)

        @staticmethod
        def exists(p):
            return os.path.exists(os.path.join(root, p))

        @staticmethod
        def relpath(p, start=None):
            return os.path.relpath(p, start or root)

    class Os:
        path = Path

        @staticmethod
        def getcwd():
            return root

    def record(kind):
        def builtin(*args, **kwargs):
            calls[kind].append({'args': list(args), 'kwargs': kwargs})
        return builtin

    stubs = {
        'config': Config(),
        'fail': fail,
        'update_settings': lambda **kwargs: None,
        'local_resource': record('local_resource'),
        'docker_build': record('docker_build'),
        'k8s_resource': record('k8s_resource'),
        'k8s_yaml': k8s_yaml,
        'kustomize': kustomize,
        'read_file': read_file,
        'decode_yaml_stream': decode_yaml_stream,
        'encode_yaml_stream': encode_yaml_stream,
        'listdir': listdir,
        'os': Os,
        'link': lambda url, name='': {'url': url, 'name': name},
        'local': lambda cmd, **kwargs: calls['local'].append(cmd),
        'sync': lambda src, dest: {'sync': [src, dest]},
        'fall_back_on': lambda files: {'fall_back_on': files},
        'TRIGGER_MODE_MANUAL': 'manual',
        'TRIGGER_MODE_AUTO': 'auto',
    }
    with open(path) as f:
        source = f.read()
    try:
        exec(compile(source, path, 'exec'), stubs)
    except Fail as e:
        return {'failed': str(e)}
    return calls


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        source = f.read()
    if mode == 'lint':
        print(json.dumps(lint(source)))
    else:
        with open(sys.argv[3]) as f:
            scenario = json.load(f)
        print(json.dumps(run(path, scenario)))


if __name__ == '__main__':
    main()
