"""Generating code for names, operators, logic, ``if`` and constructors: AST node -> lines.

Each method follows the closure of :mod:`service.feel.compile_ops` for the same node:
the same operator from :mod:`service.feel.ops`, the same warning span, the same order of
evaluation. The usual operands are handled inline (two numbers, two strings), the rest by
the same ``ops`` function the closure calls.
"""

from __future__ import annotations

from decimal import Decimal

from service.feel import nodes as n
from service.feel.codegen_base import GeneratorBase
from service.feel.compile_base import NOT_CONSTANT, constant_value
from service.feel.compile_ops import ARITHMETIC, COMPARISON, _chain

# FEEL comparison -> the Python operator that is FEEL's for two numbers or two strings.
PYTHON_COMPARISON = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

# Arithmetic done inline on two numbers: the decimal context's method (same rounding and
# signals as ops); the string concatenation of ``+`` besides.
INLINE_ARITHMETIC = {"+": "_add", "-": "_subtract", "*": "_multiply"}


class OpsGenerator(GeneratorBase):
    """``gen_<Node>`` for names, operators, logic, ``if`` and constructors."""

    def gen_Name(self, node: n.Name) -> str:
        """A variable, an item's entry, a built-in, or null with a warning."""
        return self.load(node.name, node)

    # --- arithmetic and comparison ------------------------------------------------------

    def gen_Arithmetic(self, node: n.Arithmetic) -> str:
        """``+ - * / **``; ``+``/``-`` chains in sequence, as the closure's loop."""
        if node.op not in ("+", "-"):
            return self.arithmetic(node.op, self.gen(node.left), self.gen(node.right), node)
        steps: list[n.Arithmetic] = []
        current: n.Node = node
        while isinstance(current, n.Arithmetic) and current.op in ("+", "-"):
            steps.append(current)
            current = current.left
        value = self.gen(current)
        for step in reversed(steps):
            value = self.arithmetic(step.op, value, self.gen(step.right), step)
        return value

    def arithmetic(self, op: str, a: str, b: str, node: n.Node) -> str:
        """``a op b``: inline for two numbers (and two strings for ``+``), else ``ops``."""
        target = self.temp()
        slow = (
            f"{target} = _op2({self.warn}, {self.const(ARITHMETIC[op])}, {a}, {b}, "
            f"{self.src}, {self.span(node)})"
        )
        fast = INLINE_ARITHMETIC.get(op)
        if fast is None:
            self.emit(slow)
            return target
        with self.block(f"if _type({a}) is _Decimal and _type({b}) is _Decimal:"):
            # A decimal signal (overflow) is redone by ops, which words the warning.
            with self.block("try:", loop=True):
                self.emit(f"{target} = {fast}({a}, {b})")
            with self.block("except _Exception:"):
                self.emit(slow)
        if op == "+":
            with self.block(f"elif _type({a}) is _str and _type({b}) is _str:"):
                self.emit(f"{target} = {a} + {b}")
        with self.block("else:"):
            self.emit(slow)
        return target

    def gen_Negation(self, node: n.Negation) -> str:
        """``-x``: inline for a number (a signal redone by ``ops``, which words it)."""
        value, target = self.gen(node.operand), self.temp()
        slow = f"{target} = _op1({self.warn}, _ops_negate, {value}, {self.src}, {self.span(node)})"
        with self.block(f"if _type({value}) is _Decimal:"):
            with self.block("try:", loop=True):
                self.emit(f"{target} = _minus({value})")
            with self.block("except _Exception:"):
                self.emit(slow)
        with self.block("else:"):
            self.emit(slow)
        return target

    def gen_Comparison(self, node: n.Comparison) -> str:
        """``= != < <= > >=``: inline for two numbers or two strings, else ``ops``."""
        op, python_op = self.const(COMPARISON[node.op]), PYTHON_COMPARISON[node.op]
        left = self.gen(node.left)
        known = constant_value(self.closure_of(node.right))
        target = self.temp()
        if node.op in ("=", "!=") and (known is None or type(known) is bool):
            self.emit(f"{target} = {_equality(left, known, node.op == '=')}")
            return target
        if known is not NOT_CONSTANT and type(known) in (Decimal, str):
            right = self.const(known)
            same = f"_type({left}) is {self.const(type(known))}"
        else:
            right = self.gen(node.right)
            kind = self.temp("_y")
            self.emit(f"{kind} = _type({left})")
            same = f"{kind} is _type({right}) and ({kind} is _str or {kind} is _Decimal)"
        with self.block(f"if {same}:"):
            self.emit(f"{target} = {left} {python_op} {right}")
        with self.block("else:"):
            self.emit(
                f"{target} = _op2({self.warn}, {op}, {left}, {right}, {self.src}, "
                f"{self.span(node)})"
            )
        return target

    def gen_Between(self, node: n.Between) -> str:
        """``x between a and b``: ``a <= x and x <= b``, the bounds read inside the guard."""
        value, target = self.gen(node.value), self.temp()
        with self.guarded(target, node):
            low = self.gen(node.low)
            first = self.temp()
            self.emit(f"{first} = _less_equal({low}, {value})")
            high = self.gen(node.high)
            self.emit(f"{target} = _and3({first}, _less_equal({value}, {high}))")
        return target

    # --- logic --------------------------------------------------------------------------

    def gen_Conjunction(self, node: n.Conjunction) -> str:
        """``a and b and ...``: false wins, then null; stops at the first false."""
        return self.chain(_chain(node), stop="False")

    def gen_Disjunction(self, node: n.Disjunction) -> str:
        """``a or b or ...``: true wins, then null; stops at the first true."""
        return self.chain(_chain(node), stop="True")

    def chain(self, operands: list[n.Node], stop: str) -> str:
        """The three-valued chain: ``stop`` (False for and, True for or) as soon as an
        operand is it, else the other boolean when all operands are it, else null."""
        other = "True" if stop == "False" else "False"
        target = self.temp()
        self.emit(f"{target} = {other}")
        with self.block("for _ in _ONCE:", loop=True):
            for operand in operands:
                value = self.gen(operand)
                with self.block(f"if {value} is {stop}:"):
                    self.emit(f"{target} = {stop}")
                    self.emit("break")
                with self.block(f"if {value} is not {other}:"):
                    self.emit(f"{target} = None")
        return target

    def gen_If(self, node: n.If) -> str:
        """``if``-``else if`` chains as one sequence of branches (constant conditions
        settled now, as the closure does)."""
        branches: list[tuple[n.Node, n.Node]] = []
        otherwise: n.Node | None = None
        current: n.Node = node
        while isinstance(current, n.If):
            known = constant_value(self.closure_of(current.condition))
            if known is NOT_CONSTANT:
                branches.append((current.condition, current.then))
            elif known is True:
                otherwise = current.then
                break
            current = current.otherwise
        if otherwise is None:
            otherwise = current
        if not branches:
            return self.gen(otherwise)
        target = self.temp()
        if len(branches) == 1:
            condition = self.gen(branches[0][0])
            with self.block(f"if {condition} is True:"):
                self.emit(f"{target} = {self.gen(branches[0][1])}")
            with self.block("else:"):
                self.emit(f"{target} = {self.gen(otherwise)}")
            return target
        with self.block("for _ in _ONCE:", loop=True):
            for condition_node, then in branches:
                condition = self.gen(condition_node)
                with self.block(f"if {condition} is True:"):
                    self.emit(f"{target} = {self.gen(then)}")
                    self.emit("break")
            self.emit(f"{target} = {self.gen(otherwise)}")
        return target

    # --- constructors -------------------------------------------------------------------

    def gen_ListLiteral(self, node: n.ListLiteral) -> str:
        """``[a, b]``."""
        items = [self.gen(item) for item in node.items]
        target = self.temp()
        self.emit(f"{target} = [{', '.join(items)}]")
        return target

    def gen_ContextLiteral(self, node: n.ContextLiteral) -> str:
        """``{a: 1, b: a + 1}``: each entry sees the ones before it, in variables.

        Left to the closure when keys repeat, or when a function defined in an entry
        names an entry: it must see the context's scope as it grows (recursion).
        """
        keys = [entry.key for entry in node.entries]
        if len(set(keys)) != len(keys) or _defines_over(node, set(keys)):
            return self.fallback(node)
        values: list[str] = []
        with self.static_layer({}) as layer:
            for entry in node.entries:
                value = self.gen(entry.value)
                layer.names[entry.key] = value
                values.append(value)
        target = self.temp()
        pairs = ", ".join(f"{self.const(k)}: {v}" for k, v in zip(keys, values, strict=True))
        self.emit(f"{target} = {{{pairs}}}")
        return target

    def gen_RangeLiteral(self, node: n.RangeLiteral) -> str:
        """``[a..b]``: a Range value (null with a warning for bad end points)."""
        start, end = self.gen(node.start), self.gen(node.end)
        closed = self.const((node.start_included, node.end_included))
        target = self.temp()
        self.emit(
            f"{target} = _range({self.warn}, {start}, {end}, {closed}, {self.src}, "
            f"{self.span(node)})"
        )
        return target

    def gen_InstanceOf(self, node: n.InstanceOf) -> str:
        """``x instance of T`` (an unknown T is left to the closure, which warns)."""
        feel_type = self.compiler.feel_type(node.type)
        if feel_type is None:
            return self.fallback(node)
        value, target = self.gen(node.value), self.temp()
        self.emit(f"{target} = _is_instance({value}, {self.const(feel_type)})")
        return target

    def gen_In(self, node: n.In) -> str:
        """``x in tests``: a constant list of strings or of numbers as a set lookup,
        other tests by their compiled test."""
        value, target = self.gen(node.value), self.temp()
        members = self.constant_members(node.tests)
        if members is not None:
            kind, values = members
            self.emit(
                f"{target} = _type({value}) is {self.const(kind)} and {value} in "
                f"{self.const(values)}"
            )
            return target
        saved = self.compiler.open_scopes
        self.compiler.open_scopes = self.open_filters
        try:
            test = self.compiler.compile_tests(node.tests)
        finally:
            self.compiler.open_scopes = saved
        env = self.env_for(node.tests)
        self.emit(f"{target} = {self.const(test)}({value}, {env})")
        return target

    def constant_members(self, tests: n.UnaryTests) -> tuple[type, frozenset[object]] | None:
        """(str or Decimal, the values) when ``tests`` is one constant, non-empty list of
        strings only or numbers only: the input then matches exactly when it is of that
        type and among the values (an item of another type never equals it)."""
        if tests.negated or len(tests.tests) != 1:
            return None
        test = tests.tests[0]
        if not isinstance(test, n.ListLiteral):
            return None
        known = constant_value(self.closure_of(test))
        if not isinstance(known, list) or not known:
            return None
        kind = type(known[0])
        if kind not in (str, Decimal) or any(type(v) is not kind for v in known):
            return None
        return kind, frozenset(known)


def _defines_over(node: n.ContextLiteral, keys: set[str]) -> bool:
    """True when a function defined inside the context literal names one of its keys."""
    for inner in n.walk(node):
        if isinstance(inner, n.FunctionDefinition) and any(
            isinstance(x, n.Name) and x.name in keys for x in n.walk(inner.body)
        ):
            return True
    return False


def _equality(value: str, known: bool | None, equal: bool) -> str:
    """The expression of ``value = known`` (or ``!=`` when not ``equal``) for null or a
    boolean, as ``ops.equal`` answers: null equals only null; a boolean compares with
    booleans (and is unequal to null); any other value does not compare (null)."""
    if known is None:
        return f"{value} is None" if equal else f"{value} is not None"
    same, other = ("True", "False") if equal else ("False", "True")
    return (
        f"{same} if {value} is {'True' if known else 'False'} else "
        f"({other} if {value} is None or _type({value}) is _bool else None)"
    )
