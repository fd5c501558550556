"""The DMN model: the spec's nouns as plain data (DMN 1.5, chapter 6-10).

The XML reader builds these from any DMN 1.1-1.5 file and the writer turns them into
DMN 1.5 XML; the engine compiles them; the spreadsheet compiler produces them.
Expression texts (FEEL) are kept as text here: parsing and compiling is the engine's job.

Every element may carry ``extensions``: tablerx's own metadata (where the element came
from in a workbook, a model's version and status), written as attributes in the tablerx
namespace inside ``extensionElements`` so that other DMN tools ignore them.
"""

from __future__ import annotations

from collections.abc import Iterator as _Iterator
from dataclasses import dataclass, field

# The URIs that name FEEL as an expression or type language, one per DMN version (1.1-1.5).
FEEL_URIS = frozenset(
    {
        "http://www.omg.org/spec/FEEL/20140401",
        "http://www.omg.org/spec/DMN/20180521/FEEL/",
        "https://www.omg.org/spec/DMN/20191111/FEEL/",
        "https://www.omg.org/spec/DMN/20211108/FEEL/",
        "https://www.omg.org/spec/DMN/20230324/FEEL/",
    }
)


def is_feel(language: str | None) -> bool:
    """True when an ``expressionLanguage``/``typeLanguage`` value means FEEL (None = default)."""
    return language is None or language.strip() in FEEL_URIS or language.strip().lower() == "feel"


@dataclass(slots=True, kw_only=True)
class Element:
    """Attributes every DMN element may have (DMNElement in the spec)."""

    id: str | None = None
    label: str | None = None
    description: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)


# --- types and variables ------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class ItemDefinition(Element):
    """A named type: a base type with constraints, a structure of components, a collection,
    or a function type."""

    name: str
    type_ref: str | None = None
    is_collection: bool = False
    allowed_values: str | None = None  # unary tests text
    type_constraint: str | None = None  # unary tests text (DMN 1.5)
    components: list[ItemDefinition] = field(default_factory=list)
    function_parameters: list[InformationItem] | None = None  # set for a function item
    function_output_type_ref: str | None = None
    type_language: str | None = None


@dataclass(slots=True, kw_only=True)
class InformationItem(Element):
    """A named, typed variable: a decision's result, an input, a parameter, a column."""

    name: str
    type_ref: str | None = None


# --- boxed expressions -----------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Expression(Element):
    """Base of every boxed expression."""

    type_ref: str | None = None


@dataclass(slots=True, kw_only=True)
class LiteralExpression(Expression):
    text: str = ""
    expression_language: str | None = None


@dataclass(slots=True, kw_only=True)
class UnaryTests(Element):
    """A decision table input entry or an allowed-values list, as text."""

    text: str = "-"
    expression_language: str | None = None


@dataclass(slots=True, kw_only=True)
class InputClause(Element):
    input_expression: LiteralExpression
    input_values: UnaryTests | None = None


@dataclass(slots=True, kw_only=True)
class OutputClause(Element):
    name: str | None = None
    type_ref: str | None = None
    output_values: UnaryTests | None = None
    default_output_entry: LiteralExpression | None = None


@dataclass(slots=True, kw_only=True)
class RuleAnnotationClause:
    name: str


@dataclass(slots=True, kw_only=True)
class DecisionRule(Element):
    input_entries: list[UnaryTests] = field(default_factory=list)
    output_entries: list[LiteralExpression] = field(default_factory=list)
    annotation_entries: list[str] = field(default_factory=list)


HIT_POLICIES = (
    "UNIQUE",
    "FIRST",
    "PRIORITY",
    "ANY",
    "COLLECT",
    "RULE ORDER",
    "OUTPUT ORDER",
)
AGGREGATIONS = ("SUM", "COUNT", "MIN", "MAX")


@dataclass(slots=True, kw_only=True)
class DecisionTable(Expression):
    hit_policy: str = "UNIQUE"
    aggregation: str | None = None  # only with COLLECT
    preferred_orientation: str | None = None
    output_label: str | None = None
    inputs: list[InputClause] = field(default_factory=list)
    outputs: list[OutputClause] = field(default_factory=list)
    annotations: list[RuleAnnotationClause] = field(default_factory=list)
    rules: list[DecisionRule] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ContextEntry(Element):
    """One entry of a boxed context; ``variable`` None is the context's final result entry."""

    variable: InformationItem | None
    value: Expression


@dataclass(slots=True, kw_only=True)
class Context(Expression):
    entries: list[ContextEntry] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Relation(Expression):
    columns: list[InformationItem] = field(default_factory=list)
    rows: list[list[Expression]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class List(Expression):
    items: list[Expression] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Binding:
    parameter: InformationItem
    value: Expression | None


@dataclass(slots=True, kw_only=True)
class Invocation(Expression):
    called: Expression  # usually a LiteralExpression naming the function
    bindings: list[Binding] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class FunctionDefinition(Expression):
    kind: str = "FEEL"  # FEEL, Java or PMML
    parameters: list[InformationItem] = field(default_factory=list)
    body: Expression | None = None


@dataclass(slots=True, kw_only=True)
class Conditional(Expression):
    condition: Expression
    then: Expression
    otherwise: Expression


@dataclass(slots=True, kw_only=True)
class Filter(Expression):
    source: Expression  # DMN's <in>
    match: Expression


@dataclass(slots=True, kw_only=True)
class Iterator(Expression):
    """DMN's For, Every and Some boxed expressions (``kind`` says which)."""

    kind: str  # "for", "every" or "some"
    variable: str
    source: Expression  # DMN's <in>
    body: Expression  # <return> for for, <satisfies> for every/some


# --- the requirement graph ------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Requirement:
    """An information, knowledge or authority requirement: ``href`` is ``#id`` or ``namespace#id``.

    ``kind``: "decision"/"input" (informationRequirement), "knowledge" (knowledgeRequirement),
    "authority" (authorityRequirement to a knowledge source), and the rare "authority-decision"/
    "authority-input" (authorityRequirement naming a decision or an input data).
    """

    kind: str
    href: str
    id: str | None = None  # of the informationRequirement/knowledgeRequirement/... element


@dataclass(slots=True, kw_only=True)
class InputData(Element):
    name: str
    variable: InformationItem


@dataclass(slots=True, kw_only=True)
class Decision(Element):
    name: str
    variable: InformationItem
    question: str | None = None
    allowed_answers: str | None = None
    requirements: list[Requirement] = field(default_factory=list)
    expression: Expression | None = None


@dataclass(slots=True, kw_only=True)
class BusinessKnowledgeModel(Element):
    name: str
    variable: InformationItem
    logic: FunctionDefinition | None = None
    requirements: list[Requirement] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class DecisionService(Element):
    name: str
    variable: InformationItem
    output_decisions: list[str] = field(default_factory=list)  # hrefs
    encapsulated_decisions: list[str] = field(default_factory=list)
    input_decisions: list[str] = field(default_factory=list)
    input_data: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class KnowledgeSource(Element):
    """An authority (guideline, regulation, expert) behind decisions; carries no logic.

    ``requirements`` holds its authority requirements (kinds "authority", "authority-decision"
    and "authority-input" of :class:`Requirement`); ``owner`` is an href.
    """

    name: str
    requirements: list[Requirement] = field(default_factory=list)
    type: str | None = None
    owner: str | None = None
    location_uri: str | None = None


@dataclass(slots=True, kw_only=True)
class Import(Element):
    namespace: str
    name: str
    import_type: str
    location_uri: str | None = None


@dataclass(slots=True, kw_only=True)
class Definitions(Element):
    """A DMN model: one file."""

    name: str
    namespace: str
    dmn_version: str = "1.5"  # of the file it was read from
    expression_language: str | None = None
    type_language: str | None = None
    imports: list[Import] = field(default_factory=list)
    item_definitions: list[ItemDefinition] = field(default_factory=list)
    input_data: list[InputData] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    business_knowledge_models: list[BusinessKnowledgeModel] = field(default_factory=list)
    decision_services: list[DecisionService] = field(default_factory=list)
    knowledge_sources: list[KnowledgeSource] = field(default_factory=list)

    def drg_elements(self) -> _Iterator[DrgElement]:
        """Every DRG element: input data, decisions, BKMs, decision services, knowledge sources."""
        yield from self.input_data
        yield from self.decisions
        yield from self.business_knowledge_models
        yield from self.decision_services
        yield from self.knowledge_sources


DrgElement = InputData | Decision | BusinessKnowledgeModel | DecisionService | KnowledgeSource
