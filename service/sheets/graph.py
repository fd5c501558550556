"""The names each decision uses in, the requirement graph out: cycles and top-level decisions.

Nobody draws the decision requirement graph in a workbook: a decision requires an input,
another decision or a knowledge model exactly when one of its cells uses that name. A
cycle (``a`` uses ``b`` uses ``a``) is reported once, at the first of its decisions in
workbook order. A decision that no other decision uses is *top level* (returned in a
response) unless its block says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where


def requirement_order(
    nodes: Mapping[str, Where], uses: Mapping[str, set[str]], found: list[Diagnostic]
) -> None:
    """Report every cycle among ``nodes`` (decisions and knowledge models) through ``uses``."""
    for path in cycles(list(nodes), uses):
        found.append(diag.cycle(nodes[path[0]], path))


def cycles(order: list[str], uses: Mapping[str, set[str]]) -> list[list[str]]:
    """Each cycle among the names of ``order`` through ``uses``, once, as a closed path that
    starts at its member earliest in ``order``."""
    position = {name: i for i, name in enumerate(order)}
    found: list[list[str]] = []
    for component in _strongly_connected(order, uses):
        members = sorted(component, key=position.__getitem__)
        if len(members) > 1 or members[0] in uses.get(members[0], set()):
            found.append(_cycle_path(members, uses))
    return sorted(found, key=lambda path: position[path[0]])


def _cycle_path(members: list[str], uses: Mapping[str, set[str]]) -> list[str]:
    """One closed path through the strongly connected ``members``, starting at the first."""
    inside = set(members)
    path = [members[0]]
    while True:
        following = sorted(uses.get(path[-1], set()) & inside)
        step = next((name for name in following if name not in path), None)
        if step is None:
            return path
        path.append(step)
        if members[0] in uses.get(step, set()):
            return path


def _strongly_connected(order: list[str], uses: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that a long chain of decisions cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    known = set(order)
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(uses.get(root, set()) & known))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                target = pending.pop(0)
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, sorted(uses.get(target, set()) & known)))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result


def used_by_others(decisions: set[str], uses: Mapping[str, set[str]]) -> set[str]:
    """The decisions that some other decision or knowledge model uses."""
    used: set[str] = set()
    for owner, names in uses.items():
        used |= {name for name in names if name in decisions and name != owner}
    return used
