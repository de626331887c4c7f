#!/usr/bin/env python3
"""Import circles between the app's modules: each file's `crate::…` paths (in `use`
lines and inline) as edges from its module to the module they name, then every strongly
connected group of two or more modules. A module and its own submodules are one family
(a parent declares its children, and children use their parent's types), so edges
within a family do not count; circles between families do.

Exit 1 and print each circle when there is one. `make lint` runs it."""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "app" / "src"


def module_of(path: pathlib.Path) -> tuple:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def strip_comments_and_tests(text: str) -> str:
    """The code the product is built from: no comments, no `#[cfg(test)]` test module
    (by convention the last item of a file)."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    tests = re.search(r"#\[cfg\((?:all\()?test\b[^\]]*\]\s*mod tests\b", text)
    return text[: tests.start()] if tests else text


def expand_use_groups(text: str) -> list:
    """Every `crate::a::b` path, with `crate::{a, b::{c, d}}` groups spelt out."""
    paths = []

    def walk(prefix: str, body: str):
        depth, start, items = 0, 0, []
        for i, ch in enumerate(body):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(body[start:i])
                start = i + 1
        items.append(body[start:])
        for item in items:
            item = item.strip()
            if not item:
                continue
            if "{" in item:
                head, rest = item.split("{", 1)
                walk(prefix + head, rest[: rest.rfind("}")])
            else:
                paths.append(prefix + item.split(" as ")[0].strip())

    for match in re.finditer(r"crate::\{", text):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        walk("crate::", text[match.end() : i - 1])
    for match in re.finditer(r"crate::((?:[a-z_][a-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)", text):
        paths.append("crate::" + match.group(1))
    return paths


def main() -> int:
    # `testing` is the unit tests' helper module, compiled for tests only.
    files = sorted(f for f in ROOT.rglob("*.rs") if f.name != "testing.rs")
    modules = {module_of(f) for f in files}
    edges = {m: set() for m in modules}
    for file in files:
        source = module_of(file)
        for path in expand_use_groups(strip_comments_and_tests(file.read_text())):
            parts = tuple(p for p in path.split("::")[1:] if p and p != "self")
            target = ()
            for i in range(len(parts), 0, -1):
                if parts[:i] in modules:
                    target = parts[:i]
                    break
            if not target or target == source:
                continue
            # One family: a module and its own descendants.
            if target[: len(source)] == source or source[: len(target)] == target:
                continue
            edges[source].add(target)

    # Tarjan's strongly connected components.
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(group)

    sys.setrecursionlimit(10000)
    for node in sorted(modules):
        if node not in index:
            visit(node)
    name = lambda m: "::".join(m) or "crate"
    for group in groups:
        members = set(group)
        print("import circle: " + ", ".join(sorted(name(m) for m in group)))
        for m in sorted(group):
            for t in sorted(edges[m] & members):
                print(f"    {name(m)} -> {name(t)}")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
