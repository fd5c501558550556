"""Generating code for invocations and inline function definitions: FunctionCall /
FunctionDefinition -> lines.

A call of a built-in whose overload is known from the argument count calls the
implementation directly (when the callee is looked up at run time, only after checking
it is that built-in); other callees are invoked as the closure does. An inline
``function(a, b) body`` becomes a nested Python function whose parameters are Python
variables; it takes the outer variables it reads as default arguments, so that it sees
their values at its definition, as the closure's captured scope does.
"""

from __future__ import annotations

from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel import types
from service.feel.codegen_base import Frame, GeneratorBase
from service.feel.values import Function, Parameter


class CallsGenerator(GeneratorBase):
    """``gen_<Node>`` for invocations and function definitions."""

    def gen_FunctionCall(self, node: n.FunctionCall) -> str:
        """``f(args)`` or ``f(name: arg)``, evaluated in the closure's order: callee,
        then (when it is not null) the arguments."""
        function, target = node.function, self.temp()
        names = [a.name for a in node.arguments if a.name is not None]
        builtin = None
        if isinstance(function, n.Name):
            builtin = self.compiler.builtin(function.name)
            static = self.static_builtin(function.name)
            if static is not None and not names:
                with self.guarded(target, node):
                    args = [self.gen(a.value) for a in node.arguments]
                    self.emit(f"{target} = {self.builtin_call(static, function.name, args)}")
                return target
            callee = self.load(function.name, function, messages.unknown_function)
        else:
            callee = self.gen(function)
        with self.block(f"if {callee} is None:"):
            self.emit(f"{target} = None")
        with self.block("else:"), self.guarded(target, node):
            with self.block(f"if _type({callee}) is not _Function:"):
                self.emit(f"_check_function({callee})")
            args = [self.gen(a.value) for a in node.arguments]
            if names:
                pairs = ", ".join(
                    f"{self.const(name)}: {arg}" for name, arg in zip(names, args, strict=True)
                )
                self.emit(f"{target} = {callee}.invoke({self.warn}, [], {{{pairs}}})")
                return target
            generic = f"{callee}.invoke({self.warn}, [{', '.join(args)}], None)"
            direct = self.direct_call(builtin, function, args)
            if direct is None:
                self.emit(f"{target} = {generic}")
                return target
            with self.block(f"if {callee} is {self.const(builtin)}:"):
                self.emit(f"{target} = {direct}")
            with self.block("else:"):
                self.emit(f"{target} = {generic}")
        return target

    def direct_call(self, builtin: Any, function: n.Node, args: list[str]) -> str | None:
        """The direct call of ``builtin``'s implementation, when it is a built-in."""
        if builtin is None or not isinstance(function, n.Name):
            return None
        return _overload_call(self, builtin, function.name, args)

    def builtin_call(self, builtin: Function, name: str, args: list[str]) -> str:
        """A call of a built-in no scope can hide: its overload's implementation when the
        registry tells which it is, else its ``invoke``."""
        direct = _overload_call(self, builtin, name, args)
        if direct is not None:
            return direct
        return f"{self.const(builtin)}.invoke({self.warn}, [{', '.join(args)}], None)"

    def gen_FunctionDefinition(self, node: n.FunctionDefinition) -> str:
        """``function(a, b: T) body`` as a nested Python function (external ones are left
        to the closure)."""
        if node.external:
            return self.fallback(node)
        compiler = self.compiler
        names = [p.name for p in node.parameters]
        declared = [
            compiler.feel_type(p.type) if p.type is not None else None for p in node.parameters
        ]
        parameters = [
            Parameter(p.name, compiler.source[p.type.span[0] : p.type.span[1]] if p.type else None)
            for p in node.parameters
        ]
        signature = types.FunctionType([t or types.ANY for t in declared], types.ANY)
        frame = Frame(len(self.frames), "caller")
        self.frames.append(frame)
        saved_lines, saved_blocks = self.lines, self.blocks
        self.lines, self.blocks = [], 0
        self.indent += 1
        try:
            self.spend(self.evaluation())  # an invocation is a step, as the closure's
            variables = {name: self.temp("_v") for name in names}
            self.bind_parameters(names, declared, variables)
            with self.static_layer(variables):
                result = self.gen(node.body)
            self.emit(f"return {result}")
            body = self.lines
            first = self.frame_start(frame)
        finally:
            self.lines, self.blocks = saved_lines, saved_blocks
            self.indent -= 1
            self.frames.pop()
        fn = self.temp("_f")
        captured = "".join(f", {var}={var}" for var in frame.captures)
        self.emit(f"def {fn}(caller, args, named, env=env{captured}):")
        self.lines.extend(first)
        self.lines.extend(body)
        target = self.temp()
        self.emit(
            f"{target} = _make_function({self.const(parameters)}, {fn}, {self.const(signature)})"
        )
        return target

    def bind_parameters(
        self, names: list[str], declared: list[Any], variables: dict[str, str]
    ) -> None:
        """Arguments into the parameters' variables: positional ones of the right count
        directly, anything else by ``_bind`` (which raises the closure's errors); then
        the declared types' conversions."""
        bound = self.temp("_b")
        slow = [f"{bound} = _bind({self.const(names)}, args, named)"] + [
            f"{var} = {bound}[{self.const(name)}]" for name, var in variables.items()
        ]
        if names and len(set(names)) == len(names):
            with self.block(f"if named is None and _len(args) == {len(names)}:"):
                self.emit(f"{', '.join(variables[name] for name in names)}, = args")
            with self.block("else:"):
                for line in slow:
                    self.emit(line)
        else:
            for line in slow:
                self.emit(line)
        for name, feel_type in zip(names, declared, strict=True):
            if feel_type is not None:
                var, key = variables[name], self.const(name)
                self.emit(f"{var} = _conform({key}, {var}, {self.const(feel_type)})")


def _overload_call(gen: GeneratorBase, builtin: Any, name: str, args: list[str]) -> str | None:
    """``impl(args...)`` for the overload of built-in ``name`` that the registry would pick
    for ``len(args)`` positional arguments, passing them as it would; None when the
    registry's overloads are not readable or none takes that many arguments."""
    from service.feel.builtins import registry

    if registry.BUILTINS.get(name) is not builtin:
        return None
    chosen = registry.positional_overload(name, len(args))
    if chosen is None:
        return None
    impl, needs_env, variadic = chosen.impl, chosen.needs_env, chosen.variadic
    width = len(chosen.names)
    parts = [gen.warn] if needs_env else []
    if variadic:
        parts += [*args[: width - 1], f"[{', '.join(args[width - 1 :])}]"]
    else:
        parts += [*args, *(["None"] * (width - len(args)))]
    return f"{gen.const(impl)}({', '.join(parts)})"
