"""The code generator's core: FEEL AST node -> lines of Python, names -> Python variables.

:class:`GeneratorBase` writes the body of one Python function, a node at a time: each
``gen_<Node>`` method (in :mod:`codegen_ops`, :mod:`codegen_iter`, :mod:`codegen_calls`)
emits statements and answers the Python expression holding the node's value (a temporary,
a variable, a constant). It decides nothing about FEEL's meaning by itself: it follows the
closure compiler (whose closure for every node it is given) step by step, and hands any
node it has no method for, or nested too deeply, to that node's closure.

Loops and invocations spend the evaluation's time budget exactly where the closures do
(:meth:`GeneratorBase.spend`); the ``except _Exception`` guards let its
EvaluationTimeout (a BaseException) through.

Safety: the generated text never contains a FEEL name, string or number. Every such value
sits in the constants tuple and is read through an identifier made from a counter (``_k3``);
names of variables and temporaries are made from counters too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel.compile_base import NOT_CONSTANT, Fn, constant_value, copier
from service.feel.errors import FeelEvalError

# Python refuses more than 20 nested loops/try blocks and 100 indentation levels; past
# these limits (checked when a node starts) a subtree is left to its closure. The level
# bounds the generator's own recursion.
MAX_BLOCKS = 12
MAX_INDENT = 40
MAX_LEVEL = 60


@dataclass(slots=True)
class Layer:
    """A scope the generated code keeps in Python variables.

    A static layer (iteration variables, parameters, context entries) maps FEEL names to
    variables. A filter layer stands for ``list[condition]``'s item scope: ``item`` and
    whatever entries the current item has, known only per item at run time.
    """

    frame: int  # the index of the Python function (frame) whose variables these are
    names: dict[str, str] = field(default_factory=dict)
    item: str | None = None  # filter: the variable holding the item
    entries: str | None = None  # filter: the item if it is a context, else an empty dict


@dataclass(slots=True)
class Frame:
    """One generated Python function: the top one or an inline FEEL function's."""

    index: int
    warn: str  # the variable of the Env warnings go to ("env", or "caller" in a function)
    caches: dict[str, str] = field(default_factory=dict)  # FEEL name -> its cache variable
    captures: dict[str, None] = field(default_factory=dict)  # outer variables used


class GeneratorBase:
    """Writes one function's source for one compiled text; see the module docstring."""

    _methods: dict[type, Callable[[Any, Any], str] | None]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._methods = {}

    def __init__(self, compiler: Any, closures: dict[int, Fn]) -> None:
        self.compiler = compiler
        self.closures = closures
        self.lines: list[str] = []
        self.indent = 0
        self.blocks = 0
        self.level = 0
        self.counter = 0
        self.constants: list[Any] = []
        self._constant_names: dict[Any, str] = {}
        self.layers: list[Layer] = []
        self.frames: list[Frame] = []
        self.open_filters = 0
        self.src = self.const(compiler.source)

    # --- writing -------------------------------------------------------------------------

    def emit(self, line: str) -> None:
        """Add one line at the current indentation."""
        self.lines.append("    " * self.indent + line)

    @contextmanager
    def block(self, header: str, loop: bool = False) -> Iterator[None]:
        """``header:`` and the lines written inside, indented; ``loop`` for for/try blocks,
        which Python counts."""
        self.emit(header)
        self.indent += 1
        self.blocks += loop
        try:
            yield
        finally:
            self.indent -= 1
            self.blocks -= loop

    def temp(self, prefix: str = "_t") -> str:
        """A new variable name (from a counter: never from the model)."""
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, value: Any) -> str:
        """The identifier generated code reads ``value`` through."""
        key: Any = ("s", value) if type(value) is str else ("i", id(value))
        name = self._constant_names.get(key)
        if name is None:
            name = self._constant_names[key] = f"_k{len(self.constants)}"
            self.constants.append(value)
        return name

    def span(self, node: n.Node) -> str:
        """The identifier of ``node``'s span, for warnings."""
        return self.const(node.span)

    @property
    def frame(self) -> Frame:
        """The Python function being written."""
        return self.frames[-1]

    @property
    def warn(self) -> str:
        """The variable of the Env warnings go to."""
        return self.frame.warn

    def fail_line(self, target: str, error: str, node: n.Node) -> str:
        """The statement making ``target`` null with a warning for ``error`` at ``node``."""
        return f"{target} = _fail({self.warn}, {error}, {self.src}, {self.span(node)})"

    @contextmanager
    def guarded(self, target: str, node: n.Node) -> Iterator[None]:
        """A try block whose exceptions make ``target`` null with a warning at ``node``,
        as the closures' ``try ... except: fail(...)``."""
        with self.block("try:", loop=True):
            yield
        with self.block("except _Exception as _e:"):
            self.emit(self.fail_line(target, "_e", node))

    # --- the time budget -----------------------------------------------------------------

    def evaluation(self) -> str:
        """A new variable holding the evaluation (read once, before a loop)."""
        var = self.temp("_ev")
        self.emit(f"{var} = {self.warn}.evaluation")
        return var

    def spend(self, evaluation: str, steps: str = "1") -> None:
        """Emit ``steps`` spent from the time budget of ``evaluation`` (a variable), as the
        closures do: the countdown, and the clock read when it runs out."""
        self.emit(f"{evaluation}.steps -= {steps}")
        with self.block(f"if {evaluation}.steps < 0:"):
            self.emit(f"{evaluation}.check_deadline()")

    # --- nodes ---------------------------------------------------------------------------

    def closure_of(self, node: n.Node) -> Fn:
        """The closure the compiler made for ``node`` (made now if it made none)."""
        fn = self.closures.get(id(node))
        if fn is None:
            saved = self.compiler.open_scopes
            self.compiler.open_scopes = self.open_filters
            try:
                fn = self.compiler.compile(node)
            finally:
                self.compiler.open_scopes = saved
        return fn

    def gen(self, node: n.Node) -> str:
        """Emit the code computing ``node``; the Python expression holding its value."""
        fn = self.closure_of(node)
        known = constant_value(fn)
        if known is not NOT_CONSTANT:
            return self.constant(known)
        kind = type(node)
        if kind not in self._methods:
            self._methods[kind] = getattr(type(self), "gen_" + kind.__name__, None)
        method = self._methods[kind]
        if (
            method is None
            or self.blocks > MAX_BLOCKS
            or self.indent > MAX_INDENT
            or self.level > MAX_LEVEL
        ):
            return self.fallback(node, fn)
        self.level += 1
        try:
            return method(self, node)
        finally:
            self.level -= 1

    def constant(self, value: Any) -> str:
        """A constant's value; lists and contexts copied, as the constant closures do."""
        name = self.const(value)
        copy = copier(value)
        if copy is None:
            return name
        target = self.temp()
        self.emit(f"{target} = {self.const(copy)}({name})")
        return target

    def fallback(self, node: n.Node, fn: Fn | None = None) -> str:
        """``node`` computed by its closure, in an Env binding the names we keep in variables."""
        fn = fn if fn is not None else self.closure_of(node)
        env = self.env_for(node)
        target = self.temp()
        self.emit(f"{target} = {self.const(fn)}({env})")
        return target

    def env_for(self, node: n.Node) -> str:
        """An Env for a closure of ``node``: the visible variables it may read, over ``env``."""
        names = {x.name for x in n.walk(node) if isinstance(x, n.Name)}
        if not names:  # nothing to look up: the Env only collects warnings
            return self.warn
        relevant = [
            layer for layer in self.layers if layer.item is not None or names & layer.names.keys()
        ]
        if not relevant and self.frame.index == 0:
            return "env"
        scope = self.temp("_s")
        self.emit(f"{scope} = {{}}")
        wanted = self.const(tuple(sorted(names)))
        for layer in relevant:  # outer first: inner layers overwrite, as scopes shadow
            if layer.item is not None and layer.entries is not None:
                item, entries = self.use(layer, layer.item), self.use(layer, layer.entries)
                self.emit(f"_bind_item({scope}, {item}, {entries}, {wanted})")
                continue
            for name, var in layer.names.items():
                if name in names:
                    self.emit(f"{scope}[{self.const(name)}] = {self.use(layer, var)}")
        caller = "None" if self.frame.index == 0 else self.warn
        env = self.temp("_e")
        self.emit(f"{env} = _scope({scope}, env, {caller})")
        return env

    # --- names ---------------------------------------------------------------------------

    def use(self, layer: Layer, var: str) -> str:
        """``var`` of ``layer`` read here: inner functions take it as a default argument."""
        for frame in self.frames[layer.frame + 1 :]:
            frame.captures[var] = None
        return var

    def static_builtin(self, name: str) -> Any:
        """The built-in ``name`` certainly means here (as ``CompilerBase.static_builtin``)."""
        compiler = self.compiler
        if not compiler.closed or self.open_filters or name in compiler.shadowed:
            return None
        return compiler.builtin(name)

    def load(
        self,
        name: str,
        node: n.Node,
        missing: Callable[[str], FeelEvalError] = messages.unknown_name,
    ) -> str:
        """The value of the FEEL name ``name``: from the innermost layer binding it, else
        the Env chain (read once per call of the function), else a built-in, else null
        with the warning ``missing(name)``."""
        target = self.temp()
        opened = 0
        key = self.const(name)
        for layer in reversed(self.layers):
            if layer.item is None:
                var = layer.names.get(name)
                if var is None:
                    continue
                self.use(layer, var)
                if not opened:
                    return var
                self.emit(f"{target} = {var}")
                break
            item, entries = self.use(layer, layer.item or ""), self.use(layer, layer.entries or "")
            if name == "item":  # the item, unless it has an entry named item
                self.emit(f"{target} = {entries}.get({key}, {item})")
                break
            self.emit(f"{target} = {entries}.get({key}, _UNSET)")
            self.emit(f"if {target} is _UNSET:")
            self.indent += 1
            opened += 1
        else:
            self.load_outer(name, node, missing, target)
        self.indent -= opened
        return target

    def load_outer(
        self, name: str, node: n.Node, missing: Callable[[str], FeelEvalError], target: str
    ) -> None:
        """``target`` = ``name`` looked up in the Env chain (cached per call), else the
        built-in of that name, else null with a warning."""
        static = self.static_builtin(name)
        if static is not None:
            self.emit(f"{target} = {self.const(static)}")
            return
        cache = self.frame.caches.get(name)
        if cache is None:
            cache = self.frame.caches[name] = self.temp("_o")
        builtin = self.compiler.builtin(name)
        key = self.const(name)
        self.emit(f"{target} = {cache}")
        with self.block(f"if {target} is _UNSET:"):
            # Most names are in the first scope: read it inline, walk the chain if not.
            self.emit(f"{target} = {cache} = env.vars.get({key}, _UNSET)")
            with self.block(f"if {target} is _UNSET:"):
                self.emit(f"{target} = {cache} = _lookup(env.parent, {key})")
                with self.block(f"if {target} is _UNSET:"):
                    if builtin is not None:
                        self.emit(f"{target} = {cache} = {self.const(builtin)}")
                    else:
                        self.emit(self.fail_line(target, self.const(missing(name)), node))

    @contextmanager
    def static_layer(self, names: dict[str, str]) -> Iterator[Layer]:
        """Names bound to Python variables while the lines inside are written."""
        layer = Layer(self.frame.index, names)
        self.layers.append(layer)
        try:
            yield layer
        finally:
            self.layers.pop()

    def frame_start(self, frame: Frame) -> list[str]:
        """The first line of a function (at the current indentation): its caches, empty."""
        if not frame.caches:
            return []
        return ["    " * self.indent + " = ".join([*frame.caches.values(), "_UNSET"])]
