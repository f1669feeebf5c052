#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The layering rules of the tree, checked from the sources alone.

    tests/style/layering.py [--ktap] [CHECK...]

Checks (all by default):
  circles   no call circle between .c files of different folders of
            libedgeai/src or daemon/ (A -> B when A calls a
            non-static function B defines); a circle inside one folder is
            listed, and allowed only when the folder's README names it
  ioctl     only libedgeai/src/runtime/ calls ioctl() or fills an SQE
  includes  no #include of a .c file anywhere; tests and tools include
            public or declared headers only (no "../../*/src/" reach-ins)
  walk      prints the static call tree of edgeai_request_submit():
            files visited and returns to a file already left (a figure,
            not a pass/fail check)

A plain text line per finding; with --ktap, one KTAP test per check.
Exit status 1 when a check fails.
"""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def tracked(*patterns):
    out = subprocess.run(['git', '-C', TOP, 'ls-files', '--', *patterns],
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.split('\n') if p and os.path.exists(os.path.join(TOP, p))]


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def source(path):
    with open(os.path.join(TOP, path), errors='replace') as f:
        return strip_comments(f.read())


DEF_RE = re.compile(r'^(?!static\b)[A-Za-z_][\w \*]*?\b([a-z_][a-z0-9_]*)\s*\([^;]*$', re.M)
CALL_RE = re.compile(r'\b([a-z_][a-z0-9_]*)\s*\(')
KEYWORDS = {'if', 'while', 'for', 'switch', 'return', 'sizeof'}


def call_graph(files):
    defs, text = {}, {}
    for p in files:
        text[p] = source(p)
        for m in DEF_RE.finditer(text[p]):
            if m.group(1) not in KEYWORDS:
                defs.setdefault(m.group(1), p)
    edges = {p: set() for p in files}
    for p, t in text.items():
        for name in set(CALL_RE.findall(t)):
            q = defs.get(name)
            if q and q != p:
                edges[p].add(q)
    return edges


def sccs(edges):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(20000)

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def readme_mentions(folder, names):
    path = os.path.join(TOP, folder, 'README.md')
    if not os.path.exists(path):
        return False
    with open(path) as f:
        text = f.read()
    return all(os.path.basename(n) in text for n in names)


def check_circles():
    bad, notes = [], []
    for root in ('libedgeai/src', 'daemon'):
        files = [p for p in tracked(root + '/*.c') if '/tests/' not in p]
        for comp in sccs(call_graph(files)):
            folders = {os.path.dirname(p) for p in comp}
            line = 'call circle: ' + ' <-> '.join(comp)
            if len(folders) > 1:
                bad.append(line + ' (crosses folders)')
            elif readme_mentions(folders.pop(), comp):
                notes.append(line + ' (inside one folder, documented in its README)')
            else:
                bad.append(line + ' (inside one folder, not named in its README)')
    return bad, notes


def check_ioctl():
    bad = []
    # The examples are applications (async-run.c makes a udmabuf itself).
    files = tracked('libedgeai/src/*.c', 'libedgeai/src/*.h', 'daemon/*.c', 'daemon/*.h')
    for p in files:
        if p.startswith('libedgeai/src/runtime/'):
            continue
        t = source(p)
        for pat, what in ((r'\bioctl\s*\(', 'calls ioctl()'),
                          (r'\bio_uring_get_sqe\s*\(|\bsqe->', 'fills an SQE')):
            if re.search(pat, t):
                if p.startswith('daemon/') and what == 'calls ioctl()':
                    continue  # edgeaid talks to the driver for policy, not jobs
                bad.append(f'{p} {what} outside libedgeai/src/runtime/')
    return bad, []


def check_includes():
    bad = []
    for p in tracked('*.c', '*.h'):
        with open(os.path.join(TOP, p), errors='replace') as f:
            for i, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+[<"]([^>"]+)[>"]', line)
                if not m:
                    continue
                inc = m.group(1)
                if inc.endswith('.c'):
                    bad.append(f'{p}:{i} includes a .c file ({inc})')
                if p.startswith('tests/') and re.search(r'\.\./.*/src/', inc):
                    bad.append(f'{p}:{i} reaches into private sources ({inc})')
    return bad, []


def walk(root='libedgeai/src', start='edgeai_request_submit'):
    bodies, where = {}, {}
    fre = re.compile(r'^[A-Za-z_][\w \*]*?\b([a-z_][a-z0-9_]*)\s*\(([^;{]*?)\)\s*\{', re.M | re.S)
    for p in tracked(root + '/*.c', root + '/*.h'):
        t = source(p)
        for m in fre.finditer(t):
            if m.group(1) in KEYWORDS:
                continue
            i, depth = m.end(), 1
            while depth and i < len(t):
                depth += {'{': 1, '}': -1}.get(t[i], 0)
                i += 1
            bodies[m.group(1)] = t[m.end():i]
            where[m.group(1)] = os.path.relpath(p, root)
    if start not in bodies:
        return [f'{start}() not found under {root}'], []
    calls = {n: [c for c in CALL_RE.findall(b) if c in bodies and c != n]
             for n, b in bodies.items()}
    seq, done = [], set()

    def visit(n):
        seq.append(where[n])
        if n in done:
            return
        done.add(n)
        for c in calls[n]:
            visit(c)
            seq.append(where[n])

    visit(start)
    flat = [f for i, f in enumerate(seq) if i == 0 or seq[i - 1] != f]
    left, returns = set(), 0
    for i, f in enumerate(flat):
        if i and f in left:
            returns += 1
        if i:
            left.add(flat[i - 1])
    return [], [f'{start}(): {len(set(flat))} files visited, '
                f'{returns} returns to a file already left',
                ' -> '.join(flat)]


CHECKS = {'circles': check_circles, 'ioctl': check_ioctl,
          'includes': check_includes, 'walk': walk}


def main(argv):
    ktap = '--ktap' in argv
    names = [a for a in argv if not a.startswith('--')] or list(CHECKS)
    for n in names:
        if n not in CHECKS:
            print(f'layering: unknown check {n!r} ({" ".join(CHECKS)})', file=sys.stderr)
            return 2
    failed = 0
    if ktap:
        print(f'1..{len(names)}')
    for i, n in enumerate(names, 1):
        bad, notes = CHECKS[n]()
        failed += bool(bad)
        if ktap:
            print(f'{"not ok" if bad else "ok"} {i} layering {n}')
            for line in bad + notes:
                print('# ' + line)
        else:
            for line in bad + notes:
                print(line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
