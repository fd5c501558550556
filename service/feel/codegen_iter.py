"""Generating code for paths, filters and iterations: Path / Filter / For / Quantified -> loops.

The closures of :mod:`service.feel.compile_iter` make an Env per item or iteration; the
generated code keeps the iteration variable, the filter's ``item`` and the item's entries
in Python variables instead (a filter's names are looked up in the item first, per item,
as the closure's scope does). Errors are caught where the closures catch them, with the
same spans, and each item or iteration spends a step of the time budget, as there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from typing import Any

from service.feel import nodes as n
from service.feel.codegen_base import GeneratorBase, Layer
from service.feel.compile_base import constant_value
from service.feel.compile_iter import _is_literal_number


class IterGenerator(GeneratorBase):
    """``gen_<Node>`` for paths, filters, ``for`` and ``some``/``every``."""

    def gen_Path(self, node: n.Path) -> str:
        """``a.b``: a context's entry inline, anything else by ``member``."""
        base, target = self.gen(node.base), self.temp()
        name = self.const(node.member)
        with self.block(f"if _type({base}) is _dict:"):
            self.emit(f"{target} = {base}.get({name})")
        with self.block("else:"):
            self.emit(
                f"{target} = _op2({self.warn}, _member, {base}, {name}, {self.src}, "
                f"{self.span(node)})"
            )
        return target

    def gen_Filter(self, node: n.Filter) -> str:
        """``list[condition]``: the items for which it is true (a number first: an index)."""
        base = self.first_position(node)
        if base is None:
            base = self.gen(node.base)
        target = self.temp()
        with self.block(f"if {base} is None:"):
            self.emit(f"{target} = None")
        with self.block("else:"):
            items = self.temp("_l")
            self.emit(f"{items} = {base} if _isinstance({base}, _list) else [{base}]")
            with self.guarded(target, node):
                if _is_literal_number(node.condition):
                    self.emit(f"{target} = _index({items}, {self.gen(node.condition)})")
                else:
                    self.emit(f"{target} = {self.filter_loop(items, node.condition)}")
        return target

    def first_position(self, node: n.Filter) -> str | None:
        """``index of(list, match)[1]``, the built-in certainly meant, gives the first
        position only: the list of positions computed up to it (see
        :func:`~service.feel.builtins.lists.index_of_first`). None for any other shape."""
        call, condition = node.base, node.condition
        if not (
            isinstance(call, n.FunctionCall)
            and isinstance(call.function, n.Name)
            and call.function.name == "index of"
            and len(call.arguments) == 2
            and all(a.name is None for a in call.arguments)
            and _is_literal_number(condition)
        ):
            return None
        position = constant_value(self.closure_of(condition))
        if type(position) is not Decimal or position != 1:
            return None
        static = self.static_builtin("index of")
        if static is None or not _is_index_of(static):
            return None
        from service.feel.builtins import lists  # the built-ins import the compiler

        target = self.temp()
        with self.guarded(target, call):
            lst, match = (self.gen(a.value) for a in call.arguments)
            self.emit(f"{target} = {self.const(lists.index_of_first)}({self.warn}, {lst}, {match})")
        return target

    def filter_loop(self, items: str, condition: n.Node) -> str:
        """The loop keeping the items for which ``condition`` is true."""
        kept, position = self.temp("_r"), self.temp("_p")
        item, entries = self.temp("_i"), self.temp("_d")
        self.emit(f"{kept} = []")
        evaluation = self.evaluation()
        with self.block(f"for {position}, {item} in _enumerate({items}):", loop=True):
            self.spend(evaluation)
            self.emit(f"{entries} = {item} if _isinstance({item}, _dict) else _EMPTY")
            self.layers.append(Layer(self.frame.index, item=item, entries=entries))
            self.open_filters += 1
            try:
                result = self.gen(condition)
            finally:
                self.open_filters -= 1
                self.layers.pop()
            with self.block(f"if {result} is True:"):
                self.emit(f"{kept}.append({item})")
            with self.block(f"elif {position} == 0 and _isinstance({result}, _Decimal):"):
                self.emit(f"{kept} = _index({items}, {result})")
                self.emit("break")
        return kept

    def gen_For(self, node: n.For) -> str:
        """``for ... return body``: nested loops, ``partial`` a copy of the results so far."""
        target, results = self.temp(), self.temp("_r")
        uses_partial = n.uses_name(node.body, "partial")
        with self.guarded(target, node):
            self.emit(f"{results} = []")
            with self.iterations(node.iterations) as (innermost, evaluation):
                if uses_partial:  # a step per result copied, as the closures count
                    self.spend(evaluation, f"_len({results})")
                    partial = self.temp("_v")
                    self.emit(f"{partial} = _list({results})")
                    innermost.names["partial"] = partial
                self.emit(f"{results}.append({self.gen(node.body)})")
            self.emit(f"{target} = {results}")
        return target

    def gen_Quantified(self, node: n.Quantified) -> str:
        """``some``/``every``: stops at the first combination deciding the answer."""
        wanted = "True" if node.quantifier == "some" else "False"
        target, answer = self.temp(), self.temp("_q")
        with self.guarded(target, node):
            self.emit(f"{answer} = {'False' if wanted == 'True' else 'True'}")
            with self.iterations(node.iterations, stop=(answer, wanted)):
                condition = self.gen(node.condition)
                test = "is" if wanted == "True" else "is not"
                with self.block(f"if {condition} {test} True:"):
                    self.emit(f"{answer} = {wanted}")
                    self.emit("break")
            self.emit(f"{target} = {answer}")
        return target

    @contextmanager
    def iterations(
        self, iterations: list[n.Iteration], stop: tuple[str, str] | None = None
    ) -> Iterator[tuple[Layer, str]]:
        """One loop per iteration context, each seeing the variables of the ones before;
        the lines written inside run for every combination. With ``stop`` (variable,
        value), the outer loops end as soon as the variable has that value. Each value
        of each domain is a step of the time budget. Yields the innermost layer and the
        variable holding the evaluation."""
        with ExitStack() as stack:
            layer = None
            evaluation = self.evaluation()
            for depth, iteration in enumerate(iterations):
                start = self.gen(iteration.domain)
                values = self.temp("_l")
                if iteration.domain_end is not None:
                    end = self.gen(iteration.domain_end)
                    self.emit(f"{values} = _count({start}, {end})")
                else:
                    self.emit(f"{values} = _domain({start})")
                var = self.temp("_v")
                if stop is not None and depth > 0:
                    stack.callback(self.emit, f"if {stop[0]} is {stop[1]}: break")
                stack.enter_context(self.block(f"for {var} in {values}:", loop=True))
                self.spend(evaluation)
                layer = stack.enter_context(self.static_layer({iteration.name: var}))
            assert layer is not None
            yield layer, evaluation


def _is_index_of(builtin: Any) -> bool:
    """Whether ``builtin`` is the registered ``index of`` whose two-argument overload is
    :func:`~service.feel.builtins.lists.index_of` (taking the Env first)."""
    from service.feel.builtins import lists, registry

    if registry.BUILTINS.get("index of") is not builtin:
        return False
    chosen = registry.positional_overload("index of", 2)
    return chosen is not None and chosen.impl is lists.index_of and chosen.needs_env
