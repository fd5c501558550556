"""A DMN boxed expression in, one equivalent FEEL expression text out (for ``tablerx export``).

The workbook has blocks for decision tables, relations and literal expressions; a model
made in another tool may also use boxed contexts, lists, invocations, conditionals,
filters, iterators and function definitions. Each of those has a FEEL equivalent, which
the export writes as a literal expression (and says so). A decision table nested inside
another boxed expression has none: :func:`flatten` returns None for it.
"""

from __future__ import annotations

from service.dmn import model as m
from service.sheets.cells import string_literal


def flatten(expression: m.Expression | None) -> str | None:
    """The FEEL text of ``expression``, or None when it contains a nested decision table."""
    if expression is None:
        return "null"
    handler = _HANDLERS.get(type(expression))
    return handler(expression) if handler is not None else None


def _paren(expression: m.Expression | None) -> str | None:
    text = flatten(expression)
    return None if text is None else f"({text})"


def _literal(item: m.Expression) -> str | None:
    assert isinstance(item, m.LiteralExpression)
    return item.text.strip() or "null"


def _context(item: m.Expression) -> str | None:
    assert isinstance(item, m.Context)
    parts: list[str] = []
    result: str | None = None
    for entry in item.entries:
        value = flatten(entry.value)
        if value is None:
            return None
        if entry.variable is None:
            result = value
        else:
            parts.append(f"{string_literal(entry.variable.name)}: {value}")
    if result is None:
        return "{" + ", ".join(parts) + "}"
    key = "result"
    while any(e.variable is not None and e.variable.name == key for e in item.entries):
        key += "_"
    return "{" + ", ".join([*parts, f"{string_literal(key)}: {result}"]) + "}." + key


def _list(item: m.Expression) -> str | None:
    assert isinstance(item, m.List)
    texts = [flatten(i) for i in item.items]
    return None if any(t is None for t in texts) else "[" + ", ".join(t or "" for t in texts) + "]"


def _relation(item: m.Expression) -> str | None:
    assert isinstance(item, m.Relation)
    rows: list[str] = []
    for row in item.rows:
        cells = [flatten(cell) for cell in row]
        if any(c is None for c in cells):
            return None
        pairs = [
            f"{string_literal(col.name)}: {cell}"
            for col, cell in zip(item.columns, cells, strict=False)
        ]
        rows.append("{" + ", ".join(pairs) + "}")
    return "[" + ", ".join(rows) + "]"


def _invocation(item: m.Expression) -> str | None:
    assert isinstance(item, m.Invocation)
    called = flatten(item.called)
    arguments: list[str] = []
    for binding in item.bindings:
        value = flatten(binding.value)
        if value is None:
            return None
        arguments.append(f"{binding.parameter.name}: {value}")
    return None if called is None else f"{called}({', '.join(arguments)})"


def _function(item: m.Expression) -> str | None:
    assert isinstance(item, m.FunctionDefinition)
    if item.kind.upper() != "FEEL":
        return None
    body = flatten(item.body)
    params = ", ".join(p.name + (f": {p.type_ref}" if p.type_ref else "") for p in item.parameters)
    return None if body is None else f"function({params}) {body}"


def _conditional(item: m.Expression) -> str | None:
    assert isinstance(item, m.Conditional)
    parts = [_paren(item.condition), _paren(item.then), _paren(item.otherwise)]
    if any(p is None for p in parts):
        return None
    # A boxed conditional is null when its condition is not a boolean; FEEL's if goes to else.
    choice = f"(if {parts[0]} then {parts[1]} else {parts[2]})"
    return f"if {parts[0]} instance of boolean then {choice} else null"


def _filter(item: m.Expression) -> str | None:
    assert isinstance(item, m.Filter)
    source, match = _paren(item.source), flatten(item.match)
    return None if source is None or match is None else f"{source}[{match}]"


def _iterator(item: m.Expression) -> str | None:
    assert isinstance(item, m.Iterator)
    source, body = _paren(item.source), _paren(item.body)
    if source is None or body is None:
        return None
    keyword = "return" if item.kind == "for" else "satisfies"
    return f"{item.kind} {item.variable} in {source} {keyword} {body}"


_HANDLERS = {
    m.LiteralExpression: _literal,
    m.Context: _context,
    m.List: _list,
    m.Relation: _relation,
    m.Invocation: _invocation,
    m.FunctionDefinition: _function,
    m.Conditional: _conditional,
    m.Filter: _filter,
    m.Iterator: _iterator,
}
