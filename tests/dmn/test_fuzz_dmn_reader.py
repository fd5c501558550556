"""Property-based robustness of DMN reading: mutated TCK models read cleanly or fail cleanly.

DMN files may come from anywhere, so every TCK model is mutated (truncated, elements and
attributes deleted, duplicated, moved or renamed, bytes flipped, namespaces changed, huge
attribute values, deeply nested elements, hostile XML) and the properties check that:

- :func:`read_dmn` returns Definitions or raises :class:`DmnReadError` whose diagnostics all
  carry a code from ``diagnostics.CODES``, never any other exception;
- the engine's ``load_definitions`` on a model that was read raises only ``ModelError``;
- evaluating a model that loaded, with no inputs at all, never raises.

Examples are derandomized, so every run checks the same mutations.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from service.dmn import DmnReadError, read_dmn
from service.dmn.diagnostics import CODES, Diagnostic
from service.dmn.reader import DMN_NAMESPACES
from service.engine import ModelError, load_definitions
from service.feel.values import Date, DaysTimeDuration, number

etree = pytest.importorskip("lxml.etree")

FUZZ = settings(
    derandomize=True,
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Element names a mutation may rename an element to: DMN's own and a few strangers.
DMN_ELEMENTS = [
    "definitions", "decision", "inputData", "itemDefinition", "itemComponent", "typeRef",
    "allowedValues", "businessKnowledgeModel", "encapsulatedLogic", "decisionService",
    "knowledgeSource", "literalExpression", "text", "decisionTable", "input", "inputExpression",
    "inputValues", "output", "outputValues", "defaultOutputEntry", "rule", "inputEntry",
    "outputEntry", "annotationEntry", "context", "contextEntry", "variable", "relation",
    "column", "row", "list", "invocation", "binding", "parameter", "functionDefinition",
    "formalParameter", "conditional", "if", "then", "else", "filter", "in", "match", "for",
    "every", "some", "return", "satisfies", "informationRequirement", "requiredDecision",
    "requiredInput", "knowledgeRequirement", "requiredKnowledge", "authorityRequirement",
    "import", "functionItem", "outputDecision", "encapsulatedDecision", "extensionElements",
    "description", "unknownThing",
]  # fmt: skip
ATTRIBUTES = [
    "id", "name", "typeRef", "href", "hitPolicy", "aggregation", "isCollection", "namespace",
    "kind", "iteratorVariable", "preferredOrientation", "outputLabel", "expressionLanguage",
    "importType", "label", "typeLanguage", "outputTypeRef", "locationURI",
]  # fmt: skip
NAMESPACES = [*DMN_NAMESPACES, "", "http://example.com/not-dmn", "https://www.omg.org/spec/DMN/"]
VALUES = [
    "", " ", "x", "#", "#missing", "true", "false", "maybe", "0", "-1", "UNIQUE", "COLLECT",
    "SUM", "PRIORITY", "number", "string", "feel:number", "nope:thing", "list<number>",
    "date and time", "FEEL", "Java", "PMML", "Rule-as-Row", "a b", "1 +", "if", "?", "名前",
    "Ärzte", "https://example.com/x#y", "\t\n",
]  # fmt: skip
FEEL_TEXTS = [
    "", "-", "1 +", "(", "[1..", '"open', "not(", "for i in 1..3 return i", "?", "x y z",
    "if", "{a: 1, a: 2}", "1 ** 2 ** 3", '@"2024-13-45"', "function(x) x", "1, 2, 3",
    "date and time", "< 5", "]1..2[", "null", "a.b.c", "/* open", "\u0000", "x" * 5000,
    "(" * 60 + "1" + ")" * 60, "- " * 500 + "1",
]  # fmt: skip
JUNK = [
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"<![CDATA[", b"<?xml version='1.0'?>",
    b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"</", b"<", b">", b"&", b"]]>", b"<!--", b"-->",
    b'<?xml version="1.0" encoding="UTF-16"?>', b'xmlns="urn:x"', b"\xc3", b"\xed\xa0\x80",
]  # fmt: skip


# Characters lxml lets us put into a tree (no control characters, surrogates, non-characters).
XML_CHARACTERS = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cn"])


@cache
def tck_bytes(tck_dir: Path) -> list[tuple[str, bytes]]:
    """Every TCK model's file name and bytes, read once."""
    paths = sorted(tck_dir.glob("compliance-level-*/**/*.dmn"))
    return [(path.name, path.read_bytes()) for path in paths]


@pytest.fixture(scope="module")
def models(tck_dir: Path) -> list[tuple[str, bytes]]:
    """The TCK models (the test is skipped when the TCK is absent)."""
    found = tck_bytes(tck_dir)
    if not found:
        pytest.skip(f"no .dmn files in the DMN TCK at {tck_dir}")
    return found


# --- mutations of the XML tree -----------------------------------------------------------------


def _elements(root: Any) -> list[Any]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


def _pick(draw: st.DrawFn, items: list[Any]) -> Any:
    return items[draw(st.integers(0, len(items) - 1))]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def delete_element(draw: st.DrawFn, root: Any) -> str:
    """Remove one element (never the root) with everything inside it."""
    el = _pick(draw, _elements(root)[1:] or [root])
    if el.getparent() is not None:
        el.getparent().remove(el)
    return f"delete <{_local(el.tag)}>"


def duplicate_element(draw: st.DrawFn, root: Any) -> str:
    """Copy one element next to itself (duplicate ids, names, entries)."""
    el = _pick(draw, _elements(root)[1:] or [root])
    if el.getparent() is not None:
        el.addnext(copy.deepcopy(el))
    return f"duplicate <{_local(el.tag)}>"


def move_element(draw: st.DrawFn, root: Any) -> str:
    """Move one element into another (not into itself or its descendants)."""
    elements = _elements(root)
    el, target = _pick(draw, elements[1:] or [root]), _pick(draw, elements)
    if el.getparent() is not None and el not in target.iterancestors() and el is not target:
        target.append(el)
    return f"move <{_local(el.tag)}> into <{_local(target.tag)}>"


def delete_attribute(draw: st.DrawFn, root: Any) -> str:
    """Remove one attribute of one element."""
    el = _pick(draw, _elements(root))
    if el.attrib:
        del el.attrib[_pick(draw, sorted(el.attrib))]
    return f"delete an attribute of <{_local(el.tag)}>"


def copy_attribute(draw: st.DrawFn, root: Any) -> str:
    """Copy one attribute of one element onto another."""
    elements = _elements(root)
    source, target = _pick(draw, elements), _pick(draw, elements)
    if source.attrib:
        name = _pick(draw, sorted(source.attrib))
        target.set(name, source.get(name))
    return f"copy an attribute of <{_local(source.tag)}> to <{_local(target.tag)}>"


def set_attribute(draw: st.DrawFn, root: Any) -> str:
    """Set an attribute to an odd, random or huge value."""
    el = _pick(draw, _elements(root))
    name = draw(st.sampled_from([*ATTRIBUTES, *sorted(el.attrib)]))
    value = draw(
        st.one_of(
            st.sampled_from(VALUES),
            st.text(XML_CHARACTERS, max_size=20),
            st.integers(1000, 200_000).map(lambda n: "x" * n),
        )
    )
    el.set(name, value)
    return f"set {name} on <{_local(el.tag)}>"


def set_text(draw: st.DrawFn, root: Any) -> str:
    """Replace the text of a ``<text>`` (or any element) with odd FEEL or random text."""
    texts = [el for el in _elements(root) if _local(el.tag) == "text"]
    el = _pick(draw, texts or _elements(root))
    el.text = draw(
        st.one_of(
            st.sampled_from(FEEL_TEXTS).map(lambda t: t.replace("\u0000", "")),
            st.text(XML_CHARACTERS, max_size=30),
        )
    )
    return f"set the text of <{_local(el.tag)}>"


def rename_element(draw: st.DrawFn, root: Any) -> str:
    """Give one element another DMN element's name, or an unknown one."""
    el = _pick(draw, _elements(root))
    new = draw(st.sampled_from(DMN_ELEMENTS))
    el.tag = f"{{{_namespace(el.tag)}}}{new}" if _namespace(el.tag) else new
    return f"rename an element to <{new}>"


def change_namespace(draw: st.DrawFn, root: Any) -> str:
    """Move one element into another DMN version's namespace, or out of DMN."""
    el = _pick(draw, _elements(root))
    ns = draw(st.sampled_from(NAMESPACES))
    el.tag = f"{{{ns}}}{_local(el.tag)}" if ns else _local(el.tag)
    return f"put <{_local(el.tag)}> in namespace {ns!r}"


def change_dmn_version(draw: st.DrawFn, root: Any) -> str:
    """Move every element of the root's namespace into another (DMN 1.1 ... or none)."""
    old, new = _namespace(root.tag), draw(st.sampled_from(NAMESPACES))
    for el in _elements(root):
        if _namespace(el.tag) == old:
            el.tag = f"{{{new}}}{_local(el.tag)}" if new else _local(el.tag)
    return f"move the whole model to namespace {new!r}"


def nest_deeply(draw: st.DrawFn, root: Any) -> str:
    """Hang a chain of 50 to 400 nested elements under one element."""
    el = _pick(draw, _elements(root))
    depth = draw(st.integers(50, 400))
    wrapper = draw(st.sampled_from(["context", "contextEntry", "list", "unknownThing", "if"]))
    ns = _namespace(root.tag)
    tag = f"{{{ns}}}{wrapper}" if ns else wrapper
    inner = el
    for _ in range(depth):
        inner = etree.SubElement(inner, tag)
    etree.SubElement(inner, tag).text = "1"
    return f"nest <{wrapper}> {depth} deep under <{_local(el.tag)}>"


def nest_boxed_contexts(draw: st.DrawFn, root: Any) -> str:
    """Valid DMN: a literal expression replaced by contexts nested ``depth`` deep (the reader
    allows about 200 levels of elements, so some of these reach the engine)."""
    literals = [el for el in _elements(root) if _local(el.tag) == "literalExpression"]
    if not literals:
        return "no literal expression to nest"
    el, depth = _pick(draw, literals), draw(st.integers(10, 70))
    ns = _namespace(el.tag)
    current = etree.Element(f"{{{ns}}}context")
    el.addnext(current)
    el.getparent().remove(el)
    for level in range(depth):
        entry = etree.SubElement(current, f"{{{ns}}}contextEntry")
        etree.SubElement(entry, f"{{{ns}}}variable", name=f"v{level}")
        current = etree.SubElement(entry, f"{{{ns}}}context")
    final = etree.SubElement(current, f"{{{ns}}}contextEntry")
    literal = etree.SubElement(final, f"{{{ns}}}literalExpression")
    etree.SubElement(literal, f"{{{ns}}}text").text = "1"
    return f"nest boxed contexts {depth} deep"


TREE_MUTATIONS = [
    delete_element, duplicate_element, move_element, delete_attribute, copy_attribute,
    set_attribute, set_text, rename_element, change_namespace, change_dmn_version, nest_deeply,
    nest_boxed_contexts,
]  # fmt: skip

# --- mutations of the bytes ---------------------------------------------------------------------


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    """Cut the document off anywhere."""
    return data[: draw(st.integers(0, len(data)))]


def flip_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """Overwrite up to eight bytes with random ones."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if out:
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
    return bytes(out)


def insert_junk(draw: st.DrawFn, data: bytes) -> bytes:
    """Insert XML fragments, BOMs, DTDs or stray bytes anywhere."""
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.sampled_from(JUNK)) + data[at:]


def duplicate_attribute_text(draw: st.DrawFn, data: bytes) -> bytes:
    """Write an attribute twice in one start tag: not well-formed XML."""
    at = data.find(b' id="', draw(st.integers(0, len(data))))
    if at < 0:
        return data
    end = data.index(b'"', at + 5) + 1
    return data[:end] + data[at:end] + data[end:]


ENCODINGS = [
    "UTF-8", "UTF-16", "UTF8", "latin-1", "cp1252", "bogus", "UTF-7", "cp932", "utf-32", "rot13",
    "idna", "punycode", "hz", "unicode_escape", "", "x" * 300,
]  # fmt: skip


def declare_encoding(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace the XML declaration with one naming another (maybe unreadable) encoding."""
    encoding = draw(st.sampled_from(ENCODINGS)).encode("ascii")
    return b'<?xml version="1.0" encoding="' + encoding + b'"?>' + data[data.index(b"?>") + 2 :]


BYTE_MUTATIONS = [truncate, flip_bytes, insert_junk, duplicate_attribute_text, declare_encoding]


@st.composite
def mutated_models(draw: st.DrawFn, models: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A TCK model after up to three tree mutations and maybe a byte mutation, described."""
    name, data = _pick(draw, models)
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    done = [name]
    for mutation in draw(st.lists(st.sampled_from(TREE_MUTATIONS), max_size=3)):
        done.append(mutation(draw, root))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if draw(st.integers(0, 2)) == 0:  # a third: most byte mutations make XML malformed
        mutation = draw(st.sampled_from(BYTE_MUTATIONS))
        data = mutation(draw, data)
        done.append(mutation.__name__)
    return "; ".join(done), data


# --- checks ----------------------------------------------------------------------------------


def read_or_fail_cleanly(data: bytes) -> Any:
    """The Definitions read from ``data``, or None after checking the DmnReadError raised."""
    try:
        return read_dmn(data, source_name="mutated.dmn")
    except DmnReadError as exc:
        check_diagnostics(exc.diagnostics, CODES)
        return None


def check_diagnostics(diagnostics: list[Diagnostic], codes: Collection[str]) -> None:
    """At least one diagnostic; each a Diagnostic with one of ``codes`` and a message."""
    assert diagnostics, "an error without diagnostics"
    for found in diagnostics:
        assert isinstance(found, Diagnostic), found
        assert found.code in codes, found
        assert found.message and str(found), found


@cache
def documented_codes() -> frozenset[str]:
    """Every code docs/error-codes.md documents (the engine's codes have no registry)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "error-codes.md").read_text()
    return frozenset(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_models_read_or_raise_dmn_read_error(
    models: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    description, mutated = data.draw(mutated_models(models))
    note(description)
    read_or_fail_cleanly(mutated)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_models_load_or_raise_model_error_and_evaluate_without_raising(
    models: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    description, mutated = data.draw(mutated_models(models))
    note(description)
    definitions = read_or_fail_cleanly(mutated)
    if definitions is None:
        return
    try:
        loaded = load_definitions([definitions])
    except ModelError as exc:
        check_diagnostics(exc.diagnostics, documented_codes())
        return
    for model in loaded:
        model.evaluate({})
        for service in model.service_names:
            model.invoke_service(service, {})


# Input values of every FEEL type, including ones of the wrong type for the declared input.
input_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6).map(number),
        st.sampled_from(["1E+6144", "-1E-6176", "0.5", "-0"]).map(number),
        st.text(max_size=10),
        st.builds(Date, st.integers(-999_999_999, 999_999_999), st.integers(1, 12), st.just(1)),
        st.builds(DaysTimeDuration, st.integers(-(10**9), 10**9).map(number)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "Name", "Age", "x y"]), inner, max_size=3),
    ),
    max_leaves=6,
)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_models_evaluate_any_inputs_without_raising(
    models: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    description, mutated = data.draw(mutated_models(models))
    note(description)
    definitions = read_or_fail_cleanly(mutated)
    if definitions is None:
        return
    try:
        loaded = load_definitions([definitions])
    except ModelError:
        return
    for model in loaded:
        inputs = {name: data.draw(input_values) for name in model.input_names}
        model.evaluate(inputs)
        for service in model.service_names:
            model.invoke_service(service, inputs)
