"""FEEL AST in, one Python function out: compiled FEEL as generated code (fast path).

The closure compiler (:mod:`service.feel.compiler`) turns each node into a closure; calling
nested closures, making an Env per loop item and looking names up along the Env chain is
where evaluation spends its time. :func:`generate` writes instead the source of ONE Python
function for the whole expression (statements, temporaries, Python variables for
iteration variables, a filter's item and the parameters of inline functions, outer names
read once per call), compiles it with :func:`compile` and makes it once, at load time.

It gives the same values and the same warnings as the closures, which it follows node by
node; a node it has no code for (or one nested too deeply for Python) is computed by its
closure, given an Env holding the names the generated code keeps in variables. If
anything goes wrong while generating, the closures are used for the whole expression.

The switch: :data:`ENABLED`, from the environment variable ``TABLERX_FEEL_CODEGEN``
(``0`` turns code generation off), or ``compile_expression(..., codegen=False)``.
"""

from __future__ import annotations

import functools
import os
from types import CodeType
from typing import Any

from service.feel import nodes as n
from service.feel.codegen_base import Frame
from service.feel.codegen_calls import CallsGenerator
from service.feel.codegen_iter import IterGenerator
from service.feel.codegen_ops import OpsGenerator
from service.feel.codegen_runtime import HELPERS
from service.feel.compile_base import Fn

# The attribute marking a generated function, which turns every error into null itself.
GUARDED = "feel_guarded"

ENABLED = os.environ.get("TABLERX_FEEL_CODEGEN", "1").strip() != "0"


class Generator(OpsGenerator, IterGenerator, CallsGenerator):
    """All ``gen_<Node>`` methods for one compiled text."""

    def source_of(self, root: n.Node) -> str:
        """The source of ``_make(_K, _H)``, which returns the expression's function."""
        frame = Frame(0, "env")
        self.frames.append(frame)
        self.indent = 2
        # The last line of defence, as CompiledExpression.function's: null, never a crash.
        with self.block("try:", loop=True):
            result = self.gen(root)
            self.emit(f"return {result}")
        with self.block("except _Exception as _e:"):
            self.emit(f"return _fail(env, _e, {self.src}, {self.span(root)})")
        body, self.lines = self.lines, []
        first = self.frame_start(frame)
        lines = ["def _make(_K, _H):"]
        if self.constants:
            lines.append(f"    ({''.join(f'_k{i}, ' for i in range(len(self.constants)))}) = _K")
        lines.append(f"    ({''.join(f'{name}, ' for name in HELPERS)}) = _H")
        lines.append("    def _feel(env):")
        lines += first + body
        lines.append("    return _feel")
        return "\n".join(lines) + "\n"


def generate(
    compiler: Any, root: n.Node, closures: dict[int, Fn], strict: bool = False
) -> Fn | None:
    """The generated function computing ``root`` (compiled by ``compiler``, whose closure
    for each node is in ``closures``), or None when it could not be made (then the
    closures serve). ``strict`` raises instead, for tests."""
    try:
        generator = Generator(compiler, closures)
        source = generator.source_of(root)
        code = _code(source)
        namespace: dict[str, Any] = {"__builtins__": {}}
        exec(code, namespace)  # defines _make only: the text holds no model data
        fn: Fn = namespace["_make"](tuple(generator.constants), tuple(HELPERS.values()))
        setattr(fn, GUARDED, True)
        return fn
    except Exception:  # RecursionError, SyntaxError (too deep for Python), a defect
        if strict:
            raise
        return None


@functools.lru_cache(maxsize=4096)
def _code(source: str) -> CodeType:
    """The compiled ``source``. Expressions of the same shape (``a.b`` and ``c.d``) have
    the same source, their names and literals being constants: Python compiles it once."""
    return compile(source, "<feel>", "exec")


def source(compiler: Any, root: n.Node, closures: dict[int, Fn]) -> str:
    """The generated source for ``root`` (for tests and debugging)."""
    return Generator(compiler, closures).source_of(root)
