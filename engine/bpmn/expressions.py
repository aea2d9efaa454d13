"""A safe evaluator for the expressions an uploaded BPMN may carry.

SpiffWorkflow evaluates gateway conditions and timer expressions with Python's ``eval``;
an uploaded BPMN could then run any command on the server. Alur evaluates them itself
and accepts only: literals (strings, numbers, booleans, None), names of task data,
tuples or lists of those, comparisons (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``,
``in``, ``not in``), ``and``, ``or``, ``not``. No calls, attributes, subscripts, lambdas,
comprehensions, f-strings, arithmetic, ``:=``, ``*`` or ``**``; at most
``MAX_EXPRESSION_CHARS`` characters and ``MAX_NESTING`` levels deep, so that neither
Python's parser nor this evaluator can be made to recurse without bound.

A timer's duration may also choose by case data with ``if``/``else`` (``conditional``):
``"PT1H" if prioritas == "kritis" else "PT4H"`` (README, "Konvensi BPMN").
"""

import ast
import functools
import operator
from collections.abc import Collection, Mapping
from typing import Any

from engine.numbers import grouped

MAX_EXPRESSION_CHARS = 1000
MAX_NESTING = 20
# How many checked expressions are kept parsed (each at most MAX_EXPRESSION_CHARS).
CHECKED_CACHE = 4096

# Functions a script task may call. The runtime (engine.runtime.adapter.AlurScriptEngine) runs
# none yet, so none is registered: every script task is refused at upload.
REGISTERED_FUNCTIONS: frozenset[str] = frozenset()

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

_SYMBOLS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
            ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in"}

_CONSTANT_TYPES = (str, int, float, bool, type(None))

_REFUSED_LABELS = {
    ast.Call: "pemanggilan fungsi", ast.Attribute: "akses atribut (.)",
    ast.Subscript: "subskrip ([...])", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension",
    ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
    ast.JoinedStr: "f-string", ast.FormattedValue: "f-string",
    ast.NamedExpr: "walrus (:=)", ast.Starred: "starred (*)",
    ast.BinOp: "operasi aritmetika", ast.IfExp: "ekspresi if-else",
    ast.Dict: "dict", ast.Set: "set", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Is: "is (tulis == atau !=, mis. status == None)",
    ast.IsNot: "is not (tulis !=, mis. status != None)", ast.Slice: "irisan (:)",
    ast.Invert: "operasi bit (~)", ast.UAdd: "tanda plus (+)", ast.USub: "tanda minus (-)",
}


class UnsafeExpression(ValueError):
    """The expression is not in the safe subset, or is not valid syntax."""


def check(expression: str, *, conditional: bool = False) -> ast.expr:
    """Parse ``expression`` and return its tree if it is in the safe subset.

    Args:
        conditional: also allow ``a if test else b`` (timer durations only).

    Raises:
        UnsafeExpression: with an Indonesian message naming the construct refused.
    """
    return _checked(expression, conditional)


@functools.lru_cache(maxsize=CHECKED_CACHE)
def _checked(expression: str, conditional: bool) -> ast.expr:
    # A process definition's few expressions are evaluated at every step; their trees are
    # only read (``_eval``, ``conditional_leaves``), so one parse serves them all.
    tree = _parse(expression)
    _check_tree(tree, conditional=conditional)
    return tree.body


def check_call(script: str, registered: Collection[str] = REGISTERED_FUNCTIONS) -> ast.Call:
    """Check that a script task's ``script`` is one call of a registered function.

    The script must read ``function(argument, name=argument)`` where ``function`` is in
    ``registered`` and every argument is a safe-subset expression. Nothing is run.

    Raises:
        UnsafeExpression: anything else, e.g. any script while nothing is registered.
    """
    refusal = UnsafeExpression("Alur hanya menjalankan fungsi yang terdaftar "
                               f"({', '.join(sorted(registered)) or 'belum ada'})")
    try:
        call = _parse(script).body
    except UnsafeExpression:
        raise refusal from None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in registered):
        raise refusal
    for keyword in call.keywords:
        if keyword.arg is None:
            raise UnsafeExpression("argumen **kwargs tidak diizinkan")
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        _check_tree(ast.Expression(body=argument))
    return call


class ConditionMismatch(ValueError):
    """A comparison of two values that cannot be compared (text with a number, ``in`` a
    number): the process data is not of the kind its BPMN expects, e.g. a text field tested
    with ``jumlah > 5``. Silently false, it would send every case down the other way (or
    stop the gateway with "no condition holds") and hide why. The message is Indonesian and
    names both values and their kinds."""

    def __init__(self, left: Any, op: ast.cmpop, right: Any) -> None:
        super().__init__(
            f"kondisi membandingkan {_kind(left)} {shown(left)} dengan {_kind(right)} "
            f"{shown(right)} ({_SYMBOLS[type(op)]}), yang tidak dapat dibandingkan; "
            "periksa jenis kolom formulir yang diuji (angka ditulis tanpa tanda kutip, "
            'teks dengan tanda kutip, mis. jumlah > 5 atau status == "baru")')


def evaluate(expression: str, data: Mapping[str, Any], *, conditional: bool = False) -> Any:
    """Evaluate a safe-subset ``expression`` against task ``data``.

    A name missing from ``data`` evaluates to None, so a condition on a field the user
    has not filled is simply false.

    Args:
        conditional: also allow ``a if test else b`` (timer durations only).

    Raises:
        UnsafeExpression: the expression is outside the safe subset.
        ConditionMismatch: a comparison of two values neither of which is None that cannot
            be compared (``"7" > 5``).
    """
    return _eval(check(expression, conditional=conditional), data)


def conditional_leaves(node: ast.expr) -> list[ast.expr]:
    """The values a checked conditional expression may take: ``["PT1H", "PT4H"]`` for
    ``"PT1H" if prioritas == "kritis" else "PT4H"``; ``[node]`` for a plain expression.
    The last one is the fallback (the value when no test holds)."""
    leaves, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.IfExp):
            stack.extend((current.orelse, current.body))
        else:
            leaves.append(current)
    return leaves


def _parse(expression: str) -> ast.Expression:
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise UnsafeExpression(f"ekspresi terlalu panjang ({grouped(len(expression))} karakter; "
                               f"batasnya {grouped(MAX_EXPRESSION_CHARS)})")
    if not expression.strip():
        raise UnsafeExpression("ekspresi kosong")
    try:
        return ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        at = f" di karakter {error.offset}" if error.offset else ""
        raise UnsafeExpression(f"ekspresi tidak dapat dibaca{at}; periksa tanda kutip, kurung "
                               'dan pembandingnya (sama dengan ditulis ==, mis. '
                               'keputusan == "ya")') from None
    except (ValueError, RecursionError, MemoryError):
        raise UnsafeExpression("ekspresi tidak dapat dibaca") from None


def _check_tree(tree: ast.Expression, conditional: bool = False) -> None:
    # Iterative, so that checking a deep tree cannot itself exhaust the stack.
    allowed = (*_ALLOWED, ast.IfExp) if conditional else _ALLOWED
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr_context):
            continue
        if depth > MAX_NESTING:
            raise UnsafeExpression(f"ekspresi bersarang terlalu dalam (lebih dari "
                                   f"{MAX_NESTING} tingkat)")
        if not isinstance(node, allowed):
            raise UnsafeExpression(
                f"ekspresi memuat {_label(node)}, yang tidak diizinkan "
                "(hanya perbandingan, and/or/not, nilai tetap dan nama data)")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"nama '{node.id}' tidak diizinkan")
        if isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANT_TYPES):
            raise UnsafeExpression(f"nilai tetap {type(node.value).__name__} tidak diizinkan")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "ya/tidak"
    if isinstance(value, (int, float)):
        return "angka"
    if isinstance(value, str):
        return "teks"
    return "daftar" if isinstance(value, (list, tuple)) else "nilai"


def shown(value: Any) -> str:
    """A value of process data as a message quotes it: text in double quotes, anything
    else as Python writes it, at most 60 characters (``…`` when cut)."""
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _label(node: ast.AST) -> str:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return "pangkat (**)"
    if isinstance(node, ast.Dict) and None in node.keys:
        return "pembongkaran dict (**)"
    return _REFUSED_LABELS.get(type(node), f"bagian Python '{type(node).__name__}'")


def _eval(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return data.get(node.id)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(item, data) for item in node.elts)
    if isinstance(node, ast.UnaryOp):
        return not _eval(node.operand, data)
    if isinstance(node, ast.BoolOp):
        values = (_eval(value, data) for value in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, data) else node.orelse, data)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, data)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, data)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                if left is None or right is None:  # a field left empty: simply false
                    return False
                raise ConditionMismatch(left, op, right) from None
            left = right
        return True
    raise UnsafeExpression(f"'{type(node).__name__}' tidak diizinkan")


_ALLOWED = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Tuple, ast.List,
    ast.UnaryOp, ast.Not, ast.BoolOp, ast.And, ast.Or, ast.Compare,
    *_COMPARE,
)
