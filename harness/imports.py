"""The modules a piece of Python source imports, read statically (the source is never run)."""

from __future__ import annotations

import ast


def module_names(nodes: list[ast.AST]) -> tuple[str, ...]:
    """The absolute modules the import statements among ``nodes`` name, in order, once each."""
    names: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            if node.module == "harness.probes":  # `from harness.probes import ch03_... as probes`
                names += [f"harness.probes.{alias.name}" for alias in node.names]
    return tuple(dict.fromkeys(n for n in names if n != "__future__"))


def nested_imports(text: str) -> tuple[str, ...]:
    """The modules imported only inside functions or classes (a file that does not parse: none)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ()
    top = set(module_names(tree.body))
    return tuple(n for n in module_names(list(ast.walk(tree))) if n not in top)
